import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as create from './actions/create.operation';
import * as createAndWait from './actions/createAndWait.operation';
import * as getStatus from './actions/getStatus.operation';
import { route } from './actions/router';
import { modelProperties } from './fields';
import { subtitleExpression } from './subtitle';
import { PANEL_DESCRIPTION, toolDescriptionProperty } from './tool';

/** Operation values are stored in workflows: keep them as they are. */
const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Create',
			value: 'create',
			action: 'Start a video generation',
			description: 'Start a video generation task and return its task ID without waiting',
		},
		{
			name: 'Create and Wait',
			value: 'createAndWait',
			action: 'Generate a video and wait for it',
			description:
				'Start the task, wait until the video is ready and return it as binary data (an MP4) with its videoUrl',
		},
		{
			name: 'Get Status',
			value: 'getStatus',
			action: 'Get the status of a video task',
			description: 'Check a task once; when it is done, return the video',
		},
	],
	default: 'createAndWait',
};

/**
 * FastRouter Video: text-to-video and image-to-video through FastRouter.ai. Every file of the node:
 *
 *   FastRouterVideo.node.ts             this file: the description, and execute → actions/router.ts
 *   FastRouterVideo.node.json           the codex: where n8n's node panel lists the node
 *   fastrouter.svg, fastrouter.dark.svg the icon, light and dark
 * What the editor shows, and what an item may ask for
 *   catalog.ts                          the models, what each accepts, the API's field names (model ids live here only)
 *   fields.ts                           editor fields generated from the catalog; forOperation scopes them
 *   imageSource.ts                      image from a binary field: its fields, checks, signed link
 *   imageHeader.ts                      JPG/PNG from the bytes, width and height from the header
 *   localAddress.ts                     whether a URL is local (loopback, private, single-label)
 *   validation.ts                       per-item checks from the catalog, before any credit is spent
 *   itemParameters.ts                   reading one item's model, request fields and Options
 *   optionChecks.ts                     the Options' values checked before the first create
 *   subtitle.ts                         the canvas line under the node, in words
 *   tool.ts                             the panel's one line, and what an AI agent reads about the tool
 * The operations
 *   actions/router.ts                   runs the chosen operation on the whole batch
 *   actions/create.operation.ts         Create: its fields, and a create per item
 *   actions/getStatus.operation.ts      Get Status: its fields, and one look per item
 *   actions/createAndWait.operation.ts  Create and Wait: its fields, create, wait, download
 *   batch.ts                            all items at once: checks first, outcomes in input order
 *   creates.ts                          one item's create through the run's create limit
 *   poller.ts                           the one poll loop: waiting for tasks, and Get Status's one look
 *   taskOutput.ts                       a task's output item, its video attached
 * Talking to FastRouter and the video hosts
 *   transport.ts                        HTTP to FastRouter: create (never repeated), poll
 *   retry.ts                            when a create, a poll or a download is sent again (pure decisions)
 *   routes.ts                           which poll route a task id takes (older ids, newer `fr_` ids)
 *   request.ts                          one exchange: on time, the key on its own origin only
 *   bodyReader.ts                       non-video answers read with limits, described in words
 *   deadline.ts                         waits that end on time, whatever the socket does
 *   normalize.ts                        every API answer shape, both generations → one item shape
 *   sources.ts                          where a video is fetched: provider link, then hosted copy
 *   binary.ts                           streaming videos into n8n binary data
 *   videoCheck.ts                       only an MP4 is stored: type, signature, size and time limits
 *   pool.ts                             at most N at once, results in input order
 *   errors.ts                           an item's failure as an error item or the node's error
 *   safeText.ts                         error text n8n shows as written, with the key cut out
 */
export class FastRouterVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FastRouter Video',
		name: 'fastRouterVideo',
		icon: { light: 'file:fastrouter.svg', dark: 'file:fastrouter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitleExpression(operationProperty.options as INodePropertyOptions[]),
		description: PANEL_DESCRIPTION,
		defaults: { name: 'FastRouter Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fastRouterApi', required: true }],
		properties: [
			toolDescriptionProperty,
			operationProperty,
			...modelProperties,
			...getStatus.description,
			...create.description,
			...createAndWait.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
