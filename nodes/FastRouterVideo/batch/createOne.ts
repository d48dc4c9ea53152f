import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CreatedTask, Failed } from '../output/outcome';
import { fromApiFailure } from '../output/errors';
import { createdButRefused, createRefused, noTaskId } from '../output/taskFailures';
import { errorWithoutTask, normalizeAnswer, type NormalizedTask } from '../polling/normalize';
import { excerpt } from '../text/wording';
import { createTask } from '../transport/create';
import { cancelled } from '../transport/exchange';
import type { Connection } from '../transport/types';
import type { CreateRequest } from '../validation/modelRules';
import { type Limiter, limiter } from './pool';

/** Creates in flight at once, for Create as for Create and Wait: enough for a sheet, gentle on the rate limit. */
export const CREATE_CONCURRENCY = 10;

/** The gate every create of one run goes through. */
export function createLimit(): Limiter {
	return limiter(CREATE_CONCURRENCY);
}

/** What one create gave: the task, or the item's failure (with the task, if one was created anyway). */
export type Creation =
	| { kind: 'created'; created: CreatedTask; task: NormalizedTask; raw: IDataObject; sentAt: number }
	| Failed;

/**
 * Sends one item's create, once a slot of the run's create limit is free, and reads the task
 * from the answer. The create is never repeated once it may have reached FastRouter
 * (transport/create.ts). `maxMs` bounds it from the moment it is sent, 429 waits included.
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
		const answer = await createTask(ctx, connection, request, maxMs === undefined ? undefined : sentAt + maxMs);
		if (!answer.ok) {
			// An answer that names a task, whatever its envelope says, means the task exists (and may be billed).
			const taskId = answer.failure.body ? normalizeAnswer(answer.failure.body, request.model).taskId : null;
			if (!taskId) return { kind: 'failed', failure: fromApiFailure(itemIndex, answer.failure) };
			return { kind: 'failed', failure: createdButRefused(itemIndex, answer.failure, taskId), created: { itemIndex, taskId, status: 'unknown' } };
		}
		const task = normalizeAnswer(answer.value, request.model);
		if (!task.taskId) {
			const error = errorWithoutTask(answer.value, request.model);
			return { kind: 'failed', failure: error ? createRefused(itemIndex, error) : noTaskId(itemIndex, excerpt(JSON.stringify(answer.value))) };
		}
		return { kind: 'created', created: { itemIndex, taskId: task.taskId, status: task.status }, task, raw: answer.value, sentAt };
	});
}
