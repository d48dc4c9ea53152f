import type { INodePropertyOptions } from 'n8n-workflow';

import { MODELS } from '../catalog';
import { CUSTOM_MODEL } from '../settings/parameterValues';

/**
 * The canvas line under the node, in words ("Create and Wait: Google Veo 3") rather than the
 * stored values. The editor evaluates it as an expression with no access to this package, so the
 * names travel inside it as two lookup tables; a value outside them (an "Other" id, an
 * expression) is shown as it is.
 */
export function subtitleExpression(operations: INodePropertyOptions[]): string {
	const operationNames = Object.fromEntries(
		operations.map((option) => [option.value, option.name]),
	);
	const modelNames = Object.fromEntries(MODELS.map((model) => [model.id, model.displayName]));
	const operation = `(${JSON.stringify(operationNames)}[$parameter["operation"]] || $parameter["operation"])`;
	const model = `($parameter["model"] === ${JSON.stringify(CUSTOM_MODEL)} ? $parameter["customModel"] : (${JSON.stringify(modelNames)}[$parameter["model"]] || $parameter["model"]))`;
	return `={{ ${operation} + ": " + ${model} }}`;
}
