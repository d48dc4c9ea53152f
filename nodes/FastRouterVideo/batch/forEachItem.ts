import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemOutcome } from '../output/outcome';
import { cancelled } from '../transport/exchange';
import { mapInPool } from './pool';

/**
 * Runs `work` for every item, at most `concurrency` at a time; outcomes keep the input order. No
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
