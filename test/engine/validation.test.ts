import type { IDataObject } from 'n8n-workflow';

import { MODELS } from '../../nodes/FastRouterVideo/catalog';
import { png } from '../helpers/images';
import { runVideoNode } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';

/** Validation happens in the node, before any create: the simulator must count zero creates. */
const sim = useSimulator({ durationMs: 200 });

const IMAGE = 'https://images.example.com/frame.png';

/** A valid text- and image-to-video item for every catalog model, written from the provider document. */
const VALID: Array<[string, IDataObject]> = [
	[
		'google/veo3',
		{
			prompt: 'a fox',
			length: 8,
			resolution: '720p',
			aspectRatio: '16:9',
			generateAudio: true,
			seed: 7,
		},
	],
	['google/veo3', { imageUrl: IMAGE, prompt: 'a fox', resolution: '1080p' }],
	['google/veo3-fast', { prompt: 'a fox', resolution: '1080p' }],
	['google/veo3-fast', { imageUrl: IMAGE }],
	['openai/sora-2-pro', { prompt: 'a fox', seconds: 8, size: '1024x1792' }],
	['runway/runway-gen-3-turbo', { imageUrl: IMAGE, length: 10, aspectRatio: '3:5', seed: 3 }],
	[
		'runway/runway-gen-4-turbo',
		{ imageUrl: IMAGE, prompt: 'zoom in', length: 5, aspectRatio: '16:9' },
	],
	['bytedance/seedance', { prompt: 'a fox', resolution: '480p', length: 5 }],
	['bytedance/seedance', { imageUrl: IMAGE, resolution: '720p', length: 10 }],
	['bytedance/seedance-pro', { prompt: 'a fox', resolution: '1080p' }],
	['bytedance/seedance-pro', { imageUrl: IMAGE, resolution: '480p' }],
	[
		'pollo/pollo-v1-6',
		{ prompt: 'a fox', resolution: '720p', length: 10, aspectRatio: '9:16', seed: 1 },
	],
	// Known in part (FastRouter's API reference, changelog): documented rules hold, the rest passes.
	['kling-ai/kling-v1-6', { imageUrl: IMAGE, prompt: 'a fox', length: 10, mode: 'pro' }],
	['kling-ai/kling-v2', { imageUrl: IMAGE, length: 5, resolution: '720p' }],
	['kling-ai/kling-v2-1', { prompt: 'a fox', mode: 'std', length: 5 }],
	['kling-ai/kling-v3', { prompt: 'a fox' }],
	['minimax/minimax-hailuo-02', { imageUrl: IMAGE, resolution: '768P', length: 6 }],
	['google/veo2', { prompt: 'a fox', aspectRatio: '16:9' }],
	['google/veo3.1-fast', { prompt: 'a fox', length: 8, generateAudio: true }],
	['google/veo3.1-lite', { prompt: 'a fox' }],
	['wanx/wan-v2-6', { prompt: 'a fox', resolution: '1080p' }],
	['x-ai/grok-imagine-video', { prompt: 'a fox' }],
	['bytedance/seedance-1-5-pro', { imageUrl: IMAGE, prompt: 'a fox', length: 12 }],
];

function expressionParameters(operation = 'create'): IDataObject {
	const fields = [
		'prompt',
		'imageUrl',
		'length',
		'seconds',
		'resolution',
		'aspectRatio',
		'size',
		'mode',
		'seed',
		'generateAudio',
	];
	return {
		operation,
		model: '={{ $json.model }}',
		...Object.fromEntries(fields.map((field) => [field, `={{ $json.${field} }}`])),
	};
}

