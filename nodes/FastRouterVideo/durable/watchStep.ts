import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { createWithin, sendCreate } from '../batch/createOne';
import { CreditLimit } from '../batch/creditLimit';
import { forEachItem } from '../batch/forEachItem';
import type { ItemFailure } from '../errors/failure';
import { publishSummary } from '../output/runSummary';
import { judgeWait } from '../output/waitEnd';
import { nextPoll, POLL_GRACE_MS, pollState, waitPolicy } from '../polling/cadence';
import { pollTask, type WaitEnd } from '../polling/loop';
import type { NormalizedTask } from '../polling/normalize';
import {
	DURABLE_MIN_POLL_INTERVAL_MS,
	DURABLE_STEP_BUDGET_MS,
	REQUESTS_AT_ONCE,
} from '../settings/limits';
import { messageOf } from '../text/wording';
import { discard } from '../transport/answer';
import { forItem, getConnection } from '../transport/connection';
import type { Connection } from '../transport/types';
import {
	handBackItem,
	hasSavedWait,
	loadWait,
	passedItem,
	replacedItem,
	saveWait,
	watcherOf,
} from './store';
import { type DurableWait, isOpen, type ItemWait, type StoredRetry, summaryOf } from './waitState';

/**
 * n8n resumes a stored wait no sooner than this after it parks (its wait tracker looks for due
 * waits once a minute; a shorter wait is resumed only at that look). A task whose poll falls due
 * before then is polled now, a little early, rather than at the resume after, up to a minute late.
 */
const RESUME_FLOOR_MS = DURABLE_MIN_POLL_INTERVAL_MS;

type OpenItem = Extract<ItemWait, { phase: 'waiting' | 'recreate' }>;

/** What one run of the watch step did: the wait as stored, whether some task still runs, whether due work was left for the next run. */
interface Advanced {
	wait: DurableWait;
	open: boolean;
	left: boolean;
	/** The run sent re-creates (and nothing else). */
	recreated: boolean;
	item: INodeExecutionData;
}

/**
 * One run of the watch step: polls the tasks that are due (the in-process cadence's decisions),
 * keeps each finished video in n8n's binary data, applies Max Wait, On Timeout and Retry On Fail,
 * and stores the state. Work still due when the run's budget is spent is `left` for the next run.
 */
async function advanceWait(
	ctx: IExecuteFunctions,
	wait: DurableWait,
	connection: Connection,
	input: INodeExecutionData[],
): Promise<Advanced> {
	const now = Date.now();
	const { due, left: held, recreates } = dueThisRun(wait, now);
	let items = wait.items;
	let overBudget = false;
	if (due.some(Boolean)) {
		if (await parentStopped(ctx, wait.parentExecutionId))
			items = stopAll(
				wait,
				`The execution that started this wait (${wait.parentExecutionId}) was stopped`,
			).items;
		else
			({ items, left: overBudget } = await advanceDue(
				ctx,
				{
					connection,
					wait,
					credits: wait.credits ? new CreditLimit(wait.credits) : undefined,
					startedAt: now,
				},
				due,
			));
	}
	const next = { ...wait, items };
	const left = held || overBudget;
	// A watcher's keeper marks its re-creates; a wait stored before the keeper marks its own.
	const stored = saveWait(
		ctx,
		wait.keeper
			? next
			: markSending(next, left ? Date.now() : parkUntil(next, Date.now()).getTime()),
		connection.apiKey,
	);
	publishSummary(ctx, summaryOf(stored), connection.apiKey);
	return {
		wait: stored,
		open: stored.items.some(isOpen),
		left,
		recreated: recreates,
		item: passedItem(stored, input[0]),
	};
}

/**
 * What this run does. A run that has re-creates to send sends only those, and the rest goes on in
 * the next run, at once: that run begins from a state n8n saved with their new tasks, so a stop
 * can cut off the sending itself (a second), never a re-create whose answer had come.
 */
