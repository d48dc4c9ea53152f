import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkAllItems, type CheckedItem } from '../batch/checks';
import { createLimit, createOne, forgetFailedGeneration } from '../batch/createOne';
import { forEachItem } from '../batch/forEachItem';
import type { Limiter } from '../batch/pool';
import { videoRequestProperties } from '../descriptions/modelFields';
import {
	DEFAULT_MAX_WAIT_S,
	downloadOptionProperties,
	downloadProperties,
	includeRawResponseOption,
	optionsCollection,
	requestOptionProperties,
	waitOptionProperties,
} from '../descriptions/optionFields';
import { forOperation } from '../descriptions/scope';
import { startDurableWait } from '../durable/start';
import { type FailurePolicy, toNodeError } from '../output/errors';
import { failed, type ItemOutcome, output } from '../output/outcome';
import { taskItem } from '../output/taskItem';
import { generationFailed, timedOut, waitFailed } from '../output/taskFailures';
import { lastErrorOf } from '../polling/cadence';
import { waitForTask } from '../polling/loop';
import { mergeTask, type NormalizedTask } from '../polling/normalize';
import { redactText } from '../text/safeText';
import { itemLabel } from '../text/wording';
import type { Connection } from '../transport/types';
import type { Checked } from '../validation/checked';
import { checkMaxConcurrent, checkWaitOptions, optionsFor, videoDeliveryFor, type WaitOptions } from '../validation/options';

/** A signed image link lives this much longer than the item's Max Wait. */
const IMAGE_LINK_MARGIN_S = 600;

const properties: INodeProperties[] = [
	...videoRequestProperties,
	...downloadProperties,
	optionsCollection([...requestOptionProperties, includeRawResponseOption, ...downloadOptionProperties, ...waitOptionProperties]),
];

export const description = forOperation('createAndWait', properties);

/**
 * Validates every item (its fields and its options), then creates and waits for all of them at
 * once (up to Max Concurrent; the creates through the same limit as Create's): 50 videos take
 * about as long as one. Each item is created exactly once. Max Wait bounds each item's whole wait,
 * from its create on.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], connection: Connection, policy: FailurePolicy): Promise<ItemOutcome[]> {
	const concurrency = checkMaxConcurrent(optionsFor(this, 0));
	if (!concurrency.ok) throw toNodeError(this, { itemIndex: 0, message: concurrency.problems.join('; ') });
	// Read and checked once per item: the checks, the image link's lifetime and the wait share them.
	const optionsByItem = items.map((_, itemIndex) => checkWaitOptions(optionsFor(this, itemIndex)));
	const checked = await checkAllItems(
		this,
		items,
		{
			baseUrl: connection.baseUrl,
			// The link outlives the whole wait: FastRouter may fetch the image late, or again.
			imageLinkLifetimeS: (itemIndex) => {
				const options = optionsByItem[itemIndex];
				return (options.ok ? options.value.maxWaitS : DEFAULT_MAX_WAIT_S) + IMAGE_LINK_MARGIN_S;
			},
		},
		policy,
		(itemIndex) => problemsOf(optionsByItem[itemIndex]),
	);
	const first = optionsByItem[0];
	if (first?.ok && first.value.waitMode === 'durable') return await startDurableWait(this, connection, policy, checked, optionsByItem);
	const limit = createLimit();
	return await forEachItem(this, checked, concurrency.value, async (entry, itemIndex) =>
		await createAndWaitItem(this, connection, limit, entry, itemIndex, optionsByItem[itemIndex]),
	);
}

function problemsOf(checked: Checked<unknown>): string[] {
	return checked.ok ? [] : checked.problems;
}

/** One item: its create, its wait, its video. */
async function createAndWaitItem(
	ctx: IExecuteFunctions,
	connection: Connection,
	limit: Limiter,
	entry: CheckedItem,
	itemIndex: number,
	checkedOptions: Checked<WaitOptions>,
): Promise<ItemOutcome> {
	if (entry.kind === 'failed') return entry;
	if (!checkedOptions.ok) return failed({ itemIndex, message: checkedOptions.problems.join('; ') });
	const { intervalMs, maxWaitS, onTimeout, includeRaw } = checkedOptions.value;
	const creation = await createOne(ctx, connection, limit, entry.request, itemIndex, maxWaitS * 1000);
	if (creation.kind === 'failed') return creation;
	const start = creation.task;
	const end = await waitForTask(ctx, connection, start, {
		intervalMs,
		deadline: creation.sentAt + maxWaitS * 1000,
		keepVideoStream: ctx.getNodeParameter('download', itemIndex, true) as boolean,
		onUpdate: (task) => report(ctx, itemIndex, task, connection),
	});
	const extra = includeRaw ? { raw: { create: creation.raw } } : {};
	// The node's error lists this task with the latest status the wait saw.
	const created = { ...creation.created, status: end.task.status };
	if (end.kind === 'failed') return failed(waitFailed(itemIndex, end.failure, start.taskId), created);
	const task: NormalizedTask = mergeTask(start, end.task);
	if (end.kind === 'timeout') {
		if (onTimeout === 'output') return output({ json: { ...task, ...extra }, pairedItem: { item: itemIndex } }, created);
		return failed(timedOut(itemIndex, task, maxWaitS, lastErrorOf(end)), created);
	}
	if (task.status === 'failed') {
		// A retry (Retry On Fail) creates this item anew: that is what it is for.
		forgetFailedGeneration(ctx, itemIndex);
		return failed(generationFailed(itemIndex, task), created);
	}
	const delivery = videoDeliveryFor(ctx, itemIndex, checkedOptions.value.download);
	return { ...(await taskItem(ctx, connection, itemIndex, task, end.video, delivery, extra)), created };
}

/** A line per state change in n8n's log (and the demo's console): which item, which task, how far. */
function report(ctx: IExecuteFunctions, itemIndex: number, task: NormalizedTask, connection: Connection): void {
	const progress = task.progress !== null ? ` ${task.progress}%` : '';
	ctx.logger.info(redactText(`FastRouter ${itemLabel(itemIndex)} task ${task.taskId}: ${task.status}${progress}`, connection.apiKey), {
		itemIndex,
		taskId: redactText(task.taskId ?? '', connection.apiKey),
		status: task.status,
		progress: task.progress,
	});
}
