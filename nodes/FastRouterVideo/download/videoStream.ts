import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { codeInWords } from '../text/safeText';
import { excerpt, kb, seconds } from '../text/wording';
import { discard, readBody } from '../transport/answer';
import type { VideoStream } from '../transport/types';
import { type StopReason, watch } from '../transport/watch';

/**
 * Only a video becomes a video. Before bytes are stored as the item's MP4 they must look like one:
 * a content type that is not text, HTML or JSON, and the file's own signature — an ISO media box
 * (`ftyp`, or a QuickTime top-level atom) at offset 4 — read from the first bytes as they pass,
 * without holding the file. While it streams, the download is held to its size cap, an idle
 * limit, an overall deadline and the execution's cancel signal (transport/watch.ts's watcher);
 * any of them ends it, and n8n discards what it had written (its store writes to a temporary file
 * first).
 */

const VIDEO_MIME_TYPE = 'video/mp4';
/** Enough for the signature and a readable start of an error page. */
const HEAD_BYTES = 512;
const BOX_TYPES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);
/** An error page sent as a video is read this far, to show what it said. */
const ERROR_PAGE_BYTES = 64 * 1024;
/** ...and for at most this long. */
const ERROR_PAGE_MS = 10_000;

export interface DownloadLimits {
	maxBytes: number;
	idleMs: number;
	/** ms since epoch, for the whole download (all attempts). */
	deadline: number;
}

/** A download the node refuses: not retried (the same URL gives the same answer). */
export class NotAVideo extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NotAVideo';
	}
}

/** A download stopped by one of its limits; `final` ones are not tried again. */
export class DownloadStopped extends Error {
	constructor(
		message: string,
		readonly final: boolean,
	) {
		super(message);
		this.name = 'DownloadStopped';
	}
}

interface Streaming {
	on(event: string, listener: (...args: never[]) => void): unknown;
	off(event: string, listener: (...args: never[]) => void): unknown;
	pause(): unknown;
	unshift(chunk: Buffer): void;
	readableFlowing: boolean | null;
	destroy(error?: Error): unknown;
}

/**
 * Streams a video into n8n binary data, or throws NotAVideo / DownloadStopped saying why not.
 * Nothing is stored unless the first bytes are a video's.
 */
export async function storeCheckedVideo(
	ctx: IExecuteFunctions,
	video: VideoStream,
	fileName: string,
	limits: DownloadLimits,
): Promise<IBinaryData> {
	const stream = video.stream as unknown as Streaming;
	const signal = ctx.getExecutionCancelSignal();
	await refuseDeclaredNonVideo(video, stream, limits);
	const { head, ended } = await peek(stream, limits, signal);
	if (!hasMediaSignature(head)) {
		stream.destroy();
		const declared = video.contentLength;
		const size = ended
			? `${head.length} bytes`
			: declared !== undefined
				? `${declared} bytes`
				: `at least ${head.length} bytes`;
		if (ended && head.length === 0)
			throw new NotAVideo(
				`the video host sent an empty file (${video.mimeType ?? 'no content type'})`,
			);
		throw new NotAVideo(
			`the video host sent something that is not an MP4 (${whatArrived(video.mimeType, size, head)})`,
		);
	}
	// The whole file was in the first bytes: nothing left to stream.
	if (ended) return await ctx.helpers.prepareBinaryData(head, fileName, VIDEO_MIME_TYPE);
	stream.unshift(head);
	return await streamIntoStore(ctx, video, fileName, limits, signal);
}

/** What the headers alone say is not a video (a text type, a size over the cap) is refused before reading it. */
async function refuseDeclaredNonVideo(
	video: VideoStream,
	stream: Streaming,
	limits: DownloadLimits,
): Promise<void> {
	const declared = video.contentLength;
	if (video.mimeType && isTextual(video.mimeType)) {
		const read = await readBody(video.stream, {
			maxBytes: ERROR_PAGE_BYTES,
			deadline: Math.min(limits.deadline, Date.now() + ERROR_PAGE_MS),
		});
		const head = read.ok ? read.bytes : Buffer.alloc(0);
		const size = read.ok
			? `${head.length} bytes`
			: declared !== undefined
				? `${declared} bytes`
				: 'size unknown';
		throw new NotAVideo(
			`the video host sent ${whatArrived(video.mimeType, size, head)} instead of a video`,
		);
	}
	if (declared !== undefined && declared > limits.maxBytes) {
		discard(video.stream);
		throw new NotAVideo(
			`the video is ${kb(declared)}, more than Max Video Size (${kb(limits.maxBytes)})`,
		);
	}
}

