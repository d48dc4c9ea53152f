import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createWithin, sendCreate } from '../batch/createOne';
import { CreditLimit } from '../batch/creditLimit';
import { mapInPool } from '../batch/pool';
import type { ItemFailure } from '../errors/failure';
import { cancelled } from '../errors/nodeErrors';
import { publishSummary } from '../output/runSummary';
import { judgeWait } from '../output/waitEnd';
import { nextPoll, POLL_GRACE_MS, pollState, waitPolicy } from '../polling/cadence';
import { pollTask, type WaitEnd } from '../polling/loop';
import type { NormalizedTask } from '../polling/normalize';
import { DURABLE_MIN_POLL_INTERVAL_MS, REQUESTS_AT_ONCE } from '../settings/limits';
import { discard } from '../transport/answer';
import { forItem, getConnection } from '../transport/connection';
import type { Connection } from '../transport/types';
import { loadWait, passedItem, saveWait } from './store';
import { type DurableWait, isOpen, type ItemWait, type StoredRetry, summaryOf } from './waitState';

/**
 * n8n resumes a stored wait no sooner than this after it parks (its wait tracker looks for due
 * waits once a minute; a shorter wait is resumed only at that look). A task whose poll falls due
 * before then is polled now, a little early, rather than at the resume after, up to a minute late.
 */
const RESUME_FLOOR_MS = DURABLE_MIN_POLL_INTERVAL_MS;

type OpenItem = Extract<ItemWait, { phase: 'waiting' | 'recreate' }>;

/**
 * One step of the wait: polls the tasks that are due (the in-process cadence's decisions), keeps
 * each finished video in n8n's binary data, applies Max Wait, On Timeout and Retry On Fail, and
 * stores the state. `open`: some task still runs.
 */
async function advanceWait(ctx: IExecuteFunctions): Promise<{ wait: DurableWait; open: boolean; item: INodeExecutionData }> {
	const input = ctx.getInputData();
	const wait = loadWait(ctx, input);
	// The trace of the execution the wait works for, as its creates had.
	const connection = await getConnection(ctx, wait.node ? { executionId: wait.parentExecutionId, nodeName: wait.node } : undefined);
	const now = Date.now();
	const due = wait.items.map((entry) => isDue(entry, wait, now));
	let items = wait.items;
	if (due.some(Boolean)) {
		if (await parentStopped(ctx, wait.parentExecutionId)) items = items.map((entry) => (isOpen(entry) ? failedFor(entry, stopped(entry, wait)) : entry));
		else items = await advanceDue(ctx, { connection, wait, credits: wait.credits ? new CreditLimit(wait.credits) : undefined, startedAt: now }, due);
	}
	const stored = saveWait(ctx, { ...wait, items }, connection.apiKey);
	const open = stored.items.some(isOpen);
	publishSummary(ctx, summaryOf(stored), connection.apiKey);
	return { wait: stored, open, item: passedItem(stored, input[0]) };
}

/** When the wait must be resumed: its earliest due poll, but never sooner than n8n can resume it. */
function parkUntil(wait: DurableWait, now: number): Date {
	const due = wait.items.flatMap((entry) => (entry.phase === 'waiting' ? [entry.poll.nextPollAt] : entry.phase === 'recreate' ? [entry.at] : []));
	return new Date(Math.max(now + RESUME_FLOOR_MS, due.length ? Math.min(...due) : 0));
}

function isDue(entry: ItemWait, wait: DurableWait, now: number): boolean {
	if (entry.phase === 'recreate') return entry.at < now + RESUME_FLOOR_MS;
	if (entry.phase !== 'waiting') return false;
	const { nextPollAt, lastPollAt } = entry.poll;
	// Early, but not so early that a task just created or just polled is looked at again at once.
	return nextPollAt <= now || (nextPollAt < now + RESUME_FLOOR_MS && now - lastPollAt >= wait.terms[entry.terms].intervalMs / 2);
}

async function advanceDue(ctx: IExecuteFunctions, step: StepContext, due: boolean[]): Promise<ItemWait[]> {
	const { items } = step.wait;
	const advanced = await mapInPool(items, REQUESTS_AT_ONCE, async (entry, index) => (due[index] && isOpen(entry) ? await advanceItem(ctx, step, entry) : entry), ctx.getExecutionCancelSignal());
	if (Object.keys(advanced).length !== items.length) throw cancelled(ctx);
	return advanced;
}

/** What one step works with: where FastRouter is, the wait, the run's credits, and when the step began. */
interface StepContext {
	connection: Connection;
	wait: DurableWait;
	credits: CreditLimit | undefined;
	/**
	 * The tasks polled in one step poll next one interval after the step began, not after each poll
	 * ended: a step of a thousand polls takes seconds, and the tasks stay together at every resume.
	 */
	startedAt: number;
}

