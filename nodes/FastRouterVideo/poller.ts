import type { IExecuteFunctions, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { finishedByVideo, normalizeAnswer, type NormalizedTask } from './normalize';
import { pollTask } from './routes';
import { type ApiFailure, type Connection, discard } from './transport';

/** Retry waits double from the poll interval up to this, so a struggling API is not hammered. */
const MAX_BACKOFF_MS = 60_000;

export interface PollSettings {
	intervalMs: number;
	/** Absolute time (ms since epoch) after which the task is reported as timed out. */
	deadline: number;
	/** Keeps Sora's finished poll (the MP4 bytes) open for the caller; otherwise it is closed. */
	keepVideoStream: boolean;
	onUpdate?: (task: NormalizedTask) => void;
}

export type WaitEnd =
	| { kind: 'finished'; task: NormalizedTask; video?: VideoStream }
	| { kind: 'timeout'; task: NormalizedTask }
	| { kind: 'error'; failure: ApiFailure; task: NormalizedTask };

export interface VideoStream {
	stream: IN8nHttpFullResponse['body'];
	contentLength?: number;
}

export type OnePoll =
	| { kind: 'state'; task: NormalizedTask; video?: VideoStream; raw?: JsonObject }
	| { kind: 'error'; failure: ApiFailure };

/** One poll, normalized: what Get Status does, and what the wait repeats. */
export async function pollOnce(
	ctx: IExecuteFunctions,
	connection: Connection,
	taskId: string,
	model: string,
): Promise<OnePoll> {
	const polled = await pollTask(ctx, connection, taskId, model);
	if (!polled.ok) return { kind: 'error', failure: polled.failure };
	const { answer } = polled;
	if (answer.kind === 'video') {
		return {
			kind: 'state',
			task: finishedByVideo(taskId, model),
			video: { stream: answer.stream, contentLength: answer.contentLength },
		};
	}
	const task = normalizeAnswer(answer.json, model);
	return { kind: 'state', task: { ...task, taskId: task.taskId ?? taskId }, raw: answer.json };
}

/**
 * Polls one task until it succeeds, fails, or the deadline passes. Every task of a run has its
 * own wait, all running at once, so a slow task or a slow answer never delays another's polls
 * or download. 429 honours Retry-After; 5xx and network errors back off; all of it counts
 * against the deadline. Cancelling the execution ends every wait at once.
 */
export async function waitForTask(
	ctx: IExecuteFunctions,
	connection: Connection,
	start: NormalizedTask,
	settings: PollSettings,
): Promise<WaitEnd> {
	const signal = ctx.getExecutionCancelSignal();
	const taskId = start.taskId ?? '';
	let latest = start;
	let delay = settings.intervalMs;
	let backoff = settings.intervalMs;
	for (;;) {
		const remaining = settings.deadline - Date.now();
		if (remaining <= 0) return { kind: 'timeout', task: latest };
		// Past the deadline the loop still polls once, so a timed-out item reports its latest state.
		await sleep(Math.min(delay, remaining), signal);
		// Hosts before n8n 2.34 ignore the signal in sleep.
		if (signal?.aborted) throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled');

		const polled = await pollOnce(ctx, connection, taskId, start.model);
		if (polled.kind === 'error') {
			if (!polled.failure.retryable) return { kind: 'error', failure: polled.failure, task: latest };
			delay = polled.failure.retryAfterMs ?? backoff;
			backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
			continue;
		}
		const changed = polled.task.status !== latest.status || polled.task.progress !== latest.progress;
		latest = { ...polled.task, taskId: polled.task.taskId ?? taskId };
		backoff = settings.intervalMs;
		delay = settings.intervalMs;
		if (changed) settings.onUpdate?.(latest);
		if (latest.status === 'succeeded' || latest.status === 'failed') {
			if (polled.video && !settings.keepVideoStream) discard(polled.video.stream);
			return { kind: 'finished', task: latest, video: settings.keepVideoStream ? polled.video : undefined };
		}
	}
}
