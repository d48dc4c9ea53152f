import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { NormalizedTask } from './normalize';
import { pollOnce, type VideoStream } from './poller';
import { videoSources } from './sources';
import { type Connection, CREDENTIAL_TYPE, discard } from './transport';

/**
 * Videos go from the socket into n8n's binary data store as a stream: in n8n's filesystem (and
 * database/S3) modes a 500 MB file never sits in memory. The download host is a CDN or a signed
 * storage link, not FastRouter, so the request carries no credentials — except to FastRouter's
 * own hosted copy on the Base URL's origin (sources.ts).
 */

const VIDEO_MIME_TYPE = 'video/mp4';
/** A GET is safe to repeat: a download cut short is tried this many times in all. */
const DOWNLOAD_ATTEMPTS = 3;
const DOWNLOAD_RETRY_DELAY_MS = 1_000;
/** Generous: a 1 GB file over a slow link. The socket idling this long is what fails it. */
const DOWNLOAD_TIMEOUT_MS = 600_000;

function videoFileName(taskId: string): string {
	return `${taskId.replace(/[^\w.-]+/g, '_')}.mp4`;
}

/** What one attempt to get the video's bytes found. */
type Opened =
	| { kind: 'stream'; video: VideoStream }
	| { kind: 'retry'; problem: string }
	| { kind: 'stop'; problem: string }
	| { kind: 'none' };

/**
 * The one retry loop for videos: opens the bytes (`open`), streams them into n8n binary data and
 * checks the size; a cut or failed attempt is tried again after a pause, up to DOWNLOAD_ATTEMPTS.
 */
async function storeWithRetries(
	ctx: IExecuteFunctions,
	taskId: string,
	open: (attempt: number) => Promise<Opened>,
): Promise<IBinaryData | undefined> {
	let lastProblem = '';
	for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
		if (attempt > 1) await sleep(DOWNLOAD_RETRY_DELAY_MS * (attempt - 1), ctx.getExecutionCancelSignal());
		try {
			const opened = await open(attempt);
			if (opened.kind === 'none') return undefined;
			if (opened.kind === 'stream') return await storeVideoStream(ctx, opened.video, taskId);
			lastProblem = opened.problem;
			if (opened.kind === 'stop') break;
		} catch (error) {
			if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx, error);
			lastProblem = error instanceof TruncatedDownload ? error.message : describe(error);
		}
	}
	throw new DownloadFailed(`Could not download the video of task ${taskId}: ${lastProblem}`);
}

async function storeVideoStream(ctx: IExecuteFunctions, video: VideoStream, taskId: string): Promise<IBinaryData> {
	const binary = await ctx.helpers.prepareBinaryData(
		video.stream as Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
		videoFileName(taskId),
		VIDEO_MIME_TYPE,
	);
	const expected = video.contentLength;
	if (expected !== undefined && binary.bytes !== undefined && binary.bytes !== expected) {
		throw new TruncatedDownload(binary.bytes, expected);
	}
	return binary;
}

/**
 * GETs a video URL, without credentials unless `withKey`. A keyed request follows no redirect by
 * itself: where the hosted copy sends us (signed storage, a CDN) gets a plain request, without the key.
 */
async function openUrl(ctx: IExecuteFunctions, url: string, withKey = false): Promise<Opened> {
	const options = {
		method: 'GET' as const,
		url,
		encoding: 'stream' as const,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: DOWNLOAD_TIMEOUT_MS,
		...(withKey ? { disableFollowRedirect: true } : {}),
	};
	const response = (
		withKey
			? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)
			: await ctx.helpers.httpRequest(options)
	) as IN8nHttpFullResponse;
	const location = response.headers?.location;
	if (withKey && response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
		discard(response.body);
		return await openUrl(ctx, new URL(location, url).toString(), false);
	}
	if (response.statusCode >= 400) {
		discard(response.body);
		const problem = `the video host answered HTTP ${response.statusCode}`;
		// 4xx will not change on a retry (expired or wrong link); 5xx might.
		return { kind: response.statusCode < 500 ? 'stop' : 'retry', problem };
	}
	const length = Number(response.headers?.['content-length']);
	return {
		kind: 'stream',
		video: { stream: response.body, contentLength: Number.isFinite(length) && length > 0 ? length : undefined },
	};
}

class TruncatedDownload extends Error {
	constructor(received: number, expected: number) {
		super(`the download was cut short (${received} of ${expected} bytes)`);
		this.name = 'TruncatedDownload';
	}
}

class DownloadFailed extends Error {
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
	if (!video) {
		const sources = videoSources(task, connection);
		if (sources.length === 0) return undefined;
		let current = 0;
		return await storeWithRetries(ctx, taskId, async () => {
			for (;;) {
				const source = sources[current];
				const opened = await openUrl(ctx, source.url, source.withKey);
				// A 4xx (an expired provider link) moves on to the next source at once; it won't heal.
				if (opened.kind !== 'stop' || current + 1 >= sources.length) return opened;
				current++;
			}
		});
	}
	return await storeWithRetries(ctx, taskId, async (attempt): Promise<Opened> => {
		if (attempt === 1) return { kind: 'stream', video };
		const polled = await pollOnce(ctx, connection, taskId, task.model);
		if (polled.kind === 'error') return { kind: 'retry', problem: polled.failure.message };
		if (polled.video) return { kind: 'stream', video: polled.video };
		return polled.task.videoUrl ? await openUrl(ctx, polled.task.videoUrl) : { kind: 'none' };
	});
}
