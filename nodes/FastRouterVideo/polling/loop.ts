import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { cancelled } from '../errors/nodeErrors';
import { discard } from '../transport/answer';
import { isRetryable } from '../transport/retryPolicy';
import type { Connection, VideoStream } from '../transport/types';
import {
	firstPoll,
	type PollDecision,
	nextPoll,
	type Poll,
	POLL_GRACE_MS,
	type PollPolicy,
	pollState,
	STATUS_MAX_WAIT_MS,
	STATUS_POLICY,
	waitPolicy,
} from './cadence';
import {
	errorWithoutTask,
	finishedByVideo,
	normalizeAnswer,
	type NormalizedTask,
	notYetSeen,
	unknownStatusWord,
} from './normalize';
import { fetchStatus } from './routes';

/**
 * Polling, in levels: `waitForTask` (Create and Wait) and `checkTaskOnce` (Get Status) run
 * `runPolls`, the one loop, which sleeps and calls `pollTask` as cadence.ts decides; `pollTask`
 * is one poll, normalized (routes.ts finds the route, the transport sends it).
 */

/** One task's wait, as the loop runs it. */
interface WaitLoop {
	intervalMs: number;
	/** Absolute time (ms since epoch) after which the task is reported as timed out. */
	deadline: number;
	/** Keeps Sora's finished poll (the MP4 bytes) open for the caller; otherwise it is closed. */
	keepVideoStream: boolean;
	onUpdate?: (task: NormalizedTask) => void;
	/** When each poll may go (the run's poll turns: batch/pool.ts); by default at once. */
	turn?: PollTurn;
}

/** Runs a poll when its turn comes, no later than `notAfter` (ms since epoch). */
type PollTurn = <R>(poll: () => Promise<R>, notAfter: number) => Promise<R>;

/** How a wait ended; a timeout keeps the last failure it saw (cadence.ts's lastErrorOf words it). */
export type WaitEnd =
	| { kind: 'finished'; task: NormalizedTask; video?: VideoStream }
	| Extract<PollDecision<NormalizedTask>, { kind: 'timeout' | 'failed' }>;

/** One poll of a task, normalized. */
export async function pollTask(
	ctx: IExecuteFunctions,
	connection: Connection,
	taskId: string,
	model: string,
	deadline?: number,
): Promise<Poll> {
	const fetched = await fetchStatus(ctx, connection, taskId, model, deadline);
	if (!fetched.ok) return { kind: 'failure', failure: fetched.failure };
	const answer = fetched.value;
	if (answer.kind === 'video')
		return { kind: 'status', task: finishedByVideo(taskId, model), video: answer.video };
	const error = errorWithoutTask(answer.json, model);
	if (error) {
		const failure = {
			message: `FastRouter answered the status check with an error: ${error.message}${error.code ? ` (${error.code})` : ''}`,
			description: 'FastRouter’s answer carried an error and no task.',
			statusCode: 200,
			retryable: isRetryable('poll', 200),
			body: answer.json,
		};
		return { kind: 'failure', failure };
	}
	const task = normalizeAnswer(answer.json, model);
	const unknownStatus = unknownStatusWord(answer.json);
	return {
		kind: 'status',
		task: { ...task, taskId: task.taskId ?? taskId },
		raw: answer.json,
		...(unknownStatus !== undefined ? { unknownStatus } : {}),
	};
}

/**
 * Polls one task until it succeeds, fails, or the deadline passes. Every task of a run has its
 * own wait, all running at once, so a slow task or a slow answer never delays another's polls
 * or download. Cancelling the execution ends every wait at once.
 */
export async function waitForTask(
	ctx: IExecuteFunctions,
	connection: Connection,
	task: NormalizedTask,
	settings: WaitLoop,
): Promise<WaitEnd> {
	const { end, last } = await runPolls(
		ctx,
		connection,
		task,
		waitPolicy(settings.intervalMs),
		settings.deadline,
		settings,
	);
	const video = last?.kind === 'status' ? last.video : undefined;
	if (end.kind !== 'answered') {
		if (video) discard(video.stream);
		return end;
	}
	if (video && !settings.keepVideoStream) discard(video.stream);
	return { kind: 'finished', task: end.task, video: settings.keepVideoStream ? video : undefined };
}

/**
 * Get Status's one look at a task: its status, or the last failure. A 429/5xx/network blip is
 * tried again (STATUS_POLICY), all within STATUS_MAX_WAIT_MS.
 */
export async function checkTaskOnce(
	ctx: IExecuteFunctions,
	connection: Connection,
	taskId: string,
	model: string,
): Promise<Poll> {
	const { last } = await runPolls(
		ctx,
		connection,
		notYetSeen(taskId, model),
		STATUS_POLICY,
		Date.now() + STATUS_MAX_WAIT_MS,
	);
	// A look polls at once, and ends at its first status or right after a failed poll whose
	// failure is the one it ends with: either way its last poll is its result.
	return last as Poll;
}

/**
 * The one poll loop: sleeps and polls as cadence.ts decides, until it ends. Returns the end and
 * the last poll (its video stream still open).
 */
async function runPolls(
	ctx: IExecuteFunctions,
	connection: Connection,
	task: NormalizedTask,
	policy: PollPolicy,
	deadline: number,
	{ onUpdate, turn }: Pick<WaitLoop, 'onUpdate' | 'turn'> = {},
): Promise<{ end: Exclude<PollDecision<NormalizedTask>, { kind: 'sleep' }>; last?: Poll }> {
	const signal = ctx.getExecutionCancelSignal();
	const taskId = task.taskId ?? '';
	// Past the deadline the wait still polls once (cadence.ts), so a timed-out item reports its latest state.
	const pollDeadline = deadline + (policy.until === 'done' ? POLL_GRACE_MS : 0);
	let decision = firstPoll(policy, pollState(deadline, task), Date.now());
	let last: Poll | undefined;
	while (decision.kind === 'sleep') {
		if (last?.kind === 'status' && last.video) discard(last.video.stream);
		if (decision.ms > 0) await sleep(decision.ms, signal);
		// Hosts before n8n 2.34 ignore the signal in sleep.
		if (signal?.aborted) throw cancelled(ctx);
		const { state } = decision;
		const poll = async () => await pollTask(ctx, connection, taskId, task.model, pollDeadline);
		last = turn ? await turn(poll, deadline) : await poll();
		decision = nextPoll(policy, state, last, Date.now());
		if (last.kind === 'status' && decision.kind !== 'failed') {
			const seen = state.latest;
			if (last.task.status !== seen.status || last.task.progress !== seen.progress)
				onUpdate?.(last.task);
		}
	}
	return { end: decision, last };
}
