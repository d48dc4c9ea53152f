import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { FailurePolicy } from '../errors/failure';
import { failFast, failureItem } from '../errors/nodeErrors';
import type { ItemOutcome } from '../output/outcome';
import { redactDeep } from '../text/safeText';

/**
 * Either every item's output, or — without Continue On Fail — the first failure as the node's
 * error, listing the tasks the run created for the other items.
 */
export function finishBatch(
	ctx: IExecuteFunctions,
	outcomes: ItemOutcome[],
	policy: FailurePolicy,
	secret = '',
): INodeExecutionData[] {
	failFast(ctx, outcomes, policy, secret);
	// A server may echo the key anywhere in its answers (raw included): none of it is output.
	return outcomes.map((outcome) =>
		outcome.kind === 'failed'
			? failureItem(outcome.failure, policy.toErrorOutput, secret)
			: redactItem(outcome.item, secret),
	);
}

/** The item's json and its binaries' names (a file is named for its task id), without the key. */
export function redactItem(item: INodeExecutionData, secret: string): INodeExecutionData {
	const binary = item.binary
		? Object.fromEntries(
				Object.entries(item.binary).map(([name, entry]) => [
					name,
					{ ...redactDeep({ ...entry, data: '' }, secret), data: entry.data },
				]),
			)
		: undefined;
	return { ...item, json: redactDeep(item.json, secret), ...(binary ? { binary } : {}) };
}
