import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CheckedItem } from '../batch/checks';
import { CREATE_CONCURRENCY, createLimit, createOne, type Creation } from '../batch/createOne';
import { redactItem } from '../batch/finish';
import { forEachItem } from '../batch/forEachItem';
import { type FailurePolicy, toNodeError } from '../output/errors';
import { type Failed, failed, type ItemOutcome, output } from '../output/outcome';
import { DURABLE_MIN_POLL_INTERVAL_MS, pollState } from '../polling/cadence';
import type { Connection } from '../transport/types';
import type { Checked } from '../validation/checked';
import { videoDeliveryFor, type WaitOptions } from '../validation/options';
import { whyNotDurable } from './availability';
import { childWorkflow } from './childWorkflow';
import { waitItem, type WaitState } from './waitState';

/**
 * Create and Wait, Wait Mode "Durable": the tasks are created here, exactly as in process, then a
 * sub-execution waits for them (childWorkflow.ts) while this execution is stored as waiting; the
 * worker is free, and a restart resumes both. When the sub-execution ends, n8n resumes this
 * execution and this node's output is the sub-execution's last step's: the same items an
 * in-process wait gives. Until then the node shows the tasks it created.
 */
export async function startDurableWait(
	ctx: IExecuteFunctions,
	connection: Connection,
	policy: FailurePolicy,
	checked: CheckedItem[],
	optionsByItem: Array<Checked<WaitOptions>>,
): Promise<ItemOutcome[]> {
	const unavailable = whyNotDurable(ctx);
	if (unavailable) throw new NodeOperationError(ctx.getNode(), unavailable, { itemIndex: 0 });
	const limit = createLimit();
	const creations = await forEachItem(ctx, checked, CREATE_CONCURRENCY, async (entry, itemIndex): Promise<Creation> => {
		const options = optionsByItem[itemIndex];
		if (entry.kind === 'failed') return entry;
		if (!options.ok) return failed({ itemIndex, message: options.problems.join('; ') });
		return await createOne(ctx, connection, limit, entry.request, itemIndex, options.value.maxWaitS * 1000);
	});
	const created = creations.flatMap((creation) => (creation.created ? [creation.created] : []));
	// Without Continue On Fail the node fails now, naming the tasks it made: Retry On Fail, which
	// n8n applies only before a wait, then re-attaches them instead of paying again.
	const firstFailed = creations.find((creation) => creation.kind === 'failed');
	if (firstFailed?.kind === 'failed' && !policy.continueOnFail) throw toNodeError(ctx, firstFailed.failure, created, connection.apiKey);

	const states = creations.map((creation, itemIndex) => stateOf(ctx, policy, creation, checked[itemIndex], optionsByItem[itemIndex], itemIndex));
	const waiting = states.filter((state) => state.phase === 'waiting').length;
	// Nothing to wait for: every item was refused or failed (with Continue On Fail), and that is final.
	if (waiting === 0) return creations.filter((creation): creation is Failed => creation.kind === 'failed');
	const workflow = ctx.getWorkflow();
	let result;
	try {
		// n8n stores these items with the sub-execution: whatever FastRouter echoed of the key is cut out.
		const childItems = states.map((state) => redactItem(waitItem(state), connection.apiKey));
		result = await ctx.executeWorkflow({ code: childWorkflow(ctx, waiting) }, childItems, undefined, {
			parentExecution: { executionId: ctx.getExecutionId(), workflowId: String(workflow.id), shouldResume: true },
		});
	} catch (error) {
		// Reported on the first item (with its task), the other items' tasks listed after it.
		const first = created.find((task) => task.itemIndex === 0)?.taskId;
		const failure = { itemIndex: 0, taskId: first, message: `The durable wait could not start: ${(error as Error).message}`, description: 'No task was polled.' };
		throw toNodeError(ctx, failure, created, connection.apiKey);
	}
	// The editor links the node's run to its sub-execution.
	ctx.setMetadata({ subExecution: { executionId: result.executionId, workflowId: String(workflow.id) } });
	// A sub-execution that ended without waiting handed back its last step's items already.
	if (!result.waitTill) return (result.data[0] ?? []).map((item: INodeExecutionData) => output(item));
	return states.map(placeholder);
}

/** One item as the durable wait starts it: waiting on its task, or settled (refused or failed before it). */
function stateOf(ctx: IExecuteFunctions, policy: FailurePolicy, creation: Creation, entry: CheckedItem, options: Checked<WaitOptions>, itemIndex: number): WaitState {
	const node = ctx.getNode();
	const value = options.ok ? options.value : undefined;
	const base = {
		v: 1 as const,
		itemIndex,
		parentExecutionId: ctx.getExecutionId(),
		policy,
		options: {
			intervalMs: Math.max(value?.intervalMs ?? 0, DURABLE_MIN_POLL_INTERVAL_MS),
			maxWaitS: value?.maxWaitS ?? 0,
			onTimeout: value?.onTimeout ?? 'error',
			includeRaw: value?.includeRaw ?? false,
			delivery: videoDeliveryFor(ctx, itemIndex, value?.download ?? { maxBytes: 0, timeoutMs: 0 }),
		},
		...(creation.created ? { created: creation.created } : {}),
	};
	// n8n's own bounds for its Retry On Fail: 2 to 5 tries, 3 unless set.
	const tries = node.retryOnFail ? Math.min(5, Math.max(2, node.maxTries || 3)) : 1;
	if (creation.kind === 'failed' || !value) {
		const failure = creation.kind === 'failed' ? creation.failure : { itemIndex, message: 'not created' };
		// Refused before anything was made (Continue On Fail): with Retry On Fail the wait sends it again.
		if (creation.kind === 'failed' && !creation.uncertain && !creation.created && tries > 1 && entry.kind === 'ready') {
			const recreate = { at: Date.now() + base.options.intervalMs, failure };
			return { ...base, phase: 'waiting', recreate, retry: { triesLeft: tries - 1, request: entry.request } };
		}
		return { ...base, phase: 'settled', outcome: { kind: 'failed', failure } };
	}
	const deadline = creation.sentAt + value.maxWaitS * 1000;
	return {
		...base,
		phase: 'waiting',
		start: creation.task,
		...(value.includeRaw ? { raw: creation.raw } : {}),
		poll: { ...pollState(deadline, creation.task), nextPollAt: creation.sentAt + base.options.intervalMs },
		...(tries > 1 && entry.kind === 'ready' ? { retry: { triesLeft: tries - 1, request: entry.request } } : {}),
	};
}

/**
 * What the node shows while it waits: its tasks as created. n8n replaces these items with the
 * sub-execution's when it resumes. None of them reads as an error: n8n would take one for a
 * failed try and run the node again, starting a second wait.
 */
function placeholder(state: WaitState): ItemOutcome {
	const failure = state.outcome?.kind === 'failed' ? state.outcome.failure : state.recreate?.failure;
	const json = failure ? { taskId: state.created?.taskId ?? null, status: 'failed', reason: failure.message } : { ...state.start };
	return output({ json, pairedItem: { item: state.itemIndex } }, state.created);
}
