import type { INodeProperties } from 'n8n-workflow';

import { INPUT_IMAGE_FIELD, MODELS, offeredField } from '../catalog';
import { IMAGE_SOURCE_BINARY, IMAGE_SOURCE_URL } from '../settings/parameterValues';

/**
 * Where the image to animate comes from: a public link (Image URL), or an image in the item's
 * binary data that n8n signs a link to (validation/signedImage.ts checks it and signs it).
 */

// Models the catalog knows take no image (text-to-video only): no image source for them. Models
// known only in part may take one, and are offered it as they are offered Image URL.
const TEXT_ONLY_MODEL_IDS = MODELS.filter((model) => !offeredField(model, INPUT_IMAGE_FIELD)).map(
	(model) => model.id,
);

/** Image Source and its binary field, unscoped: the operations that create include them. */
export const imageSourceProperties: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		// Alphabetical, as n8n's UI guidelines ask; URL stays the default.
		options: [
			{
				name: 'Binary Field',
				value: IMAGE_SOURCE_BINARY,
				description:
					'A JPG or PNG in the input item’s binary data (HTTP Request, Google Drive, a form, Telegram…), sent to FastRouter as a link this n8n signs',
			},
			{ name: 'URL', value: IMAGE_SOURCE_URL, description: 'A public link to a JPG or PNG' },
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
