import { INPUT_MODE_LABEL, type InputMode, MODELS, type ModeRules, type ModelSpec, VIDEO_FIELDS } from './catalog';

/**
 * The node's description, which is also what an AI agent reads about it as a tool (n8n's
 * "FastRouter Video Tool"). Its first sentence is what the editor's node list shows; after it, for
 * the agent, every catalog model with the fields and values it accepts — what a person sees as
 * dropdowns in the editor.
 */
export function toolDescription(): string {
	return [
		'Generate videos with FastRouter.ai (Google Veo 3, OpenAI Sora 2 Pro, Runway, Seedance, Pollo and more) from a text prompt or a public image URL.',
		'Depending on how the tool is set up it starts a task and returns its taskId, waits for the video, or checks a taskId.',
		'Returns JSON: taskId, status (queued, processing, succeeded or failed), videoUrl (link to the finished MP4), error, creditsUsed.',
		'A value a model does not accept is refused before anything is charged, with the values it does accept.',
		'Models (use the id) and the values each accepts; leave a field a model does not list empty ("" or 0):',
		...MODELS.map(describeModel),
	].join('\n');
}

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

