import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { cancelled } from '../errors/nodeErrors';
import { pollTask } from '../polling/loop';
import type { NormalizedTask } from '../polling/normalize';
import type { DownloadSettings } from '../settings/itemSettings';
import { DOWNLOAD_ATTEMPTS, downloadPause } from '../transport/retryPolicy';
import type { Connection, VideoStream } from '../transport/types';
import { type Opened, openUrl, videoSources } from './sources';
import {
	brokeOff,
	DownloadStopped,
	type DownloadLimits,
	NotAVideo,
	storeCheckedVideo,
} from './videoStream';

/**
 * Videos go from the socket into n8n's binary data store as a stream: in n8n's filesystem (and
 * database/S3) modes a 500 MB file never sits in memory. The download host is a CDN or a signed
 * storage link, not FastRouter, so the request carries no credentials — except to FastRouter's
 * own hosted copy on the Base URL's origin (sources.ts).
 */

/** The socket idling this long fails an attempt (a longer Download Timeout still bounds it). */
const DOWNLOAD_IDLE_MS = 60_000;

function videoFileName(taskId: string): string {
	return `${taskId.replace(/[^\w.-]+/g, '_')}.mp4`;
}

/**
 * The one retry loop for videos: opens the bytes (`open`), streams them into n8n binary data and
 * checks the size; a cut or failed attempt is tried again as the download retry policy says
 * (DOWNLOAD_ATTEMPTS, downloadPause), all within the download's deadline.
 */
async function storeWithRetries(
	ctx: IExecuteFunctions,
	taskId: string,
	settings: DownloadSettings,
	open: (attempt: number, deadline: number) => Promise<Opened>,
	nextSource: () => boolean = () => false,
): Promise<IBinaryData> {
	const deadline = Date.now() + settings.timeoutMs;
	const limits: DownloadLimits = {
		maxBytes: settings.maxBytes,
		idleMs: Math.min(DOWNLOAD_IDLE_MS, settings.timeoutMs),
		deadline,
	};
	let lastProblem = '';
	for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
		if (attempt > 1) {
			const pause = downloadPause(attempt);
			if (Date.now() + pause >= deadline) break;
			await sleep(pause, ctx.getExecutionCancelSignal());
		}
		try {
			const opened = await open(attempt, deadline);
			if (opened.kind === 'none') {
				lastProblem =
					'FastRouter reported the task finished but gave no video (no URL, no video stream)';
				break;
			}
			if (opened.kind === 'stream')
				return await storeVideoStream(ctx, opened.video, taskId, limits);
			lastProblem = opened.problem;
			if (opened.kind === 'stop') break;
		} catch (error) {
			if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx);
			if (error instanceof NotAVideo && nextSource()) {
				lastProblem = error.message;
				continue;
			}
			if (error instanceof NotAVideo || (error instanceof DownloadStopped && error.final)) {
				lastProblem = error.message;
				break;
			}
			lastProblem = error instanceof TruncatedDownload ? error.message : brokeOff(error).message;
		}
	}
	throw new DownloadFailed(`Could not download the video of task ${taskId}: ${lastProblem}`);
}

async function storeVideoStream(
	ctx: IExecuteFunctions,
	video: VideoStream,
	taskId: string,
	limits: DownloadLimits,
): Promise<IBinaryData> {
	const binary = await storeCheckedVideo(ctx, video, videoFileName(taskId), limits);
	const expected = video.contentLength;
	if (expected !== undefined && binary.bytes !== undefined && binary.bytes !== expected) {
		throw new TruncatedDownload(binary.bytes, expected);
	}
	return binary;
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

/**
 * The finished video of a task, as n8n binary data: from the URL the poll gave, or from the poll
 * answer itself (Sora). A Sora stream cut short is fetched again by polling once more, which is
 * as safe to repeat as a GET: each poll is a download attempt, and its failure is retried only
 * if a poll would be (transport/retryPolicy.ts).
 */
export async function attachFinishedVideo(
	ctx: IExecuteFunctions,
	connection: Connection,
	task: NormalizedTask,
	video: VideoStream | undefined,
	settings: DownloadSettings,
): Promise<IBinaryData> {
	const taskId = task.taskId ?? 'video';
	if (!video) {
		const sources = videoSources(task, connection);
		let current = 0;
		// A 4xx (an expired provider link) or an error page moves on to the next source at once.
		const nextSource = (): boolean => {
			if (current + 1 >= sources.length) return false;
			current++;
			return true;
		};
		return await storeWithRetries(
			ctx,
			taskId,
			settings,
			async (_attempt, deadline) => {
				for (;;) {
					const source = sources[current];
					if (!source) return { kind: 'none' };
					const opened = await openUrl(ctx, connection, source.url, deadline, source.withKey);
					if (opened.kind !== 'stop' || !nextSource()) return opened;
				}
			},
			nextSource,
		);
	}
	return await storeWithRetries(
		ctx,
		taskId,
		settings,
		async (attempt, deadline): Promise<Opened> => {
			if (attempt === 1) return { kind: 'stream', video };
			const polled = await pollTask(ctx, connection, taskId, task.model, deadline);
			// A poll failure the poll policy would not retry (a 404, a 401) will not pass on a re-fetch either.
			if (polled.kind === 'failure')
				return {
					kind: polled.failure.retryable ? 'retry' : 'stop',
					problem: polled.failure.message,
				};
			if (polled.video) return { kind: 'stream', video: polled.video };
			return polled.task.videoUrl
				? await openUrl(ctx, connection, polled.task.videoUrl, deadline)
				: { kind: 'none' };
		},
	);
}
