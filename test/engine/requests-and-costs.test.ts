import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { type RunResult, runVideoNode, videoBytes } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';

/**
 * What a create carries beyond the model's fields (FastRouter's response cache, Negative Prompt,
 * Additional Fields, the run's trace) and what a run's creates cost: Max Credits per Run, and the
 * cost where users look.
 */

const sim = useSimulator({ durationMs: 300, videoBytes: 64 * 1024 });

// What a create carries beyond the model's fields: FastRouter's response cache, a negative prompt,
// Additional Fields (JSON).
const WAIT = { operation: 'createAndWait', model: 'google/veo3', prompt: '={{ $json.prompt }}' };

describe('FastRouter’s response cache', () => {
	it('a second run with the same Cache Key re-attaches to the video already made: one create, cached, 0 credits', async () => {
		const parameters = { ...WAIT, options: { cacheKey: 'launch-videos', pollInterval: 1 } };
		const first = await runVideoNode(sim, parameters, [{ prompt: 'a red fox in snow' }]);
		const second = await runVideoNode(sim, parameters, [{ prompt: 'a red fox in snow' }]);
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(sim.counters.creates).toBe(1);
		expect(sim.counters.cacheHits).toBe(1);
		expect(second.items[0].json).toMatchObject({
			taskId: first.items[0].json.taskId,
			status: 'succeeded',
			cached: true,
			creditsUsed: 0,
			costUsd: 0,
		});
		expect(first.items[0].json).toMatchObject({ cached: false, creditsUsed: expect.any(Number) });
		expect((first.items[0].json.creditsUsed as number) > 0).toBe(true);
		expect(videoBytes(second.items[0])).toEqual(videoBytes(first.items[0]));
	});

	it('Create reports a hit as cached with 0 credits', async () => {
		const parameters = {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'p',
			options: { cacheKey: 'ns' },
		};
		const first = await runVideoNode(sim, parameters);
		const second = await runVideoNode(sim, parameters);
		expect(second.items[0].json).toMatchObject({
			taskId: first.items[0].json.taskId,
			cached: true,
			creditsUsed: 0,
		});
		expect(sim.counters.creates).toBe(1);
	});

	it('without a Cache Key nothing is cached: the same request creates again', async () => {
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p' });
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p' });
		expect(sim.counters.creates).toBe(2);
		expect(sim.counters.cacheHits).toBe(0);
	});

	it('sends the key as the cache_key header and the lifetime as cache.expiration_time', async () => {
		await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'p',
			options: { cacheKey: ' team:videos.v1 ', cacheTtl: 3600 },
		});
		const [task] = sim.tasks.values();
		expect(task.body.cache).toEqual({ expiration_time: 3600 });
		// A different lifetime is another request for FastRouter: nothing matched across them here.
		await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'p',
			options: { cacheKey: 'team:videos.v1', cacheTtl: 3600 },
		});
		expect(sim.counters).toMatchObject({ creates: 1, cacheHits: 1 });
	});

	it.each([
		[
			{ cacheKey: 'has spaces inside' },
			/"Cache Key" \(cacheKey\) has spaces inside is not a FastRouter cache key/,
		],
		[
			{ cacheKey: 'x'.repeat(129) },
			/"Cache Key" \(cacheKey\) x{57}\.\.\. is not a FastRouter cache key \(at most 128/,
		],
		[
			{ cacheKey: 'ok', cacheTtl: 30 },
			/"Cache Lifetime \(Seconds\)" \(cacheTtl\) 30 must be at least 60/,
		],
		[
			{ cacheKey: 'ok', cacheTtl: 700_000 },
			/\(cacheTtl\) 700000 is more than FastRouter keeps a cached answer \(at most 604800/,
		],
		[{ cacheTtl: 3600 }, /\(cacheTtl\) needs a Cache Key: without one FastRouter caches nothing/],
	])('refuses %p before any create, naming the option and the value', async (options, words) => {
		const result = await runVideoNode(sim, { ...WAIT, options }, [{ prompt: 'p' }]);
		expect(result.error?.message).toMatch(/^Item 1: /);
		expect(result.error?.message).toMatch(words);
		expect(sim.counters.createRequests).toBe(0);
	});
});

