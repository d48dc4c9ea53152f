import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { forEachItem } from '../batch/forEachItem';
import { canonicalModelId } from '../catalog';
import {
	downloadOptionProperties,
	downloadProperties,
	includeRawResponseOption,
	optionsCollection,
} from '../descriptions/optionFields';
import { forOperation } from '../descriptions/scope';
import type { FailurePolicy } from '../errors/failure';
import { failFast, fromApiFailure } from '../errors/nodeErrors';
import { failed, type ItemOutcome } from '../output/outcome';
import { taskItem } from '../output/taskItem';
import { unknownStatusFailure } from '../polling/cadence';
import { checkTaskOnce } from '../polling/loop';
import { REQUESTS_AT_ONCE } from '../settings/limits';
import { discard } from '../transport/answer';
import { forItem } from '../transport/connection';
import type { Connection } from '../transport/types';
import { modelFor, taskIdFor } from '../validation/itemRequest';
import { readItemOptions } from '../validation/options';

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

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	connection: Connection,
	policy: FailurePolicy,
): Promise<ItemOutcome[]> {
	// The task ID and the options of every item are checked before anything is sent, as for the creates.
	const checked = items.map((_item, itemIndex) => {
		const options = readItemOptions(this, itemIndex, 'getStatus');
		const taskId = taskIdFor(this, itemIndex);
		if (!options.ok || !taskId.ok) {
			const problems = [taskId, options].flatMap((entry) => (entry.ok ? [] : entry.problems));
			return failed({ itemIndex, message: problems.join('; ') });
		}
		return { kind: 'ready' as const, options: options.value, taskId: taskId.value };
	});
	failFast(this, checked, policy);
	return await forEachItem(
		this,
		checked,
		REQUESTS_AT_ONCE,
		async (entry, itemIndex): Promise<ItemOutcome> => {
			if (entry.kind === 'failed') return entry;
			const {
				taskId,
				options: { delivery, includeRaw },
			} = entry;
			// The older poll route needs the model exactly as the task was created with it.
			const model = canonicalModelId(modelFor(this, itemIndex));
			const itemConnection = forItem(connection, itemIndex);
			const polled = await checkTaskOnce(this, itemConnection, taskId, model);
			if (polled.kind === 'failure')
				return failed(fromApiFailure(itemIndex, polled.failure, taskId));
			// One look answers what it sees: a status the node does not know is reported at once.
			if (polled.unknownStatus !== undefined) {
				if (polled.video) discard(polled.video.stream);
				return failed(
					fromApiFailure(itemIndex, unknownStatusFailure(polled.unknownStatus), taskId),
				);
			}
			const extra = includeRaw ? { raw: { poll: polled.raw ?? null } } : {};
			return await taskItem(
				this,
				itemConnection,
				itemIndex,
				polled.task,
				polled.video,
				delivery,
				extra,
			);
		},
	);
}
