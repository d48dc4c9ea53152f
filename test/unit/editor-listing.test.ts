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
const toolDescription: INodeTypeDescription = {
	...description,
	name: `${description.name}Tool`,
	displayName: `${description.displayName} Tool`,
};

function asNode(type: INodeTypeDescription, parameters: INodeParameters): INode {
	return {
		id: '1',
		name: type.displayName,
		type: type.name,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
}

/** Parameters as the engine holds them at run time: defaults filled in for what is displayed. */
function runtimeParameters(
	type: INodeTypeDescription,
	parameters: INodeParameters,
): INodeParameters {
	return (
		NodeHelpers.getNodeParameters(
			type.properties,
			parameters,
			true,
			false,
			asNode(type, parameters),
			type,
		) ?? {}
	);
}

describe('what the node panel shows', () => {
	it('one sentence of at most 200 characters under the name', () => {
		expect(description.description.length).toBeLessThanOrEqual(200);
		expect(description.description).not.toMatch(/\n|[.;:!?]\s+\S/);
	});
});

describe('what an AI agent receives about the tool variant', () => {
	const OPERATIONS = ['create', 'createAndWait', 'getStatus'] as const;
	type Operation = (typeof OPERATIONS)[number];

	/** The text n8n hands the agent for a tool node whose parameters are `parameters`. */
	function toolText(parameters: INodeParameters): string {
		const resolved = runtimeParameters(toolDescription, parameters);
		return NodeHelpers.getToolDescriptionForNode(asNode(toolDescription, resolved), {
			description: toolDescription,
		} as never);
	}

	/** What the agent gets for a tool left at its defaults, with the model given by the agent. */
	const textFor = (operation: Operation) =>
		toolText({ operation, model: '={{ $fromAI("model") }}' });

	it.each(OPERATIONS)(
		'%s: exactly one Description field applies, and its default is what the agent gets',
		(operation) => {
			const parameters = runtimeParameters(toolDescription, { operation });
			const shown = toolDescription.properties.filter(
				(property) =>
					property.name === 'toolDescription' &&
					NodeHelpers.displayParameter(
						parameters,
						property,
						asNode(toolDescription, parameters),
						toolDescription,
					),
			);
			expect(shown).toHaveLength(1);
			expect(parameters.toolDescription).toBe(shown[0].default);
			expect(textFor(operation)).toBe(shown[0].default);
		},
	);

	it('each operation has its own text', () => {
		expect(new Set(OPERATIONS.map(textFor)).size).toBe(OPERATIONS.length);
		// A workflow saved without the operation runs Create and Wait, n8n's default for it.
		expect(toolText({})).toBe(textFor('createAndWait'));
	});

	it('Create: returns at once with the task; renders take minutes; no waiting or polling; the status tool later', () => {
		const text = textFor('create');
		expect(text).toMatch(/Returns at once, before the video exists, with JSON: taskId, model/);
		expect(text).toMatch(/A render typically takes 2 to 15 minutes/);
		expect(text).toMatch(/Do not wait for the video and never call a tool in a loop/);
		expect(text).toMatch(
			/answer the user at once that the video is being made, with its taskId and model/,
		);
		expect(text).toMatch(
			/When the user asks whether it is ready, check it once with the FastRouter status tool \(Get Status\), giving this taskId and model/,
		);
	});

	it('Get Status: one check by taskId and model; status, and the videoUrl when succeeded; says when it is not done', () => {
		const text = textFor('getStatus');
		expect(text).toMatch(
			/^Check a FastRouter\.ai video task once, by the taskId .* and the model it was created with/,
		);
		expect(text).toMatch(/status \(queued, processing, succeeded or failed\)/);
		expect(text).toMatch(/videoUrl \(link to the finished MP4 when succeeded\)/);
		expect(text).toMatch(/If the status is queued or processing the video is not done yet: say so/);
		expect(text).toMatch(/never starts a video/);
	});

	it('Create and Wait: holds the caller for the whole render, longer than chats and MCP clients wait', () => {
		const text = textFor('createAndWait');
		expect(text).toMatch(/holds the caller for the whole render, typically 2 to 15 minutes/);
		expect(text).toMatch(
			/Chat Trigger gives up after about 90 seconds\) or an MCP client \(60 seconds\) usually gives up first/,
		);
		expect(text).toMatch(
			/prefer the two tools that start a video \(Create\) and check it \(Get Status\)/,
		);
	});

	it.each(['create', 'createAndWait'] as const)(
		'%s: ends with the catalog, every model with the values it accepts',
		(operation) => {
			const text = textFor(operation);
			for (const model of MODELS) expect(text).toContain(`- ${model.id} (${model.displayName})`);
			expect(text).toMatch(/openai\/sora-2-pro .*seconds 4\|8\|12/);
			expect(text).toMatch(/refused before anything is charged/);
		},
	);

	it('Get Status has no catalog: it starts nothing', () => {
		for (const model of MODELS) expect(textFor('getStatus')).not.toContain(`- ${model.id} (`);
	});

	it('follows the operation when the editor switches it (a default text is not stored)', () => {
		// What the editor does on a change: drop the values equal to their defaults, set, fill the defaults in again.
		const full = runtimeParameters(toolDescription, { operation: 'create' });
		const stored =
			NodeHelpers.getNodeParameters(
				toolDescription.properties,
				full,
				false,
				false,
				asNode(toolDescription, full),
				toolDescription,
			) ?? {};
		expect(stored).not.toHaveProperty('toolDescription');
		expect(
			runtimeParameters(toolDescription, { ...stored, operation: 'getStatus' }).toolDescription,
		).toBe(textFor('getStatus'));
	});

	it('keeps a description the user wrote, whatever the operation', () => {
		for (const operation of OPERATIONS)
			expect(toolText({ operation, toolDescription: 'Only Veo, please' })).toBe('Only Veo, please');
	});

	it('is not a field of the regular node', () => {
		for (const operation of OPERATIONS)
			expect(runtimeParameters(description, { operation })).not.toHaveProperty('toolDescription');
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
		expect(subtitle({ operation: 'createAndWait', model: 'google/veo3' })).toBe(
			'Create and Wait: Google Veo 3',
		);
		expect(subtitle({ operation: 'getStatus', model: 'openai/sora-2-pro' })).toBe(
			'Get Status: OpenAI Sora 2 Pro',
		);
	});

	it('shows an "Other" model by the ID typed in', () => {
		expect(subtitle({ operation: 'create', model: 'custom', customModel: 'acme/video-1' })).toBe(
			'Create: acme/video-1',
		);
	});
});
