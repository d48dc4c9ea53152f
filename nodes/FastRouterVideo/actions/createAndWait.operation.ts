import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkAllItems, type CheckedItem } from '../batch/checks';
import { createGate, type CreateGate, createOne, forgetFailedGeneration } from '../batch/createOne';
import { forEachItem } from '../batch/forEachItem';
import { videoRequestProperties } from '../descriptions/modelFields';
import {
	downloadOptionProperties,
	downloadProperties,
	includeRawResponseOption,
	maxCreditsOption,
	optionsCollection,
	requestOptionProperties,
	waitOptionProperties,
} from '../descriptions/optionFields';
import { forOperation } from '../descriptions/scope';
import { startDurableWait } from '../durable/start';
import { howItWaits, planWait } from '../durable/waitMode';
import type { FailurePolicy } from '../errors/failure';
import { toNodeError } from '../errors/nodeErrors';
import { failed, type ItemOutcome, output } from '../output/outcome';
import { showSummary, summarize } from '../output/runSummary';
import { judgeWait } from '../output/waitEnd';
import { waitForTask } from '../polling/loop';
import type { NormalizedTask } from '../polling/normalize';
import { DEFAULT_MAX_WAIT_S } from '../settings/limits';
import { redactText } from '../text/safeText';
import { itemLabel } from '../text/wording';
import { forItem } from '../transport/connection';
import type { Connection } from '../transport/types';
import { readBatchOptions } from '../validation/options';

/** A signed image link lives this much longer than the item's Max Wait. */
const IMAGE_LINK_MARGIN_S = 600;

const properties: INodeProperties[] = [
	...videoRequestProperties,
	...downloadProperties,
	optionsCollection([
		...requestOptionProperties,
		maxCreditsOption,
		includeRawResponseOption,
		...downloadOptionProperties,
		...waitOptionProperties,
	]),
];

export const description = forOperation('createAndWait', properties);

/**
 * Validates every item (its fields and its options), then creates and waits for all of them at
 * once (up to Max Concurrent; the creates through the same limit as Create's): 50 videos take
 * about as long as one. Each item is created exactly once. Max Wait bounds each item's whole wait,
 * from its create on. Where the batch waits — in process or durably — is decided before any create.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
	policy: FailurePolicy,
): Promise<ItemOutcome[]> {
	const batch = readBatchOptions(this);
	if (!batch.ok) throw toNodeError(this, { itemIndex: 0, message: batch.problems.join('; ') });
	const checked = await checkAllItems(
		this,
		items,
		'createAndWait',
		(options) => ({
			baseUrl: connection.baseUrl,
			// The link outlives the whole wait: FastRouter may fetch the image late, or again.
			// An item whose options are refused is not sent: its link is only checked.
			imageLinkLifetimeS: (itemIndex) => {
				const checkedOptions = options[itemIndex];
				return (
					(checkedOptions.ok ? checkedOptions.value.maxWaitS : DEFAULT_MAX_WAIT_S) +
					IMAGE_LINK_MARGIN_S
				);
			},
		}),
		policy,
	);
	const plan = await planWait(this, batch.value.waitMode);
	// About the whole run, not its first item: no "Item 1".
	if (!plan.ok)
		throw new NodeOperationError(this.getNode(), plan.problems.join('; '), { itemIndex: 0 });
	const gate = createGate(this, batch.value.maxCredits);
	if (plan.value.mode === 'durable')
		return await startDurableWait(this, connection, policy, checked, plan.value, gate);
	const outcomes = await forEachItem(
		this,
		checked,
		batch.value.maxConcurrent,
		async (entry, itemIndex) => await createAndWaitItem(this, connection, gate, entry, itemIndex),
	);
	showSummary(
		this,
		summarize(outcomes, gate.credits.state, howItWaits(plan.value)),
		connection.apiKey,
	);
	return outcomes;
}

/** One item: its create, its wait, its video. */
async function createAndWaitItem(
	ctx: IExecuteFunctions,
	runConnection: Connection,
	gate: CreateGate,
	entry: CheckedItem<'createAndWait'>,
	itemIndex: number,
): Promise<ItemOutcome> {
	if (entry.kind === 'failed') return entry;
	const connection = forItem(runConnection, itemIndex);
	const { includeRaw, delivery, intervalMs, maxWaitS, onTimeout } = entry.options;
	const creation = await createOne(
		ctx,
		connection,
		gate,
		entry.request,
		itemIndex,
		maxWaitS * 1000,
	);
	if (creation.kind === 'failed') return creation;
	const end = await waitForTask(ctx, connection, creation.task, {
		intervalMs,
		deadline: creation.sentAt + maxWaitS * 1000,
		keepVideoStream: delivery.attach,
		onUpdate: (task) => report(ctx, itemIndex, task, connection),
		turn: gate.polls,
	});
	const extra = includeRaw ? { raw: { create: creation.raw } } : {};
	const verdict = await judgeWait(ctx, connection, itemIndex, creation.task, end, {
		maxWaitS,
		onTimeout,
		delivery,
		extra,
	});
	// The node's error lists this task with the latest status the wait saw.
	const created = { ...creation.created, status: verdict.task.status };
	if (verdict.kind === 'output') return output(verdict.item, created);
	// A retry (Retry On Fail) creates a failed generation anew: that is what it is for.
	if (verdict.retry === 'createAnew') forgetFailedGeneration(ctx, itemIndex);
	return failed(verdict.failure, created);
}

/** A line per state change in n8n's log (and the demo's console): which item, which task, how far. */
function report(
	ctx: IExecuteFunctions,
	itemIndex: number,
	task: NormalizedTask,
	connection: Connection,
): void {
	const progress = task.progress !== null ? ` ${task.progress}%` : '';
	ctx.logger.info(
		redactText(
			`FastRouter ${itemLabel(itemIndex)} task ${task.taskId}: ${task.status}${progress}`,
			connection.apiKey,
		),
		{
			itemIndex,
			taskId: redactText(task.taskId ?? '', connection.apiKey),
			status: task.status,
			progress: task.progress,
		},
	);
}
