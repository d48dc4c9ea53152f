import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { failed, finishBatch, forEachItem, type ItemOutcome } from '../batch';
import { canonicalModelId } from '../catalog';
import { fromApiFailure, toNodeError } from '../errors';
import { forOperation } from '../fields';
import { includeRawResponseOption, modelFor, optionsFor } from '../itemParameters';
import { checkDownloadOptions, downloadOptionProperties } from '../optionChecks';
import { lookAtTask, unknownStatusFailure } from '../poller';
import { downloadProperties, taskItem } from '../taskOutput';
import { discard, getConnection } from '../transport';

const STATUS_CONCURRENCY = 10;

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
	const outcomes = await forEachItem(this, items, STATUS_CONCURRENCY, async (_item, itemIndex): Promise<ItemOutcome> => {
		const download = settings[itemIndex];
		if (!download.ok) return failed({ itemIndex, message: download.problem });
		const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
		// The older poll route needs the model exactly as the task was created with it.
		const model = canonicalModelId(modelFor(this, itemIndex));
		if (!taskId) return failed({ itemIndex, message: '"taskId" is empty: give the task ID that Create returned' });
		const polled = await lookAtTask(this, connection, taskId, model);
		if (polled.kind === 'error') return failed(fromApiFailure(itemIndex, polled.failure, taskId));
		// One look answers what it sees: a status the node does not know is reported at once.
		if (polled.unknownStatus !== undefined) {
			if (polled.video) discard(polled.video.stream);
			return failed(fromApiFailure(itemIndex, unknownStatusFailure(polled.unknownStatus), taskId));
		}
		const includeRaw = optionsFor(this, itemIndex).includeRawResponse === true;
		return await taskItem(this, connection, itemIndex, polled.task, polled.video, download.value, includeRaw ? { raw: { poll: polled.raw ?? null } } : {});
	});
	return finishBatch(this, outcomes, connection.apiKey);
}
