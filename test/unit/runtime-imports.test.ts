/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * What the shipped code may require when n8n loads it. A community package gets no dependencies
 * of its own installed; n8n resolves these from its own node_modules, on the 1.x line (checked on
 * 1.123.81) as on 2.x. p-limit is not among them: n8n 1.x does not provide it.
 */
const PROVIDED_BY_N8N = new Set(['n8n-workflow', 'zod', 'lodash', 'luxon', 'crypto', 'node:crypto']);

const ROOT = path.join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

/** The modules a file requires once compiled as the build compiles it (type-only imports vanish). */
function runtimeRequires(file: string): string[] {
	const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
	}).outputText;
	return [...output.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
}

describe('run-time imports', () => {
	const files = [...sourceFiles(path.join(ROOT, 'nodes')), ...sourceFiles(path.join(ROOT, 'credentials'))];

	it('the node and credential code require only relative files and what n8n provides to community nodes', () => {
		const outside = files.flatMap((file) =>
			runtimeRequires(file)
				.filter((name) => !name.startsWith('.') && !PROVIDED_BY_N8N.has(name))
				.map((name) => `${path.relative(ROOT, file)}: ${name}`),
		);
		expect(outside).toEqual([]);
		// The check sees real imports: the node itself requires n8n-workflow and zod.
		const all = new Set(files.flatMap(runtimeRequires));
		expect(all.has('n8n-workflow')).toBe(true);
		expect(all.has('zod')).toBe(true);
	});

	it('the package declares no runtime dependencies for n8n to install', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.devDependencies['p-limit']).toBeUndefined();
	});
});
