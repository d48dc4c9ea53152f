import type { INodeProperties, INodePropertyOptions, NodeParameterValueType } from 'n8n-workflow';

import {
	fieldAcrossModes,
	FIELD_WIRE,
	type FieldRule,
	type FieldValue,
	type FieldWire,
	MODELS,
	offeredField,
	VIDEO_FIELDS,
	type VideoField,
} from '../catalog';
import { CUSTOM_MODEL, IMAGE_SOURCE_BINARY } from '../settings/parameterValues';
import { imageSourceProperties } from './imageFields';

/** How the editor shows each field (how it is sent is the catalog's FIELD_WIRE). */
interface FieldText {
	displayName: string;
	description: string;
	/** The option name for one of the field's values, e.g. "5 seconds". */
	label?: (value: FieldValue) => string;
	rows?: number;
	placeholder?: string;
}

const FIELD_TEXT: Record<VideoField, FieldText> = {
	prompt: {
		displayName: 'Prompt',
		description:
			'What the video should show. Required for text-to-video; optional guidance for image-to-video.',
		rows: 4,
	},
	negativePrompt: {
		displayName: 'Negative Prompt',
		description:
			'What the video should not show, sent as negative_prompt. FastRouter passes it to the model unchecked: models that do not read it ignore it.',
		rows: 2,
	},
	imageUrl: {
		displayName: 'Image URL',
		description:
			'Public http(s) URL of a JPG or PNG to animate (image-to-video). Base64 and data: URLs are not accepted by FastRouter; the aspect ratio must be between 1:4 and 4:1.',
		placeholder: 'https://example.com/first-frame.png',
	},
	length: {
		displayName: 'Length (Seconds)',
		description: 'Duration of the video in seconds. Longer videos cost more credits.',
		label: (value) => `${value} seconds`,
	},
	seconds: {
		displayName: 'Seconds',
		description: 'Duration of the video in seconds (Sora). Longer videos cost more credits.',
		label: (value) => `${value} seconds`,
	},
	resolution: {
		displayName: 'Resolution',
		description: 'Output resolution. Higher resolutions cost more credits.',
	},
	aspectRatio: {
		displayName: 'Aspect Ratio',
		description: 'Width-to-height ratio of the frame',
	},
	size: {
		displayName: 'Size',
		description: 'Frame size in pixels, width x height (Sora)',
	},
	mode: {
		displayName: 'Mode',
		description: 'Generation mode, std or pro, for models that have one',
	},
	seed: {
		displayName: 'Seed',
		description: 'Fixed seed for reproducible output; 0 leaves it random (not sent)',
	},
	generateAudio: {
		displayName: 'Generate Audio',
		description: 'Whether the model also generates a soundtrack',
	},
};

const NOT_SET_LABEL = 'Model Default';

/** Matches a parameter that holds an expression: its model is only known per item, at run time. */
const IS_EXPRESSION = { _cnd: { startsWith: '=' } } as const;

const ALL_MODEL_IDS = MODELS.map((model) => model.id);

/**
 * Properties for one video field, one per distinct rule among the catalog's models, plus a
 * free-form one for "Other" models and expressions.
 *
 * n8n shows a `show`-gated parameter whenever the gating value is an expression, so the per-model
 * variants are gated with `hide` instead (hidden for every other model and for expressions):
 * with an expression exactly one variant — the free-form one — remains.
 */
function fieldProperties(field: VideoField): INodeProperties[] {
	const definition = FIELD_TEXT[field];
	const groups = new Map<string, { rule: FieldRule; modelIds: string[] }>();
	for (const model of MODELS) {
		const rule = offeredField(model, field);
		if (!rule) continue;
		const key = JSON.stringify(rule);
		const group = groups.get(key) ?? { rule, modelIds: [] };
		group.modelIds.push(model.id);
		groups.set(key, group);
	}

	const perModel = [...groups.values()].map(({ rule, modelIds }) => ({
		...baseProperty(field, rule),
		displayOptions: {
			hide: {
				model: [
					...ALL_MODEL_IDS.filter((id) => !modelIds.includes(id)),
					CUSTOM_MODEL,
					IS_EXPRESSION,
				],
				...hiddenByImageSource(field),
			},
		},
	}));

	const freeForm: INodeProperties = {
		...baseProperty(field, {}),
		description: `${definition.description.replace(/\.?$/, '.')} ${acceptedByModel(field)}Sent as given for a model outside the list; leave empty to leave it out.`,
		displayOptions: { show: { model: [CUSTOM_MODEL] }, hide: hiddenByImageSource(field) },
	};
	return [...perModel, freeForm];
}

/** Image URL gives way to the binary field when the image comes from binary data. */
function hiddenByImageSource(field: VideoField): Record<string, string[]> {
	return FIELD_WIRE[field].inputImage ? { imageSource: [IMAGE_SOURCE_BINARY] } : {};
}

