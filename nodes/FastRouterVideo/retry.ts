import { seconds } from './deadline';
import type { ApiFailure } from './transport';

/**
 * When a request is sent again, and how long the node pauses first: one policy per kind of
 * request, every decision a pure function of what happened and the time.
 * - create: sent once. Only a 429, which creates nothing, is sent again: every create costs credits.
 * - poll: free to repeat. transport.ts marks each poll failure with `isRetryable('poll')`, which
 *   the wait, Get Status and a Sora re-fetch all follow; the wait and Get Status are one loop
 *   (poller.ts) that sleeps and polls as `firstPoll` / `nextPoll` decide.
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

// ---- Creates -------------------------------------------------------------------------------

/** 429s on one create that are waited out: FastRouter created nothing, so a few patient tries are safe. */
export const CREATE_RATE_LIMIT_RETRIES = 3;
/** When a 429 carries no Retry-After: wait this long, doubling each time. */
export const RATE_LIMIT_FALLBACK_MS = 2_000;
/** Honour Retry-After up to this; longer asks are reported, not silently waited out. */
export const MAX_RETRY_AFTER_MS = 120_000;

export type CreateRetry = { kind: 'retry'; waitMs: number } | { kind: 'report' } | { kind: 'tooLong'; waitMs: number };

/**
 * After a create's `attempt`-th answer (0: the first) came back `statusCode`: send it again after
 * `waitMs`, report the answer, or report that the wait asked for does not fit before `deadline`.
 */
export function createRetry(statusCode: number, attempt: number, retryAfter: number | undefined, now: number, deadline: number): CreateRetry {
	if (!isRetryable('create', statusCode) || attempt >= CREATE_RATE_LIMIT_RETRIES) return { kind: 'report' };
	const waitMs = retryAfter ?? doubling(RATE_LIMIT_FALLBACK_MS, attempt);
	if (waitMs > MAX_RETRY_AFTER_MS || now + waitMs > deadline) return { kind: 'tooLong', waitMs };
	return { kind: 'retry', waitMs };
}

// ---- Polls ---------------------------------------------------------------------------------

/** FastRouter's own examples poll every few seconds; under 1 s only burns rate limit. */
export const MIN_POLL_INTERVAL_MS = 1_000;

/** Retry waits double from the poll interval up to this, so a struggling API is not hammered. */
export const MAX_BACKOFF_MS = 60_000;
/** Answers the node cannot use (an unknown status word, HTML, a redirect loop) end the wait after this many in a row. */
export const UNUSABLE_LIMIT = 3;
/** A status check started just before Max Wait may take this long to answer. */
export const POLL_GRACE_MS = 1_000;

/** Get Status: one look at a task; a 429/5xx/network blip is tried this many times in all. */
export const STATUS_ATTEMPTS = 3;
/** Get Status pauses 1 s, then 2 s: a blip passes, and the look still answers within seconds. */
export const STATUS_RETRY_BASE_MS = 1_000;
/** One look at a task, its retries included, is over within this (the download has its own limits). */
export const STATUS_MAX_WAIT_MS = 90_000;

export interface PollPolicy {
	/**
	 * `done`: watch the task until it is done (Create and Wait): the first poll comes one interval
	 * after the create, and at the deadline the task is looked at once more (a poll may then take
	 * POLL_GRACE_MS), so a timed-out item reports its latest state.
	 * `answered`: look once (Get Status): poll at once, stop at the first status, retry only
	 * failures, and stop when a pause would pass the deadline.
	 */
	until: 'done' | 'answered';
	/** Between polls of a running task, and the first pause after a failure (doubling from there). */
	intervalMs: number;
	/** Polls in all. */
	maxPolls: number;
}

/** Create and Wait: every `intervalMs` (at least MIN_POLL_INTERVAL_MS) until done, bounded by Max Wait only. */
export function waitPolicy(intervalMs: number): PollPolicy {
	return { until: 'done', intervalMs: Math.max(intervalMs, MIN_POLL_INTERVAL_MS), maxPolls: Infinity };
}

export const STATUS_POLICY: PollPolicy = { until: 'answered', intervalMs: STATUS_RETRY_BASE_MS, maxPolls: STATUS_ATTEMPTS };

/** Where a run of polls stands; `T` is whatever the caller calls a task. */
export interface PollState<T> {
	/** Ms since epoch: past it the polls end (the wait reports a timeout). */
	deadline: number;
	/** The latest state of the task seen. */
	latest: T;
	polls: number;
	failuresInRow: number;
	unusableInRow: number;
	/** The last failure seen, kept for the end: a timeout says what went wrong before it. */
	lastFailure?: ApiFailure;
}

export function pollState<T>(deadline: number, latest: T): PollState<T> {
	return { deadline, latest, polls: 0, failuresInRow: 0, unusableInRow: 0 };
}

