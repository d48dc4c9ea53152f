import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Failed } from '../errors/failure';
import type { NormalizedTask } from '../polling/normalize';
import { CreditLimit, freshCredits } from './creditLimit';

/**
 * What earlier tries of this node run created, per item, so that n8n's Retry On Fail never pays
 * twice. n8n retries a node by calling it again in the same process, with the same items and the
 * same record of the run (`getExecuteData()`, one object for every try of one run of the node, on
 * n8n 1.x as on 2.x). The memory hangs on that object in a WeakMap: it is gone with the run, is
 * never shared with another execution or another run of the node, and holds one entry per item.
 *
 * - a task that exists and has not failed is re-attached: the retry waits for it, it is not created again;
 * - a create whose answer was lost (it may have created a task) is not sent again: the item fails
 *   again with the same explanation;
 * - a generation FastRouter reported as failed, or a create refused before anything was made,
 *   leaves nothing behind: the retry creates anew — that is what the retry is for.
 */
export type EarlierTry =
	| { kind: 'created'; task: NormalizedTask; raw: IDataObject }
	| { kind: 'uncertain'; failed: Failed };

/** What a node run remembers across its tries: each item's create, and the credits its creates used. */
interface RunMemory {
	tries: Map<number, EarlierTry>;
	credits?: CreditLimit;
}

const runs = new WeakMap<object, RunMemory>();

/** This node run's memory (empty on the first try, and a fresh one where n8n keeps no record). */
function runMemory(ctx: IExecuteFunctions): RunMemory {
	const run =
		typeof ctx.getExecuteData === 'function'
			? (ctx.getExecuteData() as object | undefined)
			: undefined;
	if (!run) return { tries: new Map() };
	let memory = runs.get(run);
	if (!memory) {
		memory = { tries: new Map() };
		runs.set(run, memory);
	}
	return memory;
}

/** This node run's memory of its earlier tries. */
export function earlierTries(ctx: IExecuteFunctions): Map<number, EarlierTry> {
	return runMemory(ctx).tries;
}

/**
 * This node run's credits — what its creates cost, and Max Credits per Run if set — kept across
 * Retry On Fail's tries: a retry's creates count against what the earlier tries used.
 */
export function creditLimitOf(ctx: IExecuteFunctions, maxCredits: number | undefined): CreditLimit {
	const memory = runMemory(ctx);
	memory.credits ??= new CreditLimit(freshCredits(maxCredits ?? null));
	return memory.credits;
}
