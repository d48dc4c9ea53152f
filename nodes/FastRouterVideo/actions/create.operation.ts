import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkAllItems } from '../batch/checks';
import { createLimit, createOne } from '../batch/createOne';
import { forEachItem } from '../batch/forEachItem';
import { videoRequestProperties } from '../descriptions/modelFields';
import { includeRawResponseOption, optionsCollection, requestOptionProperties } from '../descriptions/optionFields';
import { forOperation } from '../descriptions/scope';
import type { FailurePolicy } from '../errors/failure';
import { type ItemOutcome, output } from '../output/outcome';
import { REQUESTS_AT_ONCE } from '../settings/limits';
import type { Connection } from '../transport/types';

/**
 * Nothing waits here, and FastRouter may fetch the image only once the task leaves its queue:
 * a signed image link works for a day (n8n's own default lifetime for these links).
 */
const IMAGE_LINK_LIFETIME_S = 24 * 60 * 60;

const properties: INodeProperties[] = [...videoRequestProperties, optionsCollection([...requestOptionProperties, includeRawResponseOption])];

export const description = forOperation('create', properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[], connection: Connection, policy: FailurePolicy): Promise<ItemOutcome[]> {
	const checked = await checkAllItems(this, items, 'create', () => ({ baseUrl: connection.baseUrl, imageLinkLifetimeS: () => IMAGE_LINK_LIFETIME_S }), policy);
	const limit = createLimit();
	// A Create item is its create: the pool is as wide as the create limit.
	return await forEachItem(this, checked, REQUESTS_AT_ONCE, async (entry, itemIndex): Promise<ItemOutcome> => {
		if (entry.kind === 'failed') return entry;
		const result = await createOne(this, connection, limit, entry.request, itemIndex);
		if (result.kind === 'failed') return result;
		const json = { ...result.task, ...(entry.options.includeRaw ? { raw: { create: result.raw } } : {}) };
		return output({ json, pairedItem: { item: itemIndex } }, result.created);
	});
}
