import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IRunExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { redactDeep } from '../text/safeText';
import { itemLabel } from '../text/wording';
import { type DurableWait, taskIdOf, WAIT_VERSION } from './waitState';

/**
 * Where a durable wait keeps its state between parks, and the one item its steps pass along.
 *
 * n8n stores a sub-execution whole at every park, and keeps every run of every step: items that
 * carried the state would be stored again at each park (measured before this design: +1.2 KB per
 * video per park). So the state lives in the sub-execution's flow context, written over at each
 * park, and the steps pass one small item that changes only when a task is created anew. n8n's
 * own serialization stores an unchanged object once, so an unchanged item costs nothing more.
 *
 * That item is written as an error item naming every task: should n8n die while a step runs, n8n
 * hands the last item it stored back to the FastRouter Video node (2.41's resume of a parent whose
 * sub-execution ended), and the execution then ends saying which tasks to look up, on the node's
 * error output when it has one.
 */

const KEY = 'fastRouterVideoWait';
/** Where the keeper keeps the id of the watcher it waits on (childWorkflow.ts), and of the last one it saw cut off. */
const WATCHER_KEY = 'fastRouterVideoWatcher';
const CUT_OFF_KEY = 'fastRouterVideoCutOff';

/** The wait as this execution last stored it, or as it was handed over. */
export function loadWait(ctx: IExecuteFunctions, items: INodeExecutionData[]): DurableWait {
	// What this execution stored last is the newest: never fall back from it to an older copy.
	const stored = ctx.getContext('flow')[KEY] as { v?: unknown } | undefined;
	if (stored !== undefined) {
		if (stored.v === WAIT_VERSION) return stored as DurableWait;
		throw unreadable(ctx, stored.v, items);
	}
	const handed = handedWait(items);
	if (handed) return handed;
	const found = detailsOf(items)?.[KEY] as { v?: unknown } | undefined;
	if (found) throw unreadable(ctx, found.v, items);
	throw new NodeOperationError(
		ctx.getNode(),
		'This is an internal step of FastRouter Video’s durable wait: it runs only inside the sub-execution that node starts',
		{
			itemIndex: 0,
			description:
				'Use FastRouter Video with Create and Wait and Wait Mode "Durable" (or "Automatic") instead.',
		},
	);
}

/**
 * A wait stored in a shape this version cannot read (a version of the package that stored it was
 * rolled back, or the state was damaged): the wait ends, naming every task the item it was passed
 * lists, so that each can be looked up with Get Status.
 */
function unreadable(
	ctx: IExecuteFunctions,
	version: unknown,
	items: INodeExecutionData[],
): NodeOperationError {
	const tasks = detailsOf(items)?.tasks;
	const listed =
		Array.isArray(tasks) && tasks.length ? tasks.map(String).join('\n') : 'none listed';
	return new NodeOperationError(
		ctx.getNode(),
		`This durable wait was stored in a form this version of n8n-nodes-fastrouter cannot read (state version ${JSON.stringify(version ?? null)}): the wait ends here`,
		{
			itemIndex: 0,
			description: `Its tasks may still finish on FastRouter: run Get Status with each task ID.\n${listed}`,
		},
	);
}

/** The wait an item hands on (FastRouter Video's to its keeper, a keeper's to its watcher, a watcher's back). */
export function handedWait(items: INodeExecutionData[]): DurableWait | undefined {
	const handed = detailsOf(items)?.[KEY] as DurableWait | undefined;
	return handed?.v === WAIT_VERSION ? handed : undefined;
}

/** The `details` of the one item the steps pass along, where the hand-overs travel. */
function detailsOf(items: INodeExecutionData[]): IDataObject | undefined {
	return items[0]?.json.details as IDataObject | undefined;
}

/** A sub-execution's flow context as n8n stored it, where the wait (and a keeper's watcher) is kept. */
function storedFlowOf(data: IRunExecutionData | undefined): IDataObject | undefined {
	return data?.executionData?.contextData?.flow as IDataObject | undefined;
}

/** The keeper keeps the wait it last handed on, as it was (the same object: n8n stores it once). */
export function keepHanded(ctx: IExecuteFunctions, wait: DurableWait): void {
	ctx.getContext('flow')[KEY] = wait;
}

/** Whether this execution has saved a wait yet: a watcher's first run has not. */
export function hasSavedWait(ctx: IExecuteFunctions): boolean {
	return ctx.getContext('flow')[KEY] !== undefined;
}

/** Stores the wait for the next park, with whatever FastRouter echoed of the key cut out; returns what it stored. */
export function saveWait(ctx: IExecuteFunctions, wait: DurableWait, secret: string): DurableWait {
	const stored = redactDeep(wait, secret);
	ctx.getContext('flow')[KEY] = stored;
	return stored;
}

