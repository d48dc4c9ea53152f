import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import {
	ManualExecutionCancelledError,
	TimeoutExecutionCancelledError,
	WAIT_FOR_SUB_EXECUTION,
} from 'n8n-workflow';

import { finishBatch } from '../batch/finish';
import type { ItemFailure } from '../errors/failure';
import { failed, type ItemOutcome, output } from '../output/outcome';
import { publishSummary, showSummary } from '../output/runSummary';
import { getConnection } from '../transport/connection';
import { ownerOf, watcherWorkflow } from './childWorkflow';
import {
	currentWatcher,
	handedWait,
	keepHanded,
	loadWait,
	passedItem,
	readHandedBack,
	recordWatcher,
	savedWait,
	seenCutOffBefore,
	startItem,
} from './store';
import { type DurableWait, isOpen, type ItemWait, summaryOf } from './waitState';
import { failedFor, stopAll } from './watchStep';

/**
 * The keeper's steps (childWorkflow.ts): none of them sends a request to FastRouter, so a stop
 * finds the keeper parked, and n8n never hands FastRouter Video's execution a half-done wait.
 */

/**
 * The round step: starts a watcher on the wait it is given and parks on it. Given word that a
 * watcher it no longer waits on was replaced, it parks on its current watcher again instead.
 */
export async function roundStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = ctx.getInputData();
	const workflowId = String(ctx.getWorkflow().id);
	const current = currentWatcher(ctx);
	if (readHandedBack(input).kind === 'replaced' && current) {
		// What n8n's own executeWorkflow records when a sub-execution parks: its sweep reads it.
		ctx.setMetadata({
			waitingChildExecutionIds: [current],
			subExecution: { executionId: current, workflowId },
		});
		await ctx.putExecutionToWait(WAIT_FOR_SUB_EXECUTION);
		return [input];
	}
	const wait = handedWait(input) ?? loadWait(ctx, input);
	// What the keeper falls back to should a watcher leave nothing readable.
	keepHanded(ctx, wait);
	const owner = { ...ownerOf(ctx), name: wait.node ?? ctx.getNode().name };
	const watching = { ...wait, keeper: ctx.getExecutionId() };
	const result = await ctx.executeWorkflow(
		{ code: watcherWorkflow(ctx, owner, wait.items.filter(isOpen).length) },
		[startItem(watching)],
		undefined,
		{
			parentExecution: { executionId: ctx.getExecutionId(), workflowId, shouldResume: true },
		},
	);
	recordWatcher(ctx, result.executionId);
	ctx.setMetadata({ subExecution: { executionId: result.executionId, workflowId } });
	const { apiKey } = await getConnection(ctx);
	publishSummary(
		ctx,
		{
			...summaryOf(wait),
			wait: `${wait.how}, for execution ${wait.parentExecutionId}, watched by sub-execution ${result.executionId}`,
		},
		apiKey,
	);
	// A watcher parks before it does anything; one that ended at once handed back already.
	if (!result.waitTill) return [result.data[0] ?? []];
	// Stored with the park: should n8n hand this on (a stop in the keeper's own milliseconds of
	// work), the execution ends naming every task rather than waiting forever.
	return [[passedItem(wait)]];
}

/**
 * The check step, after each watcher: a settled wait goes to the finish; word that a watcher was
 * replaced goes back to the round, to park on the current one; anything else is what n8n stored of
 * a watcher that was cut off (killed, stopped past its grace, marked crashed at start-up), and a
 * new watcher takes over from that watcher's last saved state.
 */
