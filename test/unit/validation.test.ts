import {
	INPUT_MODE_LABEL,
	type InputMode,
	MODELS,
	type ModelSpec,
	type ModeRules,
	VIDEO_FIELDS,
	type VideoField,
} from '../../nodes/FastRouterVideo/catalog';
import {
	checkCreateRequest,
	type RawFields,
} from '../../nodes/FastRouterVideo/validation/modelRules';

// An item's fields checked against the catalog, without n8n: every rule of every catalog model
// (each required field, each value list, each field a model does not take) gives its problem text.

const IMAGE = 'https://images.example.com/frame.png';

/** A value of each field's type that no value list of the catalog holds. */
const UNLISTED: Record<VideoField, string | number | boolean> = {
	prompt: 'a fox',
	negativePrompt: 'blurry',
	imageUrl: IMAGE,
	length: 7,
	seconds: 7,
	resolution: '333p',
	aspectRatio: '7:3',
	size: '1x1',
	mode: 'turbo',
	seed: 7,
	generateAudio: true,
};

const MODES: InputMode[] = ['textToVideo', 'imageToVideo'];

/** Every model and mode that has rules, with the smallest item it accepts: its required fields. */
const RULED = MODELS.flatMap((model) =>
	MODES.flatMap((mode) => {
		const rules = model[mode];
		if (!rules) return [];
		const minimal: RawFields = Object.fromEntries(
			Object.entries(rules)
				.filter(([, rule]) => rule?.required)
				.map(([field, rule]) => [field, rule?.values?.[0] ?? UNLISTED[field as VideoField]]),
		);
		return [{ model, mode, rules, minimal, where: `${model.id} (${INPUT_MODE_LABEL[mode]})` }];
	}),
);

function problems(model: string, raw: RawFields): string[] {
	const checked = checkCreateRequest(model, raw);
	return checked.ok ? [] : checked.problems;
}

function fieldsOf(rules: ModeRules): VideoField[] {
	return Object.keys(rules) as VideoField[];
}

describe('every catalog model, in every mode it has rules for', () => {
	it('the rules cover every fully known model in at least one mode', () => {
		const ruled = new Set(RULED.map(({ model }) => model.id));
		expect(MODELS.filter((model) => !model.knownInPart && !ruled.has(model.id))).toEqual([]);
	});

	describe.each(RULED.map((entry) => [entry.where, entry] as const))(
		'%s',
		(_where, { model, mode, rules, minimal, where }) => {
			it('accepts its required fields alone, sent under the catalog id', () => {
				const checked = checkCreateRequest(model.id, minimal);
				expect(checked).toMatchObject({
					ok: true,
					value: { model: model.id, body: { model: model.id } },
				});
				if (checked.ok) expect('image' in checked.value.body).toBe(mode === 'imageToVideo');
			});

			it('accepts every listed value of every field, and any value of the free ones', () => {
				for (const field of fieldsOf(rules)) {
					for (const value of rules[field]?.values ?? [UNLISTED[field]]) {
						expect({
							field,
							value,
							problems: problems(model.id, { ...minimal, [field]: value }),
						}).toEqual({ field, value, problems: [] });
					}
				}
			});

			it('refuses a value outside each list, saying what is allowed', () => {
				for (const field of fieldsOf(rules).filter((name) => rules[name]?.values)) {
					const values = rules[field]?.values ?? [];
					const allowed =
						values.length === 1
							? `${values[0]} is the only value`
							: `allowed: ${values.join(', ')}`;
					expect(problems(model.id, { ...minimal, [field]: UNLISTED[field] })).toEqual([
						`"${field}" ${UNLISTED[field]} is not available for ${where} (${allowed})`,
					]);
				}
			});

			it('names each missing required field', () => {
				// Without imageUrl an item is text-to-video: that is the mode switch, tested below.
				for (const field of fieldsOf(rules).filter(
					(name) => rules[name]?.required && name !== 'imageUrl',
				)) {
					const values = rules[field]?.values;
					const rest = { ...minimal };
					delete rest[field];
					expect(problems(model.id, rest)).toEqual([
						`"${field}" is required for ${where}${values ? ` (allowed: ${values.join(', ')})` : ''}`,
					]);
				}
			});

			it(
				model.knownInPart
					? 'passes an undocumented field through'
					: 'refuses a field it does not take, listing those it does',
				() => {
					for (const field of VIDEO_FIELDS.filter((name) => name !== 'imageUrl' && !rules[name])) {
						expect(problems(model.id, { ...minimal, [field]: UNLISTED[field] })).toEqual(
							model.knownInPart
								? []
								: [`"${field}" is not taken by ${where} (it takes: ${fieldsOf(rules).join(', ')})`],
						);
					}
				},
			);
		},
	);

	const fullyKnown = (mode: InputMode) =>
		MODELS.filter((model: ModelSpec) => !model.knownInPart && !model[mode]);

	it.each(fullyKnown('imageToVideo').map((model) => model.id))(
		'%s, text-to-video only, refuses an image',
		(id) => {
			expect(problems(id, { prompt: 'a fox', imageUrl: IMAGE })).toEqual([
				`"imageUrl" is not taken by ${id}: it is text-to-video only (leave Image URL empty)`,
			]);
		},
	);

	it.each(fullyKnown('textToVideo').map((model) => model.id))(
		'%s, image-to-video only, requires an image',
		(id) => {
			expect(problems(id, { prompt: 'a fox' })).toEqual([
				`"imageUrl" is required for ${id}: it is image-to-video only`,
			]);
		},
	);

	it.each(MODELS.filter((model) => model.knownInPart).map((model) => model.id))(
		'%s, known in part, takes any field in a mode without rules, checked only for its type',
		(id) => {
			const model = MODELS.find((candidate) => candidate.id === id);
			const mode: InputMode = model?.textToVideo ? 'imageToVideo' : 'textToVideo';
			const item: RawFields = {
				...UNLISTED,
				imageUrl: mode === 'imageToVideo' ? IMAGE : undefined,
			};
			expect(problems(id, item)).toEqual([]);
			expect(problems(id, { ...item, seed: 'x' })).toEqual([
				'"seed" x is not valid: expected a whole number',
			]);
		},
	);
});

