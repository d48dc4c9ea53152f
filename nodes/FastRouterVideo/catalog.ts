/**
 * Everything this package knows about FastRouter's video models, as data. The editor's fields
 * (fields.ts), the validation (validation.ts) and the README's model table come from this table;
 * nothing else in the package mentions a model id. Adding a model is one entry below.
 *
 * Source: FastRouter's video API document (shared/fastrouter-video-api.seed.txt), its two tables.
 */

/** The request fields a model may take, under the node's parameter names. */
export const VIDEO_FIELDS = [
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
] as const;

export type VideoField = (typeof VIDEO_FIELDS)[number];

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
}

const REQUIRED = { required: true } as const;
const OPTIONAL = {} as const;

// Veo 3 and Veo 3 Fast take the same fields in both modes; the seed's table lists
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
];

const MODELS_BY_ID = new Map(MODELS.map((model) => [model.id, model]));

export function findModel(id: string): ModelSpec | undefined {
	return MODELS_BY_ID.get(id);
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
	return { required: rules.length === modeCount(model) && rules.every((rule) => rule.required), values };
}

function modeCount(model: ModelSpec): number {
	return Number(model.textToVideo !== undefined) + Number(model.imageToVideo !== undefined);
}
