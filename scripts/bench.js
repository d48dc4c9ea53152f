#!/usr/bin/env node
// The benchmark: measured against the simulator in one run, printed, never asserted in a test.
//   1. N = 1, 10, 100, 1000 items of tasks that each take D, polled every second: the node's wall
//      time, wall ÷ D, the process's CPU time, creates per item and polls per task; then the same
//      N one item after another (what other n8n video nodes do) for the ratio — run up to
//      BENCH_SEQUENTIAL_MAX, beyond it estimated from the largest N run (N × its time per item).
//   2. One 500 MB video streamed into n8n binary data in filesystem mode: peak RSS growth.
//   `node scripts/bench.js real` (not part of `npm run bench`): the same batch in a real n8n
//   2.41.1 (`n8n execute`, filesystem binary data), the node's own execution time from the run data.
// Usage: npm run bench   (BENCH_D_MS, BENCH_SIZES, BENCH_SEQUENTIAL_MAX, BENCH_VIDEO_MB tune it)
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const D_MS = Number(process.env.BENCH_D_MS || 3000);
const SIZES = (process.env.BENCH_SIZES || '1,10,100,1000').split(',').map(Number);
const SEQUENTIAL_MAX = Number(process.env.BENCH_SEQUENTIAL_MAX || 100);
const VIDEO_MB = Number(process.env.BENCH_VIDEO_MB || 500);
const INTERVAL_S = 1;

function loadNode() {
	const dist = path.join(ROOT, 'dist');
	const { FastRouterVideo } = require(
		path.join(dist, 'nodes/FastRouterVideo/FastRouterVideo.node.js'),
	);
	const { FastRouterApi } = require(path.join(dist, 'credentials/FastRouterApi.credentials.js'));
	return { FastRouterVideo, FastRouterApi };
}

async function runBatch(sim, n, maxConcurrent, prefix, binaryMode = 'default') {
	const { runNode } = require('../test/helpers/engine');
	const { FastRouterVideo, FastRouterApi } = loadNode();
	const started = Date.now();
	const cpuBefore = process.cpuUsage();
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
	const cpu = process.cpuUsage(cpuBefore);
	if (result.error) throw new Error(result.error.message);
	const failed = result.items.filter((item) => typeof item.json.error === 'string').length;
	// The simulator runs in this process too: its share of the CPU is in the figure.
	return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, failed, items: result.items };
}

async function throughput() {
	const { startSimulator } = require('../test/simulator');
	const sim = await startSimulator({ durationMs: D_MS, videoBytes: 256 * 1024 });
	const rows = [];
	/** One after another, per item, at the largest N actually run so (for the estimates beyond it). */
	let sequentialPerItemMs = null;
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
			sequentialPerItemMs = sequentialMs / n;
		}
		const estimated = sequentialMs === null && sequentialPerItemMs !== null;
		const oneAfterAnother = sequentialMs ?? (estimated ? sequentialPerItemMs * n : null);
		rows.push({
			N: n,
			'wall (s)': (together.wallMs / 1000).toFixed(2),
			'wall ÷ D': (together.wallMs / D_MS).toFixed(2),
			'wall − D (s)': ((together.wallMs - D_MS) / 1000).toFixed(2),
			'cpu (s)': (together.cpuMs / 1000).toFixed(1),
			'creates/item': (creates / n).toFixed(2),
			'create requests/item': (createRequests / n).toFixed(2),
			'polls/task (max)': Math.max(...polls),
			'polls/task (mean)': (polls.reduce((a, b) => a + b, 0) / polls.length).toFixed(2),
			'one after another (s)':
				oneAfterAnother === null
					? 'skipped'
					: `${estimated ? '≈ ' : ''}${(oneAfterAnother / 1000).toFixed(1)}${estimated ? ' (est.)' : ''}`,
			speed_up:
				oneAfterAnother === null
					? '-'
					: `${estimated ? '≈ ' : ''}${(oneAfterAnother / together.wallMs).toFixed(1)}x`,
			failed: together.failed,
		});
		console.error(`  N=${n} done`);
	}
	await sim.close();
	console.log(
		`\nThroughput: tasks of D = ${D_MS / 1000} s, poll interval ${INTERVAL_S} s (targets: N=100 within D + 2 intervals, N=1000 within D + 5 s, ` +
			`≥ 50x one-after-another, 1 create per item, polls/task ≤ D/interval + 2 = ${D_MS / 1000 / INTERVAL_S + 2}; ` +
			`one after another beyond N=${SEQUENTIAL_MAX} is estimated: N × the time per item at the largest N run so; cpu: this process, simulator included)`,
	);
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
			parameters: {
				operation: 'createAndWait',
				model,
				prompt: 'a big one',
				options: { pollInterval: 1 },
			},
		});
		clearInterval(sampler);
		sim.stop();
		if (result.error) throw new Error(result.error.message);
		const binary = result.items[0].binary?.data;
		results.push({
			path:
				model === 'openai/sora-2-pro'
					? 'Sora: MP4 in the poll answer'
					: 'task-style: video URL on the CDN',
			'video (MB)': ((binary?.bytes ?? 0) / 1024 / 1024).toFixed(0),
			'stored as': binary?.id ? 'filesystem (streamed)' : 'inline',
			'peak RSS growth (MB)': ((peak - baseline) / 1024 / 1024).toFixed(1),
			'wall (s)': ((Date.now() - started) / 1000).toFixed(1),
		});
	}
	console.log(
		`\nMemory: one ${VIDEO_MB} MB video into n8n binary data, filesystem mode (target: peak RSS growth < 64 MB)`,
	);
	console.table(results);
}

