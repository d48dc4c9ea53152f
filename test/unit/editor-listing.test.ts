import type { INode, INodeParameters, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { MODELS } from '../../nodes/FastRouterVideo/catalog';
import { FastRouterVideo } from '../../nodes/FastRouterVideo/FastRouterVideo.node';

/**
 * What n8n makes of the node's description outside its own fields: the line in the node panel, the
 * text an AI agent receives about the tool variant, and the subtitle on the canvas. Each is
 * computed with n8n-workflow's own helpers, the ones the editor and the agent use.
 */
const nodeType = new FastRouterVideo();
const { description } = nodeType;

/** The tool variant as n8n derives it: same properties, name suffixed with "Tool". */
const toolDescription: INodeTypeDescription = { ...description, name: `${description.name}Tool`, displayName: `${description.displayName} Tool` };

function asNode(type: INodeTypeDescription, parameters: INodeParameters): INode {
	return { id: '1', name: type.displayName, type: type.name, typeVersion: 1, position: [0, 0], parameters };
}

/** Parameters as the engine holds them at run time: defaults filled in for what is displayed. */
function runtimeParameters(type: INodeTypeDescription, parameters: INodeParameters): INodeParameters {
	return NodeHelpers.getNodeParameters(type.properties, parameters, true, false, asNode(type, parameters), type) ?? {};
}

describe('what the node panel shows', () => {
	it('one sentence of at most 200 characters under the name', () => {
		expect(description.description.length).toBeLessThanOrEqual(200);
		expect(description.description).not.toMatch(/\n|[.;:!?]\s+\S/);
	});
});

describe('what an AI agent receives about the tool variant', () => {
	it('is the catalog: every model with the values it accepts', () => {
		const parameters = runtimeParameters(toolDescription, { operation: 'createAndWait', model: '={{ $fromAI("model") }}' });
		const text = NodeHelpers.getToolDescriptionForNode(asNode(toolDescription, parameters), { description: toolDescription } as never);
		for (const model of MODELS) expect(text).toContain(`- ${model.id} (${model.displayName})`);
		expect(text).toMatch(/openai\/sora-2-pro .*seconds 4\|8\|12/);
		expect(text).toMatch(/videoUrl/);
	});

	it('keeps a description the user wrote', () => {
		const parameters = runtimeParameters(toolDescription, { toolDescription: 'Only Veo, please' });
		expect(NodeHelpers.getToolDescriptionForNode(asNode(toolDescription, parameters), { description: toolDescription } as never)).toBe(
			'Only Veo, please',
		);
	});

	it('is not a field of the regular node', () => {
		expect(runtimeParameters(description, { operation: 'createAndWait' })).not.toHaveProperty('toolDescription');
	});
});

describe('the subtitle on the canvas', () => {
	function subtitle(parameters: INodeParameters): unknown {
		const node = asNode(description, parameters);
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: {
				getByName: () => nodeType,
				getByNameAndVersion: () => nodeType,
				getKnownTypes: () => ({}),
			},
		});
		return workflow.expression.getSimpleParameterValue(node, description.subtitle, 'internal', {});
	}

	it('reads the operation and model by name', () => {
		expect(subtitle({ operation: 'createAndWait', model: 'google/veo3' })).toBe('Create and Wait: Google Veo 3');
		expect(subtitle({ operation: 'getStatus', model: 'openai/sora-2-pro' })).toBe('Get Status: OpenAI Sora 2 Pro');
	});

	it('shows an "Other" model by the ID typed in', () => {
		expect(subtitle({ operation: 'create', model: 'custom', customModel: 'acme/video-1' })).toBe('Create: acme/video-1');
	});
});
