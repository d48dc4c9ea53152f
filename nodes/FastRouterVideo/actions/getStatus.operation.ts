import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { canonicalModelId } from '../catalog';
import { fromApiFailure } from '../errors';
import { pollOnce } from '../poller';
import { getConnection } from '../transport';
import { finishBatch, forEachItem, type ItemOutcome } from './batch';
import { includeRawResponseOption, modelFor, optionsFor } from './params';
import { downloadProperties, taskItem } from './video';

const STATUS_CONCURRENCY = 10;
/** One status check per item; a 429/5xx/network blip is tried this many times in all. */
const STATUS_ATTEMPTS = 3;
const STATUS_RETRY_DELAY_MS = 1_000;

export const description: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '={{ $json.taskId }}',
		description: 'The task to look at, as returned by Create (its `taskId`)',
		displayOptions: { show: { operation: ['getStatus'] } },
	},
	...downloadProperties(['getStatus']),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['getStatus'] } },
		options: [
			includeRawResponseOption,
		],
	},
];

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const connection = await getConnection(this);
	const signal = this.getExecutionCancelSignal();
	const outcomes = await forEachItem(this, items, STATUS_CONCURRENCY, async (_item, itemIndex): Promise<ItemOutcome> => {
		const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
		// The older poll route needs the model exactly as the task was created with it.
		const model = canonicalModelId(modelFor(this, itemIndex));
		if (!taskId) return { itemIndex, message: '"taskId" is empty: give the task ID that Create returned' };
		let polled = await pollOnce(this, connection, taskId, model);
		for (let attempt = 1; polled.kind === 'error' && polled.failure.retryable && attempt < STATUS_ATTEMPTS; attempt++) {
			await sleep(polled.failure.retryAfterMs ?? STATUS_RETRY_DELAY_MS * attempt, signal);
			polled = await pollOnce(this, connection, taskId, model);
		}
		if (polled.kind === 'error') return fromApiFailure(itemIndex, polled.failure, taskId);
		const includeRaw = optionsFor(this, itemIndex).includeRawResponse === true;
		return await taskItem(this, connection, itemIndex, polled.task, polled.video, includeRaw ? { raw: { poll: polled.raw ?? null } } : {});
	});
	return finishBatch(this, outcomes, []);
}
