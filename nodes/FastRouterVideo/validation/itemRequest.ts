import type { IExecuteFunctions } from 'n8n-workflow';

import { INPUT_IMAGE_FIELD, VIDEO_FIELDS } from '../catalog';
import type { RequestAdditions } from '../settings/itemSettings';
import { CUSTOM_MODEL, IMAGE_SOURCE_BINARY, IMAGE_SOURCE_URL } from '../settings/parameterValues';
import { show } from '../text/wording';
import { accepted, type Checked, refused } from './checked';
import { checkCreateRequest, type CreateRequest, type RawFields } from './modelRules';
import { signedImageUrl } from './signedImage';

/** The model an item names: a catalog id, an "Other" id, or whatever an expression gave. */
export function modelFor(ctx: IExecuteFunctions, itemIndex: number): string {
	const chosen = String(ctx.getNodeParameter('model', itemIndex, '') ?? '').trim();
	if (chosen !== CUSTOM_MODEL) return chosen;
	return String(ctx.getNodeParameter('customModel', itemIndex, '') ?? '').trim();
}

/**
 * The task Get Status looks at. An expression can hand the field anything: an object or a list
 * would be sent as `[object Object]` (FastRouter answers 404 for a task that never existed), so
 * only text and whole numbers pass, before anything is sent.
 */
export function taskIdFor(ctx: IExecuteFunctions, itemIndex: number): Checked<string> {
	const value: unknown = ctx.getNodeParameter('taskId', itemIndex, '');
	const field = '"Task ID" (taskId)';
	const allowed = 'allowed: the taskId Create returned, as text or a whole number';
	if (value === null) return refused(`${field} is null (${allowed})`);
	if (typeof value === 'number' && Number.isSafeInteger(value)) return accepted(String(value));
	if (value !== undefined && typeof value !== 'string')
		return refused(`${field} ${show(value)} is ${kindOf(value)}, not a task ID (${allowed})`);
	const taskId = (value ?? '').trim();
	return taskId
		? accepted(taskId)
		: refused(`${field} is empty: give the task ID that Create returned`);
}

/** What a value is, in words: "an object", "a list", "the number 1.5", "true". */
function kindOf(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'number')
		return Number.isFinite(value) ? 'a fraction' : 'not a finite number';
	if (typeof value === 'boolean') return 'a true/false value';
	return typeof value === 'object' ? 'an object' : `of type ${typeof value}`;
}

/** What checking an item's request needs beyond its own parameters. */
export interface RequestContext {
	/** FastRouter's base URL: whether it is local decides if a local n8n may serve images. */
	baseUrl: string;
	/** How long a signed image link must work for this item, in seconds. */
	imageLinkLifetimeS: (itemIndex: number) => number;
}

/**
 * Reads and checks one item's create request — its fields, with what its checked options add (the
 * cache, Additional Fields) — reporting every problem at once. A field hidden for the chosen model
 * reads as unset. An image from a binary field becomes a signed link to it, once the image passed.
 */
export async function createRequestFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
	context: RequestContext,
	additions: RequestAdditions = { headers: {}, body: {} },
): Promise<Checked<CreateRequest>> {
	const model = modelFor(ctx, itemIndex);
	const raw: RawFields = {};
	for (const field of VIDEO_FIELDS) {
		// null, not undefined: n8n treats an undefined fallback as "no fallback" and throws.
		raw[field] = ctx.getNodeParameter(field, itemIndex, null);
	}
	const imageSource = String(
		ctx.getNodeParameter('imageSource', itemIndex, IMAGE_SOURCE_URL) ?? IMAGE_SOURCE_URL,
	);
	if (imageSource === IMAGE_SOURCE_BINARY) {
		const image = await signedImageUrl(
			ctx,
			itemIndex,
			model,
			context.imageLinkLifetimeS(itemIndex),
			context.baseUrl,
		);
		if (!image.ok) return image;
		raw[INPUT_IMAGE_FIELD] = image.value;
	}
	const request = checkCreateRequest(model, raw);
	if (!request.ok) return request;
	const { headers, body } = additions;
	return accepted({
		...request.value,
		body: { ...request.value.body, ...body },
		...(Object.keys(headers).length ? { headers } : {}),
	});
}
