/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { type ModeRules, type ModelSpec, MODELS } from '../../nodes/FastRouterVideo/catalog';

/** The README's model table is written from the catalog; this keeps the two from drifting. */
function cell(rules: ModeRules | undefined, model: ModelSpec): string {
	const passed = model.knownInPart ? (rules ? '; other fields passed through' : 'not documented: fields passed through') : '';
	if (!rules) return passed || '—';
	return (
		Object.entries(rules)
			.map(([field, rule]) => `${field}${rule?.values ? ` (${rule.values.join(', ')})` : ''}${rule?.required ? ' *' : ''}`)
			.join(', ') + passed
	);
}

describe('README', () => {
	const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const tableRows = readme.split('\n').filter((line) => /^\| .+ \| `[^`]+\/[^`]+` \|/.test(line));

	it('lists exactly the catalog models, each with its fields as the catalog has them', () => {
		expect(tableRows).toEqual(
			MODELS.map((model) => `| ${model.displayName} | \`${model.id}\` | ${cell(model.textToVideo, model)} | ${cell(model.imageToVideo, model)} |`),
		);
	});
});
