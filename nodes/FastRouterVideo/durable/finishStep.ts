import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { finishBatch } from '../batch/finish';
import { failed, type ItemOutcome, output } from '../output/outcome';
import { hintCost, publishSummary } from '../output/runSummary';
import { getConnection } from '../transport/connection';
import { loadWait } from './store';
import { type ItemWait, summaryOf } from './waitState';

/**
 * The finish step, the sub-execution's last: one item per item of the FastRouter Video node's
 * input, in its order, exactly as an in-process wait gives them — its videos, and its failures as
 * the node's On Error says: error items, or (without Continue On Fail) the node's error listing
 * every task it created. n8n resumes the node's execution with these items, or fails the node
 * with that error.
 */
export async function finishStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const wait = loadWait(ctx, ctx.getInputData());
	const { apiKey } = await getConnection(ctx);
	const summary = summaryOf(wait);
	publishSummary(ctx, summary, apiKey);
	hintCost(ctx, summary);
	return [finishBatch(ctx, wait.items.map(outcomeOf), wait.policy, apiKey)];
}

function outcomeOf(entry: ItemWait): ItemOutcome {
	if (entry.phase === 'done') {
		return output({ json: entry.json, ...(entry.binary ? { binary: entry.binary } : {}), pairedItem: { item: entry.item } }, entry.created);
	}
	if (entry.phase === 'failed') return failed(entry.failure, entry.created);
	// Only a wait cut short ends with an item still open.
	return failed({ itemIndex: entry.item, taskId: entry.created?.taskId, message: 'The durable wait ended before this task did' }, entry.created);
}