function dueThisRun(
	wait: DurableWait,
	now: number,
): { due: boolean[]; left: boolean; recreates: boolean } {
	const due = wait.items.map((entry) => isDue(entry, wait, now));
	const recreates = due.map(
		(isDueNow, index) => isDueNow && wait.items[index].phase === 'recreate',
	);
	if (!recreates.some(Boolean)) return { due, left: false, recreates: false };
	return {
		due: recreates,
		left: due.some((isDueNow, index) => isDueNow && !recreates[index]),
		recreates: true,
	};
}

/**
 * Marks the re-creates the next run will send, in a wait stored before the keeper (one sub-execution,
 * no keeper): the state saved before that run says so.
 */
function markSending(wait: DurableWait, nextRunAt: number): DurableWait {
	const items = wait.items.map(
		(entry): ItemWait =>
			entry.phase === 'recreate' && !entry.sending && entry.at < nextRunAt + RESUME_FLOOR_MS
				? { ...entry, sending: true }
				: entry,
	);
	return items.some((entry, index) => entry !== wait.items[index]) ? { ...wait, items } : wait;
}

/** When the wait must be resumed: its earliest due poll, but never sooner than n8n can resume it. */
function parkUntil(wait: DurableWait, now: number): Date {
	const due = wait.items.flatMap((entry) =>
		entry.phase === 'waiting'
			? [entry.poll.nextPollAt]
			: entry.phase === 'recreate'
				? [entry.at]
				: [],
	);
	return new Date(Math.max(now + RESUME_FLOOR_MS, due.length ? Math.min(...due) : 0));
}

function isDue(entry: ItemWait, wait: DurableWait, now: number): boolean {
	// A re-create is sent only when a saved state marked it: its keeper's (or, in a wait stored
	// before the keeper, the state saved at the park before).
	if (entry.phase === 'recreate') return entry.sending === true && entry.at < now + RESUME_FLOOR_MS;
	if (entry.phase !== 'waiting') return false;
	const { nextPollAt, lastPollAt } = entry.poll;
	// Early, but not so early that a task just created or just polled is looked at again at once.
	return (
		nextPollAt <= now ||
		(nextPollAt < now + RESUME_FLOOR_MS &&
			now - lastPollAt >= wait.terms[entry.terms].intervalMs / 2)
	);
}

/**
 * The due items advanced, at most REQUESTS_AT_ONCE at a time; none is started once the run's
 * budget is spent (those are `left`, still due, for the next run).
 */
