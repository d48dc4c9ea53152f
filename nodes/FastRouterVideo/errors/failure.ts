import type { JsonObject } from 'n8n-workflow';

/**
 * What a failure is, at every layer: a request's (ApiFailure), an item's (ItemFailure), and the
 * tasks a failing run must still name (CreatedTask), each of which may be billed.
 */

/** Why a request failed, in words a user can act on; never holds the API key. */
export interface ApiFailure {
	message: string;
	description: string;
	statusCode?: number;
	/** The request may be sent again (retryPolicy.ts's isRetryable: for a poll 429, 5xx, network). */
	retryable: boolean;
	retryAfterMs?: number;
	/** A create failed in a way that does not prove nothing was created (5xx, timeout, reset). */
	mayHaveCreated?: boolean;
	/** The answer itself is unusable (not JSON, HTML, a redirect loop): retrying rarely helps. */
	persistent?: boolean;
	body?: JsonObject;
}

/** A task this run created for an item (each one may be billed), with the latest status known of it. */
export interface CreatedTask {
	itemIndex: number;
	taskId: string;
	status?: string;
}

/** What went wrong for one item, kept until the batch decides to throw or to output it. */
export interface ItemFailure {
	itemIndex: number;
	message: string;
	description?: string;
	taskId?: string | null;
	api?: ApiFailure;
}

/** An item that failed; `created` is the task this run created for it anyway, if any. */
export type Failed = { kind: 'failed'; failure: ItemFailure; created?: CreatedTask };

/**
 * How a node's failed items come out, from its On Error setting: the node's error (stop), error
 * items on the main output, or error items on the error output. The node reads it once, in its
 * execute(), and hands it down; a durable wait hands it on to its sub-execution.
 */
export interface FailurePolicy {
	continueOnFail: boolean;
	toErrorOutput: boolean;
}
