// @ts-check
'use strict';

// `[sim:trickle=ms]`: the task's first video transfer sends its bytes spread evenly over `ms`, a
// slice every half second (later transfers go at full speed). It holds a download in flight for
// as long as a check needs — to kill n8n in the middle of it, to outlast n8n's 30 s shutdown grace,
// or to outlast a tick of n8n's wait tracker — and lets the check see the moment:
// counters.downloadsTrickling (trickles under way now) and counters.tricklesStarted.

const TICK_MS = 500;

/**
 * @param {import('node:http').ServerResponse} res headers already sent
 * @param {Iterable<Buffer>} chunks the whole body
 * @param {number} ms how long the transfer takes
 * @param {{ downloadsTrickling: number, tricklesStarted: number }} counters
 * @param {() => void} onComplete called once the whole body was sent
 */
function trickle(res, chunks, ms, counters, onComplete) {
	const body = Buffer.concat([...chunks]);
	const ticks = Math.max(1, Math.ceil(ms / TICK_MS));
	const slice = Math.max(1, Math.ceil(body.length / ticks));
	let sent = 0;
	counters.tricklesStarted++;
	counters.downloadsTrickling++;
	let done = false;
	const finish = () => {
		if (done) return;
		done = true;
		clearInterval(timer);
		counters.downloadsTrickling--;
	};
	const timer = setInterval(() => {
		if (res.destroyed) return finish();
		const next = body.subarray(sent, sent + slice);
		sent += next.length;
		if (sent >= body.length) {
			finish();
			res.end(next, onComplete);
		} else {
			res.write(next);
		}
	}, TICK_MS);
	res.on('close', finish);
}

module.exports = { trickle };
