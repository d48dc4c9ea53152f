import type { OnTimeout, WaitMode } from './parameterValues';

/**
 * What an item's options and switches say once checked (validation/options.ts): the one shape the
 * operations, the download, the output and the durable wait read them in.
 */

/** The limits of one item's download. */
export interface DownloadSettings {
	maxBytes: number;
	timeoutMs: number;
}

/** Whether and where a finished task's video is attached, and the limits of its download. */
export interface VideoDelivery {
	attach: boolean;
	binaryPropertyName: string;
	limits: DownloadSettings;
}

/** What an item's options add to its create request: headers, and fields merged into the body. */
export interface RequestAdditions {
	headers: Record<string, string>;
	body: Record<string, unknown>;
}

/**
 * How one item is waited for — in process, or stored with its durable wait (durable/waitState.ts):
 * its poll interval, Max Wait and On Timeout, and what its finished task gives.
 */
export interface WaitTerms {
	intervalMs: number;
	maxWaitS: number;
	onTimeout: OnTimeout;
	includeRaw: boolean;
	delivery: VideoDelivery;
}

/** Create's options for one item: what they add to its create request. */
export interface CreateOptions {
	includeRaw: boolean;
	request: RequestAdditions;
}

/** Create and Wait's: how the item is waited for, and what its options add to its create request. */
export interface CreateAndWaitOptions extends WaitTerms {
	request: RequestAdditions;
}

/** Get Status's: whether and where the task's video is attached. */
export interface StatusOptions {
	includeRaw: boolean;
	delivery: VideoDelivery;
}

/** One item's checked options, as its operation has them: every field it has is there. */
export interface OptionsOf {
	create: CreateOptions;
	createAndWait: CreateAndWaitOptions;
	getStatus: StatusOptions;
}

/** An operation, as the options it reads. */
export type OptionScope = keyof OptionsOf;

/** Options that hold for the whole batch, read from its first item. */
export interface BatchOptions {
	/** Create and Wait: items waited for at once. */
	maxConcurrent: number;
	/** Create and Wait. */
	waitMode: WaitMode;
	/** Create and Create and Wait: Max Credits per Run; none when left empty. */
	maxCredits?: number;
}
