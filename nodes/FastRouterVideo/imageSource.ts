import type { IBinaryData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { findModel, MODELS, offeredField } from './catalog';
import { aspectRatioAllowed, describeRatio, MAX_ASPECT, readImageHeader } from './imageHeader';
import { isLocalUrl } from './localAddress';

/**
 * Image-to-video from an image in the item's binary data. FastRouter takes image URLs only, so
 * the node hands it a link n8n itself signs and serves (`<n8n>/rest/binary-data/signed?token=…`,
 * no login, expiring). Everything FastRouter would refuse is checked here, before any credit is
 * spent: the bytes must be a JPG or PNG with an aspect ratio from 1:4 to 4:1, and the link must
 * point at an address FastRouter can reach.
 */

export const IMAGE_SOURCE_URL = 'url';
export const IMAGE_SOURCE_BINARY = 'binary';

// Models the catalog knows take no image (text-to-video only): no image source for them. Models
// known only in part may take one, and are offered it as they are offered Image URL.
const TEXT_ONLY_MODEL_IDS = MODELS.filter((model) => !offeredField(model, 'imageUrl')).map((model) => model.id);

/** Image Source and its binary field, unscoped: the operations that create include them. */
export const imageSourceProperties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		options: [
			{ name: 'URL', value: IMAGE_SOURCE_URL, description: 'A public link to a JPG or PNG' },
			{
				name: 'Binary Field',
				value: IMAGE_SOURCE_BINARY,
				description:
					'A JPG or PNG in the input item’s binary data (HTTP Request, Google Drive, a form, Telegram…), sent to FastRouter as a link this n8n signs',
			},
		],
		default: IMAGE_SOURCE_URL,
		description: 'Where the image to animate comes from (image-to-video)',
		displayOptions: { hide: { model: TEXT_ONLY_MODEL_IDS } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'imageBinaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the input binary field holding the image',
		description:
			'FastRouter fetches the image from this n8n, so n8n must be reachable from the internet (WEBHOOK_URL set to its public URL) and keep binary data in filesystem, database or S3 mode',
		displayOptions: {
			show: { imageSource: [IMAGE_SOURCE_BINARY] },
			hide: { model: TEXT_ONLY_MODEL_IDS },
		},
	},
];

export function imageSourceFor(ctx: IExecuteFunctions, itemIndex: number): string {
	return String(ctx.getNodeParameter('imageSource', itemIndex, IMAGE_SOURCE_URL) ?? IMAGE_SOURCE_URL);
}

export type SignedImage = { ok: true; url: string } | { ok: false; problems: string[] };

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
): Promise<SignedImage> {
	const model = findModel(modelId);
	if (model && !offeredField(model, 'imageUrl')) {
		return fail(`"imageSource" binary is not taken by ${modelId}: it is text-to-video only (allowed: url, with Image URL left empty)`);
	}
	const property = String(ctx.getNodeParameter('imageBinaryPropertyName', itemIndex, 'data') ?? '').trim() || 'data';
	const field = `"imageBinaryPropertyName" ${property}`;
	const binaries = ctx.getInputData()[itemIndex]?.binary ?? {};
	const binary: IBinaryData | undefined = binaries[property];
	if (!binary) {
		const names = Object.keys(binaries);
		return fail(
			`${field}: the item has no binary field "${property}" (${names.length ? `it has: ${names.join(', ')}` : 'it has no binary data; download the image first, e.g. with HTTP Request set to respond with a file'})`,
		);
	}

	const name = binary.fileName ? `${binary.fileName} ` : '';
	const header = readImageHeader(await ctx.helpers.getBinaryDataBuffer(itemIndex, property));
	if (!header.ok) return fail(`${field}: ${name}${header.problem} (allowed: JPG, PNG)`);
	const { width, height, format } = header;
	if (!aspectRatioAllowed(width, height)) {
		return fail(
			`${field}: ${name}is a ${format} of ${width}×${height} pixels, aspect ratio ${describeRatio(width, height)} (allowed: between 1:${MAX_ASPECT} and ${MAX_ASPECT}:1)`,
		);
	}

	if (!binary.id) {
		return fail(
			`"imageSource" binary: this n8n keeps binary data in memory, and n8n signs links only to stored binary data. Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database, s3), or choose Image Source "URL" and give a public image URL`,
		);
	}
	const sign = (ctx.helpers as Partial<IExecuteFunctions['helpers']>).createBinarySignedUrl;
	if (typeof sign !== 'function') {
		return fail(
			`"imageSource" binary: this n8n version cannot sign links to binary data; update n8n, or choose Image Source "URL" and give a public image URL`,
		);
	}
	const url = sign.call(ctx.helpers, binary, `${Math.ceil(lifetimeS)}s`);
	if (isLocalUrl(url) && !isLocalUrl(baseUrl)) {
		const origin = new URL(url).origin;
		return fail(
			`"imageSource" binary: FastRouter would fetch the image from this n8n at ${origin}, a local address it cannot reach. Set WEBHOOK_URL to this n8n's public URL (the address its webhooks use, e.g. https://n8n.example.com/), or choose Image Source "URL" and give a public image URL`,
		);
	}
	return { ok: true, url };
}

function fail(problem: string): SignedImage {
	return { ok: false, problems: [problem] };
}
