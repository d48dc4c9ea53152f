import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkAllItems, failed, finishBatch, forEachItem, type ItemOutcome, output } from '../batch';
import type { DownloadSettings } from '../binary';
import { createLimit, createOne } from '../creates';
import { fromApiFailure, itemLabel, toNodeError } from '../errors';
import { forOperation, videoRequestProperties } from '../fields';
import { includeRawResponseOption, optionsFor } from '../itemParameters';
import { mergeTask, type NormalizedTask } from '../normalize';
import { checkBoolean, checkChoice, checkDownloadOptions, checkNumber, downloadOptionProperties } from '../optionChecks';
import { waitForTask } from '../poller';
import { lastErrorOf, MIN_POLL_INTERVAL_MS } from '../retry';
import { redactText } from '../safeText';
import { downloadProperties, taskItem } from '../taskOutput';
import { type Connection, getConnection } from '../transport';

const MIN_POLL_INTERVAL_S = MIN_POLL_INTERVAL_MS / 1000;
const DEFAULT_POLL_INTERVAL_S = 5;
const DEFAULT_MAX_WAIT_S = 900;
// A sheet of 50–100 rows runs in one wave: the whole batch waits about as long as one video.
const DEFAULT_MAX_CONCURRENT = 100;
const DEFAULT_ON_TIMEOUT = 'error' as const;
/** A signed image link lives this much longer than the item's Max Wait. */
const IMAGE_LINK_MARGIN_S = 600;

const properties: INodeProperties[] = [
	...videoRequestProperties,
	...downloadProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			includeRawResponseOption,
			...downloadOptionProperties,
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
				description: 'How long each item may take from its create until its task is done, retries, slow answers and Retry-After waits included (its download has its own limits)',
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
				description: 'How often each running task is checked (at least every 1 s; a smaller value counts as 1)',
			},
		],
	},
];

export const description = forOperation('createAndWait', properties);

interface WaitSettings {
	intervalMs: number;
	maxWaitS: number;
	onTimeout: 'error' | 'output';
	includeRaw: boolean;
	download: DownloadSettings;
}

/** One item's options, checked: the settings, or the first one that makes no sense. */
function waitSettingsFor(ctx: IExecuteFunctions, itemIndex: number): { ok: true; value: WaitSettings } | { ok: false; problem: string } {
	const options = optionsFor(ctx, itemIndex);
	const interval = checkNumber(
		options,
		{ label: 'Poll Interval (Seconds)', name: 'pollInterval', min: MIN_POLL_INTERVAL_S, msPerUnit: 1000, clampBelow: true },
		DEFAULT_POLL_INTERVAL_S,
	);
	if (!interval.ok) return interval;
	const maxWait = checkNumber(options, { label: 'Max Wait (Seconds)', name: 'maxWait', min: 1, msPerUnit: 1000 }, DEFAULT_MAX_WAIT_S);
	if (!maxWait.ok) return maxWait;
	const onTimeout = checkChoice(options, 'On Timeout', 'onTimeout', ['error', 'output'] as const, DEFAULT_ON_TIMEOUT);
	if (!onTimeout.ok) return onTimeout;
	const includeRaw = checkBoolean(options, 'Include Raw Response', 'includeRawResponse');
	if (!includeRaw.ok) return includeRaw;
	const download = checkDownloadOptions(options);
	if (!download.ok) return download;
	return {
		ok: true,
		value: {
			intervalMs: interval.value * 1000,
			maxWaitS: maxWait.value,
			onTimeout: onTimeout.value,
			includeRaw: includeRaw.value,
			download: download.value,
		},
	};
}

/**
 * Validates every item (its fields and its options), then creates and waits for all of them at
 * once (up to Max Concurrent; the creates through the same limit as Create's): 50 videos take
 * about as long as one. Each item is created exactly once. Max Wait bounds each item's whole wait,
 * from its create on.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const concurrency = checkNumber(
		optionsFor(this, 0),
		{ label: 'Max Concurrent', name: 'maxConcurrent', min: 1, integer: true },
		DEFAULT_MAX_CONCURRENT,
	);
	if (!concurrency.ok) throw toNodeError(this, { itemIndex: 0, message: concurrency.problem });
	const connection = await getConnection(this);
	// Read and checked once per item: the checks, the image link's lifetime and the wait share them.
	const settingsByItem = items.map((_, itemIndex) => waitSettingsFor(this, itemIndex));
	const checked = await checkAllItems(
		this,
		items,
		{
			baseUrl: connection.baseUrl,
			// The link outlives the whole wait: FastRouter may fetch the image late, or again.
			imageLinkLifetimeS: (itemIndex) => {
				const settings = settingsByItem[itemIndex];
				return (settings.ok ? settings.value.maxWaitS : DEFAULT_MAX_WAIT_S) + IMAGE_LINK_MARGIN_S;
			},
		},
		(itemIndex) => {
			const settings = settingsByItem[itemIndex];
			return settings.ok ? undefined : settings.problem;
		},
	);
	const limit = createLimit();

	const outcomes = await forEachItem(this, checked, concurrency.value, async (entry, itemIndex): Promise<ItemOutcome> => {
		if (entry.kind === 'failed') return entry;
		const settings = settingsByItem[itemIndex];
		if (!settings.ok) return failed({ itemIndex, message: settings.problem });
		const { intervalMs, maxWaitS, onTimeout, includeRaw } = settings.value;

		const creation = await createOne(this, connection, limit, entry.request, itemIndex, maxWaitS * 1000);
		if (creation.kind === 'failed') return creation;
		const start = creation.task;
		const download = this.getNodeParameter('download', itemIndex, true) as boolean;
		const end = await waitForTask(this, connection, start, {
			intervalMs,
			deadline: creation.sentAt + maxWaitS * 1000,
			keepVideoStream: download,
			onUpdate: (task) => report(this, itemIndex, task, connection),
		});
		const extra = includeRaw ? { raw: { create: creation.raw } } : {};
		// The node's error lists this task with the latest status the wait saw.
		const created = { ...creation.created, status: end.task.status };

		if (end.kind === 'failed') {
			const failure = fromApiFailure(itemIndex, end.failure, start.taskId);
			failure.description = `${failure.description ?? ''} The task was created and may still be running on FastRouter: Get Status with its task ID.`.trim();
			return failed(failure, created);
		}
		const task: NormalizedTask = mergeTask(start, end.task);
		if (end.kind === 'timeout') {
			if (onTimeout === 'output') return output({ json: { ...task, ...extra }, pairedItem: { item: itemIndex } }, created);
			const lastError = lastErrorOf(end);
			return failed(
				{
					itemIndex,
					taskId: task.taskId,
					message: `Task ${task.taskId} did not finish within ${maxWaitS} s (last status: ${task.status}${task.progress !== null ? `, ${task.progress}%` : ''}${lastError ? `; last error: ${lastError}` : ''})`,
					description:
						'It may still finish on FastRouter: run Get Status with this task ID later, or raise Max Wait. Set On Timeout to "Output Task" to get such items as output instead of an error.',
				},
				created,
			);
		}
		if (task.status === 'failed') {
			return failed(
				{
					itemIndex,
					taskId: task.taskId,
					message: `The generation of task ${task.taskId} failed: ${task.error?.message ?? 'no reason given'}`,
					description: 'FastRouter reported the task as failed; change the prompt or image and run again.',
				},
				created,
			);
		}
		return { ...(await taskItem(this, connection, itemIndex, task, end.video, settings.value.download, extra)), created };
	});
	return finishBatch(this, outcomes, connection.apiKey);
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
