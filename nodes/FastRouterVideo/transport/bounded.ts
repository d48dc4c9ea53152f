import type { IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { codeInWords } from '../text/safeText';
import { excerpt, kb, seconds } from '../text/wording';

/**
 * Waits and reads that end on time, whatever the socket does. n8n's helpers offer no deadline for
 * a credentialed request (their abort signal is the execution's cancel signal), and `sleep` cannot
 * be cancelled on every n8n version, so one short-ticking watcher ends them instead: a request
 * that never answers, a body that trickles or never ends, a download that stalls.
 */

const TICK_MS = 100;

/** FastRouter's JSON answers are a few KB; a megabyte is already not an answer. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Why a watch ended something: the run was cancelled, the deadline passed, or no data came for too long. */
export type StopReason = 'cancelled' | 'deadline' | 'idle';

export interface WatchLimits {
	/** ms since epoch */
	deadline: number;
	/** No activity (`touch`) for this long stops it. */
	idleMs?: number;
	signal?: AbortSignal;
}

export interface Watch {
	/** Data arrived: the idle limit counts from now. */
	touch(): void;
	/** Finished on its own: `onStop` will not be called. */
	end(): void;
	readonly ended: boolean;
}

/**
 * The one watcher: calls `onStop` once, with the first limit that is reached, unless `end()` came
 * first. Every deadline, idle limit and cancel check of the node goes through it.
 */
export function watch(limits: WatchLimits, onStop: (reason: StopReason) => void): Watch {
	let lastActivity = Date.now();
	let ended = false;
	const reached = (): StopReason | undefined => {
		const now = Date.now();
		if (limits.signal?.aborted) return 'cancelled';
		if (now >= limits.deadline) return 'deadline';
		if (limits.idleMs !== undefined && now - lastActivity >= limits.idleMs) return 'idle';
		return undefined;
	};
	void (async () => {
		while (!ended) {
			await sleep(Math.min(TICK_MS, Math.max(1, limits.deadline - Date.now())));
			const reason = ended ? undefined : reached();
			if (reason) {
				ended = true;
				onStop(reason);
			}
		}
	})();
	return {
		touch: () => (lastActivity = Date.now()),
		end: () => (ended = true),
		get ended() {
			return ended;
		},
	};
}

export type Timed<T> = { ok: true; value: T } | { ok: false };

/**
 * The value of `promise`, or `{ ok: false }` once `deadline` (ms since epoch) has passed or the
 * run is cancelled. A value that arrives too late goes to `lateValue` so its socket can be closed.
 */
export async function beforeDeadline<T>(
	promise: Promise<T>,
	deadline: number,
	lateValue?: (value: T) => void,
	signal?: AbortSignal,
): Promise<Timed<T>> {
	let gaveUp = false;
	let giveUp: (timed: Timed<T>) => void = () => undefined;
	const stopped = new Promise<Timed<T>>((resolve) => (giveUp = resolve));
	// Also ends on cancel: n8n versions that do not abort the request itself still stop waiting.
	const watcher = watch({ deadline, signal }, () => {
		gaveUp = true;
		giveUp({ ok: false });
	});
	const answered = promise.then(
		(value): Timed<T> => {
			watcher.end();
			if (gaveUp) lateValue?.(value);
			return { ok: true, value };
		},
		(error: unknown) => {
			watcher.end();
			throw error;
		},
	);
	return await Promise.race([answered, stopped]);
}

interface StreamLike {
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

/**
 * Reads an answer that is not a video whole, within its limits: an endless, trickling or hung
 * body ends as a sentence instead of a stuck item. The socket is closed on any limit.
 */
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
					? { ok: false, problem: `the answer stalled for ${seconds(limits.idleMs ?? 0)} after ${size} bytes` }
					: { ok: false, problem: `the answer was still arriving when the time ran out (${size} bytes so far)` },
			);
		});
		body.on('data', (chunk: Buffer) => {
			watcher.touch();
			size += chunk.length;
			if (size > maxBytes) finish({ ok: false, problem: `an answer larger than ${kb(maxBytes)} (not read further)` }, true);
			else chunks.push(Buffer.from(chunk));
		});
		body.on('end', () => finish({ ok: true, bytes: Buffer.concat(chunks) }, false));
		body.on('error', (error: Error & { code?: string }) =>
			finish({ ok: false, problem: `the answer broke off after ${size} bytes (${codeInWords(error.code ?? error.message)})` }, false),
		);
		body.on('close', () => finish({ ok: false, problem: `the answer broke off after ${size} bytes` }, false));
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
