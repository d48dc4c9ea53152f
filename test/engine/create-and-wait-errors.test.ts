/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import * as path from 'node:path';

import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { ssrfBlockedText, ssrfBlockOf } from '../../nodes/FastRouterVideo/transport/failures';

import {
	cancelAfter,
	FIELDS_FROM_ITEM,
	runVideoNode,
	SIM_KEY,
	useSsrfProtection,
} from '../helpers/node';
import { useSimulator } from '../helpers/simulator';
import { sleep } from '../helpers/sleep';

// Items that end without a video: failed items on the error output or failing the node, Max Wait
// (as an error or as output), cancel, and n8n's SSRF protection refusing the address.

const sim = useSimulator({ durationMs: 1200, videoBytes: 200 * 1024 });

function waitParameters(options: IDataObject = {}): IDataObject {
	return {
		operation: 'createAndWait',
		model: '={{ $json.model }}',
		...FIELDS_FROM_ITEM,
		options: { pollInterval: 1, ...options },
	};
}

describe('Create and Wait', () => {
	it('with "Continue (using error output)", every failed item — created tasks included — goes to the error output with its id', async () => {
		sim.setFault('fails veo', { fail: 'Veo could not render this' });
		const rows = [
			{ model: 'google/veo3', prompt: 'fine' },
			{ model: 'google/veo3', prompt: 'fails veo' },
			{ model: 'google/veo3', prompt: 'bad resolution', resolution: '4k' },
		];
		const result = await runVideoNode(sim, waitParameters(), rows, {
			onError: 'continueErrorOutput',
		});
		expect(result.items.map((item) => item.json.status)).toEqual(['succeeded']);
		const [failed, rejected] = result.errorItems;
		const [failedTask] = [...sim.tasks.values()].filter((task) => task.prompt === 'fails veo');
		expect(failed.json.error).toMatch(
			/^Item 2: The generation of task \S+ failed: Veo could not render this/,
		);
		expect(failed.json.details).toEqual({ taskId: failedTask.taskId });
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(rejected.json.error).toMatch(/^Item 3: "resolution" 4k is not available/);
		expect(rejected.json.details).toBeUndefined();
		expect(rejected.pairedItem).toEqual({ item: 2 });
		expect(sim.counters.creates).toBe(2);
	});

	it('without Continue On Fail, a failed item fails the node and the error lists every created task', async () => {
		sim.setFault('bad luck', { fail: 'nope' });
		const result = await runVideoNode(sim, waitParameters(), [
			{ model: 'google/veo3', prompt: 'good luck' },
			{ model: 'google/veo3', prompt: 'bad luck' },
		]);
		expect(result.error?.message).toMatch(/^Item 2: The generation of task \S+ failed: nope/);
		const [goodTask] = [...sim.tasks.values()].filter((task) => task.prompt === 'good luck');
		expect(result.error?.description).toContain(goodTask.taskId);
	});

	it('FastRouter’s own words end the wait at the first poll that says it, with the task id: a top-level error string (a real Sora failure), "expired"', async () => {
		const rows = [
			{
				model: 'openai/sora-2-pro',
				prompt: 'wild [sim:failtop=openai submit: upstream status 400] [sim:duration=0]',
			},
			{ model: 'google/veo3', prompt: 'gone [sim:ends=expired] [sim:duration=0]' },
			{
				model: 'google/veo3',
				prompt: 'gone newer [sim:ends=expired] [sim:duration=0] [sim:gen=new]',
			},
		];
		const result = await runVideoNode(sim, waitParameters(), rows, {
			onError: 'continueErrorOutput',
		});
		const [wild, gone, goneNewer] = rows.map(
			(row) => [...sim.tasks.values()].find((task) => task.prompt === row.prompt)!.taskId,
		);
		expect(result.errorItems.map((item) => [item.json.error, item.json.details])).toEqual([
			[
				`Item 1: The generation of task ${wild} failed: openai submit: upstream status 400`,
				{ taskId: wild },
			],
			[
				`Item 2: Task ${gone} expired before a video was made (FastRouter’s status "expired")`,
				{ taskId: gone },
			],
			[
				`Item 3: Task ${goneNewer} expired before a video was made (FastRouter’s status "expired")`,
				{ taskId: goneNewer },
			],
		]);
		// One poll each, the one that said so; none after it.
		await sleep(1500);
		expect(sim.counters.polls).toEqual({ [wild]: 1, [gone]: 1, [goneNewer]: 1 });
	});

	it('a poll whose envelope code is "processing" is a running task, not an error: the wait goes on to the MP4', async () => {
		const result = await runVideoNode(sim, waitParameters(), [
			{ model: 'google/veo3', prompt: 'busy [sim:pollcode=processing] [sim:duration=1500]' },
		]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(Object.values(sim.counters.polls)[0]).toBeGreaterThanOrEqual(2);
	});

	it('a timeout with onTimeout "output" returns the task id; a later Get Status completes it', async () => {
		// Still running at the one poll Max Wait allows (1 s), done 1.5 s later.
		sim.setFault('slow', { durationMs: 2500 });
		const result = await runVideoNode(sim, waitParameters({ maxWait: 1, onTimeout: 'output' }), [
			{ model: 'google/veo3', prompt: 'slow' },
		]);
		expect(result.error).toBeUndefined();
		const item = result.items[0];
		expect(item.json.status).toMatch(/queued|processing/);
		expect(item.binary).toBeUndefined();
		const task = sim.tasks.get(item.json.taskId as string)!;
		await sleep(task.createdAt + task.durationMs - Date.now());
		const later = await runVideoNode(
			sim,
			{ operation: 'getStatus', model: 'google/veo3', taskId: '={{ $json.taskId }}' },
			[item.json],
		);
		expect(later.items[0].json).toMatchObject({ taskId: item.json.taskId, status: 'succeeded' });
		expect(later.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(sim.counters.creates).toBe(1);
	});

	it('a timeout with the default onTimeout is an error naming the task id', async () => {
		sim.setFault('too slow', { durationMs: 5000 });
		const result = await runVideoNode(sim, waitParameters({ maxWait: 1 }), [
			{ model: 'google/veo3', prompt: 'too slow' },
		]);
		const taskId = [...sim.tasks.keys()][0];
		expect(result.error?.message).toMatch(new RegExp(`Task ${taskId} did not finish within 1 s`));
	});

	it('cancelling the execution stops the wait promptly', async () => {
		sim.setFault('forever', { durationMs: 60_000 });
		const started = Date.now();
		const stop = cancelAfter(700);
		// An interval the cancel must cut short: uncancelled, the first poll comes 2.3 s after the cancel.
		const run = runVideoNode(
			sim,
			waitParameters({ pollInterval: 3 }),
			[{ model: 'google/veo3', prompt: 'forever' }],
			{ onStart: stop.onStart },
		);
		await run.catch(() => undefined);
		const stoppedAfterCancel = Date.now() - stop.at();
		expect(stop.at()).toBeGreaterThan(started);
		expect(stoppedAfterCancel).toBeLessThan(1500);
		const [task] = sim.tasks.values();
		const pollsSoFar = sim.counters.polls[task.taskId] ?? 0;
		// Past the moment the first poll would have come (the interval after the create), with a margin.
		await sleep(task.createdAt + 3000 + 1000 - Date.now());
		expect(sim.counters.polls[task.taskId] ?? 0).toBe(pollsSoFar);
	});
});

// n8n's SSRF protection (n8n 2.12+) blocks loopback, where the simulator listens: switched on in
// n8n's own services per test (test/helpers/engine.js), so its settings do not have to be set for
// the whole process before n8n-core loads, and off again after each test.
describe("n8n's SSRF protection", () => {
	afterEach(() => useSsrfProtection({ enabled: false }));

	// A render shorter than the first poll: done when first looked at.
	const ONE_ROW = [
		{ model: 'google/veo3', prompt: 'behind the SSRF protection [sim:duration=300]' },
	];
	/** The simulator's API on a host name, `localhost`, which n8n's hostname lists can name. */
	const byName = () => sim.baseUrl.replace('127.0.0.1', 'localhost');

	it('a create to a blocked address sends nothing, and each item says so without "may have been created"', async () => {
		const checks = useSsrfProtection({ enabled: true });
		const rows = [ONE_ROW[0], { model: 'google/veo3', prompt: 'also behind it' }];
		const result = await runVideoNode(sim, waitParameters(), rows, {
			onError: 'continueErrorOutput',
		});
		const refused = (item: number) =>
			`Item ${item}: n8n's SSRF protection blocked the request to ${new URL(sim.baseUrl).host} (a restricted IP address) before sending it; allow it in N8N_SSRF_ALLOWED_IP_RANGES`;
		expect(result.errorItems.map((item) => item.json.error)).toEqual([refused(1), refused(2)]);
		expect(result.errorItems.map((item) => item.json.details)).toEqual([undefined, undefined]);
		expect(result.items).toEqual([]);
		expect(sim.counters.createRequests).toBe(0);
		expect(sim.counters.apiRequests).toEqual({});
		// One refusal per item: a create n8n refused is not tried again.
		expect(checks.blocked).toEqual([
			expect.objectContaining({ phase: 'pre_flight', reason: 'blocked_ip' }),
			expect.objectContaining({ reason: 'blocked_ip' }),
		]);
	});

	it('without Continue On Fail, the node error names the item, the address and the setting; nothing was billed', async () => {
		useSsrfProtection({ enabled: true });
		const result = await runVideoNode(sim, waitParameters(), ONE_ROW);
		expect(result.error?.message).toBe(
			`Item 1: n8n's SSRF protection blocked the request to ${new URL(sim.baseUrl).host} (a restricted IP address) before sending it; allow it in N8N_SSRF_ALLOWED_IP_RANGES`,
		);
		expect(result.error?.description).toMatch(
			/^Nothing was sent to FastRouter, so no task was created or billed/,
		);
		expect(result.error?.description).toContain('N8N_SSRF_PROTECTION_ENABLED');
		expect(`${result.error?.message} ${result.error?.description}`).not.toMatch(
			/may have been created|double charge|dashboard/,
		);
		expect(JSON.stringify(result.run)).not.toContain(SIM_KEY);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('a status check to a blocked hostname fails at once, without the retries a network failure gets', async () => {
		// 127.0.0.1 itself is allowed: the name alone is refused.
		const checks = useSsrfProtection({
			enabled: true,
			allowedIpRanges: ['127.0.0.1/32'],
			blockedHostnames: ['localhost'],
		});
		const started = Date.now();
		const result = await runVideoNode(
			sim,
			{ operation: 'getStatus', model: 'google/veo3', taskId: 'task_behind_ssrf' },
			[{}],
			{ baseUrl: byName() },
		);
		expect(result.error?.message).toBe(
			`Item 1: n8n's SSRF protection blocked the request to ${new URL(byName()).host} (the hostname localhost is blocked) before sending it; allow it in N8N_SSRF_ALLOWED_HOSTNAMES (task task_behind_ssrf)`,
		);
		expect(result.error?.description).toMatch(/^Nothing was sent to FastRouter\./);
		// Get Status asks 3 times, 1 s and 2 s apart, after a network failure: after this refusal it did not.
		expect(checks.blocked).toEqual([
			expect.objectContaining({ phase: 'pre_flight', reason: 'blocked_hostname' }),
		]);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(sim.counters.apiRequests).toEqual({});
	});

	it('a video on a blocked host fails its download naming the block, with no second attempt', async () => {
		// FastRouter's address allowed by name; the video host's links name 127.0.0.1.
		const checks = useSsrfProtection({ enabled: true, allowedHostnames: ['localhost'] });
		const result = await runVideoNode(sim, waitParameters(), ONE_ROW, { baseUrl: byName() });
		const [task] = sim.tasks.values();
		expect(result.error?.message).toBe(
			`Item 1: Could not download the video of task ${task.taskId}: n8n's SSRF protection blocked the request to ${new URL(sim.videoBaseUrl).host} (a restricted IP address) before sending it; allow it in N8N_SSRF_ALLOWED_IP_RANGES`,
		);
		expect(sim.counters.creates).toBe(1);
		expect(sim.counters.polls[task.taskId]).toBeGreaterThan(0);
		expect(sim.counters.downloads).toBe(0);
		// A download that may pass is tried 3 times; this refusal was not tried again.
		expect(checks.blocked).toEqual([expect.objectContaining({ reason: 'blocked_ip' })]);
	});

	it('n8n’s refusal is known by its class name wherever n8n wraps it, and by nothing else', () => {
		// n8n-core's own copies: the classes n8n throws, and the HTTP client that wraps a refusal at connect time.
		const network = path.dirname(
			require.resolve('@n8n/backend-network', {
				paths: [path.dirname(require.resolve('n8n-core/package.json'))],
			}),
		);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { SsrfBlockedIpError, SsrfBlockedHostnameError } = require(network) as Record<
			string,
			new (...args: string[]) => Error
		>;
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { AxiosError } = require(require.resolve('axios', { paths: [network] })) as {
			AxiosError: { from: (error: Error) => Error };
		};
		const node: INode = {
			id: 'n',
			name: 'FastRouter Video',
			type: 'fastRouterVideo',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const byIp = new SsrfBlockedIpError('10.1.2.3');
		const byName = 'https://gateway.internal/api';

		expect(ssrfBlockOf(byIp, 'http://10.1.2.3:8080/x')).toEqual({
			host: '10.1.2.3:8080',
			refused: 'ip',
			address: '10.1.2.3',
			ipLiteral: true,
		});
		// httpRequestWithAuthentication's NodeApiError, and the HTTP client's AxiosError at connect time.
		// n8n passes the error itself where its type says an answer's JSON.
		const asApiError = (error: Error) => new NodeApiError(node, error as unknown as JsonObject);
		for (const wrapped of [
			asApiError(byIp),
			AxiosError.from(byIp),
			asApiError(AxiosError.from(byIp)),
		]) {
			expect(ssrfBlockOf(wrapped, byName)).toEqual({
				host: 'gateway.internal',
				refused: 'ip',
				address: '10.1.2.3',
				ipLiteral: false,
			});
		}
		expect(ssrfBlockedText(ssrfBlockOf(byIp, byName)!)).toBe(
			"n8n's SSRF protection blocked the request to gateway.internal (it resolves to the restricted IP address 10.1.2.3) before sending it; allow it in N8N_SSRF_ALLOWED_HOSTNAMES (the hostname) or N8N_SSRF_ALLOWED_IP_RANGES (the address)",
		);
		expect(ssrfBlockOf(new SsrfBlockedHostnameError('gateway.internal'), byName)).toMatchObject({
			refused: 'hostname',
			address: 'gateway.internal',
		});
		expect(ssrfBlockOf(new SsrfBlockedIpError('::1'), 'http://[::1]:5678/')).toMatchObject({
			host: '[::1]:5678',
			ipLiteral: true,
		});
		// The words alone are not n8n's refusal, nor is any other failure; a cycle of causes ends.
		expect(ssrfBlockOf(new Error(byIp.message), byName)).toBeUndefined();
		expect(
			ssrfBlockOf(
				Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
				byName,
			),
		).toBeUndefined();
		const cyclic: { name: string; cause?: unknown } = { name: 'Error' };
		cyclic.cause = cyclic;
		expect(ssrfBlockOf(cyclic, byName)).toBeUndefined();
	});

	it('with the address allowed, Create and Wait gives its video as without the protection', async () => {
		const checks = useSsrfProtection({ enabled: true, allowedIpRanges: ['127.0.0.1/32'] });
		const result = await runVideoNode(sim, waitParameters(), ONE_ROW);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.status, item.binary?.data?.mimeType])).toEqual([
			['succeeded', 'video/mp4'],
		]);
		expect(sim.counters.creates).toBe(1);
		expect(sim.counters.downloads).toBe(1);
		// n8n checked every request (create, polls, download) and refused none.
		expect(checks.blocked).toEqual([]);
		expect(
			checks.allowed.filter((check) => check.phase === 'pre_flight').length,
		).toBeGreaterThanOrEqual(3);
	});
});
