import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Failed } from './batch';
import { excerpt } from './bodyReader';
import { fromApiFailure } from './errors';
import { normalizeAnswer, type NormalizedTask } from './normalize';
import { type Limiter, limiter } from './pool';
import { cancelled } from './request';
import { type Connection, createTask } from './transport';
import type { CreateRequest } from './validation';

/** Creates in flight at once, for Create as for Create and Wait: enough for a sheet, gentle on the rate limit. */
export const CREATE_CONCURRENCY = 10;

/** The gate every create of one run goes through. */
export function createLimit(): Limiter {
	return limiter(CREATE_CONCURRENCY);
}

/** A task this run created for an item (each one may be billed), with the latest status known of it. */
export interface CreatedTask {
	itemIndex: number;
	taskId: string;
	status?: string;
}

/** What one create gave: the task, or the item's failure (with the task, if one was created anyway). */
export type Creation =
	| { kind: 'created'; created: CreatedTask; task: NormalizedTask; raw: IDataObject; sentAt: number }
	| Failed;

/**
 * Sends one item's create, once a slot of the run's create limit is free, and reads the task
 * from the answer. The create is never repeated once it may have reached FastRouter
 * (transport.ts). `maxMs` bounds it from the moment it is sent, 429 waits included.
 */
export async function createOne(
	ctx: IExecuteFunctions,
	connection: Connection,
	limit: Limiter,
	request: CreateRequest,
	itemIndex: number,
	maxMs?: number,
): Promise<Creation> {
	return await limit(async (): Promise<Creation> => {
		// A create still waiting for its turn is not sent once the run is cancelled.
		if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx);
		const sentAt = Date.now();
		const answer = await createTask(ctx, connection, request.body, maxMs === undefined ? undefined : sentAt + maxMs);
		if (!answer.ok) {
			const failure = fromApiFailure(itemIndex, answer.failure);
			// An answer that names a task, whatever its envelope says, means the task exists (and may be
			// billed): the item fails, but with that id, and the node's error lists it.
			const taskId = answer.failure.body ? normalizeAnswer(answer.failure.body, request.model).taskId : null;
			if (!taskId) return { kind: 'failed', failure };
			return {
				kind: 'failed',
				failure: {
					...failure,
					taskId,
					message: `FastRouter created task ${taskId} but answered: ${answer.failure.message}`,
					description: `${answer.failure.description} The task exists and may be billed: run Get Status with its task ID before running this item again.`,
				},
				created: { itemIndex, taskId, status: 'unknown' },
			};
		}
		const task = normalizeAnswer(answer.json, request.model);
		if (!task.taskId) {
			return {
				kind: 'failed',
				failure: {
					itemIndex,
					message: `FastRouter accepted the request but returned no task ID; it answered ${excerpt(JSON.stringify(answer.json))}. The task may have been created; not retried to avoid a double charge`,
					description: 'The create answer had neither data.taskId nor id. Check the FastRouter dashboard before running this item again.',
				},
			};
		}
		return { kind: 'created', created: { itemIndex, taskId: task.taskId, status: task.status }, task, raw: answer.json, sentAt };
	});
}
