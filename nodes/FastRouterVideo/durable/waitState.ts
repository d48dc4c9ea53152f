import type { IBinaryData, IDataObject } from 'n8n-workflow';

import type { CreditState } from '../batch/creditLimit';
import type { CreatedTask, FailurePolicy, ItemFailure } from '../errors/failure';
import { costOf, type RunSummary, videoState } from '../output/runSummary';
import type { PollState } from '../polling/cadence';
import type { NormalizedTask } from '../polling/normalize';
import type { WaitTerms } from '../settings/itemSettings';
import type { CreateRequest } from '../validation/modelRules';

/**
 * What a durable wait knows, stored with its sub-execution (durable/store.ts keeps it in the
 * sub-execution's own context, written over at every park, so what n8n stores grows with the
 * videos and not with the parks).
 *
 * Its shape is a promise to every later version of this package: a wait stored by this version may
 * be resumed by the next one after an update. Rule (docs/durable-waits.md): a change that an older
 * stored state cannot be read into is a new `v`, and `readWait` keeps reading every earlier `v`
 * (test/fixtures/durable/ holds one stored wait of each); what it cannot read, the wait ends, naming
 * its tasks.
 */
export const WAIT_VERSION = 2;

/** Retry On Fail, as the wait applies it: tries left, and the create to send again. */
export interface StoredRetry {
	triesLeft: number;
	request: CreateRequest;
}

/** Where a waiting task's polls stand: the in-process cadence's state, and when it is next looked at. */
type StoredPoll = PollState<NormalizedTask> & { nextPollAt: number; lastPollAt: number };

interface ItemBase {
	/** The FastRouter Video node's input item this is for. */
	item: number;
	/** Index into `terms`. */
	terms: number;
	/** The task this run created for the item, if any, with its latest status: the node's error lists it. */
	created?: CreatedTask;
}

/** One item of the wait, in exactly one of its phases. */
export type ItemWait =
	/** Its task is running: polled when `poll.nextPollAt` comes (the create's answer in `raw` with Include Raw Response). */
	| (ItemBase & {
			phase: 'waiting';
			task: NormalizedTask;
			poll: StoredPoll;
			raw?: IDataObject;
			retry?: StoredRetry;
	  })
	/**
	 * To be created again (Retry On Fail): its create is sent at `at`, by the first step run after
	 * a saved state marked it `sending` — so that a run cut off while sending it is seen as such
	 * (keeperSteps.ts) and the create is never sent twice.
	 */
	| (ItemBase & {
			phase: 'recreate';
			at: number;
			failure: ItemFailure;
			retry: StoredRetry;
			sending?: true;
	  })
	/** Done: the output item's json, and its video (a reference into n8n's binary data). */
	| (ItemBase & { phase: 'done'; json: IDataObject; binary?: Record<string, IBinaryData> })
	/** Failed for good: the failure, as the node's On Error then gives it. */
	| (ItemBase & { phase: 'failed'; failure: ItemFailure });

export interface DurableWait {
	v: typeof WAIT_VERSION;
	/** The execution to resume: the one whose FastRouter Video node started this wait. */
	parentExecutionId: string;
	/** That node's name: FastRouter's trace names its spans after it. */
	node?: string;
	/**
	 * The keeper this state's watcher works for (childWorkflow.ts); absent in a wait stored before
	 * the keeper, whose one sub-execution polled itself.
	 */
	keeper?: string;
	/** The FastRouter Video node's On Error setting. */
	policy: FailurePolicy;
	/** How this run waits and why, as the executions list says it: `durable (Automatic: a trigger run)`. */
	how: string;
	/** How each item is waited for; the items of a batch mostly share one, stored once. */
	terms: WaitTerms[];
	items: ItemWait[];
	/** Max Credits per Run: what the node's run has used, so that the wait's re-creates count against it too. */
	credits?: CreditState;
}

export function isOpen(
	item: ItemWait,
): item is Extract<ItemWait, { phase: 'waiting' | 'recreate' }> {
	return item.phase === 'waiting' || item.phase === 'recreate';
}

/** The task id an item's failure or output is about, for what users read. */
export function taskIdOf(item: ItemWait): string | undefined {
	if (item.phase === 'waiting') return item.task.taskId ?? undefined;
	return (
		item.created?.taskId ??
		(item.phase === 'failed' ? (item.failure.taskId ?? undefined) : undefined)
	);
}

/** The wait as the executions list shows it (output/runSummary.ts). */
export function summaryOf(wait: DurableWait): RunSummary {
	const progress = (entry: ItemWait) =>
		entry.phase === 'done' ? 'done' : entry.phase === 'failed' ? 'failed' : 'open';
	return {
		wait: `${wait.how}, for execution ${wait.parentExecutionId}`,
		videos: wait.items.map((entry) => ({
			state: videoState(progress(entry), entry.created !== undefined),
			taskId: taskIdOf(entry),
			costUsd: entry.phase === 'done' ? costOf(entry.json) : undefined,
		})),
		credits: wait.credits ?? { spent: 0, videos: 0, cached: 0, refused: 0 },
	};
}