async function advanceDue(
	ctx: IExecuteFunctions,
	step: StepContext,
	due: boolean[],
): Promise<{ items: ItemWait[]; left: boolean }> {
	const { items } = step.wait;
	let left = false;
	const advanced = await forEachItem(ctx, items, REQUESTS_AT_ONCE, async (entry, index) => {
		if (!due[index] || !isOpen(entry)) return entry;
		if (Date.now() - step.startedAt >= DURABLE_STEP_BUDGET_MS) {
			left = true;
			return entry;
		}
		return await advanceItem(ctx, step, entry);
	});
	return { items: advanced, left };
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
async function advanceItem(
	ctx: IExecuteFunctions,
	step: StepContext,
	entry: OpenItem,
): Promise<ItemWait> {
	const { wait } = step;
	const connection = forItem(step.connection, entry.item);
	if (entry.phase === 'recreate') return await createAgain(ctx, step, entry);
	const terms = wait.terms[entry.terms];
	const polled = await pollTask(
		ctx,
		connection,
		entry.task.taskId ?? '',
		entry.task.model,
		entry.poll.deadline + POLL_GRACE_MS,
	);
	const decision = nextPoll(waitPolicy(terms.intervalMs), entry.poll, polled, Date.now());
	const video = polled.kind === 'status' ? polled.video : undefined;
	if (decision.kind !== 'answered' && video) discard(video.stream);
	if (decision.kind === 'sleep')
		return {
			...entry,
			poll: {
				...decision.state,
				nextPollAt: step.startedAt + decision.ms,
				lastPollAt: step.startedAt,
			},
		};
	const end: WaitEnd =
		decision.kind === 'answered' ? { kind: 'finished', task: decision.task, video } : decision;
	const extra = terms.includeRaw ? { raw: { create: entry.raw ?? null } } : {};
	const verdict = await judgeWait(ctx, connection, entry.item, entry.task, end, {
		...terms,
		extra,
	});
	const latest = {
		...entry,
		...(entry.created ? { created: { ...entry.created, status: verdict.task.status } } : {}),
	};
	if (verdict.kind === 'output') {
		const { item, terms: termsIndex, created } = latest;
		return {
			item,
			terms: termsIndex,
			...(created ? { created } : {}),
			phase: 'done',
			json: verdict.item.json,
			...(verdict.item.binary ? { binary: verdict.item.binary } : {}),
		};
	}
	return tryAgain(step, latest, verdict.failure, verdict.retry);
}

/**
 * Retry On Fail, as a durable wait applies it (n8n retries a node only before it waits): each item
 * gets the node's Max Tries. A task that timed out, or whose wait or download failed, is waited for
 * again, Max Wait counting afresh. A failed generation is to be created anew: by a later run, once
 * a saved state marks it (markSending), never by the run that decided it.
 */
function tryAgain(
	step: StepContext,
	entry: Extract<ItemWait, { phase: 'waiting' }>,
	failure: ItemFailure,
	retry: 'createAnew' | 'waitAgain',
): ItemWait {
	if (!entry.retry || entry.retry.triesLeft < 1) return failedFor(entry, failure);
	const terms = step.wait.terms[entry.terms];
	if (retry === 'waitAgain')
		return waitingFor(
			entry,
			entry.task,
			Date.now(),
			terms.maxWaitS,
			terms.intervalMs,
			{ ...entry.retry, triesLeft: entry.retry.triesLeft - 1 },
			entry.raw,
		);
	const recreate: ItemWait = {
		item: entry.item,
		terms: entry.terms,
		phase: 'recreate',
		at: Date.now(),
		failure,
		retry: entry.retry,
	};
	if (entry.created) recreate.created = entry.created;
	return recreate;
}

/** A marked re-create sent: it costs credits again, within the run's limit, and uses up one of the item's tries. */
async function createAgain(
	ctx: IExecuteFunctions,
	step: StepContext,
	entry: Extract<ItemWait, { phase: 'recreate' }>,
): Promise<ItemWait> {
	if (entry.retry.triesLeft < 1) return failedFor(entry, entry.failure);
	const terms = step.wait.terms[entry.terms];
	const next: StoredRetry = { ...entry.retry, triesLeft: entry.retry.triesLeft - 1 };
	const { request } = entry.retry;
	const creation = await createWithin(
		step.credits,
		entry.item,
		request,
		async () =>
			await sendCreate(
				ctx,
				forItem(step.connection, entry.item),
				request,
				entry.item,
				terms.maxWaitS * 1000,
			),
	);
	if (creation.kind === 'failed')
		return failedFor(
			{ ...entry, ...(creation.created ? { created: creation.created } : {}) },
			creation.failure,
		);
	const renewed = { ...entry, created: creation.created };
	return waitingFor(
		renewed,
		creation.task,
		creation.sentAt,
		terms.maxWaitS,
		terms.intervalMs,
		next,
		terms.includeRaw ? creation.raw : undefined,
	);
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
	const poll = {
		...pollState(from + maxWaitS * 1000, task),
		nextPollAt: from + intervalMs,
		lastPollAt: from,
	};
	return {
		item: entry.item,
		terms: entry.terms,
		...(entry.created ? { created: entry.created } : {}),
		phase: 'waiting',
		task,
		poll,
		...(raw ? { raw } : {}),
		...(retry ? { retry } : {}),
	};
}

export function failedFor(
	entry: Pick<ItemWait, 'item' | 'terms' | 'created'>,
	failure: ItemFailure,
): ItemWait {
	return {
		item: entry.item,
		terms: entry.terms,
		...(entry.created ? { created: entry.created } : {}),
		phase: 'failed',
		failure,
	};
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
		ctx.logger.warn(
			`FastRouter Video could not look at execution ${parentExecutionId}; polling on`,
			{ error: messageOf(error) },
		);
		return false;
	}
}

