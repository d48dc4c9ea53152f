import type { IExecuteFunctions } from 'n8n-workflow';

import { jsonObjectFrom, readBody } from './answer';
import { ANSWER_IDLE_MS } from './create';
import { header, originOf, sendFollowing } from './exchange';
import { answerFailure, networkFailure, statusFailure } from './failures';
import type { Connection, PollAnswer, Result, Sent } from './types';

/**
 * One status request on one route (polling/routes.ts chooses the route). Polls are free to repeat;
 * whether and when is the poll cadence's call, not this file's.
 */

/** Polls are small JSON answers (or Sora's video stream, whose headers come first). */
const POLL_TIMEOUT_MS = 60_000;

/** One poll request: which route, and what it carries. */
export interface PollRoute {
	method: 'GET' | 'POST';
	path: string;
	body?: Record<string, unknown>;
}

/** A status request, redirects followed (the key only on the Base URL's origin), within `deadline`. */
export async function requestStatus(
	ctx: IExecuteFunctions,
	connection: Connection,
	route: PollRoute,
	deadline = Date.now() + POLL_TIMEOUT_MS,
): Promise<Result<PollAnswer>> {
	const target = { method: route.method, url: `${connection.baseUrl}${route.path}`, body: route.body };
	const sent = await sendFollowing(ctx, target, originOf(connection.baseUrl), deadline, POLL_TIMEOUT_MS);
	return await readPollAnswer(connection, sent, deadline);
}

/** A poll's answer: a JSON status, or the finished video's bytes (kept open for the caller). */
async function readPollAnswer(connection: Connection, sent: Sent, deadline: number): Promise<Result<PollAnswer>> {
	if (!sent.ok) return { ok: false, failure: { ...networkFailure(sent, connection, 'poll'), mayHaveCreated: false } };
	const { response } = sent.exchange;
	const contentType = header(response.headers, 'content-type') ?? '';
	const isJson = contentType === '' || /json|text\/|html|xml/i.test(contentType);
	if (response.statusCode < 300 && !isJson) {
		const length = Number(header(response.headers, 'content-length'));
		const video = {
			stream: response.body,
			mimeType: contentType.split(';')[0].trim() || 'video/mp4',
			contentLength: Number.isFinite(length) && length >= 0 ? length : undefined,
		};
		return { ok: true, value: { kind: 'video', video } };
	}
	const read = await readBody(response.body, { deadline, idleMs: ANSWER_IDLE_MS });
	if (!read.ok) return { ok: false, failure: answerFailure(response.statusCode, read.problem, response.headers, connection, 'poll') };
	const parsed = jsonObjectFrom(read.bytes, contentType);
	if (!parsed.ok) return { ok: false, failure: answerFailure(response.statusCode, parsed.what, response.headers, connection, 'poll') };
	const failure = statusFailure(response.statusCode, parsed.json, response.headers, connection, 'poll');
	return failure ? { ok: false, failure } : { ok: true, value: { kind: 'json', json: parsed.json } };
}
