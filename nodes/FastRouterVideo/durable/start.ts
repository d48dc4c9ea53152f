import type { ExecuteWorkflowData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CheckedItem } from '../batch/checks';
import { type CreateGate, createOne, type Creation } from '../batch/createOne';
import { redactItem } from '../batch/finish';
import { forEachItem } from '../batch/forEachItem';
import type { CreatedTask, Failed, FailurePolicy } from '../errors/failure';
import { failFast, toNodeError } from '../errors/nodeErrors';
import { type ItemOutcome, output } from '../output/outcome';
import { hintParked, publishSummary } from '../output/runSummary';
import type { CreateAndWaitOptions, WaitTerms } from '../settings/itemSettings';
import { DURABLE_MIN_POLL_INTERVAL_MS, REQUESTS_AT_ONCE } from '../settings/limits';
import { messageOf } from '../text/wording';
import { forItem } from '../transport/connection';
import type { Connection } from '../transport/types';
import type { CreateRequest } from '../validation/modelRules';
import { keeperWorkflow, ownerOf } from './childWorkflow';
import { startItem } from './store';
import { howItWaits, type WaitPlan } from './waitMode';
import { type DurableWait, isOpen, type ItemWait, summaryOf, WAIT_VERSION } from './waitState';
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
	checked: Array<CheckedItem<'createAndWait'>>,
	plan: WaitPlan,
	gate: CreateGate,
): Promise<ItemOutcome[]> {
	const creations = await forEachItem(
		ctx,
		checked,
		REQUESTS_AT_ONCE,
		async (entry, itemIndex): Promise<Creation> => {
			if (entry.kind === 'failed') return entry;
			return await createOne(
				ctx,
				forItem(connection, itemIndex),
				gate,
				entry.request,
				itemIndex,
				entry.options.maxWaitS * 1000,
			);
		},
	);
	// Without Continue On Fail the node fails now, naming the tasks it made: Retry On Fail, which
	// n8n applies only before a wait, then re-attaches them instead of paying again.
	failFast(ctx, creations, policy, connection.apiKey);
	const created = creations.flatMap((creation) => (creation.created ? [creation.created] : []));

	const wait = { ...waitOf(ctx, policy, plan, creations, checked), credits: gate.credits.state };
	const waiting = wait.items.filter(isOpen).length;
	// Nothing to wait for: every item was refused or failed (with Continue On Fail), and that is final.
	if (waiting === 0)
		return creations.filter((creation): creation is Failed => creation.kind === 'failed');
	const workflow = ctx.getWorkflow();
	const result = await startKeeper(ctx, connection, wait, waiting, created);
	// The editor links the node's run to its sub-execution; the executions list says where the wait is.
	ctx.setMetadata({
		subExecution: { executionId: result.executionId, workflowId: String(workflow.id) },
	});
	const summary = {
		...summaryOf(wait),
		wait: `${wait.how} in sub-execution ${result.executionId}`,
	};
	publishSummary(ctx, summary, connection.apiKey);
	hintParked(ctx, summary, result.executionId);
	// A sub-execution that ended without waiting handed back its last step's items already.
	if (!result.waitTill)
		return (result.data[0] ?? []).map((item: INodeExecutionData) => output(item));
	return wait.items.map(placeholder);
}

/**
 * Starts the keeper on the wait; it parks at once, on its first watcher. Should it not start, the
 * node fails on the first item (with its task), the other items' tasks listed after it.
 */
async function startKeeper(
	ctx: IExecuteFunctions,
	connection: Connection,
	wait: DurableWait,
	waiting: number,
	created: CreatedTask[],
): Promise<ExecuteWorkflowData> {
	try {
		// n8n stores this item with the sub-execution: whatever FastRouter echoed of the key is cut out.
		return await ctx.executeWorkflow(
			{ code: keeperWorkflow(ctx, ownerOf(ctx), waiting) },
			[redactItem(startItem(wait), connection.apiKey)],
			undefined,
			{
				parentExecution: {
					executionId: ctx.getExecutionId(),
					workflowId: String(ctx.getWorkflow().id),
					shouldResume: true,
				},
			},
		);
	} catch (error) {
		const first = created.find((task) => task.itemIndex === 0)?.taskId;
		const message = `The durable wait could not start: ${messageOf(error)}`;
		throw toNodeError(
			ctx,
			{ itemIndex: 0, taskId: first, message, description: 'No task was polled.' },
			created,
			connection.apiKey,
		);
	}
}