describe('the request body', () => {
	it('uses the API’s names: imageUrl is sent as image, Sora’s seconds as a string', () => {
		expect(
			checkCreateRequest('openai/sora-2-pro', { prompt: 'p', seconds: 12, size: '720x1280' }),
		).toEqual({
			ok: true,
			value: {
				model: 'openai/sora-2-pro',
				body: { model: 'openai/sora-2-pro', prompt: 'p', seconds: '12', size: '720x1280' },
			},
		});
		expect(
			checkCreateRequest('google/veo3', { imageUrl: IMAGE, generateAudio: true }),
		).toMatchObject({
			value: { body: { model: 'google/veo3', image: IMAGE, generateAudio: true } },
		});
	});

	it('drops what means "not set": empty, blank, null, 0 in a number, false for a boolean the model lacks', () => {
		const checked = checkCreateRequest('google/veo3', {
			prompt: 'p',
			length: '',
			resolution: null,
			imageUrl: '  ',
			aspectRatio: undefined,
			seed: 0,
		});
		expect(checked).toEqual({
			ok: true,
			value: { model: 'google/veo3', body: { model: 'google/veo3', prompt: 'p' } },
		});
		expect(
			checkCreateRequest('openai/sora-2-pro', { prompt: 'p', generateAudio: false }),
		).toMatchObject({ ok: true });
		expect(problems('openai/sora-2-pro', { prompt: 'p', generateAudio: true })).toEqual([
			'"generateAudio" is not taken by openai/sora-2-pro (text-to-video) (it takes: prompt, seconds, size)',
		]);
	});

	it('reads numbers and booleans from a spreadsheet’s text, and keeps a prompt’s own spaces', () => {
		expect(
			checkCreateRequest('google/veo3', {
				prompt: ' a fox ',
				length: '8',
				seed: ' 42 ',
				generateAudio: 'false',
			}),
		).toEqual({
			ok: true,
			value: {
				model: 'google/veo3',
				body: {
					model: 'google/veo3',
					prompt: ' a fox ',
					length: 8,
					seed: 42,
					generateAudio: false,
				},
			},
		});
	});

	it('matches a catalog id whatever its case and spaces, and sends any other id as given, trimmed', () => {
		expect(checkCreateRequest('  GOOGLE/VEO3 ', { prompt: 'p' })).toMatchObject({
			value: { model: 'google/veo3' },
		});
		expect(
			checkCreateRequest(' Someone/New-Model ', { prompt: 'p', mode: 'x', length: 6 }),
		).toEqual({
			ok: true,
			value: {
				model: 'Someone/New-Model',
				body: { model: 'Someone/New-Model', prompt: 'p', mode: 'x', length: 6 },
			},
		});
	});
});

describe('problems any model can have', () => {
	it('a model id that is not provider/model', () => {
		expect(problems('veo3', { prompt: 'p' })).toEqual([
			'"model" veo3 is not a FastRouter model ID (expected provider/model, e.g. google/veo3)',
		]);
		expect(problems('Google Veo 3', { prompt: 'p' })).toHaveLength(1);
	});

	it('nothing to generate from, for a model outside the catalog', () => {
		expect(problems('kling/kling-v2', { resolution: '720p' })).toEqual([
			'"prompt" or "imageUrl" must be set: there is nothing to generate a video from',
		]);
	});

	it('an image that is not an http(s) link, quoted (a long one shortened)', () => {
		const refused = '(FastRouter takes a link to a JPG or PNG; base64 and data: URLs are refused)';
		expect(problems('google/veo3', { imageUrl: 'data:image/png;base64,iVBORw0KGgo=' })).toEqual([
			`"imageUrl" data:image/png;base64,iVBORw0KGgo= is not an http(s) URL ${refused}`,
		]);
		const long = `iVBOR${'A'.repeat(100)}`;
		expect(problems('kling/kling-v2', { imageUrl: long })).toEqual([
			`"imageUrl" ${long.slice(0, 57)}... is not an http(s) URL ${refused}`,
		]);
	});

	it('every problem of an item at once', () => {
		expect(
			problems('bytedance/seedance-pro', {
				prompt: 'p',
				resolution: '720p',
				length: 7,
				size: '1x1',
			}),
		).toEqual([
			'"resolution" 720p is not available for bytedance/seedance-pro (text-to-video) (allowed: 480p, 1080p)',
			'"length" 7 is not available for bytedance/seedance-pro (text-to-video) (allowed: 5, 10)',
			'"size" is not taken by bytedance/seedance-pro (text-to-video) (it takes: prompt, resolution, length, seed)',
		]);
	});
});