export async function checkStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = ctx.getInputData();
	const handed = readHandedBack(input);
	const current = currentWatcher(ctx);
	if (handed.kind === 'settled') {
		// Its watcher is the one that settled it (one the keeper had taken for cut off included):
		// any other still parked sees itself replaced, and does nothing.
		recordWatcher(ctx, handed.watcher);
		return [[], [input[0]]];
	}
	if (handed.kind === 'handOver') return [[startItem(markRecreates(handed.wait))], []];
	if (handed.kind === 'replaced' && handed.watcher !== current) return [[input[0]], []];
	const saved = current
		? savedWait(await ctx.getExecutionDataById(current).catch(() => undefined))
		: undefined;
	// Not readable (queue mode wipes a lost worker's, or cut off before its first park was stored): the wait as last handed on.
	const last = saved ?? loadWait(ctx, input);
	// Stopped by a person (or its workflow's timeout), not by n8n: the wait ends there.
	if (wasStopped(input[0]))
		return [
			[],
			[
				startItem(
					stopAll(last, `This wait's watcher (sub-execution ${current ?? '?'}) was stopped`),
				),
			],
		];
	// The same watcher cut off twice: the round could not start a new one (its error came as the
	// item); the wait ends now, naming its tasks, rather than loop.
	if (seenCutOffBefore(ctx, current)) return [[], [startItem(last)]];
	ctx.logger.warn(
		`FastRouter Video's durable wait: watcher ${current ?? '?'} was cut off; a new one goes on from ${saved ? 'its last saved state' : 'the state the keeper kept'}`,
	);
	return [[startItem(cutOff(last))], []];
}

/**
 * Whether a watcher ended because somebody stopped it: n8n then resumes the keeper with its error
 * (the round step continues on error, so it comes as the item). A shutdown's cancel is a cut-off.
 */
function wasStopped(item: INodeExecutionData | undefined): boolean {
	const error = item?.json.error;
	if (typeof error !== 'string') return false;
	// n8n 2.x's own words for a stop by hand and by timeout; 1.x never gets here (no durable wait).
	const stops = [ManualExecutionCancelledError, TimeoutExecutionCancelledError].flatMap((type) =>
		typeof type === 'function' ? [new type('').message] : [],
	);
	return [...stops, 'The execution was cancelled'].includes(error);
}

/**
 * Every re-create marked as to be sent, in the wait the keeper keeps (the round step stores it at
 * its park) before the next watcher sends any: should that watcher be cut off, and even its saved
 * state lost, the keeper still knows which creates may have reached FastRouter.
 */
function markRecreates(wait: DurableWait): DurableWait {
	return {
		...wait,
		items: wait.items.map(
			(entry): ItemWait => (entry.phase === 'recreate' ? { ...entry, sending: true } : entry),
		),
	};
}

/**
 * A wait whose watcher was cut off, as the next watcher takes it on. The polls and downloads the
 * cut-off run had done are simply done again; but a re-create that run was to send may have
 * reached FastRouter, and is never sent twice: that item fails, saying so.
 */
function cutOff(wait: DurableWait): DurableWait {
	const items = wait.items.map(
		(entry): ItemWait =>
			entry.phase === 'recreate' && entry.sending
				? failedFor(entry, mayHaveBeenCreated(entry))
				: entry,
	);
	return { ...wait, items };
}

function mayHaveBeenCreated(entry: Extract<ItemWait, { phase: 'recreate' }>): ItemFailure {
	return {
		itemIndex: entry.item,
		taskId: entry.created?.taskId,
		message:
			'Not created again: n8n stopped while this item’s new create (Retry On Fail) was being sent, so FastRouter may have made it; a create is never sent twice',
		description: `Its earlier try: ${entry.failure.message}. Look for the new task in FastRouter's request log (this execution's trace), or run the row again.`,
	};
}

/**
 * The finish step, the keeper's last: one item per item of the FastRouter Video node's input, in
 * its order, exactly as an in-process wait gives them — its videos, and its failures as the node's
 * On Error says: error items, or (without Continue On Fail) the node's error listing every task it
 * created. n8n resumes the node's execution with these items, or fails the node with that error.
 */
export async function finishStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const input = ctx.getInputData();
	const wait = handedWait(input) ?? loadWait(ctx, input);
	const { apiKey } = await getConnection(ctx);
	const summary = summaryOf(wait);
	showSummary(ctx, summary, apiKey);
	return [finishBatch(ctx, wait.items.map(outcomeOf), wait.policy, apiKey)];
}

function outcomeOf(entry: ItemWait): ItemOutcome {
	if (entry.phase === 'done') {
		return output(
			{
				json: entry.json,
				...(entry.binary ? { binary: entry.binary } : {}),
				pairedItem: { item: entry.item },
			},
			entry.created,
		);
	}
	if (entry.phase === 'failed') return failed(entry.failure, entry.created);
	// Only a wait cut short ends with an item still open.
	return failed(
		{
			itemIndex: entry.item,
			taskId: entry.created?.taskId,
			message: 'The durable wait ended before this task did',
		},
		entry.created,
	);
}
