import type { IExecuteFunctions, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ApiFailure } from '../errors/failure';
import { API_PATHS } from '../settings/fastRouter';
import { ANSWER_IDLE_MS, discard, header, jsonObjectFrom, readBody } from './answer';
import { traceHeaders } from './connection';
import { isRedirect, sendOnce } from './exchange';
import { answerFailure, networkFailure, statusFailure, tooLongToWait } from './failures';
import { createRetry, retryAfterMs } from './retryPolicy';
import type { Connection, Result, Target } from './types';

/**
 * The create: the one request that costs credits. It is sent once; after it may have reached
 * FastRouter it is never repeated. Only a 429, which creates nothing, is tried again.
 */

/** A create can take a while to be accepted upstream; past this it is reported, not retried. */
const CREATE_TIMEOUT_MS = 120_000;

/** `deadline` (ms since epoch) bounds the whole create, 429 waits included. */
export async function createTask(
	ctx: IExecuteFunctions,
	connection: Connection,
	request: { body: Record<string, unknown>; headers?: Record<string, string> },
	deadline = Date.now() + CREATE_TIMEOUT_MS,
): Promise<Result<JsonObject>> {
	const target: Target = {
		method: 'POST',
		url: `${connection.baseUrl}${API_PATHS.create}`,
		body: request.body,
		headers: request.headers,
		keyOriginHeaders: traceHeaders(connection.span),
		credential: connection.credential,
	};
	for (let attempt = 0; ; attempt++) {
		const sent = await sendOnce(ctx, target, true, deadline, CREATE_TIMEOUT_MS);
		if (!sent.ok) return createFailure(networkFailure(sent, connection, 'create'));
		const { response } = sent.exchange;
		if (isRedirect(response.statusCode)) {
			discard(response.body);
			return createFailure(redirectedCreate(response));
		}
		const read = await readBody(response.body, { deadline, idleMs: ANSWER_IDLE_MS });
		if (!read.ok)
			return createFailure(
				answerFailure(response.statusCode, read.problem, response.headers, connection, 'create'),
			);
		const parsed = jsonObjectFrom(read.bytes, header(response.headers, 'content-type') ?? '');
		const retryAfter = retryAfterMs(header(response.headers, 'retry-after'), Date.now());
		const retry = createRetry(response.statusCode, attempt, retryAfter, Date.now(), deadline);
		if (retry.kind === 'tooLong')
			return createFailure(
				tooLongToWait(retry.waitMs, deadline, 'Rate limited by FastRouter (429)'),
			);
		if (retry.kind === 'retry') {
			await sleep(retry.waitMs, ctx.getExecutionCancelSignal());
			continue;
		}
		if (!parsed.ok)
			return createFailure(
				answerFailure(response.statusCode, parsed.what, response.headers, connection, 'create'),
			);
		const failure = statusFailure(
			response.statusCode,
			parsed.json,
			response.headers,
			connection,
			'create',
		);
		return failure ? createFailure(failure) : { ok: true, value: parsed.json };
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
