import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { mapInPool } from './pool';
import { failureItem, type ItemFailure, toNodeError } from './errors';
import { cancelled } from './request';
import { redactDeep } from './safeText';
import type { CreateRequest } from './validation';
import { createRequestFor, type RequestContext } from './itemParameters';

export type ItemOutcome = INodeExecutionData | ItemFailure;

function isFailure(outcome: ItemOutcome): outcome is ItemFailure {
	return 'itemIndex' in outcome && 'message' in outcome && !('json' in outcome);
}

/**
 * Checks every item before the first create is sent: without Continue On Fail one bad row stops
 * the node with nothing created; with it, bad rows become error items and the rest go on.
 */
export async function checkAllItems(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	context: RequestContext,
	checkOptions: (itemIndex: number) => string | undefined = () => undefined,
): Promise<Array<CreateRequest | ItemFailure>> {
	const checked: Array<CreateRequest | ItemFailure> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const result = await createRequestFor(ctx, itemIndex, context);
		const problems = [...(result.ok ? [] : result.problems), checkOptions(itemIndex)].filter((p): p is string => !!p);
		checked.push(result.ok && problems.length === 0 ? result.request : { itemIndex, message: problems.join('; ') });
	}
	const firstBad = checked.find((entry): entry is ItemFailure => 'itemIndex' in entry);
	if (firstBad && !ctx.continueOnFail()) throw toNodeError(ctx, firstBad);
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

/** Either every item's output, or — without Continue On Fail — the first failure as the node's error. */
export function finishBatch(
	ctx: IExecuteFunctions,
	outcomes: ItemOutcome[],
	created: Array<{ itemIndex: number; taskId: string; status?: string }>,
	secret = '',
): INodeExecutionData[] {
	const firstFailure = outcomes.find(isFailure);
	if (firstFailure && !ctx.continueOnFail()) throw toNodeError(ctx, firstFailure, created, secret);
	// A server may echo the key anywhere in its answers (raw included): none of it is output.
	return outcomes.map((outcome) => (isFailure(outcome) ? failureItem(ctx, outcome, secret) : redactItem(outcome, secret)));
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
