import type { INodeProperties } from 'n8n-workflow';

import { INPUT_MODE_LABEL, type InputMode, MODELS, type ModeRules, type ModelSpec, VIDEO_FIELDS } from '../catalog';

/** The one line the editor's node panel and the AI Agent's tool list show under the node's name. */
export const PANEL_DESCRIPTION =
	'Generate videos from a prompt or an image with Veo, Sora, Runway, Seedance and more through FastRouter.ai';

/**
 * What an AI agent reads about the tool: what it returns, then every catalog model with the fields
 * and values it accepts — what a person sees as dropdowns in the editor.
 */
export function agentToolDescription(): string {
	return [
		'Generate videos with FastRouter.ai from a text prompt or a public image URL.',
		'Depending on how the tool is set up it starts a task and returns its taskId, waits for the video, or checks a taskId.',
		'Returns JSON: taskId, status (queued, processing, succeeded or failed), videoUrl (link to the finished MP4), hostedVideoUrl (FastRouter’s copy, kept longer), error, creditsUsed, costUsd.',
		'A value a model does not accept is refused before anything is charged, with the values it does accept.',
		'Models (use the id) and the values each accepts; leave a field a model does not list empty ("" or 0):',
		...MODELS.map(describeModel),
	].join('\n');
}

/**
 * The tool's description, declared by the node itself. n8n adds a `toolDescription` to a node's
 * tool variant only when the node has none, and that one defaults to the node's description —
 * the panel line, too short for an agent to pick a model and its values. This one exists only in
 * the tool variant (`@tool`), and a description left at its default follows the catalog.
 */
export const toolDescriptionProperty: INodeProperties = {
	displayName: 'Description',
	name: 'toolDescription',
	type: 'string',
	default: agentToolDescription(),
	required: true,
	typeOptions: { rows: 6 },
	description:
		'What the AI agent reads about this tool. By default: what it returns and every model with the values it accepts.',
	displayOptions: { show: { '@tool': [true] } },
};

function describeModel(model: ModelSpec): string {
	const modes = (Object.keys(INPUT_MODE_LABEL) as InputMode[])
		.filter((mode) => model[mode] !== undefined)
		.map((mode) => `${INPUT_MODE_LABEL[mode]}: ${describeRules(model[mode] as ModeRules)}`);
	if (model.knownInPart) modes.push('other fields are passed through as given (documented only in part)');
	return `- ${model.id} (${model.displayName}) — ${modes.join('; ')}`;
}

function describeRules(rules: ModeRules): string {
	return VIDEO_FIELDS.filter((field) => rules[field] !== undefined)
		.map((field) => {
			const rule = rules[field] ?? {};
			const values = rule.values ? ` ${rule.values.join('|')}` : '';
			return `${field}${rule.required ? ' (required)' : ''}${values}`;
		})
		.join(', ');
}
