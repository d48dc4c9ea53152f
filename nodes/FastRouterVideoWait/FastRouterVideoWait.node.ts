import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { type Step, STEP_TYPE_NAME } from '../FastRouterVideo/durable/childWorkflow';
import { checkStep, finishStep, roundStep } from '../FastRouterVideo/durable/keeperSteps';
import { watchStep } from '../FastRouterVideo/durable/watchStep';
import { CREDENTIAL_TYPE } from '../FastRouterVideo/settings/fastRouter';

/**
 * The steps of FastRouter Video's durable wait (FastRouterVideo/durable/childWorkflow.ts): a node
 * type of its own because n8n runs a sub-execution's steps as nodes. Hidden: n8n lists it in no
 * node panel and offers it to no AI agent, and it refuses items that are not a durable wait's
 * (durable/store.ts), so it does nothing on its own.
 */
export class FastRouterVideoWait implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FastRouter Video Durable Wait',
		name: STEP_TYPE_NAME,
		icon: {
			light: 'file:../FastRouterVideo/fastrouter.svg',
			dark: 'file:../FastRouterVideo/fastrouter.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["step"] }}',
		hidden: true,
		description:
			'A step of FastRouter Video’s durable wait, run only inside the sub-execution that node starts',
		defaults: { name: 'FastRouter Video Durable Wait' },
		// Not a tool: an AI agent has no use for one step of a wait.
		usableAsTool: undefined,
		inputs: [NodeConnectionTypes.Main],
		// The watch step: 1 loops back to itself, 2 hands the settled wait on; the check step: 1 back
		// to a new round, 2 to the finish.
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Waiting', 'Settled'],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Step',
				name: 'step',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Check',
						value: 'check',
						description: 'Finish a settled wait, or start a new watcher where one was cut off',
					},
					{
						name: 'Finish',
						value: 'finish',
						description: 'Hand every item back to FastRouter Video',
					},
					{
						name: 'Hand Back',
						value: 'handBack',
						description: 'Hand the settled wait back to the keeper',
					},
					{
						name: 'Round',
						value: 'round',
						description: 'Start a watcher on the tasks and wait for it',
					},
					{
						name: 'Watch',
						value: 'watch',
						description: 'Check the tasks that are due, then store the wait until the next one',
					},
				],
				default: 'watch',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const step = this.getNodeParameter('step', 0) as Step;
		if (step === 'watch') return await watchStep(this);
		if (step === 'handBack') return [this.getInputData()];
		if (step === 'round') return await roundStep(this);
		if (step === 'check') return await checkStep(this);
		if (step === 'finish') return await finishStep(this);
		throw new NodeOperationError(this.getNode(), `Unknown step "${String(step)}"`, {
			itemIndex: 0,
		});
	}
}
