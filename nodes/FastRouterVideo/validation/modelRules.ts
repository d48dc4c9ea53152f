import { z } from 'zod';

import {
	FIELD_WIRE,
	findModel,
	INPUT_IMAGE_FIELD,
	INPUT_MODE_LABEL,
	type FieldRule,
	type FieldValue,
	type FieldWire,
	type InputMode,
	type ModeRules,
	type ModelSpec,
	VIDEO_FIELDS,
	type VideoField,
} from '../catalog';
import { show } from '../text/wording';
import { type Checked, accepted, refused } from './checked';

/** The field values of one item as n8n resolved them, before any checking. */
export type RawFields = Partial<Record<VideoField, unknown>>;

export interface CreateRequest {
	model: string;
	body: Record<string, unknown>;
	/** Sent with the create only (FastRouter's cache namespace). */
	headers?: Record<string, string>;
}

// provider/model, as every FastRouter model id is written; catches "veo3" or a pasted display name.
const MODEL_ID_PATTERN = /^[A-Za-z0-9][\w.-]*\/[\w.:-]+$/;

/**
 * Checks one item's fields against the model it names and builds the create request body.
 * Returns every problem at once, each naming the field, the value given and what is allowed.
 */
export function checkCreateRequest(givenModelId: string, raw: RawFields): Checked<CreateRequest> {
	const model = findModel(givenModelId);
	// A catalog model is sent as the catalog spells it; any other id as given, trimmed.
	const modelId = model?.id ?? givenModelId.trim();
	if (!MODEL_ID_PATTERN.test(modelId)) {
		return refused(
			`"model" ${show(givenModelId)} is not a FastRouter model ID (expected provider/model, e.g. google/veo3)`,
		);
	}
	const values = present(raw, model);
	const mode: InputMode = values[INPUT_IMAGE_FIELD] !== undefined ? 'imageToVideo' : 'textToVideo';

	let problems: string[];
	const rules = model?.[mode];
	if (!model || (!rules && model.knownInPart)) {
		problems = issuesToProblems(genericSchema.safeParse(values), values, modelId, undefined);
	} else {
		problems = rules
			? issuesToProblems(
					modeSchema(model, mode, rules).safeParse(values),
					values,
					modelId,
					rules,
					mode,
				)
			: [missingMode(model, mode)];
	}
	if (problems.length > 0) return refused(...problems);

	const body: CreateRequest['body'] = { model: modelId };
	for (const field of VIDEO_FIELDS) {
		const value = values[field];
		if (value === undefined) continue;
		const wire = FIELD_WIRE[field];
		body[wire.apiName] = wire.sendAsString ? String(value) : (value as string | number | boolean);
	}
	return accepted({ model: modelId, body });
}

/**
 * Drops what means "not set": an empty expression result ('', null, undefined), whitespace,
 * 0 in a number field (n8n cannot leave a number empty), and `false` for a boolean the model
 * does not have. Numeric strings from a spreadsheet become numbers.
 */
function present(
	raw: RawFields,
	model: ModelSpec | undefined,
): Partial<Record<VideoField, unknown>> {
	const values: Partial<Record<VideoField, unknown>> = {};
	for (const field of VIDEO_FIELDS) {
		let value = raw[field];
		if (value === undefined || value === null) continue;
		if (typeof value === 'string') {
			value = FIELD_WIRE[field].keepsWhitespace ? value : value.trim();
			if ((value as string).trim() === '') continue;
		}
		const type = FIELD_WIRE[field].type;
		if (type === 'number') {
			if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) value = Number(value);
			if (value === 0) continue;
		}
		if (type === 'boolean') {
			if (value === 'true') value = true;
			if (value === 'false') value = false;
			const declared = model?.textToVideo?.[field] ?? model?.imageToVideo?.[field];
			if (value === false && !declared) continue;
		}
		values[field] = value;
	}
	return values;
}

/** What a custom check found, carried in the zod issue's params for issuesToProblems to word. */
type CustomProblem = 'notHttpUrl' | 'nothingToGenerateFrom';

function custom(problem: CustomProblem): { params: { problem: CustomProblem } } {
	return { params: { problem } };
}

const httpUrl = z
	.string()
	.refine(
		(value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value),
		custom('notHttpUrl'),
	);

const BASE_TYPES: Record<FieldWire['type'], z.ZodTypeAny> = {
	string: z.string(),
	number: z.number().int(),
	boolean: z.boolean(),
};

