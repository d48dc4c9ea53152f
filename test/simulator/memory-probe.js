// @ts-check
'use strict';

// Runs a simulator in its own process (started with child_process.fork) so a test can measure the
// simulator's memory alone while it streams: in the test's process the HTTP client's own read
// buffers would be counted too and hide what the server does.
// IPC: sends {type:'ready', baseUrl, videoBaseUrl, apiKey}; on {type:'start'} takes a baseline
// and samples; on {type:'report'} answers {type:'report', peakDelta, baseline}.

const { startSimulator } = require('./index');

/** @returns {number} */
function used() {
	const m = process.memoryUsage();
	return m.heapUsed + m.arrayBuffers;
}

(async () => {
	const sim = await startSimulator({
		durationMs: 0,
		videoBytes: Number(process.env.SIM_VIDEO_BYTES) || 200 * 1024 * 1024,
	});
	let baseline = 0;
	let peak = 0;
	/** @type {NodeJS.Timeout | undefined} */
	let timer;
	process.on('message', (/** @type {{type: string}} */ msg) => {
		if (msg.type === 'start') {
			baseline = used();
			peak = baseline;
			timer = setInterval(() => {
				peak = Math.max(peak, used());
			}, 5);
		} else if (msg.type === 'report') {
			clearInterval(timer);
			peak = Math.max(peak, used());
			process.send?.({ type: 'report', peakDelta: peak - baseline, baseline });
		} else if (msg.type === 'stop') {
			sim.close().then(() => process.exit(0));
		}
	});
	process.on('disconnect', () => process.exit(0));
	process.send?.({
		type: 'ready',
		baseUrl: sim.baseUrl,
		videoBaseUrl: sim.videoBaseUrl,
		apiKey: sim.apiKey,
	});
})();
