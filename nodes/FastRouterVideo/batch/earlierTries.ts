import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { NormalizedTask } from '../polling/normalize';
import type { Failed } from '../errors/failure';

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
export type EarlierTry = { kind: 'created'; task: NormalizedTask; raw: IDataObject } | { kind: 'uncertain'; failed: Failed };

const runs = new WeakMap<object, Map<number, EarlierTry>>();

/** This node run's memory of its earlier tries (empty on the first try, and where n8n keeps no record). */
export function earlierTries(ctx: IExecuteFunctions): Map<number, EarlierTry> {
	const run = typeof ctx.getExecuteData === 'function' ? (ctx.getExecuteData() as object | undefined) : undefined;
	if (!run) return new Map();
	let tries = runs.get(run);
	if (!tries) {
		tries = new Map();
		runs.set(run, tries);
	}
	return tries;
}
