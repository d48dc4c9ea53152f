#!/usr/bin/env node
// The demo workflow: a few sheet rows → FastRouter Video (Create and Wait) → ./out/*.mp4.
// With FASTROUTER_API_KEY set it calls FastRouter for real (one short, low-resolution video unless
// DEMO_ROWS says otherwise); without it, it starts the bundled simulator and says so.
const fs = require('node:fs');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');

const { runNode, useBinaryMode, binaryStream } = require('../test/helpers/engine');
const { startSimulator } = require('../test/simulator');

const dist = path.join(__dirname, '..', 'dist');
const { FastRouterVideo } = require(
	path.join(dist, 'nodes/FastRouterVideo/FastRouterVideo.node.js'),
);
const { FastRouterApi } = require(path.join(dist, 'credentials/FastRouterApi.credentials.js'));
const { VIDEO_FIELDS } = require(path.join(dist, 'nodes/FastRouterVideo/catalog.js'));

const OUT_DIR = path.join(process.cwd(), 'out');
const IMAGE = 'https://upload.wikimedia.org/wikipedia/commons/3/3f/Fronalpstock_big.jpg';

const SIMULATED_ROWS = [
	{
		model: 'google/veo3',
		prompt: 'A street interview in Bengaluru, handheld camera',
		resolution: '720p',
		generateAudio: true,
	},
	{
		model: 'openai/sora-2-pro',
		prompt: 'A chill street interview in San Francisco',
		seconds: 8,
		size: '1024x1792',
	},
	{
		model: 'bytedance/seedance-pro',
		prompt: 'Slow push-in over the Alps',
		imageUrl: IMAGE,
		resolution: '480p',
	},
	{
		model: 'pollo/pollo-v1-6',
		prompt: 'A paper boat in the rain, macro shot',
		resolution: '480p',
		length: 5,
	},
];
// The cheapest useful real call: one 5-second 480p clip.
const REAL_ROWS = [
	{
		model: 'bytedance/seedance',
		prompt: 'A paper boat drifting on a rain puddle, macro shot',
		resolution: '480p',
		length: 5,
	},
];

async function main() {
	const apiKey = process.env.FASTROUTER_API_KEY;
	let sim;
	let credentials;
	if (apiKey) {
		const baseUrl = process.env.FASTROUTER_BASE_URL || 'https://go.fastrouter.ai';
		console.log(
			`Using FastRouter at ${baseUrl} (FASTROUTER_API_KEY is set): this spends real credits.`,
		);
		credentials = { apiKey, baseUrl };
	} else {
		// Rows alternate between FastRouter's older and newer API generations: the node tells them apart.
		sim = await startSimulator({
			durationMs: Number(process.env.SIM_DURATION_MS || 6000),
			videoBytes: 2 * 1024 * 1024,
			generation: 'alternate',
		});
		console.log(
			`No FASTROUTER_API_KEY: using the bundled FastRouter simulator at ${sim.baseUrl} (videos from ${sim.videoBaseUrl}).`,
		);
		console.log(
			'The simulator answers rows alternately in the older API generation (code SUCCESS, task ids) and the newer one (code success, fr_ ids, hosted copy).',
		);
		credentials = { apiKey: sim.apiKey, baseUrl: sim.baseUrl };
	}
	const rows = process.env.DEMO_ROWS
		? JSON.parse(process.env.DEMO_ROWS)
		: apiKey
			? REAL_ROWS
			: SIMULATED_ROWS;
	console.log(`${rows.length} row(s) → FastRouter Video (Create and Wait)\n`);

	await useBinaryMode('filesystem');
	const started = Date.now();
	const result = await runNode({
		nodeType: new FastRouterVideo(),
		credentialTypes: { fastRouterApi: new FastRouterApi() },
		credentials: { fastRouterApi: credentials },
		binaryMode: 'filesystem',
		continueOnFail: true,
		items: rows,
		parameters: {
			operation: 'createAndWait',
			model: '={{ $json.model }}',
			...Object.fromEntries(VIDEO_FIELDS.map((field) => [field, `={{ $json.${field} }}`])),
			options: { pollInterval: apiKey ? 5 : 1, maxWait: 900 },
		},
		onLog: (line) => {
			if (line.startsWith('FastRouter '))
				console.log(
					`  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line.slice(11)}`,
				);
		},
	});
	if (result.error) throw new Error(result.error.message);

	fs.mkdirSync(OUT_DIR, { recursive: true });
	let videos = 0;
	let bytes = 0;
	let credits = 0;
	console.log('');
	for (const [index, item] of result.items.entries()) {
		const { json } = item;
		if (json.error) {
			console.log(`  item ${index + 1}: FAILED ${json.error}`);
			continue;
		}
		credits += Number(json.creditsUsed ?? 0);
		const binary = item.binary?.data;
		if (!binary) {
			console.log(`  item ${index + 1}: ${json.taskId} ${json.status} (no video)`);
			continue;
		}
		const file = path.join(OUT_DIR, binary.fileName ?? `${json.taskId}.mp4`);
		await pipeline(await binaryStream(binary), fs.createWriteStream(file));
		const size = fs.statSync(file).size;
		videos += 1;
		bytes += size;
		console.log(
			`  item ${index + 1}: ${json.model} → ${path.relative(process.cwd(), file)} (${size} bytes, ${json.creditsUsed ?? '?'} credits${generationOf(sim, json)})`,
		);
	}
	const wall = (Date.now() - started) / 1000;
	console.log(
		`\n${videos} video(s), ${bytes} bytes, ${credits} credits, ${wall.toFixed(1)} s wall time${sim ? ' (simulated)' : ''}.`,
	);
	if (sim) await sim.close();
	if (videos !== rows.length) process.exitCode = 1;
}

/** Which API generation answered this item: the simulator knows; against FastRouter, the id tells. */
function generationOf(sim, json) {
	const generation =
		sim?.tasks.get(json.taskId)?.generation ?? (/^fr_/.test(json.taskId) ? 'newer' : 'older');
	return `, ${generation} API${json.hostedVideoUrl ? ', hosted copy available' : ''}`;
}

main().catch((error) => {
	console.error(`Demo failed: ${error.message}`);
	process.exit(1);
});
