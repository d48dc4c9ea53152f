/**
 * Everything this package knows about FastRouter's video models, as data, and how each field is
 * sent (FIELD_WIRE). The editor's fields (descriptions/), the validation and the request body
 * (validation/modelRules.ts) and the README's model table come from this file; nothing else in the
 * package mentions a model id. Adding a model is one entry in MODELS.
 *
 * Sources: FastRouter's video API document (its two tables: the first eight models, known in full)
 * and FastRouter's current API reference, changelog and guides (the later models, mostly known only
 * in part: see `knownInPart`).
 */

/** The request fields a model may take, under the node's parameter names. */
export const VIDEO_FIELDS = [
	'prompt',
	'negativePrompt',
	'imageUrl',
	'length',
	'seconds',
	'resolution',
	'aspectRatio',
	'size',
	'mode',
	'seed',
	'generateAudio',
] as const;

export type VideoField = (typeof VIDEO_FIELDS)[number];

/** How one field travels in the create request. */
export interface FieldWire {
	/** The API's name for the field. */
	apiName: string;
	/** The type its value must have: validation checks it, the editor offers a field of it. */
	type: 'string' | 'number' | 'boolean';
	/** Checked as a number, sent as a string: how FastRouter's own Sora example sends `seconds`. */
	sendAsString?: true;
	/**
	 * The link to the input image: checked as an http(s) URL; set, it makes the request
	 * image-to-video; an image from a binary field fills it with a signed link.
	 */
	inputImage?: true;
	/** Sent exactly as written, spaces included (a prompt); other text is trimmed. */
	keepsWhitespace?: true;
	/**
	 * What the video shows rather than how much of it there is: FastRouter bills by the model and
	 * the video's duration and resolution, so a create's price does not depend on it (Max Credits).
	 */
	content?: true;
}

export const FIELD_WIRE: Record<VideoField, FieldWire> = {
	prompt: { apiName: 'prompt', type: 'string', keepsWhitespace: true, content: true },
	// FastRouter forwards it (its caching guide hashes it) to the models that read it; no model's
	// table documents it, so only models whose fields pass through are offered it.
	negativePrompt: {
		apiName: 'negative_prompt',
		type: 'string',
		keepsWhitespace: true,
		content: true,
	},
	imageUrl: { apiName: 'image', type: 'string', inputImage: true, content: true },
	length: { apiName: 'length', type: 'number' },
	seconds: { apiName: 'seconds', type: 'number', sendAsString: true },
	resolution: { apiName: 'resolution', type: 'string' },
	aspectRatio: { apiName: 'aspectRatio', type: 'string' },
	size: { apiName: 'size', type: 'string' },
	mode: { apiName: 'mode', type: 'string' },
	seed: { apiName: 'seed', type: 'number', content: true },
	generateAudio: { apiName: 'generateAudio', type: 'boolean' },
};

/** The field that carries the input image (FIELD_WIRE's `inputImage`). */
export const INPUT_IMAGE_FIELD = VIDEO_FIELDS.find(
	(field) => FIELD_WIRE[field].inputImage,
) as VideoField;

export type FieldValue = string | number;

export interface FieldRule {
	required?: boolean;
	/**
	 * The only values the model accepts, cheapest first (the editor notes dearer choices of
	 * length, seconds and resolution); absent = any value of the field's type.
	 */
	values?: readonly FieldValue[];
}

/** What a model takes in one input mode: text-to-video (no image) or image-to-video. */
export type ModeRules = Partial<Record<VideoField, FieldRule>>;

export interface ModelSpec {
	id: string;
	displayName: string;
	textToVideo?: ModeRules;
	imageToVideo?: ModeRules;
	/** Extra words for the editor and for AI agents choosing a model. */
	note?: string;
	/**
	 * FastRouter documents this model's fields only in part. Its listed rules are checked; any
	 * other field, and a mode (text/image-to-video) without rules, passes through as the user
	 * gives it — refusing what the docs do not mention would be a guess. The one place this is said.
	 */
	knownInPart?: true;
}

const REQUIRED = { required: true } as const;
const OPTIONAL = {} as const;

