import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../batch/forEachItem';
import { canonicalModelId } from '../catalog';
import { downloadOptionProperties, downloadProperties, includeRawResponseOption, optionsCollection } from '../descriptions/optionFields';
import { forOperation } from '../descriptions/scope';
import { type FailurePolicy, fromApiFailure, toNodeError } from '../output/errors';
import { failed, type ItemOutcome } from '../output/outcome';
import { taskItem } from '../output/taskItem';
import { unknownStatusFailure } from '../polling/cadence';
import { checkTaskOnce } from '../polling/loop';
import { discard } from '../transport/exchange';
import type { Connection } from '../transport/types';
import { modelFor } from '../validation/itemRequest';
import { checkDownloadOptions, optionsFor, videoDeliveryFor } from '../validation/options';

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
	optionsCollection([...downloadOptionProperties, includeRawResponseOption]),
];

export const description = forOperation('getStatus', properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], connection: Connection, policy: FailurePolicy): Promise<ItemOutcome[]> {
	// Options that make no sense are refused before anything is sent, as for the creates.
	const settings = items.map((_item, itemIndex) => checkDownloadOptions(optionsFor(this, itemIndex)));
	const firstBad = settings.findIndex((checked) => !checked.ok);
	const bad = settings[firstBad];
	if (bad && !bad.ok && !policy.continueOnFail) throw toNodeError(this, { itemIndex: firstBad, message: bad.problems.join('; ') });
	return await forEachItem(this, items, STATUS_CONCURRENCY, async (_item, itemIndex): Promise<ItemOutcome> => {
		const download = settings[itemIndex];
		if (!download.ok) return failed({ itemIndex, message: download.problems.join('; ') });
		const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
		// The older poll route needs the model exactly as the task was created with it.
		const model = canonicalModelId(modelFor(this, itemIndex));
		if (!taskId) return failed({ itemIndex, message: '"taskId" is empty: give the task ID that Create returned' });
		const polled = await checkTaskOnce(this, connection, taskId, model);
		if (polled.kind === 'failure') return failed(fromApiFailure(itemIndex, polled.failure, taskId));
		// One look answers what it sees: a status the node does not know is reported at once.
		if (polled.unknownStatus !== undefined) {
			if (polled.video) discard(polled.video.stream);
			return failed(fromApiFailure(itemIndex, unknownStatusFailure(polled.unknownStatus), taskId));
		}
		const includeRaw = optionsFor(this, itemIndex).includeRawResponse === true;
		const delivery = videoDeliveryFor(this, itemIndex, download.value);
		return await taskItem(this, connection, itemIndex, polled.task, polled.video, delivery, includeRaw ? { raw: { poll: polled.raw ?? null } } : {});
	});
}
