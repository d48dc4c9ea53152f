import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fromApiFailure, itemLabel } from '../errors';
import { mergeTask, type NormalizedTask } from '../normalize';
import { waitForTask } from '../poller';
import { getConnection } from '../transport';
import { checkAllItems, finishBatch, forEachItem, type ItemOutcome } from './batch';
import { createOne, type CreatedTask } from './create.operation';
import { includeRawResponseOption, optionsFor } from './params';
import { downloadProperties, taskItem } from './video';

/** FastRouter's own examples poll every few seconds; under 1 s only burns rate limit. */
const MIN_POLL_INTERVAL_S = 1;
const DEFAULT_POLL_INTERVAL_S = 5;
const DEFAULT_MAX_WAIT_S = 900;
// A sheet of 50–100 rows runs in one wave: the whole batch waits about as long as one video.
const DEFAULT_MAX_CONCURRENT = 100;
const DEFAULT_ON_TIMEOUT = 'error';
/** A signed image link lives this much longer than the item's Max Wait. */
const IMAGE_LINK_MARGIN_S = 600;

function maxWaitFor(ctx: IExecuteFunctions, itemIndex: number): number {
	return Math.max(1, Number(optionsFor(ctx, itemIndex).maxWait ?? DEFAULT_MAX_WAIT_S));
}

export const description: INodeProperties[] = [
	...downloadProperties(['createAndWait']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['createAndWait'] } },
		options: [
			includeRawResponseOption,
			{
				displayName: 'Max Concurrent',
				name: 'maxConcurrent',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_CONCURRENT,
				description:
					'How many tasks run on FastRouter at once. Items beyond it start as earlier ones finish.',
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWait',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_WAIT_S,
				description: 'How long to wait for each task after creating it, retries included',
			},
			{
				displayName: 'On Timeout',
				name: 'onTimeout',
				type: 'options',
				options: [
					{
						name: 'Error',
						value: 'error',
						description: 'The item fails (with its task ID, so Get Status can pick it up later)',
					},
					{
						name: 'Output Task',
						value: 'output',
						description: 'The item comes out with its task ID and latest status, for a later Get Status',
					},
				],
				default: DEFAULT_ON_TIMEOUT,
				description: 'What to do with a task still running when Max Wait is reached',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: MIN_POLL_INTERVAL_S },
				default: DEFAULT_POLL_INTERVAL_S,
				description: 'How often each running task is checked',
			},
		],
	},
];

/**
 * Validates every item, then creates and waits for all of them at once (up to Max Concurrent):
 * 50 videos take about as long as one. Each item is created exactly once.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const connection = await getConnection(this);
	const checked = await checkAllItems(this, items, {
		baseUrl: connection.baseUrl,
		// The link outlives the whole wait: FastRouter may fetch the image late, or again.
		imageLinkLifetimeS: (itemIndex) => maxWaitFor(this, itemIndex) + IMAGE_LINK_MARGIN_S,
	});
	const created: CreatedTask[] = [];
	const maxConcurrent = Number(optionsFor(this, 0).maxConcurrent ?? DEFAULT_MAX_CONCURRENT);

	const outcomes = await forEachItem(this, checked, maxConcurrent, async (entry, itemIndex): Promise<ItemOutcome> => {
		if ('itemIndex' in entry) return entry;
		const options = optionsFor(this, itemIndex);
		const intervalMs = 1000 * Math.max(MIN_POLL_INTERVAL_S, Number(options.pollInterval ?? DEFAULT_POLL_INTERVAL_S));
		const maxWaitS = maxWaitFor(this, itemIndex);
		const onTimeout = (options.onTimeout as string | undefined) ?? DEFAULT_ON_TIMEOUT;
		const includeRaw = options.includeRawResponse === true;

		const result = await createOne(this, connection, entry, itemIndex, created);
		if ('message' in result) return result;
		const start = result.task;
		const download = this.getNodeParameter('download', itemIndex, true) as boolean;
		const end = await waitForTask(this, connection, start, {
			intervalMs,
			deadline: Date.now() + maxWaitS * 1000,
			keepVideoStream: download,
			onUpdate: (task) => report(this, itemIndex, task),
		});
		const extra = includeRaw ? { raw: { create: result.raw } } : {};
		const record = created.find((task) => task.itemIndex === itemIndex);
		if (record) record.status = end.task.status;

		if (end.kind === 'error') {
			const failure = fromApiFailure(itemIndex, end.failure, start.taskId);
			failure.description = `${failure.description ?? ''} The task was created and may still be running on FastRouter: Get Status with its task ID.`.trim();
			return failure;
		}
		const task: NormalizedTask = mergeTask(start, end.task);
		if (end.kind === 'timeout') {
			if (onTimeout === 'output') return { json: { ...task, ...extra }, pairedItem: { item: itemIndex } };
			return {
				itemIndex,
				taskId: task.taskId,
				message: `Task ${task.taskId} did not finish within ${maxWaitS} s (last status: ${task.status}${task.progress !== null ? `, ${task.progress}%` : ''})`,
				description:
					'It may still finish on FastRouter: run Get Status with this task ID later, or raise Max Wait. Set On Timeout to "Output Task" to get such items as output instead of an error.',
			};
		}
		if (task.status === 'failed') {
			return {
				itemIndex,
				taskId: task.taskId,
				message: `The generation of task ${task.taskId} failed: ${task.error?.message ?? 'no reason given'}`,
				description: 'FastRouter reported the task as failed; change the prompt or image and run again.',
			};
		}
		return await taskItem(this, connection, itemIndex, task, end.video, extra);
	});
	return finishBatch(this, outcomes, created);
}

/** A line per state change in n8n's log (and the demo's console): which item, which task, how far. */
function report(ctx: IExecuteFunctions, itemIndex: number, task: NormalizedTask): void {
	const progress = task.progress !== null ? ` ${task.progress}%` : '';
	ctx.logger.info(`FastRouter ${itemLabel(itemIndex)} task ${task.taskId}: ${task.status}${progress}`, {
		itemIndex,
		taskId: task.taskId,
		status: task.status,
		progress: task.progress,
	});
}
