// @ts-check
'use strict';

// `[sim:trickle=ms]`: the task's first video transfer sends its bytes spread evenly over `ms`, a
// slice every half second (later transfers go at full speed). It holds a download in flight for
// as long as a check needs — to kill n8n in the middle of it, to outlast n8n's 30 s shutdown grace,
// or to outlast a tick of n8n's wait tracker — and lets the check see the moment (index.js counts
// it in counters.downloadsTrickling and counters.trickling[taskId]).

const TICK_MS = 500;

/**
 * @param {import('node:http').ServerResponse} res headers already sent
 * @param {Iterable<Buffer>} chunks the whole body
 * @param {number} ms how long the transfer takes
 * @param {(completed: boolean) => void} onEnd called once: the whole body sent, or the client gone
 */
function trickle(res, chunks, ms, onEnd) {
	const body = Buffer.concat([...chunks]);
	const ticks = Math.max(1, Math.ceil(ms / TICK_MS));
	const slice = Math.max(1, Math.ceil(body.length / ticks));
	let sent = 0;
	let ended = false;
	const end = (/** @type {boolean} */ completed) => {
		if (ended) return;
		ended = true;
		clearInterval(timer);
		onEnd(completed);
	};
	const timer = setInterval(() => {
		if (res.destroyed) return end(false);
		const next = body.subarray(sent, sent + slice);
		sent += next.length;
		if (sent < body.length) res.write(next);
		else res.end(next, () => end(true));
	}, TICK_MS);
	res.on('close', () => end(res.writableFinished));
}

module.exports = { trickle };
