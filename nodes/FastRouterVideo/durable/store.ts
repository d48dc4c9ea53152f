import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { redactDeep } from '../text/safeText';
import { itemLabel } from '../text/wording';
import { fromVersion1 } from './legacyState';
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

/** The wait as the watch step last stored it, or as FastRouter Video handed it over. */
export function loadWait(ctx: IExecuteFunctions, items: INodeExecutionData[]): DurableWait {
	const stored = ctx.getContext('flow')[KEY] as DurableWait | undefined;
	if (stored?.v === WAIT_VERSION) return stored;
	const handed = (items[0]?.json.details as IDataObject | undefined)?.[KEY] as { v?: number } | undefined;
	if (handed?.v === WAIT_VERSION) return handed as DurableWait;
	// A wait an earlier version of this package stored, and resumed by this one.
	const older = fromVersion1(items.map((item) => ({ state: (item.json.details as IDataObject | undefined)?.[KEY], binary: item.binary })));
	if (older) return older;
	throw new NodeOperationError(ctx.getNode(), 'This is an internal step of FastRouter Video’s durable wait: it runs only inside the sub-execution that node starts', {
		itemIndex: 0,
		description: 'Use FastRouter Video with Create and Wait and Wait Mode "Durable" (or "Automatic") instead.',
	});
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
	return { ...item, json: { ...item.json, details: { ...(item.json.details as IDataObject), [KEY]: wait as unknown as IDataObject } } };
}

/**
 * The item the steps pass along, error-shaped and naming every task. `previous` is the one the
 * step received: when nothing in it changed, its json is passed on as the very same object.
 */
export function passedItem(wait: DurableWait, previous?: INodeExecutionData): INodeExecutionData {
	const tasks = wait.items.map((entry) => `${itemLabel(entry.item)}: ${describeTask(taskIdOf(entry))}`);
	// One item for the whole batch, paired with the first: a list of every input item would be
	// written again at every park.
	const pairedItem = { item: 0 };
	const before = (previous?.json.details as IDataObject | undefined)?.tasks;
	if (Array.isArray(before) && before.length === tasks.length && before.every((line, index) => line === tasks[index])) {
		return { json: previous?.json as IDataObject, pairedItem };
	}
	const count = `${tasks.length} video${tasks.length === 1 ? '' : 's'}`;
	const error = `FastRouter Video’s durable wait for ${count} was cut short: n8n stopped while it was checking them. They may still finish on FastRouter: run Get Status with each task ID (details.tasks)`;
	return { json: { error, details: { tasks } }, pairedItem };
}

function describeTask(taskId: string | undefined): string {
	return taskId ? `task ${taskId}` : 'no task created';
}
