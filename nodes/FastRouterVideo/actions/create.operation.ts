import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { checkAllItems } from '../batch/checks';
import { createGate, createOne } from '../batch/createOne';
import { forEachItem } from '../batch/forEachItem';
import { videoRequestProperties } from '../descriptions/modelFields';
import {
	includeRawResponseOption,
	maxCreditsOption,
	optionsCollection,
	requestOptionProperties,
} from '../descriptions/optionFields';
import { forOperation } from '../descriptions/scope';
import type { FailurePolicy } from '../errors/failure';
import { toNodeError } from '../errors/nodeErrors';
import { type ItemOutcome, output } from '../output/outcome';
import { showSummary, summarize } from '../output/runSummary';
import { REQUESTS_AT_ONCE } from '../settings/limits';
import { forItem } from '../transport/connection';
import type { Connection } from '../transport/types';
import { readBatchOptions } from '../validation/options';

/**
 * Nothing waits here, and FastRouter may fetch the image only once the task leaves its queue:
 * a signed image link works for a day (n8n's own default lifetime for these links).
 */
const IMAGE_LINK_LIFETIME_S = 24 * 60 * 60;

const properties: INodeProperties[] = [
	...videoRequestProperties,
	optionsCollection([...requestOptionProperties, maxCreditsOption, includeRawResponseOption]),
];

export const description = forOperation('create', properties);

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
		'create',
		() => ({ baseUrl: connection.baseUrl, imageLinkLifetimeS: () => IMAGE_LINK_LIFETIME_S }),
		policy,
	);
	const gate = createGate(this, batch.value.maxCredits);
	// A Create item is its create: the pool is as wide as the create limit.
	const outcomes = await forEachItem(
		this,
		checked,
		REQUESTS_AT_ONCE,
		async (entry, itemIndex): Promise<ItemOutcome> => {
			if (entry.kind === 'failed') return entry;
			const result = await createOne(
				this,
				forItem(connection, itemIndex),
				gate,
				entry.request,
				itemIndex,
			);
			if (result.kind === 'failed') return result;
			const json = {
				...result.task,
				...(entry.options.includeRaw ? { raw: { create: result.raw } } : {}),
			};
			return output({ json, pairedItem: { item: itemIndex } }, result.created);
		},
	);
	showSummary(this, summarize(outcomes, gate.credits.state), connection.apiKey);
	return outcomes;
}
