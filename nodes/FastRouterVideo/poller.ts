import type { IExecuteFunctions, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { seconds } from './deadline';
import { finishedByVideo, normalizeAnswer, type NormalizedTask, unknownStatusWord } from './normalize';
import { cancelled } from './request';
import { pollTask } from './routes';
import { type ApiFailure, type Connection, discard } from './transport';

/** A status check started just before Max Wait may take this long to answer. */
export const POLL_GRACE_MS = 1_000;
/** Answers the node cannot use (an unknown status word, HTML, a redirect loop) end the wait after this many in a row. */
const PERSISTENT_LIMIT = 3;

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
	| { kind: 'timeout'; task: NormalizedTask; lastError?: string }
	| { kind: 'error'; failure: ApiFailure; task: NormalizedTask };

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
	let lastError: string | undefined;
	let unusable = 0;
	let askedWait: number | undefined;
	for (;;) {
		const remaining = settings.deadline - Date.now();
		if (remaining <= 0) return { kind: 'timeout', task: latest, lastError };
		if (askedWait !== undefined && askedWait > remaining) {
			// A Retry-After longer than what is left: reported now, not slept through.
			return {
				kind: 'timeout',
				task: latest,
				lastError: `${lastError}; FastRouter asked to wait ${seconds(askedWait)} (Retry-After), more than the ${seconds(remaining)} left`,
			};
		}
		// Past the deadline the loop still polls once, so a timed-out item reports its latest state.
		await sleep(Math.min(delay, remaining), signal);
		// Hosts before n8n 2.34 ignore the signal in sleep.
		if (signal?.aborted) throw cancelled(ctx);

		const polled = await pollOnce(ctx, connection, taskId, start.model, settings.deadline + POLL_GRACE_MS);
		if (polled.kind === 'error') {
			lastError = polled.failure.message;
			unusable = polled.failure.persistent ? unusable + 1 : 0;
			if (!polled.failure.retryable || unusable >= PERSISTENT_LIMIT) return { kind: 'error', failure: polled.failure, task: latest };
			askedWait = polled.failure.retryAfterMs;
			delay = askedWait ?? backoff;
			backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
			continue;
		}
		if (polled.unknownStatus !== undefined) {
			unusable++;
			lastError = unknownStatusMessage(polled.unknownStatus);
			if (unusable >= PERSISTENT_LIMIT) {
				if (polled.video) discard(polled.video.stream);
				return { kind: 'error', failure: unknownStatusFailure(polled.unknownStatus), task: latest };
			}
		} else unusable = 0;
		askedWait = undefined;
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
