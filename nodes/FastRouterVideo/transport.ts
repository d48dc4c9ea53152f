import type {
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/**
 * The one place this package talks to FastRouter. Two rules live here:
 * - a create is sent once: after it may have reached the server it is never repeated (each one
 *   costs credits); only a 429, which creates nothing, is tried again;
 * - the API key goes to the credential's base URL only (downloads use binary.ts, without it).
 */

export const CREDENTIAL_TYPE = 'fastRouterApi';

const CREATE_PATH = '/api/v1/videos';

/** A create can take a while to be accepted upstream; past this it is reported, not retried. */
const CREATE_TIMEOUT_MS = 120_000;
/** Polls are small JSON answers (or Sora's video stream, whose headers come first). */
const POLL_TIMEOUT_MS = 60_000;
/** 429 on create: FastRouter created nothing, so a few patient retries are safe. */
const CREATE_RATE_LIMIT_RETRIES = 3;
/** When a 429 carries no Retry-After: wait this long, doubling each time. */
const RATE_LIMIT_FALLBACK_MS = 2_000;
/** Honour Retry-After up to this; longer asks are better reported than silently waited out. */
const MAX_RETRY_AFTER_MS = 120_000;

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
	/** A poll may be tried again after this failure (429, 5xx, network). */
	retryable: boolean;
	retryAfterMs?: number;
	/** A create failed in a way that does not prove nothing was created (5xx, timeout, reset). */
	mayHaveCreated?: boolean;
	body?: JsonObject;
}

export type Result<T> = ({ ok: true } & T) | { ok: false; failure: ApiFailure };

type StreamBody = AsyncIterable<Buffer> & { destroy?: () => void };

export interface JsonAnswer {
	json: JsonObject;
}

/** A poll answers JSON (status) or, for a finished Sora video, the MP4 bytes themselves. */
export type PollAnswer =
	| { kind: 'json'; json: JsonObject }
	| { kind: 'video'; stream: IN8nHttpFullResponse['body']; mimeType: string; contentLength?: number };

export async function createTask(
	ctx: IExecuteFunctions,
	connection: Connection,
	body: Record<string, unknown>,
): Promise<Result<JsonAnswer>> {
	let rateLimitWait = RATE_LIMIT_FALLBACK_MS;
	for (let attempt = 0; ; attempt++) {
		const sent = await send(ctx, connection, CREATE_PATH, body, CREATE_TIMEOUT_MS);
		if (!sent.ok) return createFailure(sent.failure);
		const { response } = sent;
		const json = await readJson(response.body);
		if (response.statusCode === 429 && attempt < CREATE_RATE_LIMIT_RETRIES) {
			const waitMs = retryAfterMs(response.headers) ?? rateLimitWait;
			rateLimitWait *= 2;
			await sleep(waitMs, ctx.getExecutionCancelSignal());
			continue;
		}
		const failure = statusFailure(response.statusCode, json, response.headers, connection, true);
		return failure ? createFailure(failure) : { ok: true, json: json as JsonObject };
	}
}

function createFailure(failure: ApiFailure): { ok: false; failure: ApiFailure } {
	if (failure.mayHaveCreated) {
		failure.message = `${failure.message}. The task may have been created; not retried to avoid a double charge`;
		failure.description = `${failure.description} Check the FastRouter dashboard before running this item again.`;
	}
	return { ok: false, failure };
}

/** One poll request: which route, and what it carries (routes.ts chooses). */
export interface PollRoute {
	method: 'GET' | 'POST';
	path: string;
	body?: Record<string, unknown>;
}

export async function pollRequest(
	ctx: IExecuteFunctions,
	connection: Connection,
	route: PollRoute,
): Promise<Result<{ answer: PollAnswer }>> {
	const sent = await send(ctx, connection, route.path, route.body, POLL_TIMEOUT_MS, route.method);
	if (!sent.ok) return sent;
	const { response } = sent;
	const contentType = header(response.headers, 'content-type') ?? '';
	const isJson = contentType === '' || /json|text\//i.test(contentType);
	if (response.statusCode < 300 && !isJson) {
		const length = Number(header(response.headers, 'content-length'));
		return {
			ok: true,
			answer: {
				kind: 'video',
				stream: response.body,
				mimeType: contentType.split(';')[0].trim() || 'video/mp4',
				contentLength: Number.isFinite(length) && length > 0 ? length : undefined,
			},
		};
	}
	const json = await readJson(response.body);
	const failure = statusFailure(response.statusCode, json, response.headers, connection, false);
	return failure ? { ok: false, failure } : { ok: true, answer: { kind: 'json', json: json as JsonObject } };
}

