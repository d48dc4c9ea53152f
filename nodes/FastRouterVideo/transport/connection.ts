import type { ICredentialDataDecryptedObject, IExecuteFunctions } from 'n8n-workflow';
import { createHash } from 'crypto';

import { CREDENTIAL_TYPE, normalizeBaseUrl } from '../settings/fastRouter';
import type { Connection, Span } from './types';

/**
 * The run's connection to FastRouter: where it is and the key, from the node's credential, and the
 * run's trace there.
 *
 * One trace per n8n execution at FastRouter (W3C `traceparent`, and FastRouter's `x-span-id` and
 * `x-span-name`): every request of an execution carries its trace id, each item its own span, so
 * FastRouter's request logs show a whole run, item by item, with its cost. The ids are derived from
 * n8n's instance and execution ids — the same on every try, every resume of a durable wait (which
 * uses the execution that started it) and after a restart, nothing to store — and differ from one
 * execution to the next. n8n 2.41 keeps its own OpenTelemetry trace (when it is on) away from
 * nodes, so it cannot be joined. Only FastRouter's origin gets these headers, as the key
 * (transport/exchange.ts); they name nothing but the node and the item.
 */

/**
 * Where this run's FastRouter is, from the node's FastRouter API credential, its key, and the
 * run's trace: of this execution, or of the one a durable wait works for (`executionId`).
 */
export async function getConnection(
	ctx: IExecuteFunctions,
	trace?: { executionId: string; nodeName: string },
): Promise<Connection> {
	const credentials = await ctx.getCredentials<{ apiKey?: string; baseUrl?: string }>(
		CREDENTIAL_TYPE,
	);
	const executionId = trace?.executionId ?? ctx.getExecutionId();
	const nodeName = trace?.nodeName ?? ctx.getNode().name;
	const named = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	return {
		baseUrl: normalizeBaseUrl(credentials.baseUrl),
		apiKey: credentials.apiKey ?? '',
		// Read once, here, and handed to n8n's httpRequestWithAuthentication with every request
		// (sendOnce): without it n8n reads the credential anew for each request — in n8n itself a
		// database read, a decryption and the credential's expressions resolved — thousands of times
		// for a 1,000-row batch. n8n's helper still applies it (the credential type's `authenticate`).
		credential: {
			id: named?.id ?? '',
			name: named?.name ?? '',
			type: CREDENTIAL_TYPE,
			data: credentials as ICredentialDataDecryptedObject,
		},
		routes: {},
		...(executionId
			? { runTrace: { traceId: traceIdOf(ctx.getInstanceId?.() ?? '', executionId), nodeName } }
			: {}),
	};
}

/** `crypto`'s own hash: enough bits that no two executions share a trace. */
function hex(text: string, length: number): string {
	const digest = createHash('sha256').update(text).digest('hex').slice(0, length);
	// An all-zero id is invalid in W3C trace context.
	return /^0+$/.test(digest) ? `${'0'.repeat(length - 1)}1` : digest;
}

/** The trace of an execution on an n8n instance: 32 hex digits. */
export function traceIdOf(instanceId: string, executionId: string): string {
	return hex(`n8n-nodes-fastrouter:${instanceId}:${executionId}`, 32);
}

/** One item's connection: the run's, with the item's span of the run's trace. */
export function forItem(connection: Connection, itemIndex: number): Connection {
	if (!connection.runTrace) return connection;
	const { traceId, nodeName } = connection.runTrace;
	const span: Span = {
		traceId,
		spanId: hex(`${traceId}:${nodeName}:${itemIndex}`, 16),
		spanName: `${nodeName} · item ${itemIndex + 1}`,
	};
	return { ...connection, span };
}

/** The headers a request to FastRouter carries for its item's span. */
export function traceHeaders(span: Span | undefined): Record<string, string> {
	if (!span) return {};
	return {
		traceparent: `00-${span.traceId}-${span.spanId}-01`,
		'x-span-id': span.spanId,
		'x-span-name': span.spanName,
	};
}
