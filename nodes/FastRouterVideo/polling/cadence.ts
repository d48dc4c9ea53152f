import type { JsonObject } from 'n8n-workflow';

import type { ApiFailure } from '../errors/failure';
import { MIN_POLL_INTERVAL_MS } from '../settings/limits';
import { seconds } from '../text/wording';
import { doubling } from '../transport/retryPolicy';
import type { VideoStream } from '../transport/types';
import type { NormalizedTask } from './normalize';

/**
 * When the next poll comes, and when polling ends: pure decisions from what the last poll gave
 * and the time, shared by Create and Wait's wait and Get Status's one look (loop.ts runs them).
 * Whether a failed poll may be repeated at all is the transport's retry policy (`retryable`).
 */

/** Retry waits double from the poll interval up to this, so a struggling API is not hammered. */
const MAX_BACKOFF_MS = 60_000;
/** Answers the node cannot use (an unknown status word, HTML, a redirect loop) end the wait after this many in a row. */
const UNUSABLE_LIMIT = 3;
/** A status check started just before Max Wait may take this long to answer. */
export const POLL_GRACE_MS = 1_000;

/** Get Status: one look at a task; a 429/5xx/network blip is tried this many times in all. */
const STATUS_ATTEMPTS = 3;
/** Get Status pauses 1 s, then 2 s: a blip passes, and the look still answers within seconds. */
const STATUS_RETRY_BASE_MS = 1_000;
/** One look at a task, its retries included, is over within this (the download has its own limits). */
export const STATUS_MAX_WAIT_MS = 90_000;

/**
 * One poll, normalized: the task's state as FastRouter reports it (with the video itself when a
 * finished Sora poll is the MP4, and a status word the node does not know, if any), or why the
 * poll failed. `T` is the task: a NormalizedTask, or what a test calls one.
 */
export type Poll<T = NormalizedTask> =
	| { kind: 'status'; task: T; video?: VideoStream; raw?: JsonObject; unknownStatus?: string }
	| { kind: 'failure'; failure: ApiFailure };

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
	return {
		until: 'done',
		intervalMs: Math.max(intervalMs, MIN_POLL_INTERVAL_MS),
		maxPolls: Infinity,
	};
}

export const STATUS_POLICY: PollPolicy = {
	until: 'answered',
	intervalMs: STATUS_RETRY_BASE_MS,
	maxPolls: STATUS_ATTEMPTS,
};

/** Where a run of polls stands. */
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

/** What the loop does next. */
export type PollDecision<T> =
	| { kind: 'sleep'; ms: number; state: PollState<T> }
	/** The task is done (`until: 'done'`) or answered (`until: 'answered'`). */
	| { kind: 'answered'; task: T }
	| { kind: 'failed'; failure: ApiFailure; task: T }
	| {
			kind: 'timeout';
			task: T;
			lastFailure?: ApiFailure;
			refusedWait?: { askedMs: number; leftMs: number };
	  };

type TimedOut<T> = Extract<PollDecision<T>, { kind: 'timeout' }>;

/** A status word the node does not know, as a failure that names it. */
export function unknownStatusFailure(word: string): ApiFailure {
	return {
		message:
			word === '(none)'
				? 'FastRouter’s answer gave no status'
				: `FastRouter reported the status "${word}", which this node does not know`,
		description:
			'The node stopped waiting instead of treating it as "queued". Check the task on the FastRouter dashboard or with Get Status.',
		retryable: false,
	};
}

/** Before the first poll. */
export function firstPoll<T>(
	policy: PollPolicy,
	state: PollState<T>,
	now: number,
): PollDecision<T> {
	if (policy.until === 'answered') return { kind: 'sleep', ms: 0, state };
	// The task was just created: nothing to see before one interval.
	return pause(policy, state, policy.intervalMs, undefined, now);
}

/** After a poll gave `poll` at `now`: poll again after a pause, or end and how. */
export function nextPoll<T extends { status: string }>(
	policy: PollPolicy,
	state: PollState<T>,
	poll: Poll<T>,
	now: number,
): PollDecision<T> {
	const polls = state.polls + 1;
	if (poll.kind === 'failure') {
		const { failure } = poll;
		const unusableInRow = failure.persistent ? state.unusableInRow + 1 : 0;
		if (!failure.retryable || unusableInRow >= UNUSABLE_LIMIT || polls >= policy.maxPolls) {
			return { kind: 'failed', failure, task: state.latest };
		}
		const next = {
			...state,
			polls,
			failuresInRow: state.failuresInRow + 1,
			unusableInRow,
			lastFailure: failure,
		};
		const backoff = doubling(policy.intervalMs, state.failuresInRow, MAX_BACKOFF_MS);
		return pause(policy, next, failure.retryAfterMs ?? backoff, failure.retryAfterMs, now);
	}
	if (policy.until === 'answered') return { kind: 'answered', task: poll.task };
	const unknown =
		poll.unknownStatus !== undefined ? unknownStatusFailure(poll.unknownStatus) : undefined;
	const unusableInRow = unknown ? state.unusableInRow + 1 : 0;
	if (unknown && unusableInRow >= UNUSABLE_LIMIT)
		return { kind: 'failed', failure: unknown, task: state.latest };
	if (poll.task.status === 'succeeded' || poll.task.status === 'failed')
		return { kind: 'answered', task: poll.task };
	const next = {
		...state,
		polls,
		latest: poll.task,
		failuresInRow: 0,
		unusableInRow,
		lastFailure: unknown ?? state.lastFailure,
	};
	return pause(policy, next, policy.intervalMs, undefined, now);
}

/** A pause of `ms` (of which `askedMs` is a Retry-After), or the end if it does not fit. */
function pause<T>(
	policy: PollPolicy,
	state: PollState<T>,
	ms: number,
	askedMs: number | undefined,
	now: number,
): PollDecision<T> {
	const leftMs = state.deadline - now;
	const timeout = (refusedWait?: { askedMs: number; leftMs: number }): PollDecision<T> => ({
		kind: 'timeout',
		task: state.latest,
		lastFailure: state.lastFailure,
		...(refusedWait ? { refusedWait } : {}),
	});
	if (policy.until === 'answered') {
		return ms > leftMs
			? timeout(askedMs !== undefined ? { askedMs, leftMs } : undefined)
			: { kind: 'sleep', ms, state };
	}
	if (leftMs <= 0) return timeout();
	// A Retry-After longer than what is left: reported now, not slept through.
	if (askedMs !== undefined && askedMs > leftMs) return timeout({ askedMs, leftMs });
	// Anything else is cut to the deadline, where the task is looked at once more.
	return { kind: 'sleep', ms: Math.min(ms, leftMs), state };
}

/** What a timeout says went wrong before it: the last failure, and a Retry-After it did not wait out. */
export function lastErrorOf(end: TimedOut<unknown>): string | undefined {
	if (!end.refusedWait) return end.lastFailure?.message;
	const { askedMs, leftMs } = end.refusedWait;
	return `${end.lastFailure?.message}; FastRouter asked to wait ${seconds(askedMs)} (Retry-After), more than the ${seconds(leftMs)} left`;
}
