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

/** How one Create and Wait item is waited for. */
export interface WaitSettings {
	intervalMs: number;
	maxWaitS: number;
	onTimeout: OnTimeout;
}

/** One item's options and switches, as its operation has them. */
export interface ItemOptions {
	includeRaw: boolean;
	/** Get Status and Create and Wait. */
	delivery?: VideoDelivery;
	/** Create and Create and Wait. */
	request?: RequestAdditions;
	/** Create and Wait. */
	wait?: WaitSettings;
}

/** Options that hold for the whole batch, read from its first item. */
export interface BatchOptions {
	/** Create and Wait: items waited for at once. */
	maxConcurrent: number;
	/** Create and Wait. */
	waitMode: WaitMode;
}