/** One due item: its task polled once, then still waiting, settled, or — with Retry On Fail — tried again. */
async function advanceItem(ctx: IExecuteFunctions, step: StepContext, entry: OpenItem): Promise<ItemWait> {
	const { wait } = step;
	const connection = forItem(step.connection, entry.item);
	if (entry.phase === 'recreate') return await tryAgain(ctx, step, entry, entry.failure, 'createAnew');
	const terms = wait.terms[entry.terms];
	const polled = await pollTask(ctx, connection, entry.task.taskId ?? '', entry.task.model, entry.poll.deadline + POLL_GRACE_MS);
	const decision = nextPoll(waitPolicy(terms.intervalMs), entry.poll, polled, Date.now());
	const video = polled.kind === 'status' ? polled.video : undefined;
	if (decision.kind !== 'answered' && video) discard(video.stream);
	if (decision.kind === 'sleep') return { ...entry, poll: { ...decision.state, nextPollAt: step.startedAt + decision.ms, lastPollAt: step.startedAt } };
	const end: WaitEnd = decision.kind === 'answered' ? { kind: 'finished', task: decision.task, video } : decision;
	const extra = terms.includeRaw ? { raw: { create: entry.raw ?? null } } : {};
	const verdict = await judgeWait(ctx, connection, entry.item, entry.task, end, { ...terms, extra });
	const latest = { ...entry, ...(entry.created ? { created: { ...entry.created, status: verdict.task.status } } : {}) };
	if (verdict.kind === 'output') {
		const { item, terms: termsIndex, created } = latest;
		return { item, terms: termsIndex, ...(created ? { created } : {}), phase: 'done', json: verdict.item.json, ...(verdict.item.binary ? { binary: verdict.item.binary } : {}) };
	}
	return await tryAgain(ctx, step, latest, verdict.failure, verdict.retry);
}

/**
 * Retry On Fail, as a durable wait applies it (n8n retries a node only before it waits): each item
 * gets the node's Max Tries. A failed generation (or a create refused before anything was made) is
 * created anew; a task that timed out, or whose wait or download failed, is waited for again,
 * Max Wait counting afresh.
 */
async function tryAgain(ctx: IExecuteFunctions, step: StepContext, entry: OpenItem, failure: ItemFailure, retry: 'createAnew' | 'waitAgain'): Promise<ItemWait> {
	if (!entry.retry || entry.retry.triesLeft < 1) return failedFor(entry, failure);
	const terms = step.wait.terms[entry.terms];
	const next: StoredRetry = { ...entry.retry, triesLeft: entry.retry.triesLeft - 1 };
	if (retry === 'waitAgain' && entry.phase === 'waiting') return waitingFor(entry, entry.task, Date.now(), terms.maxWaitS, terms.intervalMs, next, entry.raw);
	// Created anew: this costs credits again, within the run's limit.
	const { request } = entry.retry;
	const creation = await createWithin(step.credits, entry.item, request, async () => await sendCreate(ctx, forItem(step.connection, entry.item), request, entry.item, terms.maxWaitS * 1000));
	if (creation.kind === 'failed') return failedFor({ ...entry, ...(creation.created ? { created: creation.created } : {}) }, creation.failure);
	const renewed = { ...entry, created: creation.created };
	return waitingFor(renewed, creation.task, creation.sentAt, terms.maxWaitS, terms.intervalMs, next, terms.includeRaw ? creation.raw : undefined);
}

/** An item waiting on `task` from `from` on: Max Wait counts from there. */
export function waitingFor(
	entry: Pick<ItemWait, 'item' | 'terms' | 'created'>,
	task: NormalizedTask,
	from: number,
	maxWaitS: number,
	intervalMs: number,
	retry?: StoredRetry,
	raw?: IDataObject,
): ItemWait {
	const poll = { ...pollState(from + maxWaitS * 1000, task), nextPollAt: from + intervalMs, lastPollAt: from };
	return { item: entry.item, terms: entry.terms, ...(entry.created ? { created: entry.created } : {}), phase: 'waiting', task, poll, ...(raw ? { raw } : {}), ...(retry ? { retry } : {}) };
}

function failedFor(entry: Pick<ItemWait, 'item' | 'terms' | 'created'>, failure: ItemFailure): ItemWait {
	return { item: entry.item, terms: entry.terms, ...(entry.created ? { created: entry.created } : {}), phase: 'failed', failure };
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

function stopped(entry: OpenItem, wait: DurableWait): ItemFailure {
	const taskId = entry.created?.taskId;
	return {
		itemIndex: entry.item,
		taskId,
		message: `The execution that started this wait (${wait.parentExecutionId}) was stopped; ${taskId ? `task ${taskId} was left on FastRouter` : 'its create was not sent again'}`,
		description: 'It may still finish: run Get Status with its task ID.',
	};
}

/** The watch step: advances the wait, then either parks it (looping back on the resume) or hands it to the finish. */
export async function watchStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { wait, open, item } = await advanceWait(ctx);
	if (!open) return [[], [item]];
	await ctx.putExecutionToWait(parkUntil(wait, Date.now()));
	return [[item], []];
}

/** A version 1 wait's poll step: advances the wait; its own wait step parks it. */
export async function legacyPollStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { open, item } = await advanceWait(ctx);
	return open ? [[], [item]] : [[item], []];
}

/** A version 1 wait's wait step: parks until the next poll is due and passes the item on. */
export async function legacyWaitStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	await ctx.putExecutionToWait(parkUntil(loadWait(ctx, items), Date.now()));
	return [items];
}
