#!/usr/bin/env node
// @ts-check
'use strict';

// `npm run simulator`: a local FastRouter stand-in for trying the node in n8n by hand.
//
// Env: SIM_PORT, SIM_VIDEO_PORT (0 = any free port), SIM_API_KEY, SIM_DURATION_MS, SIM_VIDEO_BYTES,
// SIM_QUIET=1 (no request log), SIM_GENERATION (older, newer or alternate: the API generation of
// prompts without [sim:gen=…]).

const { startSimulator } = require('../test/simulator');

/**
 * @param {string} name
 * @param {number} fallback
 */
function numberEnv(name, fallback) {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) {
		console.error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
		process.exit(2);
	}
	return value;
}

/** @returns {'older' | 'newer' | 'alternate'} */
function generationEnv() {
	const raw = process.env.SIM_GENERATION || 'older';
	if (raw === 'older' || raw === 'newer' || raw === 'alternate') return raw;
	console.error(`SIM_GENERATION must be older, newer or alternate, got ${JSON.stringify(raw)}`);
	process.exit(2);
}

async function main() {
	const quiet = process.env.SIM_QUIET === '1';
	const sim = await startSimulator({
		apiKey: process.env.SIM_API_KEY || 'sim-key',
		durationMs: numberEnv('SIM_DURATION_MS', 3000),
		videoBytes: numberEnv('SIM_VIDEO_BYTES', 1024 * 1024),
		generation: generationEnv(),
		port: numberEnv('SIM_PORT', 0),
		videoPort: numberEnv('SIM_VIDEO_PORT', 0),
		log: quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
	});
	const { baseUrl, videoBaseUrl, apiKey } = sim;

	console.log(`FastRouter simulator
  API base URL : ${baseUrl}
  video host   : ${videoBaseUrl}
  API key      : ${apiKey}
  task duration: ${numberEnv('SIM_DURATION_MS', 3000)} ms, video size: ${numberEnv('SIM_VIDEO_BYTES', 1024 * 1024)} bytes
  faults       : put tokens in the prompt, e.g. [sim:fail=Content policy] [sim:duration=2000]
                 [sim:poll429=2] [sim:poll500=2] [sim:create500] [sim:cut=1] [sim:vanish=1] [sim:bytes=1000000]

Try:
  curl -s ${baseUrl}/api/v1/videos -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' \\
    -d '{"model":"google/veo3","prompt":"A robot walking on Mars","length":8}'
  curl -s ${baseUrl}/api/v1/getVideoResponse -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' \\
    -d '{"taskId":"<data.taskId from above>","model":"google/veo3"}'

Ctrl-C to stop.
`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await sim.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
