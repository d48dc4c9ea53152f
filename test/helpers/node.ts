import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FastRouterApi } from '../../credentials/FastRouterApi.credentials';
import { VIDEO_FIELDS } from '../../nodes/FastRouterVideo/catalog';
import { FastRouterVideo } from '../../nodes/FastRouterVideo/FastRouterVideo.node';
import * as engine from './engine';

/** n8n's SSRF protection settings, as its N8N_SSRF_* variables give them (lists split at commas). */
export interface SsrfSettings {
	enabled: boolean;
	allowedHostnames?: string[];
	allowedIpRanges?: string[];
	blockedHostnames?: string[];
}

/** What n8n's SSRF protection reported: each check it refused (`reason`: blocked_ip, blocked_hostname) and each it passed. */
export interface SsrfChecks {
	blocked: Array<{ phase: string; reason: string }>;
	allowed: Array<{ phase: string }>;
}

/**
 * Switches n8n's SSRF protection for this test file's later requests (engine.js says how); returns
 * what n8n's protection reports from then on: a request it refuses is one `blocked` check.
 */
export function useSsrfProtection(settings: SsrfSettings): SsrfChecks {
	return engine.useSsrfProtection(settings);
}

export interface RunResult {
	status: string;
	items: INodeExecutionData[];
	errorItems: INodeExecutionData[];
	error?: { message: string; description?: string; context?: IDataObject; httpCode?: string };
	/** The whole run as n8n's engine hands it to its hooks (what n8n saves with the execution). */
	run?: {
		data: {
			resultData: {
				error?: { message: string; description?: string } & IDataObject;
				runData: IDataObject;
			};
		};
	};
}

export interface SimLike {
	baseUrl: string;
}

export const SIM_KEY = 'sim-key';

/** Runs the FastRouter Video node in n8n's engine against a simulator, with real credentials. */
export async function runVideoNode(
	sim: SimLike,
	parameters: IDataObject,
	items: IDataObject[] = [{}],
	extra: {
		continueOnFail?: boolean;
		onError?: 'continueRegularOutput' | 'continueErrorOutput';
		apiKey?: string;
		onStart?: (cancel: () => void) => void;
		onLog?: (line: string) => void;
		binaryMode?: 'default' | 'filesystem';
		binaries?: Array<Record<string, { data: Buffer; fileName: string; mimeType: string }>>;
		instanceUrl?: string;
		baseUrl?: string;
		settings?: { retryOnFail?: boolean; maxTries?: number; waitBetweenTries?: number };
		executionId?: string;
	} = {},
): Promise<RunResult> {
	const { apiKey = SIM_KEY, baseUrl = sim.baseUrl, ...rest } = extra;
	return await engine.runNode({
		nodeType: new FastRouterVideo(),
		credentialTypes: { fastRouterApi: new FastRouterApi() },
		credentials: { fastRouterApi: { apiKey, baseUrl } },
		// The tests write parameters as IDataObject, the wider JSON type n8n's INodeParameters narrows.
		parameters: parameters as INodeParameters,
		items,
		...rest,
	});
}

/**
 * A user pressing Stop `ms` after the run starts: pass `onStart` to the run; `at()` is when the
 * cancel came (0 while it has not).
 */
export function cancelAfter(ms: number): {
	onStart: (cancel: () => void) => void;
	at: () => number;
} {
	let cancelledAt = 0;
	return {
		onStart: (cancel) => {
			// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- test code, never inside n8n
			setTimeout(() => {
				cancelledAt = Date.now();
				cancel();
			}, ms);
		},
		at: () => cancelledAt,
	};
}

/** Every video field read from the item (`={{ $json.prompt }}`, …): one sheet row per item. */
export const FIELDS_FROM_ITEM: IDataObject = Object.fromEntries(
	VIDEO_FIELDS.map((field) => [field, `={{ $json.${field} }}`]),
);

export async function testCredential(values: IDataObject) {
	return await engine.testCredential(new FastRouterApi(), values);
}

/** The binary video of an output item as bytes (inline binary mode keeps it base64 in the item). */
export function videoBytes(item: INodeExecutionData, property = 'data'): Buffer {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`item has no binary "${property}"`);
	return Buffer.from(binary.data, 'base64');
}
