import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { VIDEO_FIELDS } from '../../nodes/FastRouterVideo/catalog';
import { FastRouterVideo } from '../../nodes/FastRouterVideo/FastRouterVideo.node';

/**
 * What the editor shows, computed the way n8n computes it (NodeHelpers over the node
 * description), compared with the provider's document — written out here by hand, not derived
 * from the catalog, so a catalog mistake fails the test.
 */
const description = new FastRouterVideo().description;
const node: INode = {
	id: '1',
	name: 'FastRouter Video',
	type: description.name,
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function displayed(values: INodeParameters): INodeProperties[] {
	const resolved =
		NodeHelpers.getNodeParameters(description.properties, values, true, false, node, description) ??
		{};
	return description.properties.filter((property) =>
		NodeHelpers.displayParameterPath(resolved, property, '', node, description),
	);
}

function shownFields(values: INodeParameters): Record<string, Array<string | number> | 'any'> {
	const shown: Record<string, Array<string | number> | 'any'> = {};
	for (const property of displayed(values)) {
		if (!(VIDEO_FIELDS as readonly string[]).includes(property.name)) continue;
		expect(shown[property.name]).toBeUndefined(); // never the same field twice
		shown[property.name] =
			property.type === 'options'
				? (property.options ?? [])
						.map((option) => (option as { value: string | number }).value)
						.filter((v) => v !== '')
				: 'any';
	}
	return shown;
}

// The two tables of FastRouter's video API document, merged per model (image and text).
// Veo 3 and Veo 3 Fast have the same row in both tables.
const VEO = {
	prompt: 'any',
	imageUrl: 'any',
	length: [8],
	resolution: ['720p', '1080p'],
	aspectRatio: ['16:9'],
	seed: 'any',
	generateAudio: 'any',
} as const;
const ALL_FREE = Object.fromEntries(VIDEO_FIELDS.map((field) => [field, 'any' as const]));
const EXPECTED: Record<string, Record<string, ReadonlyArray<string | number> | 'any'>> = {
	'google/veo3': VEO,
	'google/veo3-fast': VEO,
	'openai/sora-2-pro': {
		prompt: 'any',
		seconds: [4, 8, 12],
		size: ['720x1280', '1280x720', '1024x1792', '1792x1024'],
	},
	'runway/runway-gen-3-turbo': {
		prompt: 'any',
		imageUrl: 'any',
		length: [5, 10],
		aspectRatio: ['5:3', '3:5'],
		seed: 'any',
	},
	'runway/runway-gen-4-turbo': {
		prompt: 'any',
		imageUrl: 'any',
		length: [5, 10],
		aspectRatio: ['16:9'],
		seed: 'any',
	},
	'bytedance/seedance': {
		prompt: 'any',
		imageUrl: 'any',
		resolution: ['480p', '720p', '1080p'],
		length: [5, 10],
		seed: 'any',
	},
	'bytedance/seedance-pro': {
		prompt: 'any',
		imageUrl: 'any',
		resolution: ['480p', '1080p'],
		length: [5, 10],
		seed: 'any',
	},
	'pollo/pollo-v1-6': {
		prompt: 'any',
		resolution: ['480p', '720p', '1080p'],
		length: [5, 10],
		aspectRatio: ['16:9', '9:16', '4:3', '3:4', '1:1'],
		seed: 'any',
	},
	// FastRouter's API reference and changelog, known only in part: the documented values are
	// offered as lists, every other field is free (it is passed through).
	'kling-ai/kling-v1-6': { ...ALL_FREE, length: [5, 10], mode: ['std', 'pro'] },
	'kling-ai/kling-v2': { ...ALL_FREE, length: [5, 10] },
	'kling-ai/kling-v2-1': ALL_FREE,
	'kling-ai/kling-v3': ALL_FREE,
	'minimax/minimax-hailuo-02': { ...ALL_FREE, length: [6, 10] },
	'google/veo2': ALL_FREE,
	'google/veo3.1-fast': ALL_FREE,
	'google/veo3.1-lite': ALL_FREE,
	'wanx/wan-v2-6': ALL_FREE,
	'x-ai/grok-imagine-video': ALL_FREE,
	'bytedance/seedance-1-5-pro': ALL_FREE,
};

describe('fields the editor shows', () => {
	const modelOptions = (description.properties.find((p) => p.name === 'model')?.options ?? []).map(
		(option) => (option as { value: string }).value,
	);

	it('offers every model of the provider document, plus Other', () => {
		expect(modelOptions.sort()).toEqual([...Object.keys(EXPECTED), 'custom'].sort());
	});

	for (const operation of ['create', 'createAndWait']) {
		it.each(Object.entries(EXPECTED))(
			`${operation}: %s shows exactly its fields and values`,
			(model, fields) => {
				expect(shownFields({ operation, model })).toEqual(fields);
			},
		);
	}

	it('marks a field required where the model requires it in every mode', () => {
		const resolution = displayed({ operation: 'create', model: 'bytedance/seedance-pro' }).find(
			(p) => p.name === 'resolution',
		);
		expect(resolution?.required).toBe(true);
		const veoResolution = displayed({ operation: 'create', model: 'google/veo3' }).find(
			(p) => p.name === 'resolution',
		);
		expect(veoResolution?.required).toBeFalsy();
		expect(veoResolution?.default).toBe('');
		// Required only in its documented mode (image-to-video); the other mode is not documented.
		const hailuo = displayed({ operation: 'create', model: 'minimax/minimax-hailuo-02' });
		expect(hailuo.find((p) => p.name === 'resolution')?.required).toBeFalsy();
		expect(hailuo.find((p) => p.name === 'imageUrl')?.required).toBeFalsy();
	});

	it('with the model from an expression, shows every field once, free-form', () => {
		const shown = shownFields({ operation: 'createAndWait', model: '={{ $json.model }}' });
		expect(Object.keys(shown).sort()).toEqual([...VIDEO_FIELDS].sort());
		expect(Object.values(shown).every((values) => values === 'any')).toBe(true);
	});

	it('with "Other (Enter ID)", shows the ID field and every video field once', () => {
		const names = displayed({ operation: 'create', model: 'custom' }).map((p) => p.name);
		expect(names).toContain('customModel');
		expect(Object.keys(shownFields({ operation: 'create', model: 'custom' })).sort()).toEqual(
			[...VIDEO_FIELDS].sort(),
		);
	});

	it('Get Status shows the task and model, and no generation fields', () => {
		const names = displayed({ operation: 'getStatus', model: 'google/veo3' }).map((p) => p.name);
		expect(names).toEqual(
			expect.arrayContaining(['taskId', 'model', 'download', 'binaryPropertyName']),
		);
		expect(names.filter((name) => (VIDEO_FIELDS as readonly string[]).includes(name))).toEqual([]);
	});

	it('keeps each operation’s fields to it when the values they depend on are expressions', () => {
		const expressions = {
			model: '={{ $json.model }}',
			imageSource: '={{ $json.source }}',
			download: '={{ true }}',
		};
		const getStatus = displayed({ operation: 'getStatus', ...expressions }).map((p) => p.name);
		expect(
			getStatus.filter((name) =>
				[...VIDEO_FIELDS, 'imageSource', 'imageBinaryPropertyName'].includes(name),
			),
		).toEqual([]);
		const create = displayed({ operation: 'create', ...expressions }).map((p) => p.name);
		expect(create).toContain('imageBinaryPropertyName');
		expect(create).not.toContain('binaryPropertyName');
	});

	it.each(Object.entries(EXPECTED))(
		'%s: Image Source, and its binary field, only when the model takes an image',
		(model, fields) => {
			const takesImage = 'imageUrl' in fields;
			for (const operation of ['create', 'createAndWait']) {
				const names = displayed({ operation, model, imageSource: 'binary' }).map((p) => p.name);
				expect({ operation, imageSource: names.includes('imageSource') }).toEqual({
					operation,
					imageSource: takesImage,
				});
				expect({ operation, binaryField: names.includes('imageBinaryPropertyName') }).toEqual({
					operation,
					binaryField: takesImage,
				});
			}
		},
	);

	it('Create and Wait has the waiting options with their documented defaults', () => {
		const options = displayed({ operation: 'createAndWait', model: 'google/veo3' }).find(
			(p) => p.name === 'options',
		);
		const byName = Object.fromEntries(
			(options?.options ?? []).map((option) => [
				(option as INodeProperties).name,
				(option as INodeProperties).default,
			]),
		);
		expect(byName).toMatchObject({ pollInterval: 5, maxWait: 900, onTimeout: 'error' });
		expect(byName.maxConcurrent).toBeGreaterThanOrEqual(100);
	});
});

describe('cost notices', () => {
	function notices(values: INodeParameters): string[] {
		return displayed(values)
			.filter((property) => property.type === 'notice')
			.map((property) => property.displayName);
	}

	it('a dearer length, duration or resolution shows what it costs against the cheapest choice', () => {
		const base = { operation: 'createAndWait' };
		expect(
			notices({ ...base, model: 'bytedance/seedance', resolution: '480p', length: 5 }),
		).toEqual([]);
		expect(
			notices({ ...base, model: 'bytedance/seedance', resolution: '480p', length: 10 }),
		).toEqual(['10 seconds costs more credits than 5 seconds']);
		expect(
			notices({ ...base, model: 'bytedance/seedance', resolution: '1080p', length: 10 }),
		).toEqual([
			'10 seconds costs more credits than 5 seconds',
			'1080p costs more credits than 480p',
		]);
		expect(notices({ ...base, model: 'google/veo3', resolution: '1080p' })).toEqual([
			'1080p costs more credits than 720p',
		]);
		expect(notices({ ...base, model: 'openai/sora-2-pro', seconds: 12 })).toEqual([
			'12 seconds costs more credits than 4 seconds',
		]);
	});

	it('stays away when the model or the value is an expression, and from Get Status', () => {
		expect(
			notices({
				operation: 'createAndWait',
				model: '={{ $json.model }}',
				resolution: '1080p',
				length: 10,
			}),
		).toEqual([]);
		expect(notices({ operation: 'getStatus', model: 'google/veo3', resolution: '1080p' })).toEqual(
			[],
		);
	});
});
