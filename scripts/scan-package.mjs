#!/usr/bin/env node
// `npm run scan`: n8n's own community-package scan (@n8n/scan-community-package), run on this
// checkout and on the tarball `npm pack` makes. The published CLI takes only a package name on
// the npm registry, with provenance; its two lint legs — the source's package.json, nodes/ and
// credentials/, then the tarball's JavaScript and package.json — are exactly what runs here.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-package-'));
try {
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--pack-destination', work, '--json', '--loglevel=error'], {
			cwd: repo,
			encoding: 'utf8',
		}),
	);
	const unpacked = path.join(work, 'package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(work, filename), '-C', unpacked, '--strip-components=1']);

	const legs = [
		[
			'source (package.json, nodes/, credentials/)',
			await analyzePackage(repo, SOURCE_FILE_PATTERNS),
		],
		[`tarball ${filename}`, await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
	];
	for (const [name, result] of legs) {
		console.log(
			`${result.passed ? '✅' : '❌'} ${name}${result.passed ? '' : `: ${result.message}`}`,
		);
		if (result.details) console.log(result.details);
	}
	process.exitCode = legs.every(([, result]) => result.passed) ? 0 : 1;
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
