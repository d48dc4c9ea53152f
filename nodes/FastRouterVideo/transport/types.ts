import type { ICredentialsDecrypted, IN8nHttpFullResponse, JsonObject } from 'n8n-workflow';

import type { ApiFailure } from '../errors/failure';

/**
 * The shapes every layer above the transport shares: what a request gave, why it failed, the
 * video bytes a poll or a download hands on. Types only, so that the policies (retryPolicy.ts),
 * the wording (failures.ts) and the requests (create.ts, polling/routes.ts) import them without
 * importing each other.
 */

/** Where FastRouter is, and the key: held only to scrub it from any text that leaves the node. */
export interface Connection {
	baseUrl: string;
	apiKey: string;
	/**
	 * The run's FastRouter API credential as n8n decrypted it, read once (exchange.ts's
	 * getConnection): n8n's httpRequestWithAuthentication applies it to every request to FastRouter
	 * without reading it again. Like `apiKey`, never output.
	 */
	credential?: ICredentialsDecrypted;
	/** What this run learned of FastRouter's routes, shared by every item's connection. */
	routes: {
		/** The GET poll route is missing (polling/routes.ts): later polls skip it. */
		getMissing?: boolean;
	};
	/** The run's trace at FastRouter (connection.ts): its id, and the node its spans are named for. */
	runTrace?: { traceId: string; nodeName: string };
	/** One item's span of that trace, on an item's connection. */
	span?: Span;
}

/** An item's span in the run's trace. */
export interface Span {
	traceId: string;
	spanId: string;
	spanName: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

/** Video bytes on their way in: a poll's answer (Sora) or a download's. */
export interface VideoStream {
	stream: IN8nHttpFullResponse['body'];
	contentLength?: number;
	mimeType?: string;
}

/** What one status request answered: a JSON status, or (a finished Sora video) the MP4 itself. */
export type PollAnswer = { kind: 'json'; json: JsonObject } | { kind: 'video'; video: VideoStream };

/** One request to send. */
export interface Target {
	method: 'GET' | 'POST';
	url: string;
	body?: Record<string, unknown>;
	accept?: string;
	/** More request headers (FastRouter's `cache_key` on a create). */
	headers?: Record<string, string>;
	/** Headers for FastRouter's origin only, dropped with the key on a redirect elsewhere (the trace). */
	keyOriginHeaders?: Record<string, string>;
	/** The run's credential (Connection's), for the requests that carry the key. */
	credential?: ICredentialsDecrypted;
}

interface Exchange {
	response: IN8nHttpFullResponse;
	/** Where the answer finally came from. */
	url: string;
	/** Whether that request carried the key. */
	withKey: boolean;
}

/**
 * n8n's SSRF protection (n8n 2.12+) refused a request before sending it: where the request was
 * for, and what n8n's error named.
 */
export interface SsrfBlock {
	/** The host (and port) of the URL the request was for. */
	host: string;
	/** n8n refused a restricted IP address (the host's, or the one it resolves to) or a hostname on its deny-list. */
	refused: 'ip' | 'hostname';
	/** The IP address or hostname n8n's error names. */
	address?: string;
	/** The URL names the refused IP address itself: only an IP range can allow it, not a hostname. */
	ipLiteral: boolean;
}

/**
 * A failure with `redirect` set came from a redirect not followed further: `statusCode` is its 3xx.
 * One with `blocked` was refused by n8n's SSRF protection, and never sent.
 */
export type Sent =
	| { ok: true; exchange: Exchange }
	| {
			ok: false;
			problem: string;
			code?: string;
			neverSent?: boolean;
			redirect?: boolean;
			statusCode?: number;
			blocked?: SsrfBlock;
	  };
