import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { NormalizedTask } from './normalize';
import { pollOnce, type VideoStream } from './poller';
import { type Connection, discard } from './transport';

/**
 * Videos go from the socket into n8n's binary data store as a stream: in n8n's filesystem (and
 * database/S3) modes a 500 MB file never sits in memory. The download host is a CDN or a signed
 * storage link, not FastRouter, so the request carries no credentials at all.
 */

const VIDEO_MIME_TYPE = 'video/mp4';
/** A GET is safe to repeat: a download cut short is tried this many times in all. */
const DOWNLOAD_ATTEMPTS = 3;
const DOWNLOAD_RETRY_DELAY_MS = 1_000;
/** Generous: a 1 GB file over a slow link. The socket idling this long is what fails it. */
const DOWNLOAD_TIMEOUT_MS = 600_000;

export function videoFileName(taskId: string): string {
	return `${taskId.replace(/[^\w.-]+/g, '_')}.mp4`;
}

/** Stores a stream already open (Sora's finished poll) as the item's video. */
export async function storeVideoStream(
	ctx: IExecuteFunctions,
	stream: IN8nHttpFullResponse['body'],
	taskId: string,
	expectedBytes: number | undefined,
): Promise<IBinaryData> {
	const binary = await ctx.helpers.prepareBinaryData(
		stream as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
		videoFileName(taskId),
		VIDEO_MIME_TYPE,
	);
	if (expectedBytes !== undefined && binary.bytes !== undefined && binary.bytes !== expectedBytes) {
		throw new TruncatedDownload(binary.bytes, expectedBytes);
	}
	return binary;
}

/** Downloads a video URL without credentials, retrying a download cut short. */
export async function downloadVideo(ctx: IExecuteFunctions, url: string, taskId: string): Promise<IBinaryData> {
	let lastProblem = '';
	for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
		try {
			const response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: DOWNLOAD_TIMEOUT_MS,
			})) as IN8nHttpFullResponse;
			if (response.statusCode >= 400) {
				discard(response.body);
				lastProblem = `the video host answered HTTP ${response.statusCode}`;
				// 4xx will not change on a retry (expired or wrong link); 5xx might.
				if (response.statusCode < 500) break;
			} else {
				const length = Number(response.headers?.['content-length']);
				return await storeVideoStream(
					ctx,
					response.body,
					taskId,
					Number.isFinite(length) && length > 0 ? length : undefined,
				);
			}
		} catch (error) {
			if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx, error);
			lastProblem = error instanceof TruncatedDownload ? error.message : describe(error);
		}
		if (attempt < DOWNLOAD_ATTEMPTS) await sleep(DOWNLOAD_RETRY_DELAY_MS * attempt, ctx.getExecutionCancelSignal());
	}
	throw new DownloadFailed(`Could not download the video of task ${taskId}: ${lastProblem}`);
}

export class TruncatedDownload extends Error {
	constructor(received: number, expected: number) {
		super(`the download was cut short (${received} of ${expected} bytes)`);
		this.name = 'TruncatedDownload';
	}
}

export class DownloadFailed extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DownloadFailed';
	}
}

export function cancelled(ctx: IExecuteFunctions, error: unknown): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), error as Error, { message: 'The execution was cancelled' });
}

function describe(error: unknown): string {
	const { code, message } = (error ?? {}) as { code?: string; message?: string };
	return code ? `the connection failed (${code})` : (message ?? 'unknown error');
}

const SORA_REFETCH_ATTEMPTS = 3;

/**
 * The finished video of a task, as n8n binary data: from the URL the poll gave, or from the poll
 * answer itself (Sora). A Sora stream cut short is fetched again by polling once more, which is
 * as safe to repeat as a GET.
 */
export async function attachFinishedVideo(
	ctx: IExecuteFunctions,
	connection: Connection,
	task: NormalizedTask,
	video: VideoStream | undefined,
): Promise<IBinaryData | undefined> {
	const taskId = task.taskId ?? 'video';
	if (!video) return task.videoUrl ? await downloadVideo(ctx, task.videoUrl, taskId) : undefined;
	let current: VideoStream | undefined = video;
	let lastProblem = '';
	for (let attempt = 1; attempt <= SORA_REFETCH_ATTEMPTS; attempt++) {
		if (!current) {
			const polled = await pollOnce(ctx, connection, taskId, task.model);
			if (polled.kind === 'error') {
				lastProblem = polled.failure.message;
				continue;
			}
			current = polled.video;
			if (!current) return polled.task.videoUrl ? await downloadVideo(ctx, polled.task.videoUrl, taskId) : undefined;
		}
		try {
			return await storeVideoStream(ctx, current.stream, taskId, current.contentLength);
		} catch (error) {
			if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx, error);
			lastProblem = error instanceof TruncatedDownload ? error.message : describe(error);
			current = undefined;
		}
	}
	throw new DownloadFailed(`Could not download the video of task ${taskId}: ${lastProblem}`);
}