/** The wait stopped by somebody (`what` was stopped): every open item fails, naming its task, which is left on FastRouter. */
export function stopAll(wait: DurableWait, what: string): DurableWait {
	const stopped = (entry: OpenItem): ItemFailure => {
		const taskId = entry.created?.taskId;
		const message = `${what}; ${taskId ? `task ${taskId} was left on FastRouter` : 'its create was not sent again'}`;
		return {
			itemIndex: entry.item,
			taskId,
			message,
			description: 'It may still finish: run Get Status with its task ID.',
		};
	};
	return {
		...wait,
		items: wait.items.map((entry) => (isOpen(entry) ? failedFor(entry, stopped(entry)) : entry)),
	};
}

/**
 * The watch step. A new watcher first only parks: its keeper runs until it does, and nothing that
 * a stop could cut off may run while the keeper runs. Later runs advance the wait, then go on at
 * once (work left by the budget; n8n saves the run first), park until the next poll is due, or hand
 * the settled wait back. A watcher its keeper has replaced does nothing.
 */
export async function watchStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = ctx.getInputData();
	const fresh = !hasSavedWait(ctx);
	const wait = loadWait(ctx, input);
	const connection = await connectionFor(ctx, wait);
	if (wait.keeper && fresh) {
		const stored = saveWait(ctx, wait, connection.apiKey);
		await ctx.putExecutionToWait(parkUntil(stored, Date.now()));
		return [[passedItem(stored, input[0])], []];
	}
	const keeper = wait.keeper ? await keeperSays(ctx, wait.keeper) : 'current';
	if (keeper === 'replaced') return [[], [replacedItem(ctx.getExecutionId())]];
	if (keeper === 'stopped') {
		const ended = saveWait(
			ctx,
			stopAll(wait, `The sub-execution this wait's watcher works for (${wait.keeper}) was stopped`),
			connection.apiKey,
		);
		return [[], [handBackItem(ended, ctx.getExecutionId(), 'settled')]];
	}
	const advanced = await advanceWait(ctx, wait, connection, input);
	if (!advanced.open) return [[], [handBackItem(advanced.wait, ctx.getExecutionId(), 'settled')]];
	// Money is kept where no stop can lose it: the keeper marks every re-create before it is sent
	// and keeps every task one brings (n8n may wipe a watcher's saved state: queue mode, a worker lost).
	if (
		wait.keeper &&
		(advanced.recreated || advanced.wait.items.some((entry) => entry.phase === 'recreate'))
	) {
		return [[], [handBackItem(advanced.wait, ctx.getExecutionId(), 'handOver')]];
	}
	if (!advanced.left) await ctx.putExecutionToWait(parkUntil(advanced.wait, Date.now()));
	return [[advanced.item], []];
}

/** FastRouter, with the trace of the execution the wait works for, as its creates had. */
async function connectionFor(ctx: IExecuteFunctions, wait: DurableWait): Promise<Connection> {
	return await getConnection(
		ctx,
		wait.node ? { executionId: wait.parentExecutionId, nodeName: wait.node } : undefined,
	);
}

/**
 * What the keeper says of this watcher: still its `current` one; `replaced` by another (it saw this
 * one cut off, wrongly: n8n's crash recovery marks a running execution crashed at start-up); or
 * `stopped`, itself (or deleted), so that nobody waits for these tasks any more. Not knowing counts
 * as current.
 */
async function keeperSays(
	ctx: IExecuteFunctions,
	keeper: string,
): Promise<'current' | 'replaced' | 'stopped'> {
	try {
		const data = await ctx.getExecutionDataById(keeper);
		if (!data || data.resultData?.error !== undefined) return 'stopped';
		const current = watcherOf(data);
		return current !== undefined && current !== ctx.getExecutionId() ? 'replaced' : 'current';
	} catch (error) {
		ctx.logger.warn(`FastRouter Video could not look at its keeper ${keeper}; watching on`, {
			error: messageOf(error),
		});
		return 'current';
	}
}
