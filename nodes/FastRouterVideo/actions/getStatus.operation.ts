import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { canonicalModelId } from '../catalog';
import { fromApiFailure, toNodeError } from '../errors';
import { pollOnce, unknownStatusFailure } from '../poller';
import { discard, getConnection } from '../transport';
import { finishBatch, forEachItem, type ItemOutcome } from '../batch';
import { checkDownloadOptions, downloadOptionProperties } from '../optionChecks';
import { includeRawResponseOption, modelFor, optionsFor } from '../itemParameters';
import { downloadProperties, taskItem } from '../taskOutput';
import { forOperation } from '../fields';

const STATUS_CONCURRENCY = 10;
/** One status check per item; a 429/5xx/network blip is tried this many times in all. */
const STATUS_ATTEMPTS = 3;
const STATUS_RETRY_DELAY_MS = 1_000;
/** One look at a task, its retries included, is over within this (the download has its own limits). */
const STATUS_MAX_WAIT_MS = 90_000;

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '={{ $json.taskId }}',
		description: 'The task to look at, as returned by Create (its `taskId`)',
	},
	...downloadProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...downloadOptionProperties,
			includeRawResponseOption,
		],
	},
];

export const description = forOperation('getStatus', properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	// Options that make no sense are refused before anything is sent, as for the creates.
	const settings = items.map((_item, itemIndex) => checkDownloadOptions(optionsFor(this, itemIndex)));
	const firstBad = settings.findIndex((checked) => !checked.ok);
	const bad = settings[firstBad];
	if (bad && !bad.ok && !this.continueOnFail()) throw toNodeError(this, { itemIndex: firstBad, message: bad.problem });
	const connection = await getConnection(this);
	const signal = this.getExecutionCancelSignal();
	const outcomes = await forEachItem(this, items, STATUS_CONCURRENCY, async (_item, itemIndex): Promise<ItemOutcome> => {
		const download = settings[itemIndex];
		if (!download.ok) return { itemIndex, message: download.problem };
		const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
		// The older poll route needs the model exactly as the task was created with it.
		const model = canonicalModelId(modelFor(this, itemIndex));
		if (!taskId) return { itemIndex, message: '"taskId" is empty: give the task ID that Create returned' };
		const deadline = Date.now() + STATUS_MAX_WAIT_MS;
		let polled = await pollOnce(this, connection, taskId, model, deadline);
		for (let attempt = 1; polled.kind === 'error' && polled.failure.retryable && attempt < STATUS_ATTEMPTS; attempt++) {
			const pause = polled.failure.retryAfterMs ?? STATUS_RETRY_DELAY_MS * attempt;
			if (Date.now() + pause > deadline) break;
			await sleep(pause, signal);
			polled = await pollOnce(this, connection, taskId, model, deadline);
		}
		if (polled.kind === 'error') return fromApiFailure(itemIndex, polled.failure, taskId);
		if (polled.unknownStatus !== undefined) {
			if (polled.video) discard(polled.video.stream);
			return fromApiFailure(itemIndex, unknownStatusFailure(polled.unknownStatus), taskId);
		}
		const includeRaw = optionsFor(this, itemIndex).includeRawResponse === true;
		return await taskItem(this, connection, itemIndex, polled.task, polled.video, download.value, includeRaw ? { raw: { poll: polled.raw ?? null } } : {});
	});
	return finishBatch(this, outcomes, [], connection.apiKey);
}
