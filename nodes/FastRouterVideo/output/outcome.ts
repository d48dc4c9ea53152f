import type { INodeExecutionData } from 'n8n-workflow';

import type { CreatedTask, Failed, ItemFailure } from '../errors/failure';

/**
 * What became of one item, as every operation reports it and the batch turns into output or the
 * node's error (batch/finish.ts).
 */

/**
 * An item's output item, or its failure. Either carries the task this run created for the item,
 * if any, with its latest status: the node's error lists those.
 */
export type ItemOutcome =
	| { kind: 'output'; item: INodeExecutionData; created?: CreatedTask }
	| Failed;

export function failed(failure: ItemFailure, created?: CreatedTask): Failed {
	return { kind: 'failed', failure, ...(created ? { created } : {}) };
}

export function output(item: INodeExecutionData, created?: CreatedTask): ItemOutcome {
	return { kind: 'output', item, ...(created ? { created } : {}) };
}
