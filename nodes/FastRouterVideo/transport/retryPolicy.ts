/**
 * When a request is sent again, and how long the node pauses first: one policy per kind of
 * request, every decision a pure function of what happened and the time.
 * - create: sent once. Only a 429, which creates nothing, is sent again: every create costs credits.
 * - poll: free to repeat. failures.ts marks each poll failure with `isRetryable('poll')`, which
 *   the wait, Get Status and a Sora re-fetch all follow (their cadence is polling/cadence.ts).
 * - download: a GET of a video, safe to repeat a few times.
 */

export type RequestKind = 'create' | 'poll' | 'download';

/**
 * Whether a request that got `statusCode` may be sent again; `undefined` means no usable answer
 * (no connection, no answer in time, a body that could not be read).
 */
export function isRetryable(kind: RequestKind, statusCode?: number): boolean {
	// Anything but a 429 may have created a task: sending it again could charge twice.
	if (kind === 'create') return statusCode === 429;
	if (statusCode === undefined || statusCode >= 500) return true;
	// A video host's 4xx (an expired or wrong link) will not change on a retry.
	return kind === 'poll' && statusCode === 429;
}

/**
 * A Retry-After value, seconds or an HTTP date, as milliseconds from `now`. A date already past
 * (or a negative number) asks for no wait; a value that is neither is ignored.
 */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
	if (!value) return undefined;
	const secondsAsked = Number(value);
	const ms = Number.isFinite(secondsAsked) ? secondsAsked * 1000 : Date.parse(value) - now;
	return Number.isFinite(ms) ? Math.max(ms, 0) : undefined;
}

/** A pause that doubles with each failure in a row, from `baseMs`, up to `capMs`. */
export function doubling(baseMs: number, failuresBefore: number, capMs = Infinity): number {
	return Math.min(baseMs * 2 ** failuresBefore, capMs);
}

/** 429s on one create that are waited out: FastRouter created nothing, so a few patient tries are safe. */
const CREATE_RATE_LIMIT_RETRIES = 3;
/** When a 429 carries no Retry-After: wait this long, doubling each time. */
const RATE_LIMIT_FALLBACK_MS = 2_000;
/** Honour Retry-After up to this; longer asks are reported, not silently waited out. */
const MAX_RETRY_AFTER_MS = 120_000;

type CreateRetry =
	| { kind: 'retry'; waitMs: number }
	| { kind: 'report' }
	| { kind: 'tooLong'; waitMs: number };

/**
 * After a create's `attempt`-th answer (0: the first) came back `statusCode`: send it again after
 * `waitMs`, report the answer, or report that the wait asked for does not fit before `deadline`.
 */
export function createRetry(
	statusCode: number,
	attempt: number,
	retryAfter: number | undefined,
	now: number,
	deadline: number,
): CreateRetry {
	if (!isRetryable('create', statusCode) || attempt >= CREATE_RATE_LIMIT_RETRIES)
		return { kind: 'report' };
	const waitMs = retryAfter ?? doubling(RATE_LIMIT_FALLBACK_MS, attempt);
	if (waitMs > MAX_RETRY_AFTER_MS || now + waitMs > deadline) return { kind: 'tooLong', waitMs };
	return { kind: 'retry', waitMs };
}

/** A GET is safe to repeat: a download cut short is tried this many times in all. */
export const DOWNLOAD_ATTEMPTS = 3;
/** The pause before the second attempt, doubling after: 1 s, then 2 s. */
const DOWNLOAD_RETRY_BASE_MS = 1_000;

/** The pause before download attempt `attempt` (1: the first, no pause). */
export function downloadPause(attempt: number): number {
	return attempt <= 1 ? 0 : doubling(DOWNLOAD_RETRY_BASE_MS, attempt - 2);
}
