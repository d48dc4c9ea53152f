/**
 * Where FastRouter is and what its paths are: the node, its requests and the credential's Test read
 * them here. The key is sent to the Base URL's origin only (transport/exchange.ts).
 */

export const CREDENTIAL_TYPE = 'fastRouterApi';

/** FastRouter's own examples use this host; its API reference also lists https://api.fastrouter.ai. */
export const DEFAULT_BASE_URL = 'https://go.fastrouter.ai';

export const API_PATHS = {
	create: '/api/v1/videos',
	/** The older poll route, with `{ taskId, model }`; the credential's Test polls it too. */
	olderPoll: '/api/v1/getVideoResponse',
	/** The newer poll route for `fr_` ids, with `{ taskId }`. */
	asyncPoll: '/api/v1/getAsyncResponse',
	/** The newer GET route for `fr_` ids: `/api/v1/videos/{taskId}`. */
	taskById: (taskId: string) => `/api/v1/videos/${encodeURIComponent(taskId)}`,
} as const;

/** A base URL as users paste it: spaces and trailing slashes do not matter. */
export function normalizeBaseUrl(baseUrl: string | undefined): string {
	return (baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
}
