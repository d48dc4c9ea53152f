/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: this rule guards the shipped node code */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

import { NODE_DIR, parseSources, ROOT, SOURCE_FILES } from '../helpers/sources';

/**
 * The shape the node's code keeps (docs/development.md): folders named for their jobs, layers that
 * import one way only, small functions, small folders, and nothing required at run time that n8n
 * does not provide. Each rule is checked on the real sources, type-only imports included in the
 * layers (a type import is still a dependency a reader must follow).
 */

const MAX_FUNCTION_LINES = 60;
const MAX_FILES_PER_FOLDER = 8;

const parsed = parseSources();

/** The package's own files a file imports (or re-exports from), type-only imports included. */
function localImports(file: string): string[] {
	const source = parsed.get(file) as ts.SourceFile;
	const specifiers = source.statements.flatMap((statement) =>
		(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
		statement.moduleSpecifier &&
		ts.isStringLiteral(statement.moduleSpecifier)
			? [statement.moduleSpecifier.text]
			: [],
	);
	return specifiers
		.filter((name) => name.startsWith('.'))
		.map((name) => `${path.resolve(path.dirname(file), name)}.ts`);
}

const graph = new Map(SOURCE_FILES.map((file) => [file, localImports(file)]));

/** Every cycle's members (strongly connected components of more than one node, or a self-import). */
function cycles(edges: Map<string, string[]>): string[][] {
	let counter = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const found: string[][] = [];
	const visit = (node: string) => {
		index.set(node, counter);
		low.set(node, counter++);
		stack.push(node);
		for (const next of edges.get(node) ?? []) {
			if (!index.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
			} else if (stack.includes(next))
				low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop() as string;
				component.push(member);
			} while (member !== node);
			if (component.length > 1 || (edges.get(node) ?? []).includes(node))
				found.push(component.sort());
		}
	};
	for (const node of edges.keys()) if (!index.has(node)) visit(node);
	return found;
}

/** The node's folder a file belongs to (`.` for the node's own top-level files, `credentials`). */
function layerOf(file: string): string {
	const relative = path.relative(NODE_DIR, file);
	if (relative.startsWith('..')) return path.relative(ROOT, path.dirname(file));
	return relative.includes(path.sep)
		? relative.split(path.sep)[0]
		: `./${path.basename(file, '.ts')}`;
}

describe('the node code’s architecture', () => {
	it('every import names a file that exists', () => {
		const missing = [...graph].flatMap(([file, imports]) =>
			imports.filter((target) => !graph.has(target)).map((target) => `${file} → ${target}`),
		);
		expect(missing).toEqual([]);
	});

	it('has no import cycle between files', () => {
		expect(cycles(graph).map((cycle) => cycle.map((file) => path.relative(ROOT, file)))).toEqual(
			[],
		);
	});

	it('has no import cycle between folders: the layers run one way', () => {
		const folders = new Map<string, string[]>();
		for (const [file, imports] of graph) {
			const from = layerOf(file);
			const targets = imports.map(layerOf).filter((to) => to !== from);
			folders.set(from, [...new Set([...(folders.get(from) ?? []), ...targets])]);
		}
		expect(cycles(folders)).toEqual([]);
		// The check sees real edges: the actions sit on the batch, the batch on the transport's types.
		expect(folders.get('actions')).toContain('batch');
		expect(folders.get('batch')).toContain('transport');
	});

	it(`has no function longer than ${MAX_FUNCTION_LINES} lines`, () => {
		const long: string[] = [];
		for (const [file, source] of parsed) {
			const visit = (node: ts.Node) => {
				if (ts.isFunctionLike(node) && 'body' in node && node.body) {
					const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
					const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
					if (end - start + 1 > MAX_FUNCTION_LINES)
						long.push(`${path.relative(ROOT, file)}:${start + 1} (${end - start + 1} lines)`);
				}
				ts.forEachChild(node, visit);
			};
			visit(source);
		}
		expect(long).toEqual([]);
	});

	it(`has no folder with more than ${MAX_FILES_PER_FOLDER} files`, () => {
		const crowded: string[] = [];
		const walk = (dir: string) => {
			const entries = fs.readdirSync(dir, { withFileTypes: true });
			const count = entries.filter((entry) => entry.isFile()).length;
			if (count > MAX_FILES_PER_FOLDER) crowded.push(`${path.relative(ROOT, dir)} (${count})`);
			for (const entry of entries) if (entry.isDirectory()) walk(path.join(dir, entry.name));
		};
		walk(NODE_DIR);
		expect(crowded).toEqual([]);
	});
});

/**
 * What the shipped code may require when n8n loads it. A community package gets no dependencies
 * of its own installed; n8n resolves these from its own node_modules, on the 1.x line (checked on
 * 1.123.81) as on 2.x. p-limit is not among them: n8n 1.x does not provide it.
 */
const PROVIDED_BY_N8N = new Set([
	'n8n-workflow',
	'zod',
	'lodash',
	'luxon',
	'crypto',
	'node:crypto',
]);

/** The modules a file requires once compiled as the build compiles it (type-only imports vanish). */
function runtimeRequires(file: string): string[] {
	const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
	}).outputText;
	return [...output.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
}

describe('run-time imports', () => {
	it('the node and credential code require only relative files and what n8n provides to community nodes', () => {
		const required = SOURCE_FILES.map((file) => ({ file, names: runtimeRequires(file) }));
		const outside = required.flatMap(({ file, names }) =>
			names
				.filter((name) => !name.startsWith('.') && !PROVIDED_BY_N8N.has(name))
				.map((name) => `${path.relative(ROOT, file)}: ${name}`),
		);
		expect(outside).toEqual([]);
		// The check sees real imports: the node itself requires n8n-workflow and zod.
		const all = new Set(required.flatMap(({ names }) => names));
		expect(all.has('n8n-workflow')).toBe(true);
		expect(all.has('zod')).toBe(true);
	});

	it('the package declares no runtime dependencies for n8n to install', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.devDependencies['p-limit']).toBeUndefined();
	});
});
