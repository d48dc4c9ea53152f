import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CreatedTask } from './creates';
import { failureItem, type ItemFailure, toNodeError } from './errors';
import { createRequestFor, type RequestContext } from './itemParameters';
import { mapInPool } from './pool';
import { cancelled } from './request';
import { redactDeep } from './safeText';
import type { CreateRequest } from './validation';

/** An item that failed; `created` is the task this run created for it anyway, if any. */
export type Failed = { kind: 'failed'; failure: ItemFailure; created?: CreatedTask };

/**
 * What became of one item: its output item, or its failure. Either carries the task this run
 * created for the item, if any, with its latest status: the node's error lists those.
 */
export type ItemOutcome = { kind: 'output'; item: INodeExecutionData; created?: CreatedTask } | Failed;

export function failed(failure: ItemFailure, created?: CreatedTask): Failed {
	return { kind: 'failed', failure, ...(created ? { created } : {}) };
}

export function output(item: INodeExecutionData, created?: CreatedTask): ItemOutcome {
	return { kind: 'output', item, ...(created ? { created } : {}) };
}

/** An item checked before any create: its request, or why it cannot be sent. */
export type CheckedItem = { kind: 'ready'; request: CreateRequest } | Failed;

/**
 * Checks every item before the first create is sent: without Continue On Fail one bad row stops
 * the node with nothing created; with it, bad rows become error items and the rest go on.
 */
export async function checkAllItems(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	context: RequestContext,
	checkOptions: (itemIndex: number) => string | undefined = () => undefined,
): Promise<CheckedItem[]> {
	const checked: CheckedItem[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const result = await createRequestFor(ctx, itemIndex, context);
		const problems = [...(result.ok ? [] : result.problems), checkOptions(itemIndex)].filter((p): p is string => !!p);
		checked.push(result.ok && problems.length === 0 ? { kind: 'ready', request: result.request } : failed({ itemIndex, message: problems.join('; ') }));
	}
	const firstBad = checked.find((entry): entry is Failed => entry.kind === 'failed');
	if (firstBad && !ctx.continueOnFail()) throw toNodeError(ctx, firstBad.failure);
	return checked;
}

/**
 * Runs `work` for every item, at most `concurrency` at a time; results keep the input order. No
 * item starts after the execution is cancelled.
 */
export async function forEachItem<T>(
	ctx: IExecuteFunctions,
	entries: T[],
	concurrency: number,
	work: (entry: T, itemIndex: number) => Promise<ItemOutcome>,
): Promise<ItemOutcome[]> {
	const signal = ctx.getExecutionCancelSignal();
	const outcomes = await mapInPool(entries, concurrency, work, signal);
	// Items the pool did not start because the run was cancelled have no outcome.
	if ((outcomes as Array<ItemOutcome | undefined>).includes(undefined)) {
		throw cancelled(ctx);
	}
	return outcomes;
}

/**
 * Either every item's output, or — without Continue On Fail — the first failure as the node's
 * error, listing the tasks the run created for the other items.
 */
export function finishBatch(ctx: IExecuteFunctions, outcomes: ItemOutcome[], secret = ''): INodeExecutionData[] {
	const firstFailure = outcomes.find((outcome): outcome is Failed => outcome.kind === 'failed');
	if (firstFailure && !ctx.continueOnFail()) {
		const created = outcomes.flatMap((outcome) => (outcome.created ? [outcome.created] : []));
		throw toNodeError(ctx, firstFailure.failure, created, secret);
	}
	// A server may echo the key anywhere in its answers (raw included): none of it is output.
	return outcomes.map((outcome) =>
		outcome.kind === 'failed' ? failureItem(ctx, outcome.failure, secret) : redactItem(outcome.item, secret),
	);
}

/** The item's json and its binaries' names (a file is named for its task id), without the key. */
function redactItem(item: INodeExecutionData, secret: string): INodeExecutionData {
	const binary = item.binary
		? Object.fromEntries(
				Object.entries(item.binary).map(([name, entry]) => [name, { ...redactDeep({ ...entry, data: '' }, secret), data: entry.data }]),
			)
		: undefined;
	return { ...item, json: redactDeep(item.json, secret), ...(binary ? { binary } : {}) };
}
