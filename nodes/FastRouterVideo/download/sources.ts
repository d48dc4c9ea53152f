import type { IExecuteFunctions } from 'n8n-workflow';

import type { NormalizedTask } from '../polling/normalize';
import { discard, videoStreamFrom } from '../transport/answer';
import { traceHeaders } from '../transport/connection';
import { originOf, sendFollowing } from '../transport/exchange';
import { ssrfBlockedText } from '../transport/failures';
import { isRetryable } from '../transport/retryPolicy';
import type { Connection, VideoStream } from '../transport/types';

/** One place the finished video can be fetched from, and whether the API key may go with it. */
interface VideoSource {
	url: string;
	withKey: boolean;
}

/** What one attempt to get the video's bytes found. */
export type Opened =
	| { kind: 'stream'; video: VideoStream }
	| { kind: 'retry'; problem: string }
	| { kind: 'stop'; problem: string }
	| { kind: 'none' };

/**
 * Where to fetch a finished video, in order. The provider's link first, without the key: it is a
 * CDN or a signed storage link, and it costs FastRouter nothing. Provider links expire within
 * hours, FastRouter's hosted copy (`fastrouter_assets.urls`) lives up to 30 days, so when the
 * provider answers 4xx the hosted copy is next. Whether the hosted copy needs the key is not
 * documented: it goes along only when the copy is on the credential's Base URL origin — the one
 * place the key is sent anyway — never to any other host.
 */
export function videoSources(task: NormalizedTask, connection: Connection): VideoSource[] {
	const sources: VideoSource[] = [];
	if (task.videoUrl) sources.push({ url: task.videoUrl, withKey: false });
	const hosted = task.hostedVideoUrl;
	if (hosted && hosted !== task.videoUrl)
		sources.push({ url: hosted, withKey: sameOrigin(hosted, connection.baseUrl) });
	return sources;
}

function sameOrigin(url: string, baseUrl: string): boolean {
	const origin = originOf(url);
	return origin !== undefined && origin !== 'null' && origin === originOf(baseUrl);
}

/**
 * GETs a video URL, redirects followed (bounded, on time). Without credentials unless `withKey`
 * (FastRouter's hosted copy on the Base URL's origin); even then the key goes only to that
 * origin, never to where it redirects (signed storage, a CDN).
 */
export async function openUrl(
	ctx: IExecuteFunctions,
	connection: Connection,
	url: string,
	deadline: number,
	withKey = false,
): Promise<Opened> {
	const keyOrigin = withKey ? originOf(connection.baseUrl) : undefined;
	const target = {
		method: 'GET' as const,
		url,
		accept: 'video/*, */*',
		keyOriginHeaders: traceHeaders(connection.span),
	};
	const sent = await sendFollowing(ctx, target, keyOrigin, deadline, deadline - Date.now());
	// n8n's SSRF protection refused the address: asking again gets the same refusal.
	if (!sent.ok && sent.blocked) return { kind: 'stop', problem: ssrfBlockedText(sent.blocked) };
	if (!sent.ok)
		return {
			kind: isRetryable('download', sent.statusCode) ? 'retry' : 'stop',
			problem: `the video host gave no video: ${sent.problem}`,
		};
	const { response } = sent.exchange;
	if (response.statusCode >= 400) {
		discard(response.body);
		const problem = `the video host answered HTTP ${response.statusCode}`;
		return { kind: isRetryable('download', response.statusCode) ? 'retry' : 'stop', problem };
	}
	return { kind: 'stream', video: videoStreamFrom(response) };
}
