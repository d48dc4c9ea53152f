import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FailurePolicy } from '../output/errors';
import type { CreatedTask, ItemFailure } from '../output/outcome';
import type { PollState } from '../polling/cadence';
import type { NormalizedTask } from '../polling/normalize';
import { itemLabel } from '../text/wording';
import type { CreateRequest } from '../validation/modelRules';
import type { VideoDelivery, WaitOptions } from '../validation/options';

/**
 * What a durable wait knows about one item, carried by the items of its sub-execution from step
 * to step (n8n stores them with every wait). Each item is shaped as an error item — `{ error,
 * details }` and nothing else — that names its task: should n8n die while the sub-execution
 * works, n8n hands the last items it stored back to the FastRouter Video node (2.41's resume of
 * parents whose sub-execution ended), and they then read as what they are, an item whose wait
 * was cut short, with its task id, on the error output when the node has one.
 */

const KEY = 'fastRouterVideoWait';
const VERSION = 1;

export interface WaitState {
	v: typeof VERSION;
	itemIndex: number;
	/** The execution to resume: the one whose FastRouter Video node started this wait. */
	parentExecutionId: string;
	/** The FastRouter Video node's On Error setting. */
	policy: FailurePolicy;
	options: Pick<WaitOptions, 'intervalMs' | 'maxWaitS' | 'onTimeout' | 'includeRaw'> & { delivery: VideoDelivery };
	/** Settled: done waiting (its outcome); waiting: polled when `poll.nextPollAt` comes. */
	phase: 'waiting' | 'settled';
	created?: CreatedTask;
	/** The create's task; `poll.latest` is its latest state. */
	start?: NormalizedTask;
	raw?: IDataObject;
	poll?: PollState<NormalizedTask> & { nextPollAt: number };
	/** Retry On Fail: tries left for this item, and the create to send again when its generation failed. */
	retry?: { triesLeft: number; request: CreateRequest };
	/** Retry On Fail for an item refused before anything was created: when its create is sent again, and why it failed. */
	recreate?: { at: number; failure: ItemFailure };
	outcome?: { kind: 'output'; json: IDataObject } | { kind: 'failed'; failure: ItemFailure };
}

/** An item of the sub-execution: the state, readable as an error item should it ever leave early. */
export function waitItem(state: WaitState, binary?: INodeExecutionData['binary']): INodeExecutionData {
	const taskId = state.created?.taskId;
	return {
		json: { error: interruptedText(state), details: { ...(taskId ? { taskId } : {}), [KEY]: state as unknown as IDataObject } },
		...(binary ? { binary } : {}),
		pairedItem: { item: state.itemIndex },
	};
}

function interruptedText(state: WaitState): string {
	const item = itemLabel(state.itemIndex);
	const taskId = state.created?.taskId;
	if (state.outcome?.kind === 'failed') return `${item}: ${state.outcome.failure.message}`;
	if (!taskId) return `${item}: FastRouter Video’s durable wait was cut short`;
	if (state.outcome?.kind === 'output') {
		return `${item}: task ${taskId} finished, but n8n stopped before FastRouter Video’s durable wait handed it back: run Get Status with task ID ${taskId}`;
	}
	return `${item}: FastRouter Video’s durable wait for task ${taskId} was cut short (n8n stopped while it was checking the task); it may still finish: run Get Status with task ID ${taskId}`;
}

/**
 * The states of a step's input items. The steps run only inside the sub-execution FastRouter
 * Video starts: anything else is refused, saying so.
 */
export function readWaitStates(ctx: IExecuteFunctions, items: INodeExecutionData[]): WaitState[] {
	return items.map((item, index) => {
		const details = item.json.details as IDataObject | undefined;
		const state = details?.[KEY] as WaitState | undefined;
		if (!state || state.v !== VERSION || typeof state.parentExecutionId !== 'string') {
			throw new NodeOperationError(
				ctx.getNode(),
				'This is an internal step of FastRouter Video’s durable wait: it runs only inside the sub-execution that node starts',
				{ itemIndex: index, description: 'Use FastRouter Video with Create and Wait and Wait Mode "Durable" instead.' },
			);
		}
		return state;
	});
}
