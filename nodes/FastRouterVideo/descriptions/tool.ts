import type { INodeProperties } from 'n8n-workflow';

import {
	INPUT_MODE_LABEL,
	type InputMode,
	MODELS,
	type ModeRules,
	type ModelSpec,
	VIDEO_FIELDS,
} from '../catalog';
import { forOperation } from './scope';

/** The one line the editor's node panel and the AI Agent's tool list show under the node's name. */
export const PANEL_DESCRIPTION =
	'Generate videos from a prompt or an image with Veo, Sora, Runway, Seedance and more through FastRouter.ai';

/** The operations, as stored in workflows (descriptions/operation.ts). */
type ToolOperation = 'create' | 'createAndWait' | 'getStatus';

/** How long a render takes, in the words every text uses. */
const RENDER_TIME = '2 to 15 minutes, depending on the model, the length and FastRouter’s load';

const CHECKED_FIRST =
	'A value a model does not accept is refused before anything is charged, with the values it does accept.';

/**
 * What an AI agent reads about the tool, by operation. Create and Create and Wait end with every
 * catalog model and the fields and values it accepts — what a person sees as dropdowns in the editor.
 */
export function agentToolDescription(operation: ToolOperation): string {
	return TOOL_TEXTS[operation]().join('\n');
}

const TOOL_TEXTS: Record<ToolOperation, () => string[]> = {
	create: () => [
		'Start making a video with FastRouter.ai from a text prompt or a public image URL.',
		'Returns at once, before the video exists, with JSON: taskId, model, status (usually queued or processing), creditsUsed, costUsd.',
		`A render typically takes ${RENDER_TIME}. Do not wait for the video and never call a tool in a loop to see whether it is done: answer the user at once that the video is being made, with its taskId and model.`,
		'When the user asks whether it is ready, check it once with the FastRouter status tool (Get Status), giving this taskId and model.',
		'Each call starts a new, paid video: call it once per video asked for, never to check on one.',
		CHECKED_FIRST,
		...catalog(),
	],
	getStatus: () => [
		'Check a FastRouter.ai video task once, by the taskId that the start tool (Create) returned, and the model it was created with (older task ids need it: always pass it).',
		'Returns at once with JSON: taskId, model, status (queued, processing, succeeded or failed), progress, videoUrl (link to the finished MP4 when succeeded), hostedVideoUrl (FastRouter’s copy, kept longer), error (why it failed), creditsUsed, costUsd.',
		`If the status is queued or processing the video is not done yet: say so (a render typically takes ${RENDER_TIME}) and do not check again on your own; the user can ask again later.`,
		'When it succeeded, give the user the videoUrl; when it failed, the error. This tool never starts a video.',
	],
	createAndWait: () => [
		'Make a video with FastRouter.ai from a text prompt or a public image URL and wait until it is finished.',
		'Returns JSON: taskId, model, status, videoUrl (link to the finished MP4), hostedVideoUrl (FastRouter’s copy, kept longer), error, creditsUsed, costUsd.',
		`It holds the caller for the whole render, typically ${RENDER_TIME}. A chat (n8n’s Chat Trigger gives up after about 90 seconds) or an MCP client (60 seconds) usually gives up first, while the video is still made and charged: there, prefer the two tools that start a video (Create) and check it (Get Status).`,
		CHECKED_FIRST,
		...catalog(),
	],
};

function catalog(): string[] {
	return [
		'Models (use the id) and the values each accepts; leave a field a model does not list empty ("" or 0):',
		...MODELS.map(describeModel),
	];
}

/**
 * The tool's description, declared by the node itself, one per operation. n8n adds a
 * `toolDescription` to a node's tool variant only when the node has none, and that one defaults to
 * the node's description — the panel line, too short for an agent to pick a model or to know that
 * a render takes minutes. These exist only in the tool variant (`@tool`), one shown per operation,
 * so each operation's default is its own text; a description left at its default follows the catalog.
 */
export const toolDescriptionProperties: INodeProperties[] = (
	['create', 'createAndWait', 'getStatus'] as const
).flatMap((operation) =>
	forOperation(operation, [
		{
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			default: agentToolDescription(operation),
			required: true,
			typeOptions: { rows: 6 },
			description:
				'What the AI agent reads about this tool. By default: what it returns, how long a render takes, which tool to use when and, to start a video, every model with the values it accepts.',
			displayOptions: { show: { '@tool': [true] } },
		},
	]),
);

function describeModel(model: ModelSpec): string {
	const modes = (Object.keys(INPUT_MODE_LABEL) as InputMode[])
		.filter((mode) => model[mode] !== undefined)
		.map((mode) => `${INPUT_MODE_LABEL[mode]}: ${describeRules(model[mode] as ModeRules)}`);
	if (model.knownInPart)
		modes.push('other fields are passed through as given (documented only in part)');
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