// Veo 3 and Veo 3 Fast take the same fields in both modes; FastRouter's video API document lists
// `generateAudio (false)` yet its own example sends true, so it is a free boolean.
const VEO_FIELDS: ModeRules = {
	length: { values: [8] },
	resolution: { values: ['720p', '1080p'] },
	aspectRatio: { values: ['16:9'] },
	seed: OPTIONAL,
	generateAudio: OPTIONAL,
};

const SEEDANCE_LITE_FIELDS: ModeRules = {
	resolution: { required: true, values: ['480p', '720p', '1080p'] },
	length: { values: [5, 10] },
	seed: OPTIONAL,
};

const SEEDANCE_PRO_FIELDS: ModeRules = {
	resolution: { required: true, values: ['480p', '1080p'] },
	length: { values: [5, 10] },
	seed: OPTIONAL,
};

export const MODELS: readonly ModelSpec[] = [
	{
		id: 'google/veo3',
		displayName: 'Google Veo 3',
		textToVideo: { prompt: REQUIRED, ...VEO_FIELDS },
		imageToVideo: { imageUrl: REQUIRED, prompt: OPTIONAL, ...VEO_FIELDS },
		note: '8-second clips, optional generated audio',
	},
	{
		id: 'google/veo3-fast',
		displayName: 'Google Veo 3 Fast',
		textToVideo: { prompt: REQUIRED, ...VEO_FIELDS },
		imageToVideo: { imageUrl: REQUIRED, prompt: OPTIONAL, ...VEO_FIELDS },
		note: 'faster, cheaper Veo 3; 8-second clips',
	},
	{
		id: 'openai/sora-2-pro',
		displayName: 'OpenAI Sora 2 Pro',
		textToVideo: {
			prompt: REQUIRED,
			seconds: { values: [4, 8, 12] },
			size: { values: ['720x1280', '1280x720', '1024x1792', '1792x1024'] },
		},
		note: 'text-to-video only; duration in `seconds`, frame in `size`',
	},
	{
		id: 'runway/runway-gen-3-turbo',
		displayName: 'Runway Gen-3 Turbo',
		imageToVideo: {
			imageUrl: REQUIRED,
			prompt: OPTIONAL,
			length: { values: [5, 10] },
			aspectRatio: { values: ['5:3', '3:5'] },
			seed: OPTIONAL,
		},
		note: 'image-to-video only',
	},
	{
		id: 'runway/runway-gen-4-turbo',
		displayName: 'Runway Gen-4 Turbo',
		imageToVideo: {
			imageUrl: REQUIRED,
			prompt: OPTIONAL,
			length: { values: [5, 10] },
			aspectRatio: { values: ['16:9'] },
			seed: OPTIONAL,
		},
		note: 'image-to-video only',
	},
	{
		id: 'bytedance/seedance',
		displayName: 'ByteDance Seedance 1.0 Lite',
		textToVideo: { prompt: REQUIRED, ...SEEDANCE_LITE_FIELDS },
		imageToVideo: { imageUrl: REQUIRED, prompt: OPTIONAL, ...SEEDANCE_LITE_FIELDS },
		note: 'resolution is required',
	},
	{
		id: 'bytedance/seedance-pro',
		displayName: 'ByteDance Seedance 1.0 Pro',
		textToVideo: { prompt: REQUIRED, ...SEEDANCE_PRO_FIELDS },
		imageToVideo: { imageUrl: REQUIRED, prompt: OPTIONAL, ...SEEDANCE_PRO_FIELDS },
		note: 'resolution is required (480p or 1080p)',
	},
	{
		id: 'pollo/pollo-v1-6',
		displayName: 'Pollo V1.6',
		textToVideo: {
			prompt: REQUIRED,
			resolution: { required: true, values: ['480p', '720p', '1080p'] },
			length: { values: [5, 10] },
			aspectRatio: { values: ['16:9', '9:16', '4:3', '3:4', '1:1'] },
			seed: OPTIONAL,
		},
		note: 'text-to-video only; resolution is required',
	},
	// FastRouter's API reference gives these image-to-video rows (no text-to-video row).
	{
		id: 'kling-ai/kling-v1-6',
		displayName: 'Kling v1.6',
		imageToVideo: {
			imageUrl: REQUIRED,
			prompt: OPTIONAL,
			length: { values: [5, 10] },
			mode: { values: ['std', 'pro'] },
		},
		note: 'image-to-video documented (std or pro mode); other fields are passed through',
		knownInPart: true,
	},
	{
		id: 'kling-ai/kling-v2',
		displayName: 'Kling v2',
		imageToVideo: { imageUrl: REQUIRED, prompt: OPTIONAL, length: { values: [5, 10] } },
		note: 'image-to-video documented; other fields are passed through',
		knownInPart: true,
	},
	{
		id: 'kling-ai/kling-v2-1',
		displayName: 'Kling v2.1',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
	{
		id: 'kling-ai/kling-v3',
		displayName: 'Kling v3',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
	{
		id: 'minimax/minimax-hailuo-02',
		displayName: 'MiniMax Hailuo-02',
		imageToVideo: {
			imageUrl: REQUIRED,
			resolution: REQUIRED,
			prompt: OPTIONAL,
			length: { values: [6, 10] },
		},
		note: 'image-to-video documented (resolution required); other fields are passed through',
		knownInPart: true,
	},
	{
		id: 'google/veo2',
		displayName: 'Google Veo 2',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
	// Named in FastRouter's changelog and guides, without field tables.
	{
		id: 'google/veo3.1-fast',
		displayName: 'Google Veo 3.1 Fast',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
	{
		id: 'google/veo3.1-lite',
		displayName: 'Google Veo 3.1 Lite',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
	{
		id: 'wanx/wan-v2-6',
		displayName: 'Wan 2.6',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
	{
		id: 'x-ai/grok-imagine-video',
		displayName: 'Grok Imagine Video',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
	{
		id: 'bytedance/seedance-1-5-pro',
		displayName: 'ByteDance Seedance 1.5 Pro',
		note: 'fields not documented: passed through as given',
		knownInPart: true,
	},
];

/** Ids as users type them: any case, stray spaces. */
function idKey(id: string): string {
	return id.trim().toLowerCase();
}

const MODELS_BY_ID = new Map(MODELS.map((model) => [idKey(model.id), model]));

/** `GOOGLE/VEO3 ` is google/veo3: the catalog answers whatever the case and surrounding spaces. */
export function findModel(id: string): ModelSpec | undefined {
	return MODELS_BY_ID.get(idKey(id));
}

/** The id to send: the catalog's spelling for a known model, the user's (trimmed) for any other. */
export function canonicalModelId(id: string): string {
	return findModel(id)?.id ?? id.trim();
}

export type InputMode = 'textToVideo' | 'imageToVideo';

export const INPUT_MODE_LABEL: Record<InputMode, string> = {
	textToVideo: 'text-to-video',
	imageToVideo: 'image-to-video',
};

/** The rules of one field across both of a model's modes: what the editor offers for it. */
export function fieldAcrossModes(model: ModelSpec, field: VideoField): FieldRule | undefined {
	const rules = [model.textToVideo?.[field], model.imageToVideo?.[field]].filter(
		(rule): rule is FieldRule => rule !== undefined,
	);
	if (rules.length === 0) return undefined;
	const valueLists = rules.map((rule) => rule.values);
	const values = valueLists.some((list) => list === undefined)
		? undefined
		: [...new Set(valueLists.flatMap((list) => list ?? []))];
	// Shown as required only when every mode needs it (prompt is optional for image-to-video).
	return {
		required: rules.length === modeCount(model) && rules.every((rule) => rule.required),
		values,
	};
}

/**
 * What the editor offers for a field: the catalog's rule, or — for a model known only in part —
 * a free field for anything the docs do not mention, since it passes through.
 */
export function offeredField(model: ModelSpec, field: VideoField): FieldRule | undefined {
	return fieldAcrossModes(model, field) ?? (model.knownInPart ? { required: false } : undefined);
}

/** A model known in part may have an undocumented mode, in which nothing is required. */
function modeCount(model: ModelSpec): number {
	if (model.knownInPart) return 2;
	return Number(model.textToVideo !== undefined) + Number(model.imageToVideo !== undefined);
}
