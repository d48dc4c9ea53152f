import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemFailure } from '../errors/failure';
import { lastErrorOf } from '../polling/cadence';
import type { WaitEnd } from '../polling/loop';
import { mergeTask, type NormalizedTask } from '../polling/normalize';
import type { WaitTerms } from '../settings/itemSettings';
import type { Connection } from '../transport/types';
import { generationFailed, timedOut, waitFailed } from './taskFailures';
import { taskItem } from './taskItem';

/**
 * What a finished wait gives for one item — the one definition both wait modes use, in process
 * (actions/createAndWait.operation.ts) and durable (durable/watchStep.ts): the video, the task
 * itself (On Timeout "Output Task"), or a failure that says what Retry On Fail would do about it.
 */
type WaitVerdict =
	| { kind: 'output'; item: INodeExecutionData; task: NormalizedTask }
	/**
	 * `createAnew`: the generation failed, so a retry creates the item again — that is what the
	 * retry is for. `waitAgain`: the task may still finish (a timeout, a wait or download that
	 * failed), so a retry waits for the same task instead of paying for another.
	 */
	| {
			kind: 'failed';
			failure: ItemFailure;
			task: NormalizedTask;
			retry: 'createAnew' | 'waitAgain';
	  };

/**
 * How one item's wait ends, as its terms say; `extra` is added to the output item's json (the
 * create's raw answer, with Include Raw Response).
 */
type EndTerms = Pick<WaitTerms, 'maxWaitS' | 'onTimeout' | 'delivery'> & { extra: IDataObject };

export async function judgeWait(
	ctx: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
	task: NormalizedTask,
	end: WaitEnd,
	terms: EndTerms,
): Promise<WaitVerdict> {
	// The create's figures (its cost, the cache) with the latest poll's state.
	const latest = mergeTask(task, end.task);
	if (end.kind === 'failed')
		return {
			kind: 'failed',
			failure: waitFailed(itemIndex, end.failure, task.taskId),
			task: latest,
			retry: 'waitAgain',
		};
	if (end.kind === 'timeout') {
		if (terms.onTimeout === 'output')
			return {
				kind: 'output',
				item: { json: { ...latest, ...terms.extra }, pairedItem: { item: itemIndex } },
				task: latest,
			};
		return {
			kind: 'failed',
			failure: timedOut(itemIndex, latest, terms.maxWaitS, lastErrorOf(end)),
			task: latest,
			retry: 'waitAgain',
		};
	}
	if (latest.status === 'failed')
		return {
			kind: 'failed',
			failure: generationFailed(itemIndex, latest),
			task: latest,
			retry: 'createAnew',
		};
	const outcome = await taskItem(
		ctx,
		connection,
		itemIndex,
		latest,
		end.video,
		terms.delivery,
		terms.extra,
	);
	if (outcome.kind === 'failed')
		return { kind: 'failed', failure: outcome.failure, task: latest, retry: 'waitAgain' };
	return { kind: 'output', item: outcome.item, task: latest };
}
