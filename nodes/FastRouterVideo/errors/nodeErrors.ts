import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { redactDeep, redactText, safeText } from '../text/safeText';
import { itemLabel } from '../text/wording';
import type { ApiFailure, CreatedTask, Failed, FailurePolicy, ItemFailure } from './failure';

/**
 * The errors the node ends with, and the items a failure becomes: every one named for its item,
 * its text safe to store, its task listed.
 */

export function fromApiFailure(
	itemIndex: number,
	failure: ApiFailure,
	taskId?: string | null,
): ItemFailure {
	const task = taskId ? ` (task ${taskId})` : '';
	return {
		itemIndex,
		message: `${failure.message}${task}`,
		description: failure.description,
		taskId,
		api: failure,
	};
}

/**
 * With Continue On Fail: the item comes out as `{ error, taskId }`, paired to its input. Under
 * "Continue (using error output)" the id moves to `details.taskId`: n8n sends an item to the error
 * output only when its json holds nothing but `error`, `message` and `details`, and a created
 * task's id must reach that output too.
 */
export function failureItem(
	failure: ItemFailure,
	toErrorOutput: boolean,
	secret = '',
): INodeExecutionData {
	const error = safeText(`${itemLabel(failure.itemIndex)}: ${failure.message}`, secret);
	const task = failure.taskId ? { taskId: redactText(failure.taskId, secret) } : undefined;
	return {
		json: toErrorOutput ? { error, ...(task ? { details: task } : {}) } : { error, ...task },
		pairedItem: { item: failure.itemIndex },
	};
}

/**
 * Without Continue On Fail the node stops on the first failed item. Tasks the batch already
 * created are listed in the error, so none is lost (each one was paid for).
 *
 * n8n rewrites a message holding a Node error code into generic advice (one kind recommends
 * Retry On Fail, a second charge here), and stores message, description, messages, cause and
 * errorResponse with the execution: every text goes through safeText, and the errorResponse is
 * FastRouter's answer with the key cut out, never a raw HTTP error.
 */
export function toNodeError(
	ctx: IExecuteFunctions,
	failure: ItemFailure,
	createdElsewhere: CreatedTask[] = [],
	secret = '',
): NodeApiError | NodeOperationError {
	const others = createdElsewhere.filter((task) => task.itemIndex !== failure.itemIndex);
	const created = others.length
		? ` Tasks created by this run for other items (use Get Status to fetch them): ${others
				.map(
					(task) =>
						`${itemLabel(task.itemIndex)}: ${task.taskId}${task.status ? ` (${task.status})` : ''}`,
				)
				.join(', ')}.`
		: '';
	const task =
		failure.taskId && !failure.message.includes(failure.taskId) ? ` (task ${failure.taskId})` : '';
	const message = safeText(`${itemLabel(failure.itemIndex)}: ${failure.message}${task}`, secret);
	const description =
		safeText(`${failure.description ?? ''}${created}`.trim(), secret) || undefined;
	if (failure.api?.statusCode !== undefined) {
		const answer = redactDeep(failure.api.body ?? {}, secret) as JsonObject;
		// The answer's own `code` must not steer n8n's wording, nor its text reach the message.
		return new NodeApiError(ctx.getNode(), { answer, message } as JsonObject, {
			message,
			description,
			httpCode: String(failure.api.statusCode),
			itemIndex: failure.itemIndex,
		});
	}
	return new NodeOperationError(ctx.getNode(), message, {
		description,
		itemIndex: failure.itemIndex,
	});
}

/**
 * The one decision "stop at the first failure unless Continue On Fail": without it, the first
 * failed entry becomes the node's error, naming every task the run created for the others; with
 * it, nothing is thrown and each failure becomes that item's error item later.
 */
export function failFast(
	ctx: IExecuteFunctions,
	entries: ReadonlyArray<{ kind: string; created?: CreatedTask }>,
	policy: FailurePolicy,
	secret = '',
): void {
	if (policy.continueOnFail) return;
	const first = entries.find((entry): entry is Failed => entry.kind === 'failed');
	if (!first) return;
	const created = entries.flatMap((entry) => (entry.created ? [entry.created] : []));
	throw toNodeError(ctx, first.failure, created, secret);
}

/**
 * The one error a cancelled run ends with. Not wrapping the HTTP error: it carries the request's
 * headers, and n8n stores its cause. No itemIndex: the user cancelled the run, no item failed.
 */
export function cancelled(ctx: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}

/** Whether an error is the HTTP client's (or n8n's) own word for a cancelled request. */
export function isCancellation(error: unknown): boolean {
	const name = (error as { name?: string } | undefined)?.name ?? '';
	return name === 'AbortError' || name === 'CanceledError' || name === 'ExecutionCancelledError';
}