describe('Negative Prompt', () => {
	it('is sent as negative_prompt for a model whose fields pass through', async () => {
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'kling-ai/kling-v2-1',
			prompt: 'a fox',
			negativePrompt: 'blurry, text',
		});
		expect(result.error).toBeUndefined();
		expect([...sim.tasks.values()][0].body).toMatchObject({
			prompt: 'a fox',
			negative_prompt: 'blurry, text',
		});
	});

	it('is refused for a model whose documented fields do not include it, before any create', async () => {
		const result = await runVideoNode(
			sim,
			{
				operation: 'create',
				model: '={{ $json.model }}',
				prompt: 'p',
				negativePrompt: '={{ $json.negative }}',
			},
			[{ model: 'google/veo3', negative: 'blurry' }],
		);
		expect(result.error?.message).toMatch(
			/^Item 1: "negativePrompt" is not taken by google\/veo3 \(text-to-video\)/,
		);
		expect(sim.counters.createRequests).toBe(0);
	});
});

describe('Additional Fields (JSON)', () => {
	it('merges a JSON object into the request as written', async () => {
		const additionalFields = '{"fps": 24, "camera_control": {"type": "simple", "zoom": 2}}';
		await runVideoNode(sim, {
			operation: 'create',
			model: 'custom',
			customModel: 'someone/new-model',
			prompt: 'p',
			options: { additionalFields },
		});
		expect([...sim.tasks.values()][0].body).toEqual({
			model: 'someone/new-model',
			prompt: 'p',
			fps: 24,
			camera_control: { type: 'simple', zoom: 2 },
		});
	});

	it('takes an object from an expression', async () => {
		await runVideoNode(
			sim,
			{
				operation: 'create',
				model: 'google/veo3',
				prompt: 'p',
				options: { additionalFields: '={{ $json.extra }}' },
			},
			[{ extra: { quality: 'high' } }],
		);
		expect([...sim.tasks.values()][0].body).toMatchObject({ quality: 'high' });
	});

	it.each([
		['[1, 2]', /"Additional Fields \(JSON\)" \(additionalFields\) \[1,2\] is not a JSON object/],
		['{"fps": 24,', /\(additionalFields\) \{"fps": 24, is not JSON/],
		['"text"', /\(additionalFields\) text is not a JSON object/],
		[
			'{"prompt": "other", "image": "x", "fps": 1}',
			/\(additionalFields\) names "prompt", "image", which the node sets itself/,
		],
		['{"model": "other/model"}', /names "model", which the node sets itself/],
		['{"cache": {"expiration_time": 60}}', /names "cache", which the node sets itself/],
	])('%s is refused before any create, naming the option', async (additionalFields, words) => {
		const result = await runVideoNode(sim, { ...WAIT, options: { additionalFields } }, [
			{ prompt: 'p' },
		]);
		expect(result.error?.message).toMatch(/^Item 1: /);
		expect(result.error?.message).toMatch(words);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('reports every problem of an item at once: its fields and its options', async () => {
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'p',
			length: 5,
			options: { additionalFields: '[]', cacheKey: 'no way' },
		});
		expect(result.error?.message).toMatch(
			/"length" 5 is not available.*; "Cache Key".*; "Additional Fields/,
		);
	});
});

// Max Credits per Run, the cost where users look, and one trace per run at FastRouter: what the
// creates cost and carry. The simulator's creates of Veo 3's 8-second videos cost 6 credits each.

const SPEND_VIDEO = 64 * 1024;
const SIX_CREDITS = { model: 'google/veo3', prompt: '={{ $json.prompt }}', length: 8 };
const SPEND_WAIT = { operation: 'createAndWait', ...SIX_CREDITS };
const rows = (count: number, label = 'row') =>
	Array.from({ length: count }, (_, index) => ({ prompt: `${label} ${index + 1}` }));
const LIMIT_50 =
	/^Item (9|1\d|20): not created: this run's credit limit of 50 would be passed \(48 used by 8 videos\)$/;

/** The node's run as n8n stored it: its custom data and the hints on its output. */
function stored(result: RunResult): { customData: Record<string, string>; hints: string[] } {
	const run = result.run as unknown as {
		data: {
			resultData: {
				metadata?: Record<string, string>;
				runData: Record<string, Array<{ hints?: Array<{ message: string }> }>>;
			};
		};
	};
	const nodeRun = run.data.resultData.runData['Node Under Test']?.at(-1);
	return {
		customData: run.data.resultData.metadata ?? {},
		hints: (nodeRun?.hints ?? []).map((hint) => hint.message),
	};
}

describe('Max Credits per Run', () => {
	it.each([
		['Create and Wait, every item at once', SPEND_WAIT, { pollInterval: 1 }],
		['Create and Wait, Max Concurrent 10', SPEND_WAIT, { pollInterval: 1, maxConcurrent: 10 }],
		['Create', { operation: 'create', ...SIX_CREDITS }, {}],
	])(
		'%s: 20 rows of 6 credits within 50: the first 8 rows are made, the 12 others are error items naming the limit, none with a task',
		async (_name, parameters, options) => {
			const result = await runVideoNode(
				sim,
				{ ...parameters, options: { maxCredits: 50, ...options } },
				rows(20),
				{ continueOnFail: true },
			);
			expect(sim.counters.creates).toBe(8);
			expect(Object.keys(sim.counters.createsByPrompt)).toEqual(rows(8).map((row) => row.prompt));
			const made = result.items.slice(0, 8);
			expect(
				made.every(
					(item: INodeExecutionData) =>
						typeof item.json.taskId === 'string' && typeof item.json.error !== 'string',
				),
			).toBe(true);
			if (parameters.operation === 'createAndWait')
				expect(made.map((item: INodeExecutionData) => videoBytes(item).length)).toEqual(
					Array(8).fill(SPEND_VIDEO),
				);
			const refused = result.items.slice(8);
			expect(refused).toHaveLength(12);
			for (const item of refused) {
				expect(item.json).toEqual({ error: expect.stringMatching(LIMIT_50) });
			}
			expect(refused.map((item: INodeExecutionData) => item.pairedItem)).toEqual(
				rows(12).map((_, index) => ({ item: index + 8 })),
			);
			// What the run spent, where users look: the execution's custom data and a hint on the node's output, as n8n stores them.
			const { customData, hints } = stored(result);
			expect(customData.FastRouter_cost).toBe('8 videos, 48 credits, 12 not created: credit limit');
			expect(hints).toEqual(['8 videos, 48 credits, 12 not created: credit limit']);
			if (parameters.operation === 'createAndWait')
				expect(customData.FastRouter_videos).toBe('8/20 done, 12 not created');
		},
	);

	it('without Continue On Fail the node stops at the first row that does not fit, listing the 8 tasks made', async () => {
		const result = await runVideoNode(
			sim,
			{ operation: 'create', ...SIX_CREDITS, options: { maxCredits: 50 } },
			rows(10),
		);
		expect(result.error?.message).toBe(
			"Item 9: not created: this run's credit limit of 50 would be passed (48 used by 8 videos)",
		);
		const ids = [...sim.tasks.keys()];
		expect(ids).toHaveLength(8);
		for (const id of ids) expect(result.error?.description).toContain(id);
	});

	it('a cached re-run of those 8 rows costs 0 and fits, even within a limit of 1', async () => {
		const cached = {
			...SPEND_WAIT,
			options: { maxCredits: 50, cacheKey: 'spend-test', pollInterval: 1 },
		};
		await runVideoNode(sim, { ...cached, operation: 'create' }, rows(8), { continueOnFail: true });
		expect(sim.counters.creates).toBe(8);
		const again = await runVideoNode(
			sim,
			{ ...cached, options: { ...cached.options, maxCredits: 1 } },
			rows(8),
			{ continueOnFail: true },
		);
		expect(sim.counters.creates).toBe(8);
		expect(sim.counters.cacheHits).toBe(8);
		expect(
			again.items.map((item: INodeExecutionData) => [
				item.json.cached,
				item.json.creditsUsed,
				videoBytes(item).length,
			]),
		).toEqual(Array(8).fill([true, 0, SPEND_VIDEO]));
		expect(stored(again).customData.FastRouter_cost).toBe(
			"8 videos, 0 credits, 8 from FastRouter's cache",
		);
	});

	it('Retry On Fail’s re-create counts against the same limit: within 12, a failed generation is not paid for twice', async () => {
		const result = await runVideoNode(
			sim,
			{ ...SPEND_WAIT, options: { maxCredits: 12, pollInterval: 1 } },
			[{ prompt: 'a fox' }, { prompt: 'a boat [sim:failonce=Content policy]' }],
			{
				settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 1 },
			},
		);
		expect(result.error?.message).toBe(
			"Item 2: not created: this run's credit limit of 12 would be passed (12 used by 2 videos)",
		);
		expect(sim.counters.createsByPrompt).toEqual({
			'a fox': 1,
			'a boat [sim:failonce=Content policy]': 1,
		});
	});

	it('a price unknown to the run is learned from one create: items of a dearer kind wait for it, and only those that fit are made', async () => {
		// 5 s videos cost 4 credits, 10 s videos 8: within 20, rows 4 s, 8 s, 4 s, 8 s, 4 s make 4 + 8 + 4 = 16, then 8 and 4 do not fit and fit.
		const mixed = [5, 10, 5, 10, 5].map((length, index) => ({
			prompt: `clip ${index + 1}`,
			length,
		}));
		const result = await runVideoNode(
			sim,
			{
				operation: 'create',
				model: 'bytedance/seedance',
				prompt: '={{ $json.prompt }}',
				resolution: '480p',
				length: '={{ $json.length }}',
				options: { maxCredits: 20 },
			},
			mixed,
			{ continueOnFail: true },
		);
		expect(
			result.items.map((item: INodeExecutionData) => (item.json.taskId ? 'made' : item.json.error)),
		).toEqual([
			'made',
			'made',
			'made',
			"Item 4: not created: this run's credit limit of 20 would be passed (16 used by 3 videos)",
			'made',
		]);
		expect(sim.counters.creates).toBe(4);
	});

	it.each([
		[-1, '"Max Credits per Run" (maxCredits) -1 must be at least 0'],
		['lots', '"Max Credits per Run" (maxCredits) lots is not a number'],
	])('%p is refused before anything is sent', async (value, message) => {
		const result = await runVideoNode(
			sim,
			{ ...SPEND_WAIT, options: { maxCredits: value } },
			rows(2),
		);
		expect(result.error?.message).toBe(`Item 1: ${message}`);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('0 creates nothing: every row says so', async () => {
		const result = await runVideoNode(
			sim,
			{ operation: 'create', ...SIX_CREDITS, options: { maxCredits: 0 } },
			rows(2),
			{ continueOnFail: true },
		);
		expect(result.items.map((item: INodeExecutionData) => item.json.error)).toEqual([
			"Item 1: not created: this run's credit limit of 0 would be passed (0 used by 0 videos)",
			"Item 2: not created: this run's credit limit of 0 would be passed (0 used by 0 videos)",
		]);
		expect(sim.counters.createRequests).toBe(0);
	});
});

describe('the cost where users look', () => {
	it('in US dollars too where FastRouter reports them (its newer answers)', async () => {
		const result = await runVideoNode(
			sim,
			{ ...SPEND_WAIT, prompt: '={{ $json.prompt }} [sim:gen=new]', options: { pollInterval: 1 } },
			rows(2),
		);
		const usd = result.items.reduce(
			(sum: number, item: INodeExecutionData) => sum + (item.json.costUsd as number),
			0,
		);
		expect(usd).toBeGreaterThan(0);
		expect(stored(result).customData.FastRouter_cost).toBe(
			`2 videos, ${2 * 7} credits ($${usd.toFixed(2)})`,
		);
	});

	it('a 402 says both things it can mean, and where to raise each', async () => {
		sim.setFault('broke', { createError: 402 });
		const result = await runVideoNode(sim, {
			operation: 'create',
			...SIX_CREDITS,
			prompt: 'broke',
		});
		expect(result.error?.message).toMatch(/^Item 1: Not enough FastRouter credits \(402\)/);
		expect(result.error?.description).toMatch(
			/this API key’s budget or your organisation’s credits are used up.*API Keys.*Billing/,
		);
	});
});

describe('one trace per run at FastRouter', () => {
	const traceOf = (traceparent?: string) =>
		/^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent ?? '');

	it('every create and poll of an execution carries its trace; each item its own span, named for the node and the item; the next execution another trace', async () => {
		await runVideoNode(sim, { ...SPEND_WAIT, options: { pollInterval: 1 } }, rows(3), {
			executionId: 'run-1',
		});
		const first = sim.counters.traces.filter((entry) => entry.route !== 'GET /videos/{id}');
		expect(first.map((entry) => entry.route)).toEqual(
			expect.arrayContaining(['POST /api/v1/videos', 'POST /api/v1/getVideoResponse']),
		);
		const parsed = first.map((entry) => ({ ...entry, ids: traceOf(entry.traceparent) }));
		expect(parsed.every((entry) => entry.ids !== null)).toBe(true);
		const traceIds = new Set(parsed.map((entry) => entry.ids?.[1]));
		expect(traceIds.size).toBe(1);
		const spans = new Map(parsed.map((entry) => [entry.spanName, entry.ids?.[2]]));
		expect([...spans.keys()].sort()).toEqual([
			'Node Under Test · item 1',
			'Node Under Test · item 2',
			'Node Under Test · item 3',
		]);
		expect(new Set(spans.values()).size).toBe(3);
		expect(parsed.every((entry) => entry.spanId === entry.ids?.[2])).toBe(true);
		// The video host is not FastRouter: it gets no trace, as it gets no key.
		expect(sim.counters.videoHostTraceHeaders).toBe(0);

		sim.reset();
		await runVideoNode(sim, { operation: 'create', ...SIX_CREDITS }, rows(1), {
			executionId: 'run-2',
		});
		const second = traceOf(sim.counters.traces[0]?.traceparent);
		expect(second?.[1]).toMatch(/^[0-9a-f]{32}$/);
		expect(traceIds.has(second?.[1])).toBe(false);
	});

	it('Retry On Fail’s tries are the same execution: one trace', async () => {
		await runVideoNode(
			sim,
			{ ...SPEND_WAIT, options: { pollInterval: 1 } },
			[{ prompt: 'a boat [sim:failonce=Content policy]' }],
			{
				executionId: 'run-3',
				settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 1 },
			},
		);
		expect(sim.counters.creates).toBe(2);
		expect(new Set(sim.counters.traces.map((entry) => traceOf(entry.traceparent)?.[1])).size).toBe(
			1,
		);
	});

	it('sends nothing that names the user: the node and the item only', async () => {
		await runVideoNode(sim, { operation: 'create', ...SIX_CREDITS }, rows(1), {
			executionId: 'run-4',
		});
		const headers = sim.counters.traces[0] as IDataObject;
		expect(headers).toEqual({
			route: 'POST /api/v1/videos',
			traceparent: expect.any(String),
			spanId: expect.any(String),
			spanName: 'Node Under Test · item 1',
		});
	});
});
