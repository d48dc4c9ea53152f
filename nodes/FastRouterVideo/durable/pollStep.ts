import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { sendCreate } from '../batch/createOne';
import { redactItem } from '../batch/finish';
import { mapInPool } from '../batch/pool';
import type { ItemFailure } from '../output/outcome';
import { generationFailed, timedOut, waitFailed } from '../output/taskFailures';
import { taskItem } from '../output/taskItem';
import { lastErrorOf, nextPoll, POLL_GRACE_MS, pollState, waitPolicy } from '../polling/cadence';
import { pollTask } from '../polling/loop';
import { mergeTask } from '../polling/normalize';
import { getConnection } from '../transport/connection';
import { cancelled, discard } from '../transport/exchange';
import type { Connection } from '../transport/types';
import { readWaitStates, waitItem, type WaitState } from './waitState';

/** Tasks checked at once in one step, as Get Status checks them. */
const POLL_CONCURRENCY = 10;

/**
 * The poll step: looks at every task whose next poll is due (the cadence is the in-process wait's,
 * polling/cadence.ts), downloads the videos that are done, applies Max Wait and On Timeout, and
 * routes: every item settled → output 0 (finish), any still waiting → output 1 (wait). Items keep
 * their order: the node's output pairs with its input by position.
 */
export async function pollStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const states = readWaitStates(ctx, items);
	const now = Date.now();
	const due = states.some((state) => isDue(state, now));
	const connection = await getConnection(ctx);
	let next = items;
	if (due && (await parentStopped(ctx, states[0].parentExecutionId))) {
		next = states.map((state, index) => (state.phase === 'waiting' ? settleFailed(state, stopped(state)) : items[index]));
	} else if (due) {
		const checked = await mapInPool(items, POLL_CONCURRENCY, async (item, index) => (isDue(states[index], now) ? await checkTask(ctx, connection, states[index]) : item), ctx.getExecutionCancelSignal());
		if (Object.keys(checked).length !== items.length) throw cancelled(ctx);
		next = checked;
	}
	// n8n stores these items with the sub-execution: whatever FastRouter echoed of the key is cut out.
	next = next.map((item) => redactItem(item, connection.apiKey));
	const waiting = readWaitStates(ctx, next).some((state) => state.phase === 'waiting');
	return waiting ? [[], next] : [next, []];
}

function isDue(state: WaitState, now: number): boolean {
	return state.phase === 'waiting' && (state.poll?.nextPollAt ?? state.recreate?.at ?? 0) <= now;
}

/**
 * Whether the execution that started this wait was stopped (or deleted): then nothing waits for
 * these tasks any more, and polling on would only orphan the work. Not knowing counts as not stopped.
 */
async function parentStopped(ctx: IExecuteFunctions, parentExecutionId: string): Promise<boolean> {
	if (typeof ctx.getExecutionDataById !== 'function') return false;
	try {
		const parent = await ctx.getExecutionDataById(parentExecutionId);
		return !parent || parent.resultData?.error !== undefined;
	} catch (error) {
		ctx.logger.warn(`FastRouter Video could not look at execution ${parentExecutionId}; polling on`, { error: (error as Error).message });
		return false;
	}
}

function stopped(state: WaitState): ItemFailure {
	const taskId = state.created?.taskId;
	return {
		itemIndex: state.itemIndex,
		taskId,
		message: `The execution that started this wait (${state.parentExecutionId}) was stopped; task ${taskId} was left on FastRouter`,
		description: 'It may still finish: run Get Status with its task ID.',
	};
}

/** One due task: polled once, then still waiting, settled, or — with Retry On Fail — tried again. */
async function checkTask(ctx: IExecuteFunctions, connection: Connection, state: WaitState): Promise<INodeExecutionData> {
	const { itemIndex, options } = state;
	if (!state.start) return await settleOrRetry(ctx, connection, state, state.recreate?.failure ?? { itemIndex, message: 'No task was created' }, true);
	const start = state.start;
	const poll = state.poll as NonNullable<WaitState['poll']>;
	const polled = await pollTask(ctx, connection, start.taskId ?? '', start.model, poll.deadline + POLL_GRACE_MS);
	const step = nextPoll(waitPolicy(options.intervalMs), poll, polled, Date.now());
	const video = polled.kind === 'status' ? polled.video : undefined;
	if (step.kind !== 'answered' && video) discard(video.stream);
	if (step.kind === 'sleep') return waitItem({ ...state, poll: { ...step.state, nextPollAt: Date.now() + step.ms } });
	if (step.kind === 'failed') return await settleOrRetry(ctx, connection, state, waitFailed(itemIndex, step.failure, start.taskId));
	const task = mergeTask(start, step.task);
	const extra = options.includeRaw ? { raw: { create: state.raw ?? null } } : {};
	const latest = { ...state, created: state.created && { ...state.created, status: task.status } };
	if (step.kind === 'timeout') {
		if (options.onTimeout === 'output') return waitItem({ ...latest, phase: 'settled', outcome: { kind: 'output', json: { ...task, ...extra } } });
		return await settleOrRetry(ctx, connection, latest, timedOut(itemIndex, task, options.maxWaitS, lastErrorOf(step)));
	}
	if (task.status === 'failed') return await settleOrRetry(ctx, connection, latest, generationFailed(itemIndex, task), true);
	const outcome = await taskItem(ctx, connection, itemIndex, task, video, options.delivery, extra);
	if (outcome.kind === 'failed') return await settleOrRetry(ctx, connection, latest, outcome.failure);
	return waitItem({ ...latest, phase: 'settled', outcome: { kind: 'output', json: outcome.item.json } }, outcome.item.binary);
}

function settleFailed(state: WaitState, failure: ItemFailure): INodeExecutionData {
	return waitItem({ ...state, phase: 'settled', outcome: { kind: 'failed', failure } });
}

/**
 * Retry On Fail, as a durable wait applies it (n8n itself retries a node only before it waits):
 * each item gets the node's Max Tries. A failed generation is created anew; a task that timed
 * out, or whose wait or download failed, is waited for again, with Max Wait counting afresh.
 */
async function settleOrRetry(ctx: IExecuteFunctions, connection: Connection, state: WaitState, failure: ItemFailure, createAnew = false): Promise<INodeExecutionData> {
	const retry = state.retry;
	if (!retry || retry.triesLeft < 1 || (!createAnew && !state.start)) return settleFailed(state, failure);
	const triesLeft = retry.triesLeft - 1;
	const maxWaitMs = state.options.maxWaitS * 1000;
	if (!createAnew && state.start) return waitItem(restarted({ ...state, retry: { ...retry, triesLeft } }, state.start, Date.now(), maxWaitMs));
	const creation = await sendCreate(ctx, connection, retry.request, state.itemIndex, maxWaitMs);
	if (creation.kind === 'failed') return settleFailed({ ...state, ...(creation.created ? { created: creation.created } : {}) }, creation.failure);
	const renewed = { ...state, created: creation.created, ...(state.options.includeRaw ? { raw: creation.raw } : {}), retry: { ...retry, triesLeft } };
	return waitItem(restarted(renewed, creation.task, creation.sentAt, maxWaitMs));
}

function restarted(state: WaitState, start: NonNullable<WaitState['start']>, from: number, maxWaitMs: number): WaitState {
	const next: WaitState = { ...state, phase: 'waiting', start, poll: { ...pollState(from + maxWaitMs, start), nextPollAt: from + state.options.intervalMs } };
	delete next.recreate;
	return next;
}