/** What FastRouter Video hands its sub-execution: the item below, with the whole wait in it. */
export function startItem(wait: DurableWait): INodeExecutionData {
	const item = passedItem(wait);
	return {
		...item,
		json: {
			...item.json,
			details: { ...(item.json.details as IDataObject), [KEY]: wait as unknown as IDataObject },
		},
	};
}

/**
 * The item the steps pass along, error-shaped and naming every task. `previous` is the one the
 * step received: when nothing in it changed, its json is passed on as the very same object.
 */
export function passedItem(wait: DurableWait, previous?: INodeExecutionData): INodeExecutionData {
	const tasks = wait.items.map(
		(entry) => `${itemLabel(entry.item)}: ${describeTask(taskIdOf(entry))}`,
	);
	// One item for the whole batch, paired with the first: a list of every input item would be
	// written again at every park.
	const pairedItem = { item: 0 };
	const before = (previous?.json.details as IDataObject | undefined)?.tasks;
	if (
		Array.isArray(before) &&
		before.length === tasks.length &&
		before.every((line, index) => line === tasks[index])
	) {
		return { json: previous?.json as IDataObject, pairedItem };
	}
	const count = `${tasks.length} video${tasks.length === 1 ? '' : 's'}`;
	const error = `FastRouter Video’s durable wait for ${count} was cut short: n8n stopped while it was checking them. They may still finish on FastRouter: run Get Status with each task ID (details.tasks)`;
	return { json: { error, details: { tasks } }, pairedItem };
}

function describeTask(taskId: string | undefined): string {
	return taskId ? `task ${taskId}` : 'no task created';
}

/** The wait a sub-execution last saved (at its last park, or after its last step run), read from its stored data. */
export function savedWait(data: IRunExecutionData | undefined): DurableWait | undefined {
	const stored = storedFlowOf(data)?.[KEY] as DurableWait | undefined;
	return stored?.v === WAIT_VERSION ? stored : undefined;
}

/** The watcher the keeper waits on, as the keeper's round step recorded it. */
export function currentWatcher(ctx: IExecuteFunctions): string | undefined {
	return ctx.getContext('flow')[WATCHER_KEY] as string | undefined;
}

export function recordWatcher(ctx: IExecuteFunctions, executionId: string): void {
	ctx.getContext('flow')[WATCHER_KEY] = executionId;
}

/** Records `watcher` as cut off; true when it was already the last one seen cut off (no new one could start). */
export function seenCutOffBefore(ctx: IExecuteFunctions, watcher: string | undefined): boolean {
	const flow = ctx.getContext('flow');
	const seen = flow[CUT_OFF_KEY] === (watcher ?? null);
	flow[CUT_OFF_KEY] = watcher ?? null;
	return seen;
}

/** The watcher a keeper waits on, read from the keeper's stored data: a watcher that is not it has been replaced. */
export function watcherOf(keeper: IRunExecutionData | undefined): string | undefined {
	return storedFlowOf(keeper)?.[WATCHER_KEY] as string | undefined;
}

/**
 * What a watcher hands its keeper when it ends: the settled wait (every item done or failed), or
 * word that it was replaced by another and did nothing. Anything else the keeper receives is what
 * n8n stored of a watcher that was cut off.
 */
export type HandedBack =
	| { kind: 'settled' | 'handOver'; watcher: string; wait: DurableWait }
	| { kind: 'replaced'; watcher: string }
	| { kind: 'cutOff' };

/** `handOver`: not settled, but re-creates to mark (or just sent): the keeper keeps it, and starts a new watcher on it. */
export function handBackItem(
	wait: DurableWait,
	watcher: string,
	kind: 'settled' | 'handOver',
): INodeExecutionData {
	const item = startItem(wait);
	return {
		...item,
		json: {
			...item.json,
			details: { ...(item.json.details as IDataObject), handedBackBy: watcher, handedBack: kind },
		},
	};
}

export function replacedItem(watcher: string): INodeExecutionData {
	return { json: { details: { replacedWatcher: watcher } }, pairedItem: { item: 0 } };
}

export function readHandedBack(items: INodeExecutionData[]): HandedBack {
	const details = detailsOf(items);
	const wait = handedWait(items);
	if (typeof details?.handedBackBy === 'string' && wait) {
		return {
			kind: details.handedBack === 'handOver' ? 'handOver' : 'settled',
			watcher: details.handedBackBy,
			wait,
		};
	}
	if (typeof details?.replacedWatcher === 'string')
		return { kind: 'replaced', watcher: details.replacedWatcher };
	return { kind: 'cutOff' };
}
