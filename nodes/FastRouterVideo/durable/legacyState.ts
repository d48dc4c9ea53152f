import type { IBinaryData, IDataObject } from 'n8n-workflow';

import type { CreatedTask, FailurePolicy, ItemFailure } from '../errors/failure';
import type { PollState } from '../polling/cadence';
import type { NormalizedTask } from '../polling/normalize';
import type { WaitTerms } from '../settings/itemSettings';
import type { CreateRequest } from '../validation/modelRules';
import { type DurableWait, type ItemWait, WAIT_VERSION } from './waitState';

/**
 * Waits stored by version 1 of the state (package 0.1.0): one item per video, each carrying its
 * whole state, the wait in its own step. Read into today's shape so that a wait parked before an
 * update finishes after it (test/fixtures/durable/ holds one such stored wait).
 */
interface Version1 {
	v: 1;
	itemIndex: number;
	parentExecutionId: string;
	policy: FailurePolicy;
	options: WaitTerms;
	phase: 'waiting' | 'settled';
	created?: CreatedTask;
	start?: NormalizedTask;
	raw?: IDataObject;
	poll?: PollState<NormalizedTask> & { nextPollAt: number };
	retry?: { triesLeft: number; request: CreateRequest };
	recreate?: { at: number; failure: ItemFailure };
	outcome?: { kind: 'output'; json: IDataObject } | { kind: 'failed'; failure: ItemFailure };
}

/** The wait a batch of version 1 items describes, or undefined when they are not such items. */
export function fromVersion1(items: Array<{ state: unknown; binary?: Record<string, IBinaryData> }>): DurableWait | undefined {
	const states = items.map((entry) => entry.state as Version1 | undefined);
	if (states.length === 0 || !states.every((state) => state?.v === 1 && typeof state.parentExecutionId === 'string')) return undefined;
	const older = states as Version1[];
	const terms: WaitTerms[] = [];
	const termsOf = (options: WaitTerms): number => {
		const key = JSON.stringify(options);
		const found = terms.findIndex((known) => JSON.stringify(known) === key);
		return found >= 0 ? found : terms.push(options) - 1;
	};
	return {
		v: WAIT_VERSION,
		parentExecutionId: older[0].parentExecutionId,
		policy: older[0].policy,
		how: 'durable (stored by an earlier version)',
		terms,
		items: older.map((state, index) => itemOf(state, termsOf(state.options), items[index].binary)),
	};
}

function itemOf(state: Version1, terms: number, binary: Record<string, IBinaryData> | undefined): ItemWait {
	const base = { item: state.itemIndex, terms, ...(state.created ? { created: state.created } : {}) };
	if (state.outcome?.kind === 'output') return { ...base, phase: 'done', json: state.outcome.json, ...(binary ? { binary } : {}) };
	if (state.outcome?.kind === 'failed') return { ...base, phase: 'failed', failure: state.outcome.failure };
	if (state.start && state.poll) {
		const poll = { ...state.poll, lastPollAt: state.poll.nextPollAt - state.options.intervalMs };
		return { ...base, phase: 'waiting', task: state.start, poll, ...(state.raw ? { raw: state.raw } : {}), ...(state.retry ? { retry: state.retry } : {}) };
	}
	if (state.recreate && state.retry) return { ...base, phase: 'recreate', at: state.recreate.at, failure: state.recreate.failure, retry: state.retry };
	const failure = { itemIndex: state.itemIndex, taskId: state.created?.taskId, message: 'The durable wait ended before this task did' };
	return { ...base, phase: 'failed', failure };
}
