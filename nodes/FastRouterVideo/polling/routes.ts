import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';

import type { ApiFailure } from '../errors/failure';
import { API_PATHS } from '../settings/fastRouter';
import {
	ANSWER_IDLE_MS,
	header,
	jsonObjectFrom,
	readBody,
	videoStreamFrom,
} from '../transport/answer';
import { traceHeaders } from '../transport/connection';
import { originOf, sendFollowing } from '../transport/exchange';
import { answerFailure, networkFailure, statusFailure } from '../transport/failures';
import type { Connection, PollAnswer, Result, Sent } from '../transport/types';
import { codeIsTaskState } from './normalize';

/**
 * Where a task is polled, chosen by its id — the answers tell the API generations apart, so no
 * setting can be wrong:
 * - `fr_` ids (FastRouter's newer task API): `GET /api/v1/videos/{taskId}`, the route its
 *   reference recommends, else `POST /api/v1/getAsyncResponse` with `{ taskId }`; no model needed.
 * - any other id: `POST /api/v1/getVideoResponse` with `{ taskId, model }`, as the older API asks.
 */

const NEWER_ID = /^fr_/i;

function isNewerTaskId(taskId: string): boolean {
	return NEWER_ID.test(taskId);
}

function olderRoute(taskId: string, model: string): PollRoute {
	return { method: 'POST', path: API_PATHS.olderPoll, body: { taskId, model } };
}

function getRoute(taskId: string): PollRoute {
	return { method: 'GET', path: API_PATHS.taskById(taskId) };
}

function asyncRoute(taskId: string): PollRoute {
	return { method: 'POST', path: API_PATHS.asyncPoll, body: { taskId } };
}

/**
 * Whether an answer says "no such route" rather than "no such task". FastRouter's own errors
 * always come as `{ error: { message, … } }`, so a 404 carrying that body is FastRouter speaking:
 * the task is unknown or expired, and asking the other route would only pay a request to hear it
 * again. A 404 without it comes from something that does not know the path (a proxy in front of
 * FastRouter, a deployment without the GET route); a 405 means the path exists but not for GET,
 * whoever says it. Either way the task may well exist, and the POST route can still find it.
 */
function routeMissing(failure: ApiFailure): boolean {
	if (failure.statusCode === 405) return true;
	if (failure.statusCode !== 404) return false;
	const error = (failure.body as JsonObject | undefined)?.error;
	return !(error && typeof error === 'object' && !Array.isArray(error));
}

/** A task's status from FastRouter, on the route its id takes (falling back as said above). */
export async function fetchStatus(
	ctx: IExecuteFunctions,
	connection: Connection,
	taskId: string,
	model: string,
	deadline?: number,
): Promise<Result<PollAnswer>> {
	if (!isNewerTaskId(taskId))
		return await requestStatus(ctx, connection, olderRoute(taskId, model), deadline);
	if (!connection.routes.getMissing) {
		const polled = await requestStatus(ctx, connection, getRoute(taskId), deadline);
		if (polled.ok || !routeMissing(polled.failure)) return polled;
		// Remembered for the rest of this run: every later poll goes straight to the POST route.
		connection.routes.getMissing = true;
	}
	const polled = await requestStatus(ctx, connection, asyncRoute(taskId), deadline);
	if (!polled.ok && routeMissing(polled.failure)) {
		polled.failure.message = `FastRouter at this Base URL has no poll route for task ${taskId} (GET /api/v1/videos/{taskId} and POST /api/v1/getAsyncResponse both answered HTTP ${polled.failure.statusCode ?? '?'})`;
		polled.failure.description =
			'This task id is from FastRouter’s newer task API. Check the Base URL in the FastRouter API credentials (https://api.fastrouter.ai).';
	}
	return polled;
}

/*
 * One status request on one route. Polls are free to repeat; whether and when is the poll
 * cadence's call (cadence.ts), not this file's.
 */

/** Polls are small JSON answers (or Sora's video stream, whose headers come first). */
const POLL_TIMEOUT_MS = 60_000;

/** One poll request: which route, and what it carries. */
interface PollRoute {
	method: 'GET' | 'POST';
	path: string;
	body?: Record<string, unknown>;
}

/** A status request, redirects followed (the key only on the Base URL's origin), within `deadline`. */
async function requestStatus(
	ctx: IExecuteFunctions,
	connection: Connection,
	route: PollRoute,
	deadline = Date.now() + POLL_TIMEOUT_MS,
): Promise<Result<PollAnswer>> {
	const target = {
		method: route.method,
		url: `${connection.baseUrl}${route.path}`,
		body: route.body,
		keyOriginHeaders: traceHeaders(connection.span),
		credential: connection.credential,
	};
	const sent = await sendFollowing(
		ctx,
		target,
		originOf(connection.baseUrl),
		deadline,
		POLL_TIMEOUT_MS,
	);
	return await readPollAnswer(connection, sent, deadline);
}

/** A poll's answer: a JSON status, or the finished video's bytes (kept open for the caller). */
async function readPollAnswer(
	connection: Connection,
	sent: Sent,
	deadline: number,
): Promise<Result<PollAnswer>> {
	if (!sent.ok)
		return {
			ok: false,
			failure: { ...networkFailure(sent, connection, 'poll'), mayHaveCreated: false },
		};
	const { response } = sent.exchange;
	const contentType = header(response.headers, 'content-type') ?? '';
	const isJson = contentType === '' || /json|text\/|html|xml/i.test(contentType);
	if (response.statusCode < 300 && !isJson) {
		const video = videoStreamFrom(response);
		return {
			ok: true,
			value: { kind: 'video', video: { ...video, mimeType: video.mimeType || 'video/mp4' } },
		};
	}
	const read = await readBody(response.body, { deadline, idleMs: ANSWER_IDLE_MS });
	if (!read.ok)
		return {
			ok: false,
			failure: answerFailure(
				response.statusCode,
				read.problem,
				response.headers,
				connection,
				'poll',
			),
		};
	const parsed = jsonObjectFrom(read.bytes, contentType);
	if (!parsed.ok)
		return {
			ok: false,
			failure: answerFailure(
				response.statusCode,
				parsed.what,
				response.headers,
				connection,
				'poll',
			),
		};
	// A task's state in the envelope's `code` ("processing", "failed") is the normalizer's to read, not an error envelope.
	const taskState = response.statusCode < 300 && codeIsTaskState(parsed.json);
	const failure = taskState
		? undefined
		: statusFailure(response.statusCode, parsed.json, response.headers, connection, 'poll');
	return failure
		? { ok: false, failure }
		: { ok: true, value: { kind: 'json', json: parsed.json } };
}
