import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { excerpt } from '../bodyReader';
import { fromApiFailure, type ItemFailure } from '../errors';
import { normalizeAnswer } from '../normalize';
import { type Connection, createTask, getConnection } from '../transport';
import type { CreateRequest } from '../validation';
import { checkAllItems, finishBatch, forEachItem, type ItemOutcome } from '../batch';
import { includeRawResponseOption, optionsFor } from '../itemParameters';
import { forOperation, videoRequestProperties } from '../fields';

/** Creates of one batch in flight at once: enough for a sheet, gentle on the rate limit. */
const CREATE_CONCURRENCY = 10;
/**
 * Nothing waits here, and FastRouter may fetch the image only once the task leaves its queue:
 * a signed image link works for a day (n8n's own default lifetime for these links).
 */
const IMAGE_LINK_LIFETIME_S = 24 * 60 * 60;

const properties: INodeProperties[] = [
	...videoRequestProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			includeRawResponseOption,
		],
	},
];

export const description = forOperation('create', properties);

export type CreatedTask = { itemIndex: number; taskId: string; status?: string };

/**
 * Sends one create per item and turns the answer into the normalized task. Shared with Create
 * and Wait; the create is never repeated once it may have reached FastRouter (transport.ts).
 */
export async function createOne(
	ctx: IExecuteFunctions,
	connection: Connection,
	request: CreateRequest,
	itemIndex: number,
	created: CreatedTask[],
	deadline?: number,
): Promise<{ task: ReturnType<typeof normalizeAnswer>; raw: IDataObject } | ItemFailure> {
	const answer = await createTask(ctx, connection, request.body, deadline);
	if (!answer.ok) {
		const failure = fromApiFailure(itemIndex, answer.failure);
		// An answer that names a task, whatever its envelope says, means the task exists (and may be
		// billed): the item fails, but with that id, and the node's error lists it.
		const taskId = answer.failure.body ? normalizeAnswer(answer.failure.body, request.model).taskId : null;
		if (!taskId) return failure;
		created.push({ itemIndex, taskId, status: 'unknown' });
		return {
			...failure,
			taskId,
			message: `FastRouter created task ${taskId} but answered: ${answer.failure.message}`,
			description: `${answer.failure.description} The task exists and may be billed: run Get Status with its task ID before running this item again.`,
		};
	}
	const task = normalizeAnswer(answer.json, request.model);
	if (!task.taskId) {
		return {
			itemIndex,
			message: `FastRouter accepted the request but returned no task ID; it answered ${excerpt(JSON.stringify(answer.json))}. The task may have been created; not retried to avoid a double charge`,
			description: 'The create answer had neither data.taskId nor id. Check the FastRouter dashboard before running this item again.',
		};
	}
	created.push({ itemIndex, taskId: task.taskId, status: task.status });
	return { task, raw: answer.json };
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const connection = await getConnection(this);
	const checked = await checkAllItems(this, items, {
		baseUrl: connection.baseUrl,
		imageLinkLifetimeS: () => IMAGE_LINK_LIFETIME_S,
	});
	const created: CreatedTask[] = [];
	const outcomes = await forEachItem(this, checked, CREATE_CONCURRENCY, async (entry, itemIndex): Promise<ItemOutcome> => {
		if ('itemIndex' in entry) return entry;
		const result = await createOne(this, connection, entry, itemIndex, created);
		if ('message' in result) return result;
		const includeRaw = optionsFor(this, itemIndex).includeRawResponse === true;
		return {
			json: { ...result.task, ...(includeRaw ? { raw: { create: result.raw } } : {}) },
			pairedItem: { item: itemIndex },
		};
	});
	return finishBatch(this, outcomes, created, connection.apiKey);
}
