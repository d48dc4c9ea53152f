import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { VIDEO_FIELDS } from './catalog';
import { CUSTOM_MODEL } from './fields';
import { IMAGE_SOURCE_BINARY, imageSourceFor, signedImageUrl } from './imageSource';
import { checkCreateRequest, type Checked, type RawFields } from './validation';

/** The model an item names: a catalog id, an "Other" id, or whatever an expression gave. */
export function modelFor(ctx: IExecuteFunctions, itemIndex: number): string {
	const chosen = String(ctx.getNodeParameter('model', itemIndex, '') ?? '').trim();
	if (chosen !== CUSTOM_MODEL) return chosen;
	return String(ctx.getNodeParameter('customModel', itemIndex, '') ?? '').trim();
}

/** What checking an item's request needs beyond its own parameters. */
export interface RequestContext {
	/** FastRouter's base URL: whether it is local decides if a local n8n may serve images. */
	baseUrl: string;
	/** How long a signed image link must work for this item, in seconds. */
	imageLinkLifetimeS: (itemIndex: number) => number;
}

/**
 * Reads and checks one item's create request; a field hidden for the chosen model reads as unset.
 * An image from a binary field becomes a signed link to it, once the image itself passed.
 */
export async function createRequestFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
	context: RequestContext,
): Promise<Checked> {
	const model = modelFor(ctx, itemIndex);
	const raw: RawFields = {};
	for (const field of VIDEO_FIELDS) {
		// null, not undefined: n8n treats an undefined fallback as "no fallback" and throws.
		raw[field] = ctx.getNodeParameter(field, itemIndex, null);
	}
	if (imageSourceFor(ctx, itemIndex) === IMAGE_SOURCE_BINARY) {
		const image = await signedImageUrl(ctx, itemIndex, model, context.imageLinkLifetimeS(itemIndex), context.baseUrl);
		if (!image.ok) return image;
		raw.imageUrl = image.url;
	}
	return checkCreateRequest(model, raw);
}

export function optionsFor(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** Every operation's Options collection offers FastRouter's own answer next to the normalized one. */
export const includeRawResponseOption: INodeProperties = {
	displayName: 'Include Raw Response',
	name: 'includeRawResponse',
	type: 'boolean',
	default: false,
	description: 'Whether to add FastRouter’s own answer under `raw`, next to the normalized fields',
};