/** Preloaded into `n8n execute`: at exit, its CPU time (user + system) as one JSON line (its task runner writes none). */
const CPU_PROBE = path.join(__dirname, 'bench-cpu-probe.js');

/**
 * The same batch in a real n8n 2.41.1, installed as users install the package (`npm run test:n8n`'s
 * install, in ~/.cache/n8n-nodes-fastrouter): Manual Trigger → Rows (a Code node) → FastRouter
 * Video (Create and Wait, in process: `n8n execute` is a run someone waits on), filesystem binary
 * data, the simulator in this process. Reported: the node's own execution time (n8n's run data), the
 * whole `n8n execute` (start-up included), creates and polls. BENCH_REAL_SIZES (default 100,1000),
 * BENCH_REAL_VIDEO_KB (default 16).
 */
async function real() {
	const os = require('node:os');
	const fs = require('node:fs');
	const { installRealN8n, N8N_VERSION } = require('../test/real-n8n/install');
	const { N8nInstance, packThisPackage } = require('../test/real-n8n/instance');
	const workflows = require('../test/real-n8n/workflows');
	const { startSimulator } = require('../test/simulator');
	const sizes = (process.env.BENCH_REAL_SIZES || '100,1000').split(',').map(Number);
	const videoBytes = Number(process.env.BENCH_REAL_VIDEO_KB || 16) * 1024;
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pack-'));
	const n8n = new N8nInstance(installRealN8n(), packThisPackage(packDir), 'bench');
	const sim = await startSimulator({ durationMs: D_MS, videoBytes });
	const credential = { id: 'fastRouterBench01', name: 'FastRouter (bench)' };
	const rows = [];
	try {
		await n8n.importCredentials([
			{ ...credential, type: 'fastRouterApi', data: { apiKey: sim.apiKey, baseUrl: sim.baseUrl } },
		]);
		for (const n of sizes) {
			const workflow = workflows.manualChain(
				`bench${String(n).padStart(11, '0')}`,
				`Bench ${n} rows`,
				[
					{
						name: 'Rows',
						type: 'n8n-nodes-base.code',
						parameters: {
							jsCode: `return Array.from({ length: ${n} }, (_, i) => ({ json: { prompt: 'row ' + i } }));`,
						},
					},
					{
						name: 'FastRouter Video',
						type: `${n8n.package.manifest.name}.fastRouterVideo`,
						parameters: {
							operation: 'createAndWait',
							model: 'google/veo3',
							prompt: '={{ $json.prompt }}',
							options: { pollInterval: INTERVAL_S, maxConcurrent: 1000 },
						},
						credentials: { fastRouterApi: credential },
					},
				],
			);
			await n8n.importWorkflow(workflow);
			sim.reset();
			const started = Date.now();
			// The CPU time `n8n execute` used, written by the process itself as it exits: on a shared
			// machine it says more than the wall time (its start-up is in it, the same in every run).
			const cpuFile = path.join(packDir, `cpu-${n}.json`);
			const run = await n8n.execute(workflow.id, {
				NODE_OPTIONS: `--require ${CPU_PROBE}`,
				BENCH_CPU_FILE: cpuFile,
			});
			const wallMs = Date.now() - started;
			const cpuS = fs.existsSync(cpuFile)
				? JSON.parse(fs.readFileSync(cpuFile, 'utf8').trim().split('\n')[0]).cpuS
				: NaN;
			const nodeRun = run.data.resultData.runData['FastRouter Video'][0];
			const out = nodeRun.data.main[0];
			const polls = Object.values(sim.counters.polls);
			rows.push({
				N: n,
				'node time (s)': (nodeRun.executionTime / 1000).toFixed(2),
				'node time ÷ D': (nodeRun.executionTime / D_MS).toFixed(2),
				'node time − D (s)': ((nodeRun.executionTime - D_MS) / 1000).toFixed(2),
				'n8n execute, whole (s)': (wallMs / 1000).toFixed(1),
				'n8n execute, cpu (s)': cpuS.toFixed(1),
				'creates/item': (sim.counters.creates / n).toFixed(2),
				'polls/task (max)': Math.max(...polls),
				videos: out.filter((item) => item.binary?.data).length,
				failed: out.filter((item) => typeof item.json.error === 'string').length,
			});
			console.error(`  real n8n N=${n} done`);
		}
	} finally {
		await sim.close();
		await n8n.stop();
		n8n.cleanUp();
		fs.rmSync(packDir, { recursive: true, force: true });
	}
	console.log(
		`\nReal n8n ${N8N_VERSION} (n8n execute, in process, filesystem binary data): tasks of D = ${D_MS / 1000} s, poll interval ${INTERVAL_S} s, ${videoBytes / 1024} KB videos (target: N=1000 within D + 5 s)`,
	);
	console.table(rows);
}

async function main() {
	const which = process.argv[2] ?? 'all';
	if (which === 'real') return await real();
	if (which === 'all' || which === 'throughput') await throughput();
	if (which === 'memory') await memory();
	if (which === 'all') {
		// A fresh process: a clean RSS baseline and n8n's filesystem binary mode from the start.
		const child = spawn(process.execPath, ['--expose-gc', __filename, 'memory'], {
			cwd: ROOT,
			stdio: 'inherit',
		});
		await new Promise((resolve) => child.once('exit', resolve));
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
