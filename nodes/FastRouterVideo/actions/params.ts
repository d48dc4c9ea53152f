import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { VIDEO_FIELDS } from '../catalog';
import { CUSTOM_MODEL } from '../fields';
import { checkCreateRequest, type Checked, type RawFields } from '../validation';

/** The model an item names: a catalog id, an "Other" id, or whatever an expression gave. */
export function modelFor(ctx: IExecuteFunctions, itemIndex: number): string {
	const chosen = String(ctx.getNodeParameter('model', itemIndex, '') ?? '').trim();
	if (chosen !== CUSTOM_MODEL) return chosen;
	return String(ctx.getNodeParameter('customModel', itemIndex, '') ?? '').trim();
}

/** Reads and checks one item's create request; a field hidden for the chosen model reads as unset. */
export function createRequestFor(ctx: IExecuteFunctions, itemIndex: number): Checked {
	const raw: RawFields = {};
	for (const field of VIDEO_FIELDS) {
		// null, not undefined: n8n treats an undefined fallback as "no fallback" and throws.
		raw[field] = ctx.getNodeParameter(field, itemIndex, null);
	}
	return checkCreateRequest(modelFor(ctx, itemIndex), raw);
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