function fieldSchema(field: VideoField, rule: FieldRule): z.ZodTypeAny {
	let schema: z.ZodTypeAny;
	if (FIELD_WIRE[field].inputImage) schema = httpUrl;
	else if (rule.values) {
		const literals = rule.values.map((value) => z.literal(value));
		schema =
			literals.length === 1
				? literals[0]
				: z.union(literals as unknown as [z.ZodLiteral<FieldValue>, z.ZodLiteral<FieldValue>]);
	} else schema = BASE_TYPES[FIELD_WIRE[field].type];
	return rule.required ? schema : schema.optional();
}

const schemaCache = new Map<string, z.ZodTypeAny>();

function modeSchema(model: ModelSpec, mode: InputMode, rules: ModeRules): z.ZodTypeAny {
	const key = `${model.id}|${mode}`;
	let schema = schemaCache.get(key);
	if (!schema) {
		const shape = Object.fromEntries(
			Object.entries(rules).map(([field, rule]) => [field, fieldSchema(field as VideoField, rule)]),
		);
		// Known in part: a field the docs do not list passes through, checked only for its type.
		schema = model.knownInPart ? genericObject.extend(shape).strict() : z.object(shape).strict();
		schemaCache.set(key, schema);
	}
	return schema;
}

// A model outside the catalog: its fields pass through; only what FastRouter asks of every model is checked.
const genericObject = z.object(
	Object.fromEntries(
		VIDEO_FIELDS.map((field) => [
			field,
			(FIELD_WIRE[field].inputImage ? httpUrl : BASE_TYPES[FIELD_WIRE[field].type]).optional(),
		]),
	),
);

const genericSchema = genericObject.refine(
	(values) => values.prompt !== undefined || values[INPUT_IMAGE_FIELD] !== undefined,
	custom('nothingToGenerateFrom'),
);

function missingMode(model: ModelSpec, mode: InputMode): string {
	return mode === 'imageToVideo'
		? `"${INPUT_IMAGE_FIELD}" is not taken by ${model.id}: it is text-to-video only (leave Image URL empty)`
		: `"${INPUT_IMAGE_FIELD}" is required for ${model.id}: it is image-to-video only`;
}

function issuesToProblems(
	result: z.SafeParseReturnType<unknown, unknown>,
	values: Partial<Record<VideoField, unknown>>,
	modelId: string,
	rules: ModeRules | undefined,
	mode?: InputMode,
): string[] {
	if (result.success) return [];
	const where = mode ? `${modelId} (${INPUT_MODE_LABEL[mode]})` : modelId;
	const problems: string[] = [];
	for (const issue of result.error.issues) {
		const field = issue.path[0] as VideoField | undefined;
		const rule = field ? rules?.[field] : undefined;
		const given = field ? values[field] : undefined;
		const custom =
			issue.code === 'custom' ? (issue.params?.problem as CustomProblem | undefined) : undefined;
		if (issue.code === 'unrecognized_keys') {
			const taken = Object.keys(rules ?? {}).join(', ');
			for (const key of issue.keys) {
				problems.push(`"${key}" is not taken by ${where} (it takes: ${taken})`);
			}
		} else if (custom === 'nothingToGenerateFrom') {
			problems.push(
				`"prompt" or "${INPUT_IMAGE_FIELD}" must be set: there is nothing to generate a video from`,
			);
		} else if (custom === 'notHttpUrl') {
			problems.push(
				`"${field}" ${show(given)} is not an http(s) URL (FastRouter takes a link to a JPG or PNG; base64 and data: URLs are refused)`,
			);
		} else if (field && given === undefined) {
			problems.push(`"${field}" is required for ${where}${allowed(rule)}`);
		} else if (field && rule?.values) {
			const only =
				rule.values.length === 1 ? ` (${rule.values[0]} is the only value)` : allowed(rule);
			problems.push(`"${field}" ${show(given)} is not available for ${where}${only}`);
		} else if (field) {
			problems.push(`"${field}" ${show(given)} is not valid: expected ${expected(field)}`);
		} else {
			problems.push(issue.message);
		}
	}
	return problems;
}

function allowed(rule: FieldRule | undefined): string {
	return rule?.values ? ` (allowed: ${rule.values.join(', ')})` : '';
}

function expected(field: VideoField): string {
	const type = FIELD_WIRE[field].type;
	return type === 'number' ? 'a whole number' : `a ${type}`;
}
