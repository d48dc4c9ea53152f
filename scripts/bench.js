#!/usr/bin/env node
// The benchmark: measured against the simulator in one run, printed, never asserted in a test.
//   1. N = 1, 10, 100 items of tasks that each take D, polled every second: the node's wall
//      time, wall ÷ D, creates per item and polls per task; then the same N one item after
//      another (what other n8n video nodes do) for the ratio.
//   2. One 500 MB video streamed into n8n binary data in filesystem mode: peak RSS growth.
// Usage: npm run bench   (BENCH_D_MS, BENCH_SIZES, BENCH_SEQUENTIAL_MAX, BENCH_VIDEO_MB tune it)
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const D_MS = Number(process.env.BENCH_D_MS || 3000);
const SIZES = (process.env.BENCH_SIZES || '1,10,100').split(',').map(Number);
const SEQUENTIAL_MAX = Number(process.env.BENCH_SEQUENTIAL_MAX || 100);
const VIDEO_MB = Number(process.env.BENCH_VIDEO_MB || 500);
const INTERVAL_S = 1;

function loadNode() {
	const dist = path.join(ROOT, 'dist');
	const { FastRouterVideo } = require(path.join(dist, 'nodes/FastRouterVideo/FastRouterVideo.node.js'));
	const { FastRouterApi } = require(path.join(dist, 'credentials/FastRouterApi.credentials.js'));
	return { FastRouterVideo, FastRouterApi };
}

async function runBatch(sim, n, maxConcurrent, prefix, binaryMode = 'default') {
	const { runNode } = require('../test/helpers/engine');
	const { FastRouterVideo, FastRouterApi } = loadNode();
	const started = Date.now();
	const result = await runNode({
		nodeType: new FastRouterVideo(),
		credentialTypes: { fastRouterApi: new FastRouterApi() },
		credentials: { fastRouterApi: { apiKey: sim.apiKey, baseUrl: sim.baseUrl } },
		binaryMode,
		items: Array.from({ length: n }, (_, i) => ({ prompt: `${prefix} ${i}` })),
		parameters: {
			operation: 'createAndWait',
			model: 'google/veo3',
			prompt: '={{ $json.prompt }}',
			options: { pollInterval: INTERVAL_S, maxConcurrent },
		},
	});
	const wallMs = Date.now() - started;
	if (result.error) throw new Error(result.error.message);
	const failed = result.items.filter((item) => typeof item.json.error === 'string').length;
	return { wallMs, failed, items: result.items };
}

async function throughput() {
	const { startSimulator } = require('../test/simulator');
	const sim = await startSimulator({ durationMs: D_MS, videoBytes: 256 * 1024 });
	const rows = [];
	for (const n of SIZES) {
		sim.reset();
		const together = await runBatch(sim, n, 1000, `n${n}`);
		const creates = sim.counters.creates;
		const createRequests = sim.counters.createRequests;
		const polls = Object.values(sim.counters.polls);
		let sequentialMs = null;
		if (n <= SEQUENTIAL_MAX) {
			sim.reset();
			sequentialMs = (await runBatch(sim, n, 1, `seq${n}`)).wallMs;
		}
		rows.push({
			N: n,
			'wall (s)': (together.wallMs / 1000).toFixed(2),
			'wall ÷ D': (together.wallMs / D_MS).toFixed(2),
			'creates/item': (creates / n).toFixed(2),
			'create requests/item': (createRequests / n).toFixed(2),
			'polls/task (max)': Math.max(...polls),
			'polls/task (mean)': (polls.reduce((a, b) => a + b, 0) / polls.length).toFixed(2),
			'one after another (s)': sequentialMs === null ? 'skipped' : (sequentialMs / 1000).toFixed(1),
			speed_up: sequentialMs === null ? '-' : `${(sequentialMs / together.wallMs).toFixed(1)}x`,
			failed: together.failed,
		});
		console.error(`  N=${n} done`);
	}
	await sim.close();
	console.log(`\nThroughput: tasks of D = ${D_MS / 1000} s, poll interval ${INTERVAL_S} s (target: N=100 within D + 2 intervals, ≥ 50x one-after-another, 1 create per item, polls/task ≤ D/interval + 2 = ${D_MS / 1000 / INTERVAL_S + 2})`);
	console.table(rows);
}

/** The simulator lives in its own process so its sockets and buffers do not count against the node. */
async function startSimulatorProcess(videoBytes) {
	const child = spawn(
		process.execPath,
		[
			'-e',
			`require('./test/simulator').startSimulator({ durationMs: 500, videoBytes: ${videoBytes} })` +
				`.then((s) => console.log(JSON.stringify({ baseUrl: s.baseUrl, apiKey: s.apiKey })))`,
		],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const line = await new Promise((resolve, reject) => {
		child.stdout.once('data', (data) => resolve(String(data)));
		child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
	});
	return { ...JSON.parse(line), stop: () => child.kill() };
}

async function memory() {
	const videoBytes = VIDEO_MB * 1024 * 1024;
	const results = [];
	for (const model of ['google/veo3', 'openai/sora-2-pro']) {
		const sim = await startSimulatorProcess(videoBytes);
		const { runNode, useBinaryMode } = require('../test/helpers/engine');
		await useBinaryMode('filesystem');
		const { FastRouterVideo, FastRouterApi } = loadNode();
		global.gc?.();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 20);
		const started = Date.now();
		const result = await runNode({
			nodeType: new FastRouterVideo(),
			credentialTypes: { fastRouterApi: new FastRouterApi() },
			credentials: { fastRouterApi: { apiKey: sim.apiKey, baseUrl: sim.baseUrl } },
			binaryMode: 'filesystem',
			items: [{}],
			parameters: { operation: 'createAndWait', model, prompt: 'a big one', options: { pollInterval: 1 } },
		});
		clearInterval(sampler);
		sim.stop();
		if (result.error) throw new Error(result.error.message);
		const binary = result.items[0].binary?.data;
		results.push({
			path: model === 'openai/sora-2-pro' ? 'Sora: MP4 in the poll answer' : 'task-style: video URL on the CDN',
			'video (MB)': ((binary?.bytes ?? 0) / 1024 / 1024).toFixed(0),
			'stored as': binary?.id ? 'filesystem (streamed)' : 'inline',
			'peak RSS growth (MB)': ((peak - baseline) / 1024 / 1024).toFixed(1),
			'wall (s)': ((Date.now() - started) / 1000).toFixed(1),
		});
	}
	console.log(`\nMemory: one ${VIDEO_MB} MB video into n8n binary data, filesystem mode (target: peak RSS growth < 64 MB)`);
	console.table(results);
}

async function main() {
	const which = process.argv[2] ?? 'all';
	if (which === 'all' || which === 'throughput') await throughput();
	if (which === 'memory') await memory();
	if (which === 'all') {
		// A fresh process: a clean RSS baseline and n8n's filesystem binary mode from the start.
		const child = spawn(process.execPath, ['--expose-gc', __filename, 'memory'], { cwd: ROOT, stdio: 'inherit' });
		await new Promise((resolve) => child.once('exit', resolve));
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
