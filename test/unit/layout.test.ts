/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The two layout maps, the node file's comment and the README's Development section, name every
 * file: a file added without its line fails here.
 */
const ROOT = path.join(__dirname, '..', '..');
/** What .gitignore leaves out (build output, downloads, caches), and git's own folder. */
const IGNORED = readFileSync(path.join(ROOT, '.gitignore'), 'utf8')
	.split('\n')
	.map((line) => line.trim().replace(/\/$/, ''))
	.filter((line) => line !== '' && !line.startsWith('#'))
	.concat('.git')
	.map((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));

/** The repository's files, new ones included. */
function filesUnder(dir: string): string[] {
	return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		if (IGNORED.some((pattern) => pattern.test(entry.name))) return [];
		const relative = path.posix.join(dir, entry.name);
		return entry.isDirectory() ? filesUnder(relative) : [relative];
	});
}

/** Whether `text` names the file: its name as a whole word (a folder's map lists its files by name). */
function names(text: string, file: string): boolean {
	const name = path.posix.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`(^|[\\s/(,])${name}([\\s),]|$)`, 'm').test(text);
}

describe('layout maps', () => {
	it("the README's Development section names every file of the repository", () => {
		const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
		const development = readme.slice(readme.indexOf('## Development'));
		expect(filesUnder('.').filter((file) => !names(development, file))).toEqual([]);
	});

	it("the node file's comment names every file of the node", () => {
		const nodeFile = readFileSync(path.join(ROOT, 'nodes/FastRouterVideo/FastRouterVideo.node.ts'), 'utf8');
		const map = nodeFile.slice(nodeFile.indexOf('/**\n * FastRouter Video:'), nodeFile.indexOf('export class'));
		expect(filesUnder('nodes/FastRouterVideo').filter((file) => !names(map, file.replace('nodes/FastRouterVideo/', '')))).toEqual([]);
	});
});
