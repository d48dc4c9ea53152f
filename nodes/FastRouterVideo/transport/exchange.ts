import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { cancelled, isCancellation } from '../errors/nodeErrors';
import { CREDENTIAL_TYPE } from '../settings/fastRouter';
import { codeInWords } from '../text/safeText';
import { seconds } from '../text/wording';
import { discard, header } from './answer';
import { ssrfBlockOf } from './failures';
import type { Sent, Target } from './types';
import { beforeDeadline } from './watch';

/**
 * One HTTP exchange, on time and without leaking the key. n8n follows redirects by itself and,
 * unless told otherwise, sends the credentials along to whatever origin a redirect names (and
 * repeats a POST on 307/308). Here nothing n8n sends with credentials follows a redirect:
 * - a create sees the 3xx itself (the caller reports it; a create is never sent twice);
 * - a poll or a FastRouter-hosted download follows it here, hop by hop: with the key only while
 *   it stays on the base URL's origin, without it everywhere else, and never more than MAX_HOPS.
 */

/** Enough for http→https plus a CDN hand-off; a loop ends here. */
const MAX_HOPS = 5;

// The connection was never made: the request cannot have reached the server.
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/** A URL's origin; undefined when it is not a URL (no origin, so never the key's: see sendFollowing). */
export function originOf(url: string): string | undefined {
	try {
		return new URL(url).origin;
	} catch {
		return undefined;
	}
}

export function isRedirect(statusCode: number): boolean {
	return statusCode >= 300 && statusCode < 400;
}

/** One request, redirects not followed, answered by the deadline or reported as unanswered. */
export async function sendOnce(
	ctx: IExecuteFunctions,
	target: Target,
	withKey: boolean,
	deadline: number,
	maxTimeoutMs: number,
): Promise<Sent> {
	const remaining = deadline - Date.now();
	if (remaining <= 0)
		return { ok: false, problem: 'no time was left to send the request', neverSent: true };
	const options: IHttpRequestOptions = {
		method: target.method,
		url: target.url,
		...(target.body ? { body: target.body, json: true } : {}),
		headers: {
			...target.headers,
			...(withKey ? target.keyOriginHeaders : {}),
			Accept: target.accept ?? 'application/json',
		},
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		// Newer n8n: belt and braces, should a redirect ever be followed.
		sendCredentialsOnCrossOriginRedirect: false,
		timeout: Math.max(1, Math.min(remaining, maxTimeoutMs)),
		...(withKey ? {} : { abortSignal: ctx.getExecutionCancelSignal() }),
	};
	const request = withKey
		? ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				options,
				target.credential ? { credentialsDecrypted: target.credential } : undefined,
			)
		: ctx.helpers.httpRequest(options);
	try {
		const signal = ctx.getExecutionCancelSignal();
		const timed = await beforeDeadline(
			request as Promise<IN8nHttpFullResponse>,
			Math.min(deadline, Date.now() + maxTimeoutMs),
			(late) => discard(late.body),
			signal,
		);
		if (signal?.aborted) throw cancelled(ctx);
		if (!timed.ok) {
			return {
				ok: false,
				problem: `no answer arrived within ${seconds(Math.min(remaining, maxTimeoutMs))}`,
			};
		}
		return { ok: true, exchange: { response: timed.value, url: target.url, withKey } };
	} catch (error) {
		if (isCancellation(error) || ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx);
		return unanswered(error, target.url, Math.min(remaining, maxTimeoutMs));
	}
}

/** Why a request got no answer, in words; nothing is taken from the error but its code and message. */
function unanswered(error: unknown, url: string, timeoutMs: number): Extract<Sent, { ok: false }> {
	const blocked = ssrfBlockOf(error, url);
	if (blocked)
		return { ok: false, problem: "refused by n8n's SSRF protection", neverSent: true, blocked };
	const cause = error as { code?: string; cause?: { code?: string }; message?: string };
	const code = cause.cause?.code ?? cause.code;
	// ECONNABORTED is the HTTP client's own timeout, set to the same instant as the deadline
	// above: whichever fires first, the user reads the same words.
	if (code === 'ECONNABORTED')
		return { ok: false, code, problem: `no answer arrived within ${seconds(timeoutMs)}` };
	if (code === 'ETIMEDOUT')
		return { ok: false, code, problem: `no answer arrived in time (${codeInWords(code)})` };
	return {
		ok: false,
		code,
		neverSent: code !== undefined && NOT_SENT_CODES.has(code),
		problem: code ? codeInWords(code) : (cause.message ?? 'network error'),
	};
}

/**
 * A request that may be redirected: the key goes only to `keyOrigin`, and once the chain has
 * left that origin it is not sent again. 303 (and 301/302 after a POST) continue as a GET, as
 * browsers do; 307/308 keep the method.
 */
export async function sendFollowing(
	ctx: IExecuteFunctions,
	first: Target,
	keyOrigin: string | undefined,
	deadline: number,
	maxTimeoutMs: number,
): Promise<Sent> {
	let target = first;
	let keyAllowed = true;
	for (let hop = 0; ; hop++) {
		// Two unknown origins are not the same origin: without a key origin the key is never sent.
		const withKey = keyAllowed && keyOrigin !== undefined && originOf(target.url) === keyOrigin;
		const sent = await sendOnce(ctx, target, withKey, deadline, maxTimeoutMs);
		if (!sent.ok || !isRedirect(sent.exchange.response.statusCode)) return sent;
		const { response } = sent.exchange;
		discard(response.body);
		const location = header(response.headers, 'location');
		const { statusCode } = response;
		if (!location) {
			return {
				ok: false,
				redirect: true,
				statusCode,
				problem: `a ${statusCode} redirect without a Location`,
			};
		}
		if (hop + 1 > MAX_HOPS) {
			return {
				ok: false,
				redirect: true,
				statusCode,
				problem: `more than ${MAX_HOPS} redirects (the last to ${location})`,
			};
		}
		let next: string;
		try {
			next = new URL(location, target.url).toString();
		} catch {
			return {
				ok: false,
				redirect: true,
				statusCode,
				problem: `a redirect to an unusable address (${location})`,
			};
		}
		if (!/^https?:$/.test(new URL(next).protocol)) {
			return {
				ok: false,
				redirect: true,
				statusCode,
				problem: `a redirect to a non-HTTP address (${location})`,
			};
		}
		if (originOf(next) !== keyOrigin) keyAllowed = false;
		const keepsMethod = response.statusCode === 307 || response.statusCode === 308;
		target = keepsMethod
			? { ...target, url: next }
			: { method: 'GET', url: next, credential: target.credential };
	}
}