/** The wait as the sub-execution starts it: one entry per item, waiting on its task or settled. */
function waitOf(
	ctx: IExecuteFunctions,
	policy: FailurePolicy,
	plan: WaitPlan,
	creations: Creation[],
	checked: Array<CheckedItem<'createAndWait'>>,
): DurableWait {
	const terms: WaitTerms[] = [];
	const stored = new Map<string, number>();
	/** Where an item's terms are stored: the items of a batch mostly share one. */
	const termsIndexOf = (itemTerms: WaitTerms): number => {
		const key = JSON.stringify(itemTerms);
		const known = stored.get(key);
		if (known !== undefined) return known;
		stored.set(key, terms.length);
		return terms.push(itemTerms) - 1;
	};
	const items = creations.map((creation, itemIndex): ItemWait => {
		const entry = checked[itemIndex];
		// An item refused before its create is settled and never polled: it names the batch's first terms.
		if (entry.kind === 'failed')
			return { item: itemIndex, terms: 0, phase: 'failed', failure: entry.failure };
		const itemTerms = termsOf(entry.options);
		return itemOf(ctx, creation, entry.request, itemTerms, termsIndexOf(itemTerms), itemIndex);
	});
	return {
		v: WAIT_VERSION,
		parentExecutionId: ctx.getExecutionId(),
		node: ctx.getNode().name,
		policy,
		how: howItWaits(plan),
		terms,
		items,
	};
}

/** An item's wait, as stored: its checked options, polled no more often than n8n resumes a wait. */
function termsOf(options: CreateAndWaitOptions): WaitTerms {
	const { maxWaitS, onTimeout, includeRaw, delivery } = options;
	return {
		intervalMs: Math.max(options.intervalMs, DURABLE_MIN_POLL_INTERVAL_MS),
		maxWaitS,
		onTimeout,
		includeRaw,
		delivery,
	};
}

/** One item as the durable wait starts it: waiting on its task, or settled (failed before it). */
function itemOf(
	ctx: IExecuteFunctions,
	creation: Creation,
	request: CreateRequest,
	terms: WaitTerms,
	termsIndex: number,
	itemIndex: number,
): ItemWait {
	const node = ctx.getNode();
	// n8n's own bounds for its Retry On Fail: 2 to 5 tries, 3 unless set.
	const tries = node.retryOnFail ? Math.min(5, Math.max(2, node.maxTries || 3)) : 1;
	const retry = tries > 1 ? { triesLeft: tries - 1, request } : undefined;
	const base = {
		item: itemIndex,
		terms: termsIndex,
		...(creation.created ? { created: creation.created } : {}),
	};
	if (creation.kind === 'failed') {
		// Refused before anything was made (Continue On Fail): with Retry On Fail the wait sends it again.
		if (!creation.uncertain && !creation.created && retry)
			return {
				...base,
				phase: 'recreate',
				at: Date.now() + terms.intervalMs,
				failure: creation.failure,
				retry,
			};
		return { ...base, phase: 'failed', failure: creation.failure };
	}
	return waitingFor(
		base,
		creation.task,
		creation.sentAt,
		terms.maxWaitS,
		terms.intervalMs,
		retry,
		terms.includeRaw ? creation.raw : undefined,
	);
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
			: {
					taskId: entry.created?.taskId ?? null,
					status: 'failed',
					reason:
						entry.phase === 'failed' || entry.phase === 'recreate' ? entry.failure.message : '',
				};
	return output({ json, pairedItem: { item: entry.item } }, entry.created);
}