/** What one poll gave, as far as the decisions go. */
export type PollResult<T> =
	| { kind: 'failure'; failure: ApiFailure }
	/** `done`: the task succeeded or failed; `unknown`: a status word the node does not know, as a failure. */
	| { kind: 'state'; task: T; done: boolean; unknown?: ApiFailure };

export type PollStep<T> =
	| { kind: 'sleep'; ms: number; state: PollState<T> }
	/** The task is done (`until: 'done'`) or answered (`until: 'answered'`). */
	| { kind: 'answered'; task: T }
	| { kind: 'failed'; failure: ApiFailure; task: T }
	| { kind: 'timeout'; task: T; lastFailure?: ApiFailure; refusedWait?: { askedMs: number; leftMs: number } };

/** Before the first poll. */
export function firstPoll<T>(policy: PollPolicy, state: PollState<T>, now: number): PollStep<T> {
	if (policy.until === 'answered') return { kind: 'sleep', ms: 0, state };
	// The task was just created: nothing to see before one interval.
	return pause(policy, state, policy.intervalMs, undefined, now);
}

/** After a poll gave `result` at `now`: poll again after a pause, or end and how. */
export function nextPoll<T>(policy: PollPolicy, state: PollState<T>, result: PollResult<T>, now: number): PollStep<T> {
	const polls = state.polls + 1;
	if (result.kind === 'failure') {
		const { failure } = result;
		const unusableInRow = failure.persistent ? state.unusableInRow + 1 : 0;
		if (!failure.retryable || unusableInRow >= UNUSABLE_LIMIT || polls >= policy.maxPolls) {
			return { kind: 'failed', failure, task: state.latest };
		}
		const next = { ...state, polls, failuresInRow: state.failuresInRow + 1, unusableInRow, lastFailure: failure };
		const backoff = doubling(policy.intervalMs, state.failuresInRow, MAX_BACKOFF_MS);
		return pause(policy, next, failure.retryAfterMs ?? backoff, failure.retryAfterMs, now);
	}
	if (policy.until === 'answered') return { kind: 'answered', task: result.task };
	const unusableInRow = result.unknown ? state.unusableInRow + 1 : 0;
	if (result.unknown && unusableInRow >= UNUSABLE_LIMIT) return { kind: 'failed', failure: result.unknown, task: state.latest };
	if (result.done) return { kind: 'answered', task: result.task };
	const next = { ...state, polls, latest: result.task, failuresInRow: 0, unusableInRow, lastFailure: result.unknown ?? state.lastFailure };
	return pause(policy, next, policy.intervalMs, undefined, now);
}

/** A pause of `ms` (of which `askedMs` is a Retry-After), or the end if it does not fit. */
function pause<T>(policy: PollPolicy, state: PollState<T>, ms: number, askedMs: number | undefined, now: number): PollStep<T> {
	const leftMs = state.deadline - now;
	const timeout = (refusedWait?: { askedMs: number; leftMs: number }): PollStep<T> => ({
		kind: 'timeout',
		task: state.latest,
		lastFailure: state.lastFailure,
		...(refusedWait ? { refusedWait } : {}),
	});
	if (policy.until === 'answered') {
		return ms > leftMs ? timeout(askedMs !== undefined ? { askedMs, leftMs } : undefined) : { kind: 'sleep', ms, state };
	}
	if (leftMs <= 0) return timeout();
	// A Retry-After longer than what is left: reported now, not slept through.
	if (askedMs !== undefined && askedMs > leftMs) return timeout({ askedMs, leftMs });
	// Anything else is cut to the deadline, where the task is looked at once more.
	return { kind: 'sleep', ms: Math.min(ms, leftMs), state };
}

/** What a timeout says went wrong before it: the last failure, and a Retry-After it did not wait out. */
export function lastErrorOf(end: Extract<PollStep<unknown>, { kind: 'timeout' }>): string | undefined {
	if (!end.refusedWait) return end.lastFailure?.message;
	const { askedMs, leftMs } = end.refusedWait;
	return `${end.lastFailure?.message}; FastRouter asked to wait ${seconds(askedMs)} (Retry-After), more than the ${seconds(leftMs)} left`;
}

// ---- Downloads -----------------------------------------------------------------------------

/** A GET is safe to repeat: a download cut short is tried this many times in all. */
export const DOWNLOAD_ATTEMPTS = 3;
/** The pause before the second attempt, doubling after: 1 s, then 2 s. */
export const DOWNLOAD_RETRY_BASE_MS = 1_000;

/** The pause before download attempt `attempt` (1: the first, no pause). */
export function downloadPause(attempt: number): number {
	return attempt <= 1 ? 0 : doubling(DOWNLOAD_RETRY_BASE_MS, attempt - 2);
}
