import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { type FailurePolicy, toNodeError } from '../output/errors';
import { type Failed, failed } from '../output/outcome';
import { createRequestFor, type RequestContext } from '../validation/itemRequest';
import type { CreateRequest } from '../validation/modelRules';

/** An item checked before any create: its request, or why it cannot be sent. */
export type CheckedItem = { kind: 'ready'; request: CreateRequest } | Failed;

/**
 * Checks every item before the first create is sent: without Continue On Fail one bad row stops
 * the node with nothing created; with it, bad rows become error items and the rest go on.
 * `optionProblems` adds what an item's options got wrong, checked beside its fields.
 */
export async function checkAllItems(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	context: RequestContext,
	policy: FailurePolicy,
	optionProblems: (itemIndex: number) => string[] = () => [],
): Promise<CheckedItem[]> {
	const checked: CheckedItem[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const result = await createRequestFor(ctx, itemIndex, context);
		const problems = [...(result.ok ? [] : result.problems), ...optionProblems(itemIndex)];
		checked.push(result.ok && problems.length === 0 ? { kind: 'ready', request: result.value } : failed({ itemIndex, message: problems.join('; ') }));
	}
	const firstBad = checked.find((entry): entry is Failed => entry.kind === 'failed');
	if (firstBad && !policy.continueOnFail) throw toNodeError(ctx, firstBad.failure);
	return checked;
}
