import type { NormalizedTask } from './normalize';
import { originOf } from './request';
import type { Connection } from './transport';

/** One place the finished video can be fetched from, and whether the API key may go with it. */
export interface VideoSource {
	url: string;
	withKey: boolean;
}

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
	if (hosted && hosted !== task.videoUrl) sources.push({ url: hosted, withKey: sameOrigin(hosted, connection.baseUrl) });
	return sources;
}

function sameOrigin(url: string, baseUrl: string): boolean {
	const origin = originOf(url);
	return origin !== undefined && origin !== 'null' && origin === originOf(baseUrl);
}
