import type { IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';

import { seconds, watchUntil } from './deadline';
import { codeInWords } from './safeText';

/**
 * Every answer that is not a video is read through here: with a size limit, an idle limit and a
 * deadline, so an endless, trickling or hung body ends as a sentence instead of a stuck item.
 */

/** FastRouter's JSON answers are a few KB; a megabyte is already not an answer. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** How much of an unexpected answer the user is shown. */
const EXCERPT_CHARS = 120;

export interface StreamLike {
	on(event: string, listener: (...args: never[]) => void): unknown;
	destroy?: (error?: Error) => void;
}

export type BodyRead = { ok: true; bytes: Buffer } | { ok: false; problem: string };

export interface ReadLimits {
	maxBytes?: number;
	/** ms since epoch */
	deadline: number;
	idleMs?: number;
}

function isStream(body: unknown): body is StreamLike {
	return !!body && typeof (body as StreamLike).on === 'function';
}

/** Reads a response body whole, within its limits; the socket is closed on any limit. */
export async function readBody(body: IN8nHttpFullResponse['body'], limits: ReadLimits): Promise<BodyRead> {
	if (!isStream(body)) {
		if (Buffer.isBuffer(body)) return { ok: true, bytes: body };
		if (typeof body === 'string') return { ok: true, bytes: Buffer.from(body) };
		return { ok: true, bytes: Buffer.from(body === undefined ? '' : JSON.stringify(body)) };
	}
	const maxBytes = limits.maxBytes ?? MAX_ANSWER_BYTES;
	return await new Promise<BodyRead>((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let lastData = Date.now();
		let done = false;
		const finish = (result: BodyRead, close: boolean) => {
			if (done) return;
			done = true;
			if (close) body.destroy?.();
			resolve(result);
		};
		body.on('data', (chunk: Buffer) => {
			lastData = Date.now();
			size += chunk.length;
			if (size > maxBytes) finish({ ok: false, problem: `an answer larger than ${kb(maxBytes)} (not read further)` }, true);
			else chunks.push(Buffer.from(chunk));
		});
		body.on('end', () => finish({ ok: true, bytes: Buffer.concat(chunks) }, false));
		body.on('error', (error: Error & { code?: string }) =>
			finish({ ok: false, problem: `the answer broke off after ${size} bytes (${codeInWords(error.code ?? error.message)})` }, false),
		);
		body.on('close', () => finish({ ok: false, problem: `the answer broke off after ${size} bytes` }, false));
		void watchUntil(
			() => done,
			() => {
				const now = Date.now();
				if (now >= limits.deadline) {
					finish({ ok: false, problem: `the answer was still arriving when the time ran out (${size} bytes so far)` }, true);
				} else if (limits.idleMs !== undefined && now - lastData >= limits.idleMs) {
					finish({ ok: false, problem: `the answer stalled for ${seconds(limits.idleMs)} after ${size} bytes` }, true);
				}
			},
		);
	});
}

export type JsonRead = { ok: true; json: JsonObject } | { ok: false; what: string };

/** A JSON object, or words for what came instead. */
export function jsonObjectFrom(bytes: Buffer, contentType: string): JsonRead {
	const text = bytes.toString('utf8');
	if (text.trim() === '') return { ok: false, what: 'an empty answer' };
	if (/html/i.test(contentType) || /^\s*</.test(text)) return { ok: false, what: `an HTML page (${excerpt(text)})` };
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return { ok: false, what: `text that is not JSON${contentType ? ` (${contentType})` : ''}: ${excerpt(text)}` };
	}
	if (value === null) return { ok: false, what: 'JSON null' };
	if (Array.isArray(value)) return { ok: false, what: `a JSON array (${value.length} entries) instead of an object` };
	if (typeof value !== 'object') return { ok: false, what: `a JSON ${typeof value} instead of an object: ${excerpt(text)}` };
	return { ok: true, json: value as JsonObject };
}

/** The start of a text, on one line, quoted. */
export function excerpt(text: string): string {
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
	const line = (title ?? text).replace(/\s+/g, ' ').trim();
	return `"${line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line}"`;
}

export function kb(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;
}
