import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CreatedTask, Failed } from '../errors/failure';
import { cancelled, fromApiFailure } from '../errors/nodeErrors';
import { createdButRefused, createRefused, noTaskId } from '../output/taskFailures';
import { errorWithoutTask, normalizeAnswer, type NormalizedTask } from '../polling/normalize';
import { POLLS_AT_ONCE, REQUESTS_AT_ONCE } from '../settings/limits';
import { excerpt } from '../text/wording';
import { createTask } from '../transport/create';
import type { Connection } from '../transport/types';
import type { CreateRequest } from '../validation/modelRules';
import type { CreditLimit } from './creditLimit';
import { limiter, type PollTurn, pollTurns, type QueueLimiter } from './pool';
import { creditLimitOf, type EarlierTry, earlierTries } from './runMemory';

/**
 * What every create of one node run goes through: free slots, and the run's credits (and their
 * limit); and the turns of the run's in-process polls, which give way to its creates (pool.ts).
 */
export interface CreateGate {
	slots: QueueLimiter;
	credits: CreditLimit;
	polls: PollTurn;
}

export function createGate(ctx: IExecuteFunctions, maxCredits?: number): CreateGate {
	const slots = limiter(REQUESTS_AT_ONCE);
	return { slots, credits: creditLimitOf(ctx, maxCredits), polls: pollTurns(slots, POLLS_AT_ONCE) };
}

/**
 * What one create gave: the task (`again` when an earlier try of this run made it), or the item's
 * failure — with the task if one was created anyway, and `uncertain` when a task may exist.
 */
export type Creation =
	| {
			kind: 'created';
			created: CreatedTask;
			task: NormalizedTask;
			raw: IDataObject;
			sentAt: number;
			again?: true;
	  }
	| (Failed & { uncertain?: true });

/**
 * Sends one item's create, once the run's credit limit allows it and a slot is free, and reads the
 * task from the answer. The create is never repeated once it may have reached FastRouter
 * (transport/create.ts), not even by n8n's Retry On Fail (runMemory.ts). `maxMs` bounds it from
 * the moment it is sent, 429 waits included.
 */
export async function createOne(
	ctx: IExecuteFunctions,
	connection: Connection,
	gate: CreateGate,
	request: CreateRequest,
	itemIndex: number,
	maxMs?: number,
): Promise<Creation> {
	const tries = earlierTries(ctx);
	const earlier = tries.get(itemIndex);
	if (earlier) return fromEarlierTry(earlier, itemIndex, request);
	const creation = await createWithin(
		gate.credits,
		itemIndex,
		request,
		async () =>
			await gate.slots(async () => await sendCreate(ctx, connection, request, itemIndex, maxMs)),
	);
	if (creation.kind === 'created')
		tries.set(itemIndex, { kind: 'created', task: creation.task, raw: creation.raw });
	else if (creation.uncertain) tries.set(itemIndex, { kind: 'uncertain', failed: creation });
	return creation;
}

/**
 * A create through the run's credits: refused when it would not fit the limit, else sent, and what
 * FastRouter reported it cost counted (settled even when the send fails or is cancelled).
 */
export async function createWithin(
	credits: CreditLimit | undefined,
	itemIndex: number,
	request: CreateRequest,
	send: () => Promise<Creation>,
): Promise<Creation> {
	if (!credits) return await send();
	const allowance = await credits.allow(itemIndex, request);
	if (allowance.kind === 'refused') return { kind: 'failed', failure: allowance.failure };
	let creation: Creation | undefined;
	try {
		creation = await send();
		return creation;
	} finally {
		const made =
			creation?.kind === 'created' ||
			creation?.created !== undefined ||
			(creation?.kind === 'failed' && creation.uncertain === true);
		allowance.settle({
			made: creation === undefined ? false : made,
			...(creation?.kind === 'created' ? { task: creation.task } : {}),
		});
	}
}

/** A later try's Retry On Fail forgets an item whose generation failed: the retry creates it anew. */
export function forgetFailedGeneration(ctx: IExecuteFunctions, itemIndex: number): void {
	earlierTries(ctx).delete(itemIndex);
}

/** What an earlier try left: its task to re-attach, or its uncertain create, reported again and not resent. */
function fromEarlierTry(earlier: EarlierTry, itemIndex: number, request: CreateRequest): Creation {
	if (earlier.kind === 'created') {
		const { task, raw } = earlier;
		// Max Wait counts again from this try: a retry after a timeout waits anew for the same task.
		return {
			kind: 'created',
			created: { itemIndex, taskId: task.taskId as string, status: task.status },
			task,
			raw,
			sentAt: Date.now(),
			again: true,
		};
	}
	const { failure, created } = earlier.failed;
	const prompt =
		typeof request.body.prompt === 'string' ? `, prompt ${excerpt(request.body.prompt)}` : '';
	const description =
		`${failure.description ?? ''} Retry On Fail did not send it again: the earlier try's create (model ${request.model}${prompt}) may have made a task.`.trim();
	return {
		kind: 'failed',
		failure: { ...failure, description },
		...(created ? { created } : {}),
		uncertain: true,
	};
}

/**
 * The create itself, once its turn came, without the memory of earlier tries: a durable wait's
 * Retry On Fail sends a failed generation's create again through here.
 */
export async function sendCreate(
	ctx: IExecuteFunctions,
	connection: Connection,
	request: CreateRequest,
	itemIndex: number,
	maxMs?: number,
): Promise<Creation> {
	// A create still waiting for its turn is not sent once the run is cancelled.
	if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx);
	const sentAt = Date.now();
	const answer = await createTask(
		ctx,
		connection,
		request,
		maxMs === undefined ? undefined : sentAt + maxMs,
	);
	if (!answer.ok) {
		// An answer that names a task, whatever its envelope says, means the task exists (and may be billed).
		const taskId = answer.failure.body
			? normalizeAnswer(answer.failure.body, request.model).taskId
			: null;
		if (taskId) {
			const created = { itemIndex, taskId, status: 'unknown' };
			return {
				kind: 'failed',
				failure: createdButRefused(itemIndex, answer.failure, taskId),
				created,
				uncertain: true,
			};
		}
		const failure = fromApiFailure(itemIndex, answer.failure);
		return {
			kind: 'failed',
			failure,
			...(answer.failure.mayHaveCreated ? { uncertain: true as const } : {}),
		};
	}
	const task = normalizeAnswer(answer.value, request.model);
	if (!task.taskId) {
		const error = errorWithoutTask(answer.value, request.model);
		if (error) return { kind: 'failed', failure: createRefused(itemIndex, error) };
		return {
			kind: 'failed',
			failure: noTaskId(itemIndex, excerpt(JSON.stringify(answer.value))),
			uncertain: true,
		};
	}
	return {
		kind: 'created',
		created: { itemIndex, taskId: task.taskId, status: task.status },
		task,
		raw: answer.value,
		sentAt,
	};
}
