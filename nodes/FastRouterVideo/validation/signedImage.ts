import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { findModel, INPUT_IMAGE_FIELD, offeredField } from '../catalog';
import { type Checked, accepted, refused } from './checked';
import { aspectRatioAllowed, describeRatio, MAX_ASPECT, readImageHeader } from './imageHeader';
import { isLocalUrl } from './localAddress';

/**
 * Image-to-video from an image in the item's binary data. FastRouter takes image URLs only, so
 * the node hands it a link n8n itself signs and serves (`<n8n>/rest/binary-data/signed?token=…`,
 * no login, expiring). Everything FastRouter would refuse is checked here, before any credit is
 * spent: the bytes must be a JPG or PNG with an aspect ratio from 1:4 to 4:1, and the link must
 * point at an address FastRouter can reach.
 */

/**
 * The signed link to an item's binary image, or why there is none.
 * @param lifetimeS how long the link must work: past the longest FastRouter may take to fetch it
 * @param baseUrl FastRouter's base URL; when it is itself local (a proxy, the simulator) a local
 *   n8n is fine, since whatever fetches the image sits next to it
 */
export async function signedImageUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	modelId: string,
	lifetimeS: number,
	baseUrl: string,
): Promise<Checked<string>> {
	const model = findModel(modelId);
	if (model && !offeredField(model, INPUT_IMAGE_FIELD)) {
		return refused(
			`"imageSource" binary is not taken by ${modelId}: it is text-to-video only (allowed: url, with Image URL left empty)`,
		);
	}
	const property =
		String(ctx.getNodeParameter('imageBinaryPropertyName', itemIndex, 'data') ?? '').trim() ||
		'data';
	const field = `"imageBinaryPropertyName" ${property}`;
	const binaries = ctx.getInputData()[itemIndex]?.binary ?? {};
	const binary: IBinaryData | undefined = binaries[property];
	if (!binary) {
		const names = Object.keys(binaries);
		return refused(
			`${field}: the item has no binary field "${property}" (${names.length ? `it has: ${names.join(', ')}` : 'it has no binary data; download the image first, e.g. with HTTP Request set to respond with a file'})`,
		);
	}

	const name = binary.fileName ? `${binary.fileName} ` : '';
	const header = readImageHeader(await ctx.helpers.getBinaryDataBuffer(itemIndex, property));
	if (!header.ok) return refused(`${field}: ${name}${header.problem} (allowed: JPG, PNG)`);
	const { width, height, format } = header;
	if (!aspectRatioAllowed(width, height)) {
		return refused(
			`${field}: ${name}is a ${format} of ${width}×${height} pixels, aspect ratio ${describeRatio(width, height)} (allowed: between 1:${MAX_ASPECT} and ${MAX_ASPECT}:1)`,
		);
	}

	if (!binary.id) {
		return refused(
			`"imageSource" binary: this n8n keeps binary data in memory, and n8n signs links only to stored binary data. Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database, s3), or choose Image Source "URL" and give a public image URL`,
		);
	}
	const sign = (ctx.helpers as Partial<IExecuteFunctions['helpers']>).createBinarySignedUrl;
	if (typeof sign !== 'function') {
		return refused(
			`"imageSource" binary: this n8n version cannot sign links to binary data; update n8n, or choose Image Source "URL" and give a public image URL`,
		);
	}
	const url = sign.call(ctx.helpers, binary, `${Math.ceil(lifetimeS)}s`);
	if (isLocalUrl(url) && !isLocalUrl(baseUrl)) {
		const origin = new URL(url).origin;
		return refused(
			`"imageSource" binary: FastRouter would fetch the image from this n8n at ${origin}, a local address it cannot reach. Set WEBHOOK_URL to this n8n's public URL (the address its webhooks use, e.g. https://n8n.example.com/), or choose Image Source "URL" and give a public image URL`,
		);
	}
	return accepted(url);
}
