/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** The package's shipped TypeScript, as the tests that check its shape and its lint rules read it. */

export const ROOT = path.join(__dirname, '..', '..');
export const NODE_DIR = path.join(ROOT, 'nodes', 'FastRouterVideo');

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

/** Every `.ts` file of the node and the credentials. */
export const SOURCE_FILES = [
	...sourceFiles(path.join(ROOT, 'nodes')),
	...sourceFiles(path.join(ROOT, 'credentials')),
];

/** Each of them parsed (with parent links, so a node knows its file and line). */
export function parseSources(): Map<string, ts.SourceFile> {
	return new Map(
		SOURCE_FILES.map((file) => [
			file,
			ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true),
		]),
	);
}