/** For the free-form variant (expressions, "Other"): what each catalog model takes in this field. */
function acceptedByModel(field: VideoField): string {
	const accepted = MODELS.flatMap((model) => {
		const rule = fieldAcrossModes(model, field);
		if (!rule) return [];
		return [
			`${model.id}: ${rule.values ? rule.values.join(', ') : 'any'}${rule.required ? ' (required)' : ''}`,
		];
	});
	return accepted.length ? `Accepted — ${accepted.join('; ')}. ` : '';
}

/** Fields FastRouter bills by; their values are listed cheapest first in the catalog. */
const COST_FIELDS: Partial<Record<VideoField, true>> = {
	length: true,
	seconds: true,
	resolution: true,
};

/**
 * A notice under a field whenever its value costs more than the model's cheapest choice, e.g.
 * "10 seconds costs more credits than 5 seconds". Hidden for expressions, whose value is unknown.
 */
function costNotices(field: VideoField): INodeProperties[] {
	if (!COST_FIELDS[field]) return [];
	const label = FIELD_TEXT[field].label ?? String;
	const notices = new Map<string, { value: FieldValue; modelIds: string[] }>();
	for (const model of MODELS) {
		const values = fieldAcrossModes(model, field)?.values ?? [];
		for (const value of values.slice(1)) {
			const text = `${label(value)} costs more credits than ${label(values[0])}`;
			const notice = notices.get(text) ?? { value, modelIds: [] };
			notice.modelIds.push(model.id);
			notices.set(text, notice);
		}
	}
	return [...notices.entries()].map(([text, { value, modelIds }], index) => ({
		displayName: text,
		name: `${field}CostNotice${index}`,
		type: 'notice',
		default: '',
		// `hide` only, as for the fields: a `show` rule on an expression would always pass.
		displayOptions: {
			hide: {
				model: [
					...ALL_MODEL_IDS.filter((id) => !modelIds.includes(id)),
					CUSTOM_MODEL,
					IS_EXPRESSION,
				],
				// Every other value, listed: the editor's own check does not apply `_cnd: { not }` here.
				[field]: [...otherValues(field, value), '', IS_EXPRESSION],
			},
		},
	}));
}

function otherValues(field: VideoField, value: FieldValue): FieldValue[] {
	const all = MODELS.flatMap((model) => fieldAcrossModes(model, field)?.values ?? []);
	return [...new Set(all)].filter((candidate) => candidate !== value);
}

function baseProperty(field: VideoField, rule: FieldRule): INodeProperties {
	const definition = FIELD_TEXT[field];
	const common = {
		displayName: definition.displayName,
		name: field,
		description: definition.description,
		required: rule.required === true ? true : undefined,
	};
	if (rule.values) {
		const options: INodePropertyOptions[] = rule.values.map((value) => ({
			name: definition.label ? definition.label(value) : String(value),
			value,
		}));
		const notSet = rule.required ? [] : [{ name: NOT_SET_LABEL, value: '' }];
		return {
			...common,
			type: 'options',
			options: [...notSet, ...options],
			default: rule.required ? rule.values[0] : '',
		};
	}
	const defaults: Record<FieldWire['type'], NodeParameterValueType> = {
		string: '',
		number: 0,
		boolean: false,
	};
	return {
		...common,
		type: FIELD_WIRE[field].type,
		default: defaults[FIELD_WIRE[field].type],
		...(definition.rows ? { typeOptions: { rows: definition.rows } } : {}),
		...(definition.placeholder ? { placeholder: definition.placeholder } : {}),
	};
}

/** The catalog's first model is the one a new node starts with. */
const DEFAULT_MODEL_ID = MODELS[0].id;

/** `model` and `customModel`: every operation needs to know the model. */
export const modelProperties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			...MODELS.map((model) => ({
				name: model.displayName,
				value: model.id,
				description: `${model.id}${model.note ? ` — ${model.note}` : ''}`,
			})),
			{
				name: 'Other (Enter ID)',
				value: CUSTOM_MODEL,
				description: 'Any other FastRouter video model, by its provider/model ID',
			},
		],
		default: DEFAULT_MODEL_ID,
		description:
			'The FastRouter video model. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a> (e.g. from a spreadsheet column); an expression is checked per item against the model it resolves to.',
	},
	{
		displayName: 'Model ID',
		name: 'customModel',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'provider/model-name',
		description:
			'A FastRouter video model ID (provider/model). Models outside the list get their fields sent as given.',
		// Hidden (not merely empty) when the model comes from an expression: a required field left
		// empty there would stop the whole workflow with "Parameter Model ID is required".
		displayOptions: { hide: { model: [...ALL_MODEL_IDS, IS_EXPRESSION] } },
	},
];

/**
 * Every video request field, in the order the API document lists them, with Image Source before
 * Image URL. Unscoped: Create and Create and Wait each include them for their own operation.
 */
export const videoRequestProperties: INodeProperties[] = VIDEO_FIELDS.flatMap((field) => [
	...(FIELD_WIRE[field].inputImage ? imageSourceProperties : []),
	...fieldProperties(field),
	...costNotices(field),
]);
