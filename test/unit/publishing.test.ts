/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { type ModeRules, type ModelSpec, MODELS } from '../../nodes/FastRouterVideo/catalog';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** What n8n's verification asks of a community package, kept from drifting. */
describe('ready to publish', () => {
	const manifest = JSON.parse(read('package.json'));

	it('is MIT licensed, in package.json and in the LICENSE file npm packs', () => {
		expect(manifest.license).toBe('MIT');
		expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
	});

	it('points at one public GitHub repository from repository, homepage and bugs, and names its author', () => {
		const repo = manifest.repository.url.match(
			/^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\.git$/,
		)?.[1];
		expect(repo).toBeTruthy();
		expect(manifest.homepage.startsWith(`https://github.com/${repo}`)).toBe(true);
		expect(manifest.bugs.url).toBe(`https://github.com/${repo}/issues`);
		expect(manifest.author.name).toBeTruthy();
	});

	it('publishes from a version tag in GitHub Actions with npm provenance, after the full CI', () => {
		const publish = read('.github/workflows/publish.yml');
		expect(publish).toMatch(/on:\n\s+push:\n\s+tags:/);
		expect(publish).toMatch(/permissions:\n(\s+#.*\n)*\s+id-token: write/);
		expect(publish).toMatch(/npm publish --provenance/);
		expect(publish).toMatch(/run: \.ci\/run/);
		expect(read('.github/workflows/ci.yml')).toMatch(/run: \.ci\/run/);
	});

	it('has a changelog entry for the current version', () => {
		expect(read('CHANGELOG.md')).toContain(`## ${manifest.version}\n`);
	});
});

/** The README's model table is written from the catalog; this keeps the two from drifting. */
function cell(rules: ModeRules | undefined, model: ModelSpec): string {
	const passed = model.knownInPart
		? rules
			? '; other fields passed through'
			: 'not documented: fields passed through'
		: '';
	if (!rules) return passed || '—';
	return (
		Object.entries(rules)
			.map(
				([field, rule]) =>
					`${field}${rule?.values ? ` (${rule.values.join(', ')})` : ''}${rule?.required ? ' *' : ''}`,
			)
			.join(', ') + passed
	);
}

describe('README', () => {
	const readme = read('README.md');
	const tableRows = readme.split('\n').filter((line) => /^\| .+ \| `[^`]+\/[^`]+` \|/.test(line));

	it('lists exactly the catalog models, each with its fields as the catalog has them', () => {
		expect(tableRows).toEqual(
			MODELS.map(
				(model) =>
					`| ${model.displayName} | \`${model.id}\` | ${cell(model.textToVideo, model)} | ${cell(model.imageToVideo, model)} |`,
			),
		);
	});
});
