import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as create from './actions/create.operation';
import * as createAndWait from './actions/createAndWait.operation';
import * as getStatus from './actions/getStatus.operation';
import { route } from './actions/router';
import { modelProperties } from './descriptions/modelFields';
import { operationProperty } from './descriptions/operation';
import { subtitleExpression } from './descriptions/subtitle';
import { PANEL_DESCRIPTION, toolDescriptionProperties } from './descriptions/tool';
import { waitingTooltipExpression } from './descriptions/waiting';
import { CREDENTIAL_TYPE } from './settings/fastRouter';

/**
 * FastRouter Video: text-to-video and image-to-video through FastRouter.ai. What the editor shows
 * is in descriptions/ (the model fields come from catalog.ts); each operation in actions/ declares
 * its own fields and runs on the whole batch. docs/development.md maps the other folders.
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
		// What the editor says while a durable wait parks the node (n8n's generic text otherwise).
		waitingNodeTooltip: waitingTooltipExpression(),
		defaults: { name: 'FastRouter Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			...toolDescriptionProperties,
			operationProperty,
			...modelProperties,
			...getStatus.description,
			...create.description,
			...createAndWait.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Every item's failure follows the node's On Error setting, read once here.
		const policy = {
			continueOnFail: this.continueOnFail(),
			toErrorOutput: this.getNode().onError === 'continueErrorOutput',
		};
		return await route.call(this, policy);
	}
}