/** The first bytes of a stream, put back afterwards by the caller; `ended` when the stream had no more. */
async function peek(
	stream: Streaming,
	limits: DownloadLimits,
	signal?: AbortSignal,
): Promise<{ head: Buffer; ended: boolean }> {
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const stop = () => {
			watcher.end();
			stream.pause();
			stream.off('data', onData);
			stream.off('end', onEnd);
			stream.off('error', onError);
		};
		const watcher = watch(
			{ deadline: limits.deadline, idleMs: limits.idleMs, signal },
			(reason) => {
				stop();
				stream.destroy();
				reject(limitReached(reason, limits, 'before'));
			},
		);
		const onData = (chunk: Buffer) => {
			chunks.push(Buffer.from(chunk));
			size += chunk.length;
			watcher.touch();
			if (size >= HEAD_BYTES && !watcher.ended) {
				stop();
				resolve({ head: Buffer.concat(chunks), ended: false });
			}
		};
		const onEnd = () => {
			if (watcher.ended) return;
			stop();
			resolve({ head: Buffer.concat(chunks), ended: true });
		};
		const onError = (error: Error & { code?: string }) => {
			if (watcher.ended) return;
			stop();
			reject(brokeOff(error));
		};
		stream.on('data', onData);
		stream.on('end', onEnd);
		stream.on('error', onError);
	});
}

/** The rest of the stream into n8n's binary store, held to the size cap and the watcher's limits. */
async function streamIntoStore(
	ctx: IExecuteFunctions,
	video: VideoStream,
	fileName: string,
	limits: DownloadLimits,
	signal?: AbortSignal,
): Promise<IBinaryData> {
	const stream = video.stream as unknown as Streaming;
	let received = 0;
	let stopped: DownloadStopped | undefined;
	let failEarly: (error: DownloadStopped) => void = () => undefined;
	const failed = new Promise<never>((_resolve, reject) => (failEarly = reject));
	// Read by the race below; once the store has won it, a later stream error has nothing left to
	// fail and must not become an unhandled rejection.
	failed.catch(() => undefined);
	const stop = (why: DownloadStopped) => {
		watcher.end();
		stopped = why;
		stream.destroy(why);
	};
	const watcher = watch({ deadline: limits.deadline, idleMs: limits.idleMs, signal }, (reason) => {
		stopped = limitReached(reason, limits, 'after', received);
		stream.destroy(stopped);
	});
	const onData = (chunk: Buffer) => {
		received += chunk.length;
		watcher.touch();
		if (received > limits.maxBytes && !stopped) {
			stop(
				new DownloadStopped(
					`the video is larger than Max Video Size (${kb(limits.maxBytes)}); download stopped`,
					true,
				),
			);
		}
	};
	// Listening from here on, so an error before n8n's reader attaches is never unhandled, and a
	// reader that attaches to an already broken stream is not waited on.
	stream.on('error', (error: Error & { code?: string }) => failEarly(stopped ?? brokeOff(error)));
	stream.on('data', onData);
	// Paused for the peek; back to "not yet flowing", so n8n's reader (pipe or 'data') starts it.
	stream.readableFlowing = null;
	try {
		const storing = ctx.helpers.prepareBinaryData(
			video.stream as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
			fileName,
			VIDEO_MIME_TYPE,
		);
		// Likewise n8n's store when the stream fails first: the race has already taken that error.
		storing.catch(() => undefined);
		const binary = await Promise.race([storing, failed]);
		if (stopped) throw stopped;
		return binary;
	} catch (error) {
		throw stopped ?? brokeOff(error);
	} finally {
		watcher.end();
		stream.off('data', onData);
	}
}

/** A limit of the watcher, in words: `before` the first bytes arrived, or `after` some. */
function limitReached(
	reason: StopReason,
	limits: DownloadLimits,
	when: 'before' | 'after',
	received = 0,
): DownloadStopped {
	if (reason === 'cancelled') return new DownloadStopped('the execution was cancelled', true);
	if (reason === 'deadline') {
		return new DownloadStopped(
			when === 'before'
				? 'the download did not start in time'
				: `the download did not finish in time (${kb(received)} received)`,
			true,
		);
	}
	return new DownloadStopped(
		when === 'before'
			? `no video data arrived for ${seconds(limits.idleMs)}`
			: `the download stalled: no data for ${seconds(limits.idleMs)} after ${kb(received)}`,
		false,
	);
}

/** The one wording of a download that broke off: the error's code in words, else its message. */
export function brokeOff(error: unknown): DownloadStopped {
	if (error instanceof DownloadStopped) return error;
	const { code, message } = (error ?? {}) as { code?: string; message?: string };
	return new DownloadStopped(
		`the download broke off (${codeInWords(code ?? message ?? 'unknown error')})`,
		false,
	);
}

function isTextual(mimeType: string): boolean {
	return /^text\/|html|json|xml|javascript/i.test(mimeType);
}

function looksLikeText(bytes: Buffer): boolean {
	if (bytes.length === 0) return false;
	let printable = 0;
	for (const byte of bytes)
		if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 0xc0)
			printable++;
	return printable / bytes.length > 0.9;
}

function hasMediaSignature(head: Buffer): boolean {
	if (head.length < 8) return false;
	const size = head.readUInt32BE(0);
	return (size === 1 || size >= 8) && BOX_TYPES.has(head.subarray(4, 8).toString('latin1'));
}

/** What arrived instead of a video, in words: type, size, the start of the text. */
function whatArrived(mimeType: string | undefined, size: string, head: Buffer): string {
	const type = mimeType ? `${mimeType}` : 'no content type';
	const text = looksLikeText(head) ? `, starting ${excerpt(head.toString('utf8'))}` : '';
	return `${type}, ${size}${text}`;
}
