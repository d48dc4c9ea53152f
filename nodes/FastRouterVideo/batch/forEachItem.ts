import type { IExecuteFunctions } from 'n8n-workflow';

import { cancelled } from '../errors/nodeErrors';
import { mapInPool } from './pool';

/**
 * Runs `work` for every item, at most `concurrency` at a time; outcomes keep the input order. No
 * item starts after the execution is cancelled.
 */
export async function forEachItem<T, R>(
	ctx: IExecuteFunctions,
	entries: T[],
	concurrency: number,
	work: (entry: T, itemIndex: number) => Promise<R>,
): Promise<R[]> {
	const signal = ctx.getExecutionCancelSignal();
	const results = await mapInPool(entries, concurrency, work, signal);
	// Items the pool did not start because the run was cancelled have no result.
	if (results.length !== entries.length || Object.keys(results).length !== entries.length) {
		throw cancelled(ctx);
	}
	return results;
}
