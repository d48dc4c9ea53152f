import type { IExecuteFunctions, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { finishedByVideo, normalizeAnswer, type NormalizedTask, unknownStatusWord } from './normalize';
import { cancelled } from './request';
import {
	firstPoll,
	nextPoll,
	POLL_GRACE_MS,
	type PollPolicy,
	type PollResult,
	pollState,
	type PollStep,
	STATUS_MAX_WAIT_MS,
	STATUS_POLICY,
	waitPolicy,
} from './retry';
import { pollTask } from './routes';
import { type ApiFailure, type Connection, discard } from './transport';

export interface PollSettings {
	intervalMs: number;
	/** Absolute time (ms since epoch) after which the task is reported as timed out. */
	deadline: number;
	/** Keeps Sora's finished poll (the MP4 bytes) open for the caller; otherwise it is closed. */
	keepVideoStream: boolean;
	onUpdate?: (task: NormalizedTask) => void;
}

/** How a wait ended; a timeout keeps the last failure it saw (retry.ts's lastErrorOf words it). */
export type WaitEnd =
	| { kind: 'finished'; task: NormalizedTask; video?: VideoStream }
	| Extract<PollStep<NormalizedTask>, { kind: 'timeout' | 'failed' }>;

export interface VideoStream {
	stream: IN8nHttpFullResponse['body'];
	contentLength?: number;
	mimeType?: string;
}

export type OnePoll =
	| { kind: 'state'; task: NormalizedTask; video?: VideoStream; raw?: JsonObject; unknownStatus?: string }
	| { kind: 'error'; failure: ApiFailure };

/** One poll, normalized: what Get Status does, and what the wait repeats. */
export async function pollOnce(
	ctx: IExecuteFunctions,
	connection: Connection,
	taskId: string,
	model: string,
	deadline?: number,
): Promise<OnePoll> {
	const polled = await pollTask(ctx, connection, taskId, model, deadline);
	if (!polled.ok) return { kind: 'error', failure: polled.failure };
	const { answer } = polled;
	if (answer.kind === 'video') {
		return {
			kind: 'state',
			task: finishedByVideo(taskId, model),
			video: { stream: answer.stream, contentLength: answer.contentLength, mimeType: answer.mimeType },
		};
	}
	const task = normalizeAnswer(answer.json, model);
	return {
		kind: 'state',
		task: { ...task, taskId: task.taskId ?? taskId },
		raw: answer.json,
		unknownStatus: unknownStatusWord(answer.json),
	};
}

/**
 * Polls one task until it succeeds, fails, or the deadline passes. Every task of a run has its
 * own wait, all running at once, so a slow task or a slow answer never delays another's polls
 * or download. What to do after each poll is retry.ts's (429 honours Retry-After; 5xx and network
 * errors back off; all of it counts against the deadline). Cancelling the execution ends every
 * wait at once.
 */
export async function waitForTask(
	ctx: IExecuteFunctions,
	connection: Connection,
	start: NormalizedTask,
	settings: PollSettings,
): Promise<WaitEnd> {
	const { end, last } = await pollAsPolicy(ctx, connection, start.taskId ?? '', start.model, waitPolicy(settings.intervalMs), settings.deadline, start, settings.onUpdate);
	const video = last?.kind === 'state' ? last.video : undefined;
	if (end.kind !== 'answered') {
		if (video) discard(video.stream);
		return end;
	}
	if (video && !settings.keepVideoStream) discard(video.stream);
	return { kind: 'finished', task: end.task, video: settings.keepVideoStream ? video : undefined };
}

/**
 * Get Status's one look at a task: a status, or the last failure. A 429/5xx/network blip is tried
 * again (STATUS_POLICY), all within STATUS_MAX_WAIT_MS.
 */
export async function lookAtTask(ctx: IExecuteFunctions, connection: Connection, taskId: string, model: string): Promise<OnePoll> {
	const { last } = await pollAsPolicy(ctx, connection, taskId, model, STATUS_POLICY, Date.now() + STATUS_MAX_WAIT_MS, undefined);
	// A look polls at once, and ends at its first status or right after a failed poll whose
	// failure is the one it ends with: either way its last poll is its result.
	return last as OnePoll;
}

/**
 * The one poll loop: sleeps and polls as retry.ts's decisions say, until they end it. Returns
 * the end and the last poll (its video stream still open).
 */
async function pollAsPolicy<T extends NormalizedTask | undefined>(
	ctx: IExecuteFunctions,
	connection: Connection,
	taskId: string,
	model: string,
	policy: PollPolicy,
	deadline: number,
	start: T,
	onUpdate?: (task: NormalizedTask) => void,
): Promise<{ end: Exclude<PollStep<T | NormalizedTask>, { kind: 'sleep' }>; last?: OnePoll }> {
	const signal = ctx.getExecutionCancelSignal();
	// Past the deadline the wait still polls once (retry.ts), so a timed-out item reports its latest state.
	const pollDeadline = deadline + (policy.until === 'done' ? POLL_GRACE_MS : 0);
	let step: PollStep<T | NormalizedTask> = firstPoll(policy, pollState<T | NormalizedTask>(deadline, start), Date.now());
	let last: OnePoll | undefined;
	while (step.kind === 'sleep') {
		if (last?.kind === 'state' && last.video) discard(last.video.stream);
		if (step.ms > 0) await sleep(step.ms, signal);
		// Hosts before n8n 2.34 ignore the signal in sleep.
		if (signal?.aborted) throw cancelled(ctx);
		const { state } = step;
		last = await pollOnce(ctx, connection, taskId, model, pollDeadline);
		const result = asResult(last, taskId);
		step = nextPoll(policy, state, result, Date.now());
		if (result.kind === 'state' && step.kind !== 'failed') {
			const seen = state.latest;
			if (!seen || result.task.status !== seen.status || result.task.progress !== seen.progress) onUpdate?.(result.task);
		}
	}
	return { end: step, last };
}

/** A poll as the decisions see it. */
function asResult(polled: OnePoll, taskId: string): PollResult<NormalizedTask> {
	if (polled.kind === 'error') return { kind: 'failure', failure: polled.failure };
	const task = { ...polled.task, taskId: polled.task.taskId ?? taskId };
	const done = task.status === 'succeeded' || task.status === 'failed';
	return { kind: 'state', task, done, ...(polled.unknownStatus !== undefined ? { unknown: unknownStatusFailure(polled.unknownStatus) } : {}) };
}

function unknownStatusMessage(word: string): string {
	return word === '(none)' ? 'FastRouter’s answer gave no status' : `FastRouter reported the status "${word}", which this node does not know`;
}

/** A status word the node does not know, as a failure that names it. */
export function unknownStatusFailure(word: string): ApiFailure {
	return {
		message: unknownStatusMessage(word),
		description: 'The node stopped waiting instead of treating it as "queued". Check the task on the FastRouter dashboard or with Get Status.',
		retryable: false,
	};
}
