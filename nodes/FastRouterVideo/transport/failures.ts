import type { IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';

import type { ApiFailure } from '../errors/failure';
import { redactText } from '../text/safeText';
import { seconds } from '../text/wording';
import { header } from './answer';
import { isRetryable, type RequestKind, retryAfterMs } from './retryPolicy';
import type { Connection, Sent, SsrfBlock } from './types';

/**
 * Every way a request to FastRouter can fail, in words a user can act on, each marked with what
 * may follow: whether the request may be sent again (retryPolicy.ts), whether a create may have
 * gone through anyway, whether the answer itself is unusable; and n8n's SSRF protection's refusal,
 * recognized in the error it throws (ssrfBlockOf).
 */

/** One table from an error's HTTP status to what the user reads (a 2xx envelope's own `code` is worded in statusFailure). */
const STATUS_TEXT: Record<number, { title: string; hint: string }> = {
	400: {
		title: 'FastRouter refused the request (400)',
		hint: 'A parameter, the model or the task ID is not valid.',
	},
	401: {
		title: 'FastRouter rejected the API key (401)',
		hint: 'Check the API key in the FastRouter API credentials: complete, enabled and not expired.',
	},
	402: {
		title: 'Not enough FastRouter credits (402)',
		hint: 'Either this API key’s budget or your organisation’s credits are used up (FastRouter refuses both with 402). Raise the key’s budget (FastRouter dashboard → API Keys) or add credits (Billing), then run again.',
	},
	403: {
		title: 'Blocked by FastRouter moderation (403)',
		hint: 'The prompt or image was refused by the content policy; change it and run again.',
	},
	404: {
		title: 'Task not found or expired (404)',
		hint: 'The task ID is unknown to FastRouter, or its result has expired.',
	},
	429: {
		title: 'Rate limited by FastRouter (429)',
		hint: 'Too many requests; lower Max Concurrent or wait.',
	},
	500: { title: 'FastRouter server error (500)', hint: 'A failure on FastRouter’s side.' },
	502: {
		title: 'The model’s provider is unavailable (502)',
		hint: 'The provider behind this model is down.',
	},
};

/** What an answer's status (and body) says went wrong, or nothing for a usable answer. */
export function statusFailure(
	statusCode: number,
	json: unknown,
	headers: IN8nHttpFullResponse['headers'],
	connection: Connection,
	kind: RequestKind,
): ApiFailure | undefined {
	const body = (
		json && typeof json === 'object' ? json : { message: String(json ?? '') }
	) as JsonObject;
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

/** A body that could not be read or parsed: the status's own failure, or — on a 2xx — an unreadable answer. */
export function answerFailure(
	statusCode: number,
	what: string,
	headers: IN8nHttpFullResponse['headers'],
	connection: Connection,
	kind: RequestKind,
): ApiFailure {
	const accepted = statusCode >= 200 && statusCode < 300;
	if (accepted) return unreadable(statusCode, what, kind);
	return statusFailure(statusCode, { message: what }, headers, connection, kind) as ApiFailure;
}

/** An answer that could not be read counts as no answer: a poll may ask again, a create may not. */
function unreadable(statusCode: number, what: string, kind: RequestKind): ApiFailure {
	const isCreate = kind === 'create';
	return {
		message: isCreate
			? `FastRouter accepted the create (HTTP ${statusCode}) but answered with ${what} instead of a task`
			: `FastRouter answered the status check (HTTP ${statusCode}) with ${what} instead of a task status`,
		description:
			'Something between n8n and FastRouter (a proxy, a captive portal, a CDN) may have answered in its place.',
		statusCode,
		retryable: isRetryable(kind),
		persistent: true,
		mayHaveCreated: isCreate,
	};
}

/** A Retry-After longer than the time left: reported, not slept through. */
export function tooLongToWait(waitMs: number, deadline: number, title: string): ApiFailure {
	const left = Math.max(0, deadline - Date.now());
	return {
		message: `${title}: FastRouter asked to wait ${seconds(waitMs)} (Retry-After), more than the ${seconds(left)} left`,
		description:
			'Nothing was waited out. Lower Max Concurrent, raise Max Wait, or run again later.',
		statusCode: 429,
		retryable: false,
	};
}

/** No usable answer at all: never connected, no answer in time, or a redirect not followed. */
export function networkFailure(
	sent: Extract<Sent, { ok: false }>,
	connection: Connection,
	kind: RequestKind,
): ApiFailure {
	// A Base URL that is not a URL is named by its role; the problem beside it says what failed.
	const host = urlOf(connection.baseUrl)?.host ?? 'the configured base URL';
	if (sent.redirect) {
		return {
			message: `FastRouter (${host}) answered with ${sent.problem}; not followed further`,
			description:
				'Check the Base URL in the FastRouter API credentials, and any proxy in front of FastRouter.',
			retryable: isRetryable(kind, sent.statusCode),
			persistent: true,
			mayHaveCreated: true,
		};
	}
	if (sent.blocked) return ssrfFailure(sent.blocked, kind);
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

/** A URL, read; undefined when it is not one. */
function urlOf(url: string): URL | undefined {
	try {
		return new URL(url);
	} catch {
		return undefined;
	}
}

/** What a refusal by n8n's SSRF protection means for each kind of request: nothing left n8n. */
const NOTHING_SENT: Record<RequestKind, string> = {
	create:
		'Nothing was sent to FastRouter, so no task was created or billed: run the item again once the address is allowed.',
	poll: 'Nothing was sent to FastRouter.',
	download: 'Nothing was fetched.',
};

/**
 * n8n refused the address itself: not retried (the same address gets the same refusal) and, for
 * a create, certain that nothing was created — the request never left n8n.
 */
function ssrfFailure(block: SsrfBlock, kind: RequestKind): ApiFailure {
	return {
		message: ssrfBlockedText(block),
		description: `${NOTHING_SENT[kind]} n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED) refuses loopback and private addresses, and hostnames on N8N_SSRF_BLOCKED_HOSTNAMES, unless they are allowed; these are environment variables of the n8n instance, set by whoever runs it.`,
		retryable: false,
		mayHaveCreated: false,
	};
}

/** The refusal in words: the address as n8n names it, and the setting that allows it. */
export function ssrfBlockedText(block: SsrfBlock): string {
	const { host, refused, address, ipLiteral } = block;
	let why: string;
	let allow: string;
	if (refused === 'hostname') {
		// An allowed hostname outranks a blocked one in n8n's checks.
		why = `the hostname ${address ?? host} is blocked`;
		allow = 'N8N_SSRF_ALLOWED_HOSTNAMES';
	} else if (ipLiteral) {
		// n8n checks an IP address in a URL against IP ranges only.
		why = 'a restricted IP address';
		allow = 'N8N_SSRF_ALLOWED_IP_RANGES';
	} else {
		why = address
			? `it resolves to the restricted IP address ${address}`
			: 'a restricted IP address';
		allow = 'N8N_SSRF_ALLOWED_HOSTNAMES (the hostname) or N8N_SSRF_ALLOWED_IP_RANGES (the address)';
	}
	return `n8n's SSRF protection blocked the request to ${host} (${why}) before sending it; allow it in ${allow}`;
}

/**
 * n8n's SSRF protection (n8n 2.12+, `N8N_SSRF_PROTECTION_ENABLED`) refuses a request before it
 * sends it, with @n8n/backend-network's SsrfBlockedIpError (a restricted IP address: `ip`, and
 * `hostname` when n8n names it) or SsrfBlockedHostnameError (a hostname on
 * N8N_SSRF_BLOCKED_HOSTNAMES: `hostname`). They carry no code, and node code cannot import them,
 * so they are known by class name, wherever they sit in the chain of causes:
 * httpRequestWithAuthentication wraps them in a NodeApiError, and a refusal at connect time (a
 * name that resolved elsewhere a moment earlier) reaches the HTTP client, which wraps it in an
 * AxiosError of the same name. The innermost one is n8n's own, with the address. n8n without SSRF
 * protection throws neither.
 */
const SSRF_REFUSALS = new Map<string, SsrfBlock['refused']>([
	['SsrfBlockedIpError', 'ip'],
	['SsrfBlockedHostnameError', 'hostname'],
]);
/** Deeper than any wrapping n8n does; the bound only guards against a cycle of causes. */
const MAX_CAUSES = 8;

/** What n8n's SSRF protection refused, read from the error a request to `url` threw; undefined when it did not. */
export function ssrfBlockOf(error: unknown, url: string): SsrfBlock | undefined {
	let found: SsrfBlock | undefined;
	let level = error;
	for (let depth = 0; depth < MAX_CAUSES && typeof level === 'object' && level !== null; depth++) {
		const { name, ip, hostname, cause } = level as {
			name?: unknown;
			ip?: unknown;
			hostname?: unknown;
			cause?: unknown;
		};
		const refused = typeof name === 'string' ? SSRF_REFUSALS.get(name) : undefined;
		if (refused) {
			const named = refused === 'ip' ? ip : hostname;
			const address = typeof named === 'string' && named !== '' ? named : found?.address;
			const target = urlOf(url);
			// The host (and port) as the request named it; the hostname as n8n's errors give it (IPv6 without brackets).
			const targetHostname = target?.hostname.replace(/^\[(.*)\]$/, '$1');
			const ipLiteral = refused === 'ip' && address !== undefined && address === targetHostname;
			found = { host: target?.host ?? 'its address', refused, address, ipLiteral };
		}
		level = cause;
	}
	return found;
}
