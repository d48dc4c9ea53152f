import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CheckedItem } from '../batch/checks';
import { type CreateGate, createOne, type Creation } from '../batch/createOne';
import { redactItem } from '../batch/finish';
import { forEachItem } from '../batch/forEachItem';
import type { Failed, FailurePolicy } from '../errors/failure';
import { failFast, toNodeError } from '../errors/nodeErrors';
import { type ItemOutcome, output } from '../output/outcome';
import { hintParked, publishSummary } from '../output/runSummary';
import type { ItemOptions } from '../settings/itemSettings';
import { DURABLE_MIN_POLL_INTERVAL_MS, REQUESTS_AT_ONCE } from '../settings/limits';
import { forItem } from '../transport/trace';
import type { Connection } from '../transport/types';
import { keeperWorkflow, ownerOf } from './childWorkflow';
import { startItem } from './store';
import type { WaitPlan } from './waitMode';
import { type DurableWait, isOpen, type ItemWait, type StoredTerms, summaryOf, WAIT_VERSION } from './waitState';
import { waitingFor } from './watchStep';

/**
 * Create and Wait, waiting durably: the tasks are created here, exactly as in process, then a
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
	plan: WaitPlan,
	gate: CreateGate,
): Promise<ItemOutcome[]> {
	const creations = await forEachItem(ctx, checked, REQUESTS_AT_ONCE, async (entry, itemIndex): Promise<Creation> => {
		if (entry.kind === 'failed') return entry;
		return await createOne(ctx, forItem(connection, itemIndex), gate, entry.request, itemIndex, (entry.options.wait?.maxWaitS ?? 0) * 1000);
	});
	// Without Continue On Fail the node fails now, naming the tasks it made: Retry On Fail, which
	// n8n applies only before a wait, then re-attaches them instead of paying again.
	failFast(ctx, creations, policy, connection.apiKey);
	const created = creations.flatMap((creation) => (creation.created ? [creation.created] : []));

	const wait = { ...waitOf(ctx, policy, plan, creations, checked), credits: gate.credits.state };
	const waiting = wait.items.filter(isOpen).length;
	// Nothing to wait for: every item was refused or failed (with Continue On Fail), and that is final.
	if (waiting === 0) return creations.filter((creation): creation is Failed => creation.kind === 'failed');
	const workflow = ctx.getWorkflow();
	let result;
	try {
		// n8n stores this item with the sub-execution: whatever FastRouter echoed of the key is cut out.
		result = await ctx.executeWorkflow({ code: keeperWorkflow(ctx, ownerOf(ctx), waiting) }, [redactItem(startItem(wait), connection.apiKey)], undefined, {
			parentExecution: { executionId: ctx.getExecutionId(), workflowId: String(workflow.id), shouldResume: true },
		});
	} catch (error) {
		// Reported on the first item (with its task), the other items' tasks listed after it.
		const first = created.find((task) => task.itemIndex === 0)?.taskId;
		const failure = { itemIndex: 0, taskId: first, message: `The durable wait could not start: ${(error as Error).message}`, description: 'No task was polled.' };
		throw toNodeError(ctx, failure, created, connection.apiKey);
	}
	// The editor links the node's run to its sub-execution; the executions list says where the wait is.
	ctx.setMetadata({ subExecution: { executionId: result.executionId, workflowId: String(workflow.id) } });
	const summary = { ...summaryOf(wait), wait: `${wait.how} in sub-execution ${result.executionId}` };
	publishSummary(ctx, summary, connection.apiKey);
	hintParked(ctx, summary, result.executionId);
	// A sub-execution that ended without waiting handed back its last step's items already.
	if (!result.waitTill) return (result.data[0] ?? []).map((item: INodeExecutionData) => output(item));
	return wait.items.map(placeholder);
}

/** The wait as the sub-execution starts it: one entry per item, waiting on its task or settled. */
function waitOf(ctx: IExecuteFunctions, policy: FailurePolicy, plan: WaitPlan, creations: Creation[], checked: CheckedItem[]): DurableWait {
	const terms: StoredTerms[] = [];
	const termsIndex = new Map<string, number>();
	const items = creations.map((creation, itemIndex): ItemWait => {
		const entry = checked[itemIndex];
		const stored = termsOf(entry.kind === 'ready' ? entry.options : undefined);
		const key = JSON.stringify(stored);
		if (!termsIndex.has(key)) termsIndex.set(key, terms.push(stored) - 1);
		return itemOf(ctx, creation, checked[itemIndex], stored, termsIndex.get(key) as number, itemIndex);
	});
	return { v: WAIT_VERSION, parentExecutionId: ctx.getExecutionId(), node: ctx.getNode().name, policy, how: `durable (${plan.asked === 'auto' ? `Automatic: ${plan.why}` : 'chosen'})`, terms, items };
}

/** An item's wait, as stored: the checked options (none for an item refused before its create). */
function termsOf(options: ItemOptions | undefined): StoredTerms {
	return {
		intervalMs: Math.max(options?.wait?.intervalMs ?? 0, DURABLE_MIN_POLL_INTERVAL_MS),
		maxWaitS: options?.wait?.maxWaitS ?? 0,
		onTimeout: options?.wait?.onTimeout ?? 'error',
		includeRaw: options?.includeRaw ?? false,
		delivery: options?.delivery ?? { attach: false, binaryPropertyName: 'data', limits: { maxBytes: 0, timeoutMs: 0 } },
	};
}

/** One item as the durable wait starts it: waiting on its task, or settled (refused or failed before it). */
function itemOf(ctx: IExecuteFunctions, creation: Creation, entry: CheckedItem, terms: StoredTerms, termsIndex: number, itemIndex: number): ItemWait {
	const node = ctx.getNode();
	// n8n's own bounds for its Retry On Fail: 2 to 5 tries, 3 unless set.
	const tries = node.retryOnFail ? Math.min(5, Math.max(2, node.maxTries || 3)) : 1;
	const retry = tries > 1 && entry.kind === 'ready' ? { triesLeft: tries - 1, request: entry.request } : undefined;
	const base = { item: itemIndex, terms: termsIndex, ...(creation.created ? { created: creation.created } : {}) };
	if (creation.kind === 'failed') {
		// Refused before anything was made (Continue On Fail): with Retry On Fail the wait sends it again.
		if (!creation.uncertain && !creation.created && retry) return { ...base, phase: 'recreate', at: Date.now() + terms.intervalMs, failure: creation.failure, retry };
		return { ...base, phase: 'failed', failure: creation.failure };
	}
	return waitingFor(base, creation.task, creation.sentAt, terms.maxWaitS, terms.intervalMs, retry, terms.includeRaw ? creation.raw : undefined);
}

/**
 * What the node shows while it waits: its tasks as created. n8n replaces these items with the
 * sub-execution's when it resumes. None of them reads as an error: n8n would take one for a
 * failed try and run the node again, starting a second wait.
 */
function placeholder(entry: ItemWait): ItemOutcome {
	const json =
		entry.phase === 'waiting'
			? { ...entry.task }
			: { taskId: entry.created?.taskId ?? null, status: 'failed', reason: entry.phase === 'failed' || entry.phase === 'recreate' ? entry.failure.message : '' };
	return output({ json, pairedItem: { item: entry.item } }, entry.created);
}
