import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { finishBatch } from '../batch/finish';
import { failed, type ItemOutcome, output } from '../output/outcome';
import { getConnection } from '../transport/connection';
import { readWaitStates } from './waitState';

/**
 * The finish step, the sub-execution's last: one item per item of the FastRouter Video node's
 * input, in its order, exactly as an in-process wait gives them — its videos, and its failures as
 * the node's On Error says: error items, or (without Continue On Fail) the node's error listing
 * every task it created. n8n resumes the node's execution with these items, or fails the node
 * with that error.
 */
export async function finishStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const states = readWaitStates(ctx, items);
	const outcomes = states.map((state, index): ItemOutcome => {
		const outcome = state.outcome;
		if (outcome?.kind === 'output') {
			const binary = items[index].binary;
			return output({ json: outcome.json, ...(binary ? { binary } : {}), pairedItem: { item: state.itemIndex } }, state.created);
		}
		const failure = outcome?.failure ?? { itemIndex: state.itemIndex, taskId: state.created?.taskId, message: 'The durable wait ended before this task did' };
		return failed(failure, state.created);
	});
	const { apiKey } = await getConnection(ctx);
	return [finishBatch(ctx, outcomes, states[0]?.policy ?? { continueOnFail: false, toErrorOutput: false }, apiKey)];
}
