import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { excerpt, kb, readBody } from './bodyReader';
import { seconds, watchUntil } from './deadline';
import { codeInWords } from './safeText';

/**
 * Only a video becomes a video. Before bytes are stored as the item's MP4 they must look like one:
 * a content type that is not text, HTML or JSON, and the file's own signature — an ISO media box
 * (`ftyp`, or a QuickTime top-level atom) at offset 4 — read from the first bytes as they pass,
 * without holding the file. While it streams, the download is held to its size cap, an idle
 * limit, an overall deadline and the execution's cancel signal; any of them ends it, and n8n
 * discards what it had written (its store writes to a temporary file first).
 */

const VIDEO_MIME_TYPE = 'video/mp4';
/** Enough for the signature and a readable start of an error page. */
const HEAD_BYTES = 512;
const BOX_TYPES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);
/** An error page sent as a video is read this far, to show what it said. */
const ERROR_PAGE_BYTES = 64 * 1024;

export interface DownloadLimits {
	maxBytes: number;
	idleMs: number;
	/** ms since epoch, for the whole download (all attempts). */
	deadline: number;
}

export interface IncomingVideo {
	stream: IN8nHttpFullResponse['body'];
	contentLength?: number;
	mimeType?: string;
}

/** A download the node refuses: not retried (the same URL gives the same answer). */
export class NotAVideo extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NotAVideo';
	}
}

/** A download stopped by one of its limits. */
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

function isTextual(mimeType: string): boolean {
	return /^text\/|html|json|xml|javascript/i.test(mimeType);
}

function looksLikeText(bytes: Buffer): boolean {
	if (bytes.length === 0) return false;
	let printable = 0;
	for (const byte of bytes) if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 0xc0) printable++;
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

/** The first bytes of a stream, put back afterwards; `ended` when the stream had no more. */
async function peek(stream: Streaming, limits: DownloadLimits, signal?: AbortSignal): Promise<{ head: Buffer; ended: boolean }> {
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let done = false;
		let lastData = Date.now();
		const stop = () => {
			done = true;
			stream.pause();
			stream.off('data', onData);
			stream.off('end', onEnd);
			stream.off('error', onError);
		};
		const onData = (chunk: Buffer) => {
			chunks.push(Buffer.from(chunk));
			size += chunk.length;
			lastData = Date.now();
			if (size >= HEAD_BYTES && !done) {
				stop();
				resolve({ head: Buffer.concat(chunks), ended: false });
			}
		};
		const onEnd = () => {
			if (done) return;
			stop();
			resolve({ head: Buffer.concat(chunks), ended: true });
		};
		const onError = (error: Error & { code?: string }) => {
			if (done) return;
			stop();
			reject(new DownloadStopped(`the download broke off (${codeInWords(error.code ?? error.message)})`, false));
		};
		const fail = (error: DownloadStopped) => {
			stop();
			stream.destroy();
			reject(error);
		};
		stream.on('data', onData);
		stream.on('end', onEnd);
		stream.on('error', onError);
		void watchUntil(
			() => done,
			() => {
				if (signal?.aborted) fail(new DownloadStopped('the execution was cancelled', true));
				else if (Date.now() >= limits.deadline) fail(new DownloadStopped('the download did not start in time', true));
				else if (Date.now() - lastData >= limits.idleMs) fail(new DownloadStopped(`no video data arrived for ${seconds(limits.idleMs)}`, false));
			},
		);
	});
}

/**
 * Streams a video into n8n binary data, or throws NotAVideo / DownloadStopped saying why not.
 * Nothing is stored unless the first bytes are a video's.
 */
