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
 * FastRouter Video: text-to-video and image-to-video through FastRouter.ai.
 *
 *   catalog.ts      the models and what each accepts (the only place model ids live)
 *   fields.ts       editor fields generated from the catalog
 *   validation.ts   per-item checks generated from the catalog, before any credit is spent
 *   actions/        one file per operation; router.ts dispatches; options.ts checks the Options
 *   transport.ts    HTTP to FastRouter: create (never repeated), poll
 *   request.ts      one exchange: on time, no credentialed redirect, the key on its origin only
 *   bodyReader.ts   every non-video answer read with limits, and words for what came back
 *   deadline.ts     waits that end on time, whatever the socket does
 *   routes.ts       which poll route a task id takes (older ids, newer `fr_` ids)
 *   poller.ts       waiting for tasks, all at once
 *   normalize.ts    every API answer shape, both generations → one item shape
 *   sources.ts      where a finished video is fetched from: provider link, then hosted copy
 *   binary.ts       streaming videos into n8n binary data, the key only to the Base URL origin
 *   videoCheck.ts   only an MP4 is stored: type, signature, size cap, idle and overall limits
 *   safeText.ts     error text n8n shows as written, with the key cut out
 *   subtitle.ts     the canvas line under the node, in words
 *   tool.ts         the panel's one line, and what an AI agent reads about the tool
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
