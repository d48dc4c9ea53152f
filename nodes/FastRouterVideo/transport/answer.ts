import type { IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { codeInWords } from '../text/safeText';
import { excerpt, kb, seconds } from '../text/wording';
import type { VideoStream } from './types';
import { watch } from './watch';

/**
 * What comes back, as the node takes it: an answer that is not a video, read whole within its
 * limits (a size, a deadline, an idle gap), and the JSON object it should be — or words for what
 * came instead; a video, as the stream it is; and an answer nobody reads, closed.
 */

/** A JSON answer that stops arriving for this long is not coming. */
export const ANSWER_IDLE_MS = 30_000;

/** FastRouter's JSON answers are a few KB; a megabyte is already not an answer. */
const MAX_ANSWER_BYTES = 1024 * 1024;

interface StreamLike {
	on(event: string, listener: (...args: never[]) => void): unknown;
	destroy?: (error?: Error) => void;
}

type BodyRead = { ok: true; bytes: Buffer } | { ok: false; problem: string };

interface ReadLimits {
	maxBytes?: number;
	/** ms since epoch */
	deadline: number;
	idleMs?: number;
}

function isStream(body: unknown): body is StreamLike {
	return !!body && typeof (body as StreamLike).on === 'function';
}

/**
 * Reads an answer that is not a video whole, within its limits: an endless, trickling or hung
 * body ends as a sentence instead of a stuck item. The socket is closed on any limit.
 */
export async function readBody(
	body: IN8nHttpFullResponse['body'],
	limits: ReadLimits,
): Promise<BodyRead> {
	if (!isStream(body)) {
		if (Buffer.isBuffer(body)) return { ok: true, bytes: body };
		if (typeof body === 'string') return { ok: true, bytes: Buffer.from(body) };
		return { ok: true, bytes: Buffer.from(body === undefined ? '' : JSON.stringify(body)) };
	}
	const maxBytes = limits.maxBytes ?? MAX_ANSWER_BYTES;
	return await new Promise<BodyRead>((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const finish = (result: BodyRead, close: boolean) => {
			if (watcher.ended) return;
			watcher.end();
			if (close) body.destroy?.();
			resolve(result);
		};
		const watcher = watch(limits, (reason) => {
			body.destroy?.();
			resolve(
				reason === 'idle'
					? {
							ok: false,
							problem: `the answer stalled for ${seconds(limits.idleMs ?? 0)} after ${size} bytes`,
						}
					: {
							ok: false,
							problem: `the answer was still arriving when the time ran out (${size} bytes so far)`,
						},
			);
		});
		body.on('data', (chunk: Buffer) => {
			watcher.touch();
			size += chunk.length;
			if (size > maxBytes)
				finish(
					{ ok: false, problem: `an answer larger than ${kb(maxBytes)} (not read further)` },
					true,
				);
			else chunks.push(Buffer.from(chunk));
		});
		body.on('end', () => finish({ ok: true, bytes: Buffer.concat(chunks) }, false));
		body.on('error', (error: Error & { code?: string }) =>
			finish(
				{
					ok: false,
					problem: `the answer broke off after ${size} bytes (${codeInWords(error.code ?? error.message)})`,
				},
				false,
			),
		);
		body.on('close', () =>
			finish({ ok: false, problem: `the answer broke off after ${size} bytes` }, false),
		);
	});
}

type JsonRead = { ok: true; json: JsonObject } | { ok: false; what: string };

/** A JSON object, or words for what came instead. */
export function jsonObjectFrom(bytes: Buffer, contentType: string): JsonRead {
	const text = bytes.toString('utf8');
	if (text.trim() === '') return { ok: false, what: 'an empty answer' };
	if (/html/i.test(contentType) || /^\s*</.test(text))
		return { ok: false, what: `an HTML page (${excerpt(text)})` };
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return {
			ok: false,
			what: `text that is not JSON${contentType ? ` (${contentType})` : ''}: ${excerpt(text)}`,
		};
	}
	if (value === null) return { ok: false, what: 'JSON null' };
	if (Array.isArray(value))
		return { ok: false, what: `a JSON array (${value.length} entries) instead of an object` };
	if (typeof value !== 'object')
		return { ok: false, what: `a JSON ${typeof value} instead of an object: ${excerpt(text)}` };
	return { ok: true, json: value as JsonObject };
}

export function header(headers: IN8nHttpFullResponse['headers'], name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/** A response that is a video, as the stream it is, with what its headers say of it. */
export function videoStreamFrom(response: IN8nHttpFullResponse): VideoStream {
	const length = Number(header(response.headers, 'content-length'));
	return {
		stream: response.body,
		contentLength: Number.isFinite(length) && length >= 0 ? length : undefined,
		mimeType: header(response.headers, 'content-type')?.split(';')[0].trim(),
	};
}

/** Long enough for a first chunk to come; a response that sends none is ended then. */
const DISCARD_GRACE_MS = 1_000;

/**
 * Closes a response stream nobody will read, so that its connection is freed. The stream n8n hands
 * over may be a wrapper that reads the response only once it is read itself (axios with a content
 * limit): destroyed unread, it leaves the response paused, its socket open. So it is read once —
 * which starts the wrapper, whose end then closes the response — and destroyed at its first chunk,
 * or after a grace period when none comes.
 */
export function discard(body: IN8nHttpFullResponse['body']): void {
	const stream = body as
		| {
				destroy?: () => void;
				destroyed?: boolean;
				resume?: () => void;
				once?: (event: string, listener: () => void) => void;
		  }
		| undefined;
	if (!stream?.destroy || stream.destroyed) return;
	if (!stream.resume || !stream.once) {
		stream.destroy();
		return;
	}
	const end = () => stream.destroy?.();
	stream.once('data', end);
	// A late error of a stream nobody reads is nobody's concern; unheard, it would end the process.
	stream.once('error', () => {});
	stream.resume();
	void sleep(DISCARD_GRACE_MS).then(end);
}
