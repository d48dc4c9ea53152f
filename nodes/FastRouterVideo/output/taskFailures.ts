import type { ApiFailure, ItemFailure } from '../errors/failure';
import { fromApiFailure } from '../errors/nodeErrors';
import { isEnding, type NormalizedTask } from '../polling/normalize';

/**
 * What an item's failure says once its task exists: the task id always, and what the user can do
 * about a task that may still be running (or finished) on FastRouter.
 */

/** The wait itself failed (a poll error it could not get past): the task may well go on. */
export function waitFailed(
	itemIndex: number,
	failure: ApiFailure,
	taskId: string | null,
): ItemFailure {
	const item = fromApiFailure(itemIndex, failure, taskId);
	item.description =
		`${item.description ?? ''} The task was created and may still be running on FastRouter: Get Status with its task ID.`.trim();
	return item;
}

/** Max Wait passed with the task still running. */
export function timedOut(
	itemIndex: number,
	task: NormalizedTask,
	maxWaitS: number,
	lastError: string | undefined,
): ItemFailure {
	const progress = task.progress !== null ? `, ${task.progress}%` : '';
	return {
		itemIndex,
		taskId: task.taskId,
		message: `Task ${task.taskId} did not finish within ${maxWaitS} s (last status: ${task.status}${progress}${lastError ? `; last error: ${lastError}` : ''})`,
		description:
			'It may still finish on FastRouter: run Get Status with this task ID later, or raise Max Wait. Set On Timeout to "Output Task" to get such items as output instead of an error.',
	};
}

/**
 * FastRouter reported the task as ended without a video: failed, with its reason, or ended in
 * another way (`expired`, `cancelled`…), whose message already names the task and the word.
 */
export function generationFailed(itemIndex: number, task: NormalizedTask): ItemFailure {
	if (task.error && isEnding(task.error.code)) {
		return {
			itemIndex,
			taskId: task.taskId,
			message: task.error.message,
			description: 'FastRouter ended the task without a video; run the item again for a new task.',
		};
	}
	return {
		itemIndex,
		taskId: task.taskId,
		message: `The generation of task ${task.taskId} failed: ${task.error?.message ?? 'no reason given'}`,
		description:
			'FastRouter reported the task as failed; change the prompt or image and run again.',
	};
}

/** The task finished but its video could not be kept. */
export function downloadFailed(
	itemIndex: number,
	task: NormalizedTask,
	problem: string,
): ItemFailure {
	return {
		itemIndex,
		taskId: task.taskId,
		message: problem,
		description: `FastRouter reports the task finished${task.videoUrl ? ` (video URL: ${task.videoUrl})` : ''}; no video was kept. Get Status with this task ID can try again.`,
	};
}

/**
 * A create answered with an error, but the answer names a task: it exists (and may be billed), so
 * the item fails with that id, and the node's error lists it.
 */
export function createdButRefused(
	itemIndex: number,
	failure: ApiFailure,
	taskId: string,
): ItemFailure {
	return {
		...fromApiFailure(itemIndex, failure),
		taskId,
		message: `FastRouter created task ${taskId} but answered: ${failure.message}`,
		description: `${failure.description} The task exists and may be billed: run Get Status with its task ID before running this item again.`,
	};
}

/** A create answered 2xx with FastRouter's error and no task: nothing was created. */
export function createRefused(
	itemIndex: number,
	error: { message: string; code: string | null },
): ItemFailure {
	return {
		itemIndex,
		message: `FastRouter refused the create: ${error.message}${error.code ? ` (${error.code})` : ''}`,
		description:
			'FastRouter answered with an error and named no task, so nothing was created or billed. Fix what it names and run again.',
	};
}

/** A create accepted without a task id: something may have been created, and nothing is resent. */
export function noTaskId(itemIndex: number, answer: string): ItemFailure {
	return {
		itemIndex,
		message: `FastRouter accepted the request but returned no task ID; it answered ${answer}. The task may have been created; not retried to avoid a double charge`,
		description:
			'The create answer had neither data.taskId nor id. Check the FastRouter dashboard before running this item again.',
	};
}
