/**
 * The node against a server that answers the way a broken proxy, a misconfigured CDN or a hostile
 * host might (test/simulator/hostile.js), in test/engine/hostile-*.test.ts. What those tests hold
 * the node's code to, numbered once here; each describe block there is titled "rule N: …" with
 * these words.
 *
 * 1. The key stays on FastRouter’s origin. The API key goes only to the Base URL’s origin: a
 *    redirect elsewhere is followed without it (or, for a create, not followed at all), and a
 *    redirect back does not bring it back.
 * 2. At most one create per item. A create is never sent twice, whatever comes back (a reset, a
 *    redirect, garbage, a timeout). Every test checks this rule: it counts the creates.
 * 3. The user reads what the node wrote. The node's message reaches the user as written, in the
 *    node error, the stored execution error and the items of Continue On Fail and the error output:
 *    n8n's own rewrite of an error message (a connection reset, "consider Retry on Fail") never fires.
 * 4. No answer fails the batch. Whatever one request gets back is that item's outcome, saying what
 *    came back; the other items go on.
 * 5. A stored video is a video. Only a whole MP4 becomes binary data: an error page, JSON, an empty
 *    or cut file fails the item (or falls back to the hosted copy), saying what arrived.
 * 6. Every wait is bounded: by Max Wait, Download Timeout, Max Video Size or the user's cancel,
 *    whatever the server does (hangs, trickles, asks for a long Retry-After).
 * 7. Nonsense options are refused before the first create, naming the option and the value.
 * 8. Say what happened. An unknown status word is reported with the word; a timeout names the
 *    last status and the last error seen.
 * 9. No key in anything n8n stores: not in errors, items, raw responses or the saved run, even
 *    when the server echoes it back.
 */
import type { IDataObject } from 'n8n-workflow';

import { createHostile } from '../simulator/hostile';
import { type RunResult, runVideoNode } from './node';

export type Hostile = ReturnType<typeof createHostile>;

/**
 * The hostile server for one test file: listening from beforeAll, closed in afterAll, its routes
 * and counters cleared before each test. The object is returned at once; its origins are filled in
 * when it starts listening, so read them inside tests and hooks.
 */
export function useHostileServer(): Hostile {
	const hostile = createHostile();
	beforeAll(async () => await hostile.listen());
	afterAll(async () => await hostile.close());
	beforeEach(() => hostile.reset());
	return hostile;
}

export const CREATE = 'POST /api/v1/videos';
export const POLL = 'POST /api/v1/getVideoResponse';
export const CREATE_ONLY = {
	operation: 'create',
	model: 'google/veo3',
	prompt: '={{ $json.prompt }}',
};

/** A create that answers a task id (per prompt), polls that finish with a video on origin b. */
export function happyPath(hostile: Hostile, videoPath = '/v.mp4'): void {
	hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
	hostile.on(POLL, ({ body, res }, h) =>
		h.json(res, 200, h.finished(String(body?.taskId), `${h.origins.b}${videoPath}`)),
	);
}

/** Runs the node against the hostile server's first origin, with its key. */
export async function runAgainst(
	hostile: Hostile,
	parameters: IDataObject,
	items: IDataObject[] = [{}],
	extra: Parameters<typeof runVideoNode>[3] = {},
): Promise<RunResult & { run?: unknown }> {
	return await runVideoNode({ baseUrl: hostile.origins.a }, parameters, items, {
		apiKey: hostile.apiKey,
		...extra,
	});
}

/** Create and Wait with short limits, the model and prompt from each item. */
export function waitParameters(options: IDataObject = {}, extra: IDataObject = {}): IDataObject {
	return {
		operation: 'createAndWait',
		model: 'google/veo3',
		prompt: '={{ $json.prompt }}',
		options: { pollInterval: 1, maxWait: 5, ...options },
		...extra,
	};
}

/** Everything n8n keeps of a run, as one string: where a leaked key would show. */
export function everythingStored(result: RunResult & { run?: unknown }): string {
	return JSON.stringify(
		[result.error, result.items, result.errorItems, (result as { run?: unknown }).run],
		(_key, value: unknown) =>
			value instanceof Error
				? {
						...value,
						message: value.message,
						stack: value.stack,
						cause: String((value as { cause?: unknown }).cause),
					}
				: value,
	);
}

export function elapsedSince(start: number): number {
	return Date.now() - start;
}

/** The newer API generation: the create answers the task fr_01, polled with GET. */
export const NEWER_POLL = 'GET /api/v1/videos/fr_01';

export function newerTask(hostile: Hostile): void {
	hostile.on(CREATE, ({ res }, h) =>
		h.json(res, 200, {
			code: 'success',
			message: 'Video generation started',
			data: { taskId: 'fr_01', status: 'processing' },
		}),
	);
}

/** The newer generation's finished poll of fr_01: the provider's link and FastRouter's hosted copy. */
export function newerFinished(providerUrl: string, hostedUrl: string): IDataObject {
	return {
		code: 'SUCCESS',
		data: {
			taskId: 'fr_01',
			status: 'succeed',
			generations: [{ id: 'g1', status: 'succeed', url: providerUrl, mediaType: 'video' }],
		},
		fastrouter_assets: { status: 'ready', urls: [hostedUrl] },
	};
}
