import type {
	IExecuteFunctions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { jsonObjectFrom, readBody } from './bodyReader';
import { seconds } from './deadline';
import {
	CREDENTIAL_TYPE,
	discard,
	header,
	isRedirect,
	originOf,
	type Sent,
	sendFollowing,
	sendOnce,
	type Target,
} from './request';
import { createRetry, isRetryable, type RequestKind, retryAfterMs } from './retry';
import { redactText } from './safeText';

/**
 * The one place this package talks to FastRouter. Two rules live here:
 * - a create is sent once: after it may have reached the server it is never repeated (each one
 *   costs credits); only a 429, which creates nothing, is tried again;
 * - the API key goes to the credential's base URL only (downloads use binary.ts, without it);
 *   request.ts sends it, and follows no redirect with it.
 */

export { CREDENTIAL_TYPE, discard };

const CREATE_PATH = '/api/v1/videos';

/** A create can take a while to be accepted upstream; past this it is reported, not retried. */
const CREATE_TIMEOUT_MS = 120_000;
/** Polls are small JSON answers (or Sora's video stream, whose headers come first). */
const POLL_TIMEOUT_MS = 60_000;
/** A JSON answer that stops arriving for this long is not coming. */
const ANSWER_IDLE_MS = 30_000;

export interface Connection {
	baseUrl: string;
	/** Held only to scrub it from any text that leaves the node. */
	apiKey: string;
	/** Set once this run found the GET poll route missing (routes.ts): later polls skip it. */
	getRouteMissing?: boolean;
}

export async function getConnection(ctx: IExecuteFunctions): Promise<Connection> {
	const credentials = await ctx.getCredentials<{ apiKey?: string; baseUrl?: string }>(CREDENTIAL_TYPE);
	const baseUrl = (credentials.baseUrl || 'https://go.fastrouter.ai').trim().replace(/\/+$/, '');
	return { baseUrl, apiKey: credentials.apiKey ?? '' };
}

/** Why a request failed, in words a user can act on; never holds the API key. */
export interface ApiFailure {
	message: string;
	description: string;
	statusCode?: number;
	/** The request may be sent again (retry.ts's isRetryable: for a poll 429, 5xx, network). */
	retryable: boolean;
	retryAfterMs?: number;
	/** A create failed in a way that does not prove nothing was created (5xx, timeout, reset). */
	mayHaveCreated?: boolean;
	/** The answer itself is unusable (not JSON, HTML, a redirect loop): retrying rarely helps. */
	persistent?: boolean;
	body?: JsonObject;
}

export type Result<T> = ({ ok: true } & T) | { ok: false; failure: ApiFailure };

export interface JsonAnswer {
	json: JsonObject;
}

/** A poll answers JSON (status) or, for a finished Sora video, the MP4 bytes themselves. */
export type PollAnswer =
	| { kind: 'json'; json: JsonObject }
	| { kind: 'video'; stream: IN8nHttpFullResponse['body']; mimeType: string; contentLength?: number; url: string };

/** `deadline` (ms since epoch) bounds the whole create, 429 waits included. */
export async function createTask(
	ctx: IExecuteFunctions,
	connection: Connection,
	body: Record<string, unknown>,
	deadline = Date.now() + CREATE_TIMEOUT_MS,
): Promise<Result<JsonAnswer>> {
	const target: Target = { method: 'POST', url: `${connection.baseUrl}${CREATE_PATH}`, body };
	for (let attempt = 0; ; attempt++) {
		const sent = await sendOnce(ctx, target, true, deadline, CREATE_TIMEOUT_MS);
		if (!sent.ok) return createFailure(networkFailure(sent, connection, 'create'));
		const { response } = sent.exchange;
		if (isRedirect(response.statusCode)) {
			discard(response.body);
			return createFailure(redirectedCreate(response));
		}
		const read = await readBody(response.body, { deadline, idleMs: ANSWER_IDLE_MS });
		const accepted = response.statusCode >= 200 && response.statusCode < 300;
		if (!read.ok) {
			if (accepted) return createFailure(unreadable(response.statusCode, read.problem, 'create'));
			return createFailure(statusFailure(response.statusCode, { message: read.problem }, response.headers, connection, 'create') as ApiFailure);
		}
		const parsed = jsonObjectFrom(read.bytes, header(response.headers, 'content-type') ?? '');
		const retryAfter = retryAfterMs(header(response.headers, 'retry-after'), Date.now());
		const retry = createRetry(response.statusCode, attempt, retryAfter, Date.now(), deadline);
		if (retry.kind === 'tooLong') return createFailure(tooLongToWait(retry.waitMs, deadline, 'Rate limited by FastRouter (429)'));
		if (retry.kind === 'retry') {
			await sleep(retry.waitMs, ctx.getExecutionCancelSignal());
			continue;
		}
		if (!parsed.ok) {
			if (accepted) return createFailure(unreadable(response.statusCode, parsed.what, 'create'));
			return createFailure(statusFailure(response.statusCode, { message: parsed.what }, response.headers, connection, 'create') as ApiFailure);
		}
		const failure = statusFailure(response.statusCode, parsed.json, response.headers, connection, 'create');
		return failure ? createFailure(failure) : { ok: true, json: parsed.json };
	}
}

function createFailure(failure: ApiFailure): { ok: false; failure: ApiFailure } {
	if (failure.mayHaveCreated) {
		failure.message = `${failure.message}. The task may have been created; not retried to avoid a double charge`;
		failure.description = `${failure.description} Check the FastRouter dashboard before running this item again.`;
	}
	return { ok: false, failure };
}

/**
 * A 3xx to a create is never followed: following means sending the create (and the key) again,
 * somewhere else. Whatever answered did read the request, and a proxy may have passed it on, so
 * the task may exist.
 */
function redirectedCreate(response: IN8nHttpFullResponse): ApiFailure {
	const location = header(response.headers, 'location');
	return {
		message: `FastRouter's address answered the create with a ${response.statusCode} redirect to ${location ?? '(no Location)'}, which the node did not follow`,
		description:
			'A create is sent once and only to the Base URL of the FastRouter API credentials. If the address it names is the right one, put it in the Base URL.',
		statusCode: response.statusCode,
		retryable: false,
		mayHaveCreated: true,
		body: { location: location ?? null },
	};
}

/** An answer that could not be read counts as no answer: a poll may ask again, a create may not. */
function unreadable(statusCode: number, what: string, kind: RequestKind): ApiFailure {
	const isCreate = kind === 'create';
	return {
		message: isCreate
			? `FastRouter accepted the create (HTTP ${statusCode}) but answered with ${what} instead of a task`
			: `FastRouter answered the status check (HTTP ${statusCode}) with ${what} instead of a task status`,
		description: 'Something between n8n and FastRouter (a proxy, a captive portal, a CDN) may have answered in its place.',
		statusCode,
		retryable: isRetryable(kind),
		persistent: true,
		mayHaveCreated: isCreate,
	};
}

function tooLongToWait(waitMs: number, deadline: number, title: string): ApiFailure {
	const left = Math.max(0, deadline - Date.now());
	return {
		message: `${title}: FastRouter asked to wait ${seconds(waitMs)} (Retry-After), more than the ${seconds(left)} left`,
		description: 'Nothing was waited out. Lower Max Concurrent, raise Max Wait, or run again later.',
		statusCode: 429,
		retryable: false,
	};
}

/** One poll request: which route, and what it carries (routes.ts chooses). */
export interface PollRoute {
	method: 'GET' | 'POST';
	path: string;
	body?: Record<string, unknown>;
}

/** A poll, redirects followed here (the key only on the Base URL's origin), within `deadline`. */
export async function pollRequest(
	ctx: IExecuteFunctions,
	connection: Connection,
	route: PollRoute,
	deadline = Date.now() + POLL_TIMEOUT_MS,
): Promise<Result<{ answer: PollAnswer }>> {
	const target: Target = { method: route.method, url: `${connection.baseUrl}${route.path}`, body: route.body };
	return await readPollAnswer(connection, await sendFollowing(ctx, target, originOf(connection.baseUrl), deadline, POLL_TIMEOUT_MS), deadline);
}

/** A poll's answer: a JSON status, or the finished video's bytes (kept open for the caller). */
export async function readPollAnswer(
	connection: Connection,
	sent: Sent,
	deadline: number,
): Promise<Result<{ answer: PollAnswer }>> {
	if (!sent.ok) {
		const failure = networkFailure(sent, connection, 'poll');
		return { ok: false, failure: { ...failure, mayHaveCreated: false } };
	}
	const { response, url } = sent.exchange;
	const contentType = header(response.headers, 'content-type') ?? '';
	const isJson = contentType === '' || /json|text\/|html|xml/i.test(contentType);
	if (response.statusCode < 300 && !isJson) {
		const length = Number(header(response.headers, 'content-length'));
		return {
			ok: true,
			answer: {
				kind: 'video',
				stream: response.body,
				mimeType: contentType.split(';')[0].trim() || 'video/mp4',
				contentLength: Number.isFinite(length) && length >= 0 ? length : undefined,
				url,
			},
		};
	}
	const read = await readBody(response.body, { deadline, idleMs: ANSWER_IDLE_MS });
	const accepted = response.statusCode >= 200 && response.statusCode < 300;
	if (!read.ok) {
		if (accepted) return { ok: false, failure: unreadable(response.statusCode, read.problem, 'poll') };
		return { ok: false, failure: statusFailure(response.statusCode, { message: read.problem }, response.headers, connection, 'poll') as ApiFailure };
	}
	const parsed = jsonObjectFrom(read.bytes, contentType);
	if (!parsed.ok) {
		if (accepted) return { ok: false, failure: unreadable(response.statusCode, parsed.what, 'poll') };
		return { ok: false, failure: statusFailure(response.statusCode, { message: parsed.what }, response.headers, connection, 'poll') as ApiFailure };
	}
	const failure = statusFailure(response.statusCode, parsed.json, response.headers, connection, 'poll');
	return failure ? { ok: false, failure } : { ok: true, answer: { kind: 'json', json: parsed.json } };
}

function networkFailure(sent: Extract<Sent, { ok: false }>, connection: Connection, kind: RequestKind): ApiFailure {
	const host = safeHost(connection.baseUrl);
	if (sent.redirect) {
		return {
			message: `FastRouter (${host}) answered with ${sent.problem}; not followed further`,
			description: 'Check the Base URL in the FastRouter API credentials, and any proxy in front of FastRouter.',
			retryable: isRetryable(kind, sent.statusCode),
			persistent: true,
			mayHaveCreated: true,
		};
	}
	const sentMaybe = !sent.neverSent;
	return {
		message: sentMaybe
			? `The request to FastRouter (${host}) got no usable answer: ${sent.problem}`
			: `Could not reach FastRouter at ${host} (${sent.problem})`,
		description: sentMaybe
			? 'The request was sent but no answer arrived.'
			: 'Check the Base URL in the FastRouter API credentials and the network of this n8n instance.',
		retryable: isRetryable(kind),
		mayHaveCreated: sentMaybe,
	};
}

/** One table from HTTP status (and the envelope's `code`) to what the user reads. */
const STATUS_TEXT: Record<number, { title: string; hint: string }> = {
	400: { title: 'FastRouter refused the request (400)', hint: 'A parameter, the model or the task ID is not valid.' },
	401: {
		title: 'FastRouter rejected the API key (401)',
		hint: 'Check the API key in the FastRouter API credentials: complete, enabled and not expired.',
	},
	402: { title: 'Not enough FastRouter credits (402)', hint: 'Top up your FastRouter balance, then run again.' },
	403: {
		title: 'Blocked by FastRouter moderation (403)',
		hint: 'The prompt or image was refused by the content policy; change it and run again.',
	},
	404: {
		title: 'Task not found or expired (404)',
		hint: 'The task ID is unknown to FastRouter, or its result has expired.',
	},
	429: { title: 'Rate limited by FastRouter (429)', hint: 'Too many requests; lower Max Concurrent or wait.' },
	500: { title: 'FastRouter server error (500)', hint: 'A failure on FastRouter’s side.' },
	502: { title: 'The model’s provider is unavailable (502)', hint: 'The provider behind this model is down.' },
};

function statusFailure(
	statusCode: number,
	json: unknown,
	headers: IN8nHttpFullResponse['headers'],
	connection: Connection,
	kind: RequestKind,
): ApiFailure | undefined {
	const body = (json && typeof json === 'object' ? json : { message: String(json ?? '') }) as JsonObject;
	const apiError = body.error as JsonObject | undefined;
	const reason = redactText(String(apiError?.message ?? body.message ?? ''), connection.apiKey);
	if (statusCode >= 200 && statusCode < 300) {
		// A task-style envelope can say "failed" with HTTP 200; the video-object shape has no `code`.
		// Older answers write SUCCESS, newer ones success: the case carries no meaning.
		if (typeof body.code === 'string' && body.code.toUpperCase() !== 'SUCCESS') {
			return {
				message: `FastRouter answered ${body.code}: ${reason || 'no reason given'}`,
				description: 'FastRouter returned an error envelope instead of a result.',
				statusCode,
				retryable: isRetryable(kind, statusCode),
				body,
			};
		}
		return undefined;
	}
	const known = STATUS_TEXT[statusCode] ?? {
		title: `FastRouter answered HTTP ${statusCode}`,
		hint: 'Unexpected answer from FastRouter.',
	};
	return {
		message: reason ? `${known.title}: ${reason}` : known.title,
		description: known.hint,
		statusCode,
		retryable: isRetryable(kind, statusCode),
		retryAfterMs: retryAfterMs(header(headers, 'retry-after'), Date.now()),
		mayHaveCreated: kind === 'create' && statusCode >= 500,
		body,
	};
}

function safeHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the configured base URL';
	}
}
