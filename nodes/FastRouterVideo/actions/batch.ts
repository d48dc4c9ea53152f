import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapInPool } from '../pool';
import { failureItem, type ItemFailure, toNodeError } from '../errors';
import type { CreateRequest } from '../validation';
import { createRequestFor, type RequestContext } from './params';

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
): Promise<Array<CreateRequest | ItemFailure>> {
	const checked: Array<CreateRequest | ItemFailure> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const result = await createRequestFor(ctx, itemIndex, context);
		checked.push(result.ok ? result.request : { itemIndex, message: result.problems.join('; ') });
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
		throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
	}
	return outcomes;
}

/** Either every item's output, or — without Continue On Fail — the first failure as the node's error. */
export function finishBatch(
	ctx: IExecuteFunctions,
	outcomes: ItemOutcome[],
	created: Array<{ itemIndex: number; taskId: string; status?: string }>,
): INodeExecutionData[] {
	const firstFailure = outcomes.find(isFailure);
	if (firstFailure && !ctx.continueOnFail()) throw toNodeError(ctx, firstFailure, created);
	return outcomes.map((outcome) => (isFailure(outcome) ? failureItem(ctx, outcome) : outcome));
}