describe('validation before any spend', () => {
	it('accepts a valid combination for every catalog model and mode (model fixed in the editor)', async () => {
		expect(new Set(VALID.map(([model]) => model))).toEqual(new Set(MODELS.map((m) => m.id)));
		for (const [model, fields] of VALID) {
			const result = await runVideoNode(sim, { operation: 'create', model, ...fields });
			expect({ model, error: result.error?.message }).toEqual({ model, error: undefined });
			expect(result.items[0].json.status).toBe('queued');
		}
		expect(sim.counters.creates).toBe(VALID.length);
	});

	it('accepts the same combinations with every field from an expression', async () => {
		const result = await runVideoNode(
			sim,
			expressionParameters(),
			VALID.map(([model, fields]) => ({ model, ...fields })),
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.model)).toEqual(VALID.map(([model]) => model));
		expect(sim.counters.creates).toBe(VALID.length);
	});

	it('sends the fields under the API names, seconds as a string like FastRouter’s example', async () => {
		await runVideoNode(sim, {
			operation: 'create',
			model: 'openai/sora-2-pro',
			prompt: 'p',
			seconds: 12,
			size: '720x1280',
		});
		await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			imageUrl: IMAGE,
			generateAudio: true,
		});
		const bodies = [...sim.tasks.values()].map((task) => task.body);
		expect(bodies).toEqual([
			{ model: 'openai/sora-2-pro', prompt: 'p', seconds: '12', size: '720x1280' },
			{ model: 'google/veo3', image: IMAGE, generateAudio: true },
		]);
	});

	const REFUSED: Array<[string, IDataObject, RegExp]> = [
		[
			'a value the model does not offer',
			{ model: 'google/veo3', prompt: 'p', length: 5 },
			/"length" 5 is not available for google\/veo3.*8 is the only value/,
		],
		[
			'a resolution outside the model’s list',
			{ model: 'bytedance/seedance-pro', prompt: 'p', resolution: '720p' },
			/"resolution" 720p is not available for bytedance\/seedance-pro.*allowed: 480p, 1080p/,
		],
		[
			'a missing required field',
			{ model: 'bytedance/seedance', prompt: 'p' },
			/"resolution" is required for bytedance\/seedance.*allowed: 480p, 720p, 1080p/,
		],
		[
			'a field the model does not take',
			{ model: 'openai/sora-2-pro', prompt: 'p', length: 8 },
			/"length" is not taken by openai\/sora-2-pro/,
		],
		[
			'an image for a text-only model',
			{ model: 'pollo/pollo-v1-6', prompt: 'p', resolution: '480p', imageUrl: IMAGE },
			/"imageUrl" is not taken by pollo\/pollo-v1-6.*text-to-video only/,
		],
		[
			'no image for an image-only model',
			{ model: 'runway/runway-gen-4-turbo', prompt: 'p' },
			/"imageUrl" is required for runway\/runway-gen-4-turbo/,
		],
		[
			'a data: URL',
			{ model: 'google/veo3', imageUrl: 'data:image/png;base64,iVBORw0KGgo=' },
			/"imageUrl" data:image\/png;base64,iVBORw0KGgo= is not an http\(s\) URL/,
		],
		[
			'raw base64 as image',
			{ model: 'kling/kling-v2', imageUrl: 'iVBORw0KGgoAAAANSUhEUgAA' },
			/"imageUrl" iVBORw0KGgoAAAANSUhEUgAA is not an http\(s\) URL/,
		],
		['nothing to generate from', { model: 'google/veo3' }, /"prompt" is required for google\/veo3/],
		[
			'nothing to generate from, unknown model',
			{ model: 'kling/kling-v2', resolution: '720p' },
			/"prompt" or "imageUrl" must be set/,
		],
		[
			'a model id that is not provider/model',
			{ model: 'veo3', prompt: 'p' },
			/"model" veo3 is not a FastRouter model ID/,
		],
		[
			'a number field that is not a number',
			{ model: 'google/veo3', prompt: 'p', seed: 'abc' },
			/"seed" abc is not valid: expected a whole number/,
		],
		[
			'an upper-case id, checked as the catalog model',
			{ model: 'GOOGLE/VEO3', prompt: 'p', length: 5 },
			/"length" 5 is not available for google\/veo3.*8 is the only value/,
		],
		[
			'a documented value list of a model known in part',
			{ model: 'kling-ai/kling-v1-6', imageUrl: IMAGE, length: 7 },
			/"length" 7 is not available for kling-ai\/kling-v1-6 \(image-to-video\).*allowed: 5, 10/,
		],
		[
			'a documented required field of a model known in part',
			{ model: 'minimax/minimax-hailuo-02', imageUrl: IMAGE },
			/"resolution" is required for minimax\/minimax-hailuo-02 \(image-to-video\)/,
		],
		[
			'a wrong type for an undocumented field of a model known in part',
			{ model: 'google/veo2', prompt: 'p', seed: 'x' },
			/"seed" x is not valid: expected a whole number/,
		],
	];

	it.each(REFUSED)(
		'refuses %s, naming item, field, value and what is allowed; nothing is created',
		async (_name, row, message) => {
			const result = await runVideoNode(sim, expressionParameters(), [row]);
			expect(result.error?.message).toMatch(/^Item 1: /);
			expect(result.error?.message).toMatch(message);
			expect(sim.counters.createRequests).toBe(0);
		},
	);

	it('matches model ids whatever their case and spaces, and sends the catalog spelling', async () => {
		const result = await runVideoNode(sim, expressionParameters(), [
			{ model: '  GOOGLE/VEO3 ', prompt: 'upper' },
			{ model: 'Kling-AI/Kling-V1-6', prompt: 'mixed', imageUrl: IMAGE, mode: 'std' },
			{ model: ' Someone/New-Model ', prompt: 'unknown' },
		]);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.model)).toEqual([
			'google/veo3',
			'kling-ai/kling-v1-6',
			'Someone/New-Model',
		]);
		expect([...sim.tasks.values()].map((task) => task.body.model)).toEqual([
			'google/veo3',
			'kling-ai/kling-v1-6',
			'Someone/New-Model',
		]);
	});

	it('treats empty expression results as not set', async () => {
		const result = await runVideoNode(sim, expressionParameters(), [
			{
				model: 'google/veo3',
				prompt: 'p',
				length: '',
				resolution: null,
				imageUrl: '  ',
				aspectRatio: undefined,
			},
		]);
		expect(result.error).toBeUndefined();
		expect([...sim.tasks.values()][0].body).toEqual({ model: 'google/veo3', prompt: 'p' });
	});

	it('passes a model outside the catalog through, fields as given', async () => {
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'custom',
			customModel: 'kling/kling-v2-1',
			prompt: 'p',
			mode: 'pro',
			length: 6,
			resolution: '540p',
		});
		expect(result.error).toBeUndefined();
		expect([...sim.tasks.values()][0].body).toEqual({
			model: 'kling/kling-v2-1',
			prompt: 'p',
			mode: 'pro',
			length: 6,
			resolution: '540p',
		});
	});

	it('one bad row in a batch, without Continue On Fail: the node fails on that item and creates nothing', async () => {
		const rows = [
			{ model: 'google/veo3', prompt: 'ok 1' },
			{ model: 'google/veo3', prompt: 'ok 2' },
			{ model: 'bytedance/seedance-pro', prompt: 'bad', resolution: '720p' },
			{ model: 'google/veo3', prompt: 'ok 4' },
		];
		const result = await runVideoNode(sim, expressionParameters(), rows);
		expect(result.error?.message).toMatch(
			/^Item 3: "resolution" 720p is not available for bytedance\/seedance-pro/,
		);
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('with Continue On Fail, bad rows become error items and the good ones are created', async () => {
		const rows = [
			{ model: 'google/veo3', prompt: 'ok 1' },
			{ model: 'google/veo3', prompt: 'bad', length: 10 },
			{ model: 'google/veo3', prompt: 'ok 3' },
		];
		const result = await runVideoNode(sim, expressionParameters(), rows, { continueOnFail: true });
		expect(result.items).toHaveLength(3);
		expect(result.items[1].json.error).toMatch(/^Item 2: "length" 10 is not available/);
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.items[0].json.taskId).toEqual(expect.any(String));
		expect(sim.counters.createsByPrompt).toEqual({ 'ok 1': 1, 'ok 3': 1 });
	});
});

// This file never switches n8n's binary data mode: it stays "default", which keeps binaries inline,
// in memory (n8n 1.x's default too), and n8n cannot sign a link to such a binary.
describe('image from a binary field, binaries kept in memory', () => {
	it('is refused before any create, saying which binary data mode to set', async () => {
		const result = await runVideoNode(
			sim,
			{
				operation: 'createAndWait',
				model: 'google/veo3',
				imageSource: 'binary',
				imageBinaryPropertyName: 'data',
				prompt: 'p',
			},
			[{}],
			{ binaries: [{ data: { data: png(96, 54), fileName: 'frame.png', mimeType: 'image/png' } }] },
		);
		expect(result.error?.message).toBe(
			'Item 1: "imageSource" binary: this n8n keeps binary data in memory, and n8n signs links only to stored binary data. Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database, s3), or choose Image Source "URL" and give a public image URL',
		);
		expect(sim.counters.createRequests).toBe(0);
	});
});
