import type { IDataObject } from 'n8n-workflow';

import { type RunResult, runVideoNode } from './node';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startHostile } = require('../simulator/hostile') as typeof import('../simulator/hostile');

export type Hostile = Awaited<ReturnType<typeof startHostile>>;
export { startHostile };

export const CREATE = 'POST /api/v1/videos';
export const POLL = 'POST /api/v1/getVideoResponse';
export const CREATE_ONLY = { operation: 'create', model: 'google/veo3', prompt: '={{ $json.prompt }}' };

/** A create that answers a task id (per prompt), polls that finish with a video on origin b. */
export function happyPath(hostile: Hostile, videoPath = '/v.mp4'): void {
	hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
	hostile.on(POLL, ({ body, res }, h) => h.json(res, 200, h.finished(String(body?.taskId), `${h.origins.b}${videoPath}`)));
}

/** Runs the node against the hostile server's first origin, with its key. */
export async function runAgainst(
	hostile: Hostile,
	parameters: IDataObject,
	items: IDataObject[] = [{}],
	extra: Parameters<typeof runVideoNode>[3] = {},
): Promise<RunResult & { run?: unknown }> {
	return await runVideoNode({ baseUrl: hostile.origins.a }, parameters, items, { apiKey: hostile.apiKey, ...extra });
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
	return JSON.stringify([result.error, result.items, result.errorItems, (result as { run?: unknown }).run], (_key, value: unknown) =>
		value instanceof Error ? { ...value, message: value.message, stack: value.stack, cause: String((value as { cause?: unknown }).cause) } : value,
	);
}

export function elapsedSince(start: number): number {
	return Date.now() - start;
}
