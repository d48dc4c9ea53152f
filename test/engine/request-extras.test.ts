import { runVideoNode, videoBytes } from '../helpers/node';
import { startSimulator, type Simulator } from '../simulator';

// What the create request carries beyond the model's fields: FastRouter's response cache, a
// negative prompt, Additional Fields (JSON).

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ durationMs: 300, videoBytes: 64 * 1024 });
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

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
		expect(second.items[0].json).toMatchObject({ taskId: first.items[0].json.taskId, status: 'succeeded', cached: true, creditsUsed: 0, costUsd: 0 });
		expect(first.items[0].json).toMatchObject({ cached: false, creditsUsed: expect.any(Number) });
		expect((first.items[0].json.creditsUsed as number) > 0).toBe(true);
		expect(videoBytes(second.items[0])).toEqual(videoBytes(first.items[0]));
	});

	it('Create reports a hit as cached with 0 credits', async () => {
		const parameters = { operation: 'create', model: 'google/veo3', prompt: 'p', options: { cacheKey: 'ns' } };
		const first = await runVideoNode(sim, parameters);
		const second = await runVideoNode(sim, parameters);
		expect(second.items[0].json).toMatchObject({ taskId: first.items[0].json.taskId, cached: true, creditsUsed: 0 });
		expect(sim.counters.creates).toBe(1);
	});

	it('without a Cache Key nothing is cached: the same request creates again', async () => {
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p' });
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p' });
		expect(sim.counters.creates).toBe(2);
		expect(sim.counters.cacheHits).toBe(0);
	});

	it('sends the key as the cache_key header and the lifetime as cache.expiration_time', async () => {
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p', options: { cacheKey: ' team:videos.v1 ', cacheTtl: 3600 } });
		const [task] = sim.tasks.values();
		expect(task.body.cache).toEqual({ expiration_time: 3600 });
		// A different lifetime is another request for FastRouter: nothing matched across them here.
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p', options: { cacheKey: 'team:videos.v1', cacheTtl: 3600 } });
		expect(sim.counters).toMatchObject({ creates: 1, cacheHits: 1 });
	});

	it.each([
		[{ cacheKey: 'has spaces inside' }, /"Cache Key" \(cacheKey\) has spaces inside is not a FastRouter cache key/],
		[{ cacheKey: 'x'.repeat(129) }, /"Cache Key" \(cacheKey\) x{57}\.\.\. is not a FastRouter cache key \(at most 128/],
		[{ cacheKey: 'ok', cacheTtl: 30 }, /"Cache Lifetime \(Seconds\)" \(cacheTtl\) 30 must be at least 60/],
		[{ cacheKey: 'ok', cacheTtl: 700_000 }, /\(cacheTtl\) 700000 is more than FastRouter keeps a cached answer \(at most 604800/],
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
		const result = await runVideoNode(sim, { operation: 'create', model: 'kling-ai/kling-v2-1', prompt: 'a fox', negativePrompt: 'blurry, text' });
		expect(result.error).toBeUndefined();
		expect([...sim.tasks.values()][0].body).toMatchObject({ prompt: 'a fox', negative_prompt: 'blurry, text' });
	});

	it('is refused for a model whose documented fields do not include it, before any create', async () => {
		const result = await runVideoNode(sim, { operation: 'create', model: '={{ $json.model }}', prompt: 'p', negativePrompt: '={{ $json.negative }}' }, [
			{ model: 'google/veo3', negative: 'blurry' },
		]);
		expect(result.error?.message).toMatch(/^Item 1: "negativePrompt" is not taken by google\/veo3 \(text-to-video\)/);
		expect(sim.counters.createRequests).toBe(0);
	});
});

describe('Additional Fields (JSON)', () => {
	it('merges a JSON object into the request as written', async () => {
		const additionalFields = '{"fps": 24, "camera_control": {"type": "simple", "zoom": 2}}';
		await runVideoNode(sim, { operation: 'create', model: 'custom', customModel: 'someone/new-model', prompt: 'p', options: { additionalFields } });
		expect([...sim.tasks.values()][0].body).toEqual({ model: 'someone/new-model', prompt: 'p', fps: 24, camera_control: { type: 'simple', zoom: 2 } });
	});

	it('takes an object from an expression', async () => {
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p', options: { additionalFields: '={{ $json.extra }}' } }, [{ extra: { quality: 'high' } }]);
		expect([...sim.tasks.values()][0].body).toMatchObject({ quality: 'high' });
	});

	it.each([
		['[1, 2]', /"Additional Fields \(JSON\)" \(additionalFields\) \[1,2\] is not a JSON object/],
		['{"fps": 24,', /\(additionalFields\) \{"fps": 24, is not JSON/],
		['"text"', /\(additionalFields\) text is not a JSON object/],
		['{"prompt": "other", "image": "x", "fps": 1}', /\(additionalFields\) names "prompt", "image", which the node sets itself/],
		['{"model": "other/model"}', /names "model", which the node sets itself/],
		['{"cache": {"expiration_time": 60}}', /names "cache", which the node sets itself/],
	])('%s is refused before any create, naming the option', async (additionalFields, words) => {
		const result = await runVideoNode(sim, { ...WAIT, options: { additionalFields } }, [{ prompt: 'p' }]);
		expect(result.error?.message).toMatch(/^Item 1: /);
		expect(result.error?.message).toMatch(words);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('reports every problem of an item at once: its fields and its options', async () => {
		const result = await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p', length: 5, options: { additionalFields: '[]', cacheKey: 'no way' } });
		expect(result.error?.message).toMatch(/"length" 5 is not available.*; "Cache Key".*; "Additional Fields/);
	});
});