type Sent = Result<{ response: IN8nHttpFullResponse }>;

async function send(
	ctx: IExecuteFunctions,
	connection: Connection,
	path: string,
	body: Record<string, unknown> | undefined,
	timeout: number,
	method: 'GET' | 'POST' = 'POST',
): Promise<Sent> {
	const options: IHttpRequestOptions = {
		method,
		url: `${connection.baseUrl}${path}`,
		...(body ? { body } : {}),
		json: true,
		headers: { Accept: 'application/json' },
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout,
	};
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			CREDENTIAL_TYPE,
			options,
		)) as IN8nHttpFullResponse;
		return { ok: true, response };
	} catch (error) {
		return { ok: false, failure: networkFailure(error, connection) };
	}
}

// Connection never made: the request cannot have reached FastRouter.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function networkFailure(error: unknown, connection: Connection): ApiFailure {
	const cause = error as { code?: string; cause?: { code?: string }; message?: string };
	if (isCancellation(error)) throw error;
	const code = cause.cause?.code ?? cause.code ?? 'network error';
	const sentMaybe = !NOT_SENT_CODES.has(code);
	const host = safeHost(connection.baseUrl);
	return {
		message: sentMaybe
			? `The connection to FastRouter (${host}) failed mid-request (${code})`
			: `Could not reach FastRouter at ${host} (${code})`,
		description: sentMaybe
			? 'The request was sent but no answer arrived.'
			: 'Check the Base URL in the FastRouter API credentials and the network of this n8n instance.',
		retryable: true,
		mayHaveCreated: sentMaybe,
	};
}

function isCancellation(error: unknown): boolean {
	const name = (error as { name?: string } | undefined)?.name ?? '';
	return name === 'AbortError' || name === 'CanceledError' || name === 'ExecutionCancelledError';
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
	isCreate: boolean,
): ApiFailure | undefined {
	const body = (json && typeof json === 'object' ? json : { message: String(json ?? '') }) as JsonObject;
	const apiError = body.error as JsonObject | undefined;
	const reason = redact(String(apiError?.message ?? body.message ?? ''), connection);
	if (statusCode >= 200 && statusCode < 300) {
		// A task-style envelope can say "failed" with HTTP 200; the video-object shape has no `code`.
		// Older answers write SUCCESS, newer ones success: the case carries no meaning.
		if (typeof body.code === 'string' && body.code.toUpperCase() !== 'SUCCESS') {
			return {
				message: `FastRouter answered ${body.code}: ${reason || 'no reason given'}`,
				description: 'FastRouter returned an error envelope instead of a result.',
				statusCode,
				retryable: false,
				body,
			};
		}
		return undefined;
	}
	const known = STATUS_TEXT[statusCode] ?? {
		title: `FastRouter answered HTTP ${statusCode}`,
		hint: 'Unexpected answer from FastRouter.',
	};
	const retryable = statusCode === 429 || statusCode >= 500;
	return {
		message: reason ? `${known.title}: ${reason}` : known.title,
		description: known.hint,
		statusCode,
		retryable,
		retryAfterMs: retryAfterMs(headers),
		mayHaveCreated: isCreate && statusCode >= 500,
		body,
	};
}

function retryAfterMs(headers: IN8nHttpFullResponse['headers']): number | undefined {
	const value = header(headers, 'retry-after');
	if (!value) return undefined;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
	return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

function header(headers: IN8nHttpFullResponse['headers'], name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : (value as string | undefined);
}

/** Error and status bodies are small JSON; read them whole (video bodies never come here). */
async function readJson(body: IN8nHttpFullResponse['body']): Promise<unknown> {
	let text: string;
	if (body && typeof (body as StreamBody)[Symbol.asyncIterator] === 'function') {
		const chunks: Buffer[] = [];
		for await (const chunk of body as StreamBody) chunks.push(Buffer.from(chunk));
		text = Buffer.concat(chunks).toString('utf8');
	} else if (Buffer.isBuffer(body)) text = body.toString('utf8');
	else if (typeof body === 'string') text = body;
	else return body;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text.slice(0, 500);
	}
}

/** Closes a response stream we will not read, so its socket is freed. */
export function discard(body: IN8nHttpFullResponse['body']): void {
	(body as StreamBody | undefined)?.destroy?.();
}

export function redact(text: string, connection: Connection): string {
	return connection.apiKey.length >= 4 ? text.split(connection.apiKey).join('[redacted]') : text;
}

function safeHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the configured base URL';
	}
}