export async function storeCheckedVideo(
	ctx: IExecuteFunctions,
	video: IncomingVideo,
	fileName: string,
	limits: DownloadLimits,
): Promise<IBinaryData> {
	const stream = video.stream as unknown as Streaming;
	const signal = ctx.getExecutionCancelSignal();
	const declared = video.contentLength;
	if (video.mimeType && isTextual(video.mimeType)) {
		const read = await readBody(video.stream, { maxBytes: ERROR_PAGE_BYTES, deadline: Math.min(limits.deadline, Date.now() + 10_000) });
		const head = read.ok ? read.bytes : Buffer.alloc(0);
		const size = read.ok ? `${head.length} bytes` : declared !== undefined ? `${declared} bytes` : 'size unknown';
		throw new NotAVideo(`the video host sent ${whatArrived(video.mimeType, size, head)} instead of a video`);
	}
	if (declared !== undefined && declared > limits.maxBytes) {
		stream.destroy();
		throw new NotAVideo(`the video is ${kb(declared)}, more than Max Video Size (${kb(limits.maxBytes)})`);
	}
	const { head, ended } = await peek(stream, limits, signal);
	if (!hasMediaSignature(head)) {
		stream.destroy();
		const size = ended ? `${head.length} bytes` : declared !== undefined ? `${declared} bytes` : `at least ${head.length} bytes`;
		if (ended && head.length === 0) throw new NotAVideo(`the video host sent an empty file (${video.mimeType ?? 'no content type'})`);
		throw new NotAVideo(`the video host sent something that is not an MP4 (${whatArrived(video.mimeType, size, head)})`);
	}
	if (ended) {
		// The whole file was in the first bytes: nothing left to stream.
		return await ctx.helpers.prepareBinaryData(head, fileName, VIDEO_MIME_TYPE);
	}
	stream.unshift(head);

	let received = 0;
	let lastData = Date.now();
	let stopped: DownloadStopped | undefined;
	let done = false;
	let failEarly: (error: DownloadStopped) => void = () => undefined;
	const failed = new Promise<never>((_resolve, reject) => (failEarly = reject));
	failed.catch(() => undefined);
	const stop = (why: DownloadStopped) => {
		stopped = why;
		stream.destroy(why);
	};
	const onData = (chunk: Buffer) => {
		received += chunk.length;
		lastData = Date.now();
		if (received > limits.maxBytes && !stopped) {
			stop(new DownloadStopped(`the video is larger than Max Video Size (${kb(limits.maxBytes)}); download stopped`, true));
		}
	};
	// Listening from here on, so an error before n8n's reader attaches is never unhandled, and a
	// reader that attaches to an already broken stream is not waited on.
	const onError = (error: Error & { code?: string }) =>
		failEarly(stopped ?? new DownloadStopped(`the download broke off (${codeInWords(error.code ?? error.message)})`, false));
	stream.on('error', onError);
	stream.on('data', onData);
	// Paused for the peek; back to "not yet flowing", so n8n's reader (pipe or 'data') starts it.
	stream.readableFlowing = null;
	const watch = watchUntil(
		() => done || stopped !== undefined,
		() => {
			if (signal?.aborted) stop(new DownloadStopped('the execution was cancelled', true));
			else if (Date.now() >= limits.deadline) stop(new DownloadStopped(`the download did not finish in time (${kb(received)} received)`, true));
			else if (Date.now() - lastData >= limits.idleMs) stop(new DownloadStopped(`the download stalled: no data for ${seconds(limits.idleMs)} after ${kb(received)}`, false));
		},
	);
	let failure: DownloadStopped;
	try {
		const storing = ctx.helpers.prepareBinaryData(
			video.stream as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
			fileName,
			VIDEO_MIME_TYPE,
		);
		storing.catch(() => undefined);
		const binary = await Promise.race([storing, failed]);
		if (stopped) throw stopped;
		return binary;
	} catch (error) {
		failure = stopped ?? asStopped(error);
	} finally {
		done = true;
		stream.off('data', onData);
		void watch;
	}
	throw failure;
}

function asStopped(error: unknown): DownloadStopped {
	if (error instanceof DownloadStopped) return error;
	const { code, message } = (error ?? {}) as { code?: string; message?: string };
	return new DownloadStopped(`the download broke off (${codeInWords(code ?? message ?? 'unknown error')})`, false);
}
