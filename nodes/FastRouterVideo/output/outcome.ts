import type { INodeExecutionData } from 'n8n-workflow';

import type { ApiFailure } from '../transport/types';

/**
 * What became of one item, as every operation reports it and the batch turns into output or the
 * node's error (batch/finish.ts).
 */

/** A task this run created for an item (each one may be billed), with the latest status known of it. */
export interface CreatedTask {
	itemIndex: number;
	taskId: string;
	status?: string;
}

/** What went wrong for one item, kept until the batch decides to throw or to output it. */
export interface ItemFailure {
	itemIndex: number;
	message: string;
	description?: string;
	taskId?: string | null;
	api?: ApiFailure;
}

/** An item that failed; `created` is the task this run created for it anyway, if any. */
export type Failed = { kind: 'failed'; failure: ItemFailure; created?: CreatedTask };

/**
 * An item's output item, or its failure. Either carries the task this run created for the item,
 * if any, with its latest status: the node's error lists those.
 */
export type ItemOutcome = { kind: 'output'; item: INodeExecutionData; created?: CreatedTask } | Failed;

export function failed(failure: ItemFailure, created?: CreatedTask): Failed {
	return { kind: 'failed', failure, ...(created ? { created } : {}) };
}

export function output(item: INodeExecutionData, created?: CreatedTask): ItemOutcome {
	return { kind: 'output', item, ...(created ? { created } : {}) };
}
