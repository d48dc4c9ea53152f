import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failed, FailurePolicy } from '../errors/failure';
import { failFast } from '../errors/nodeErrors';
import { failed } from '../output/outcome';
import type { OptionsOf } from '../settings/itemSettings';
import type { Checked } from '../validation/checked';
import { createRequestFor, type RequestContext } from '../validation/itemRequest';
import type { CreateRequest } from '../validation/modelRules';
import { readItemOptions } from '../validation/options';

/** The operations that create: their items carry a create request. */
type CreateScope = 'create' | 'createAndWait';

/** An item checked before any create: its request and its operation's options, or why it cannot be sent. */
export type CheckedItem<S extends CreateScope> =
	| { kind: 'ready'; request: CreateRequest; options: OptionsOf[S] }
	| Failed;

/**
 * Checks every item before the first create is sent — its fields against its model and its
 * options, every problem at once — and stops the node on the first bad one unless Continue On
 * Fail: then bad rows become error items and the rest go on.
 */
export async function checkAllItems<S extends CreateScope>(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	scope: S,
	context: (options: Array<Checked<OptionsOf[S]>>) => RequestContext,
	policy: FailurePolicy,
): Promise<Array<CheckedItem<S>>> {
	const options = items.map((_, itemIndex) => readItemOptions(ctx, itemIndex, scope));
	const requestContext = context(options);
	const checked: Array<CheckedItem<S>> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const itemOptions = options[itemIndex];
		const request = await createRequestFor(
			ctx,
			itemIndex,
			requestContext,
			itemOptions.ok ? itemOptions.value.request : undefined,
		);
		if (request.ok && itemOptions.ok)
			checked.push({ kind: 'ready', request: request.value, options: itemOptions.value });
		else
			checked.push(
				failed({
					itemIndex,
					message: [
						...(request.ok ? [] : request.problems),
						...(itemOptions.ok ? [] : itemOptions.problems),
					].join('; '),
				}),
			);
	}
	failFast(ctx, checked, policy);
	return checked;
}
