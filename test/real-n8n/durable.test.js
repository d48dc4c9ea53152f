// @ts-check
'use strict';

// `npm run test:n8n:durable`: Create and Wait's Wait Mode "Durable" in a real n8n 2.41.1 — the
// issue's "How to prove it". Every durable scenario costs minutes (n8n's wait tracker looks for
// due waits once a minute; a durable wait polls at most once a minute), so the scenarios run side
// by side: four n8n instances at once (SQLite, PostgreSQL, SQLite for SIGTERM and the start-up
// race, queue mode), each running its independent workflows concurrently and stopping n8n once
// for all of them. Each instance's `before` drives its whole story and records what happened; the
// `it`s assert on the record. Every stop scenario (issue 30) leaves Wait Mode unset, runs in
// production and must end with the parent succeeded, both MP4s read by the node after FastRouter
// Video, exactly 2 creates, and at most one execution of its workflow crashed (n8n Cloud's
// auto-deactivation, on in these labs, counts crashed executions).
//
// SQLite (`n8n start`), killed with SIGKILL once, ~90 s in, while:
// - R1 (2 rows, 120 s renders, Poll Interval 90 s) waits between its polls: after the restart it
//   completes, the node after FastRouter Video and the one after that read both MP4s, 2 creates;
//   the sub-execution is listed (integrated, same workflow, "durable wait for 2 videos") and
//   linked from the node's run.
// - R2 and R2e (2 rows whose first poll the simulator holds, [sim:pollhang] [sim:pollhangs=1])
//   are in the middle of a poll (R2: On Error "Stop", R2e: "Continue (using error output)"), and
//   R3 (2 rows whose first download trickles for 60 s, [sim:trickle]) in the middle of its
//   downloads: after the restart each delivers both MP4s.
// - RDb, RIa, RIb end before the kill (they never wait; see below).
// After the restart (so that no resume races n8n's startup crash recovery, see P3), the scenarios
// that are not about the kill, each an outcome to check in a real n8n:
// - B1: saveDataSuccessExecution "none" (and pruning off, so a deleted execution's files go at
//   once): the parent is not kept, yet the node after it reads the MP4 and a node after that
//   uploads it — the sub-execution keeps its own save settings.
// - E1/E2: one row's generation fails: with the error output it goes there with its task id and
//   the other row's MP4 comes out; without Continue On Fail the node fails listing both task ids.
// - S1: the parent is stopped while it waits: the sub-execution stops at its next watch step
//   without polling; S2: the sub-execution is stopped: n8n 2.41's sweep ends the parent.
// - RDa/RDb and RIa/RIb: Retry On Fail (3 tries), durable and in process: (a) a failed generation
//   is created anew (1 + 2 creates, both MP4s; durable: by the watch step), (b) a create whose
//   connection dropped after the task was made fails every try without being resent (1 + 1
//   creates; durable: n8n's own retry, before any wait).
//
// PostgreSQL: R1, R2 and R3 again (n8n#28541 broke waits on PostgreSQL in 2.16–2.17), and P3, which
// provokes n8n dying between the sub-execution's end and the parent's resume: a row lock (taken
// by the test) holds n8n's update of the parent; the sub-execution is already stored as
// succeeded when n8n is killed. 2.41's sweep (resumeParentsOfFinishedSubExecutions) must resume
// the parent with the videos after the restart.
//
// SQLite, stopped with SIGTERM once (n8n's own graceful shutdown, its default 30 s grace): T's
// downloads (trickling 45 s) are running, and n8n waits for them in vain; U's wait falls due while
// n8n is down, so n8n resumes it as it starts, and its downloads (trickling 90 s) outlast the wait
// tracker's next tick while n8n's start-up crash recovery has marked that execution crashed (the
// start-up race of n8n 2.41, see docs/durable-waits.md).
//
// Queue mode (main + one worker at concurrency 1, Redis): QK's worker is killed (SIGKILL) while it
// runs a step of QK's durable wait (its downloads) and a new worker is started. Then four
// executions in process, then four durable ones, each waiting on a 55 s render: durable must take
// well under the in-process wall time (the four renders one after another). Retry On Fail (a) and
// (b), durable, on the worker.
//
// About 8 minutes in all (the queue-mode story is the longest); KEEP_REAL_N8N=1 keeps each n8n's
// folder and debug log (printed at the start) for a look afterwards. The `[durable] figures` line
// at the end gives, per stop scenario, how it ended (status, MP4s read, seconds after the restart).

const FILE_STARTED = Date.now();

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { installRealN8n } = require('./install');
const { packThisPackage, pause } = require('./instance');
const { startRedis } = require('./redis');
const { startPostgres } = require('./postgres');
const { Lab, runsOf, outputOf, VIDEO_BYTES, NODE_NAME, TERMINAL } = require('./durable-lab');

/**
 * R1's renders, longer than one durable interval (60 s), and its Poll Interval: one poll 90 s in
 * (the kill follows), the next 180 s in, a minute after the restart. A wait due while n8n starts
 * would race n8n's own startup crash recovery (see P3); R1 is about the wait surviving the kill.
 */
const LONG = 120_000;
const R1_INTERVAL_S = 90;
/**
 * R2's and R3's Poll Interval: R2's first (held) poll is in flight from about 75 s to 130 s in, and
 * R3's downloads trickle from about 75 s to 135 s in, across the kill at ~90 s.
 */
const R2_INTERVAL_S = 75;
/** R2's renders: not done at the held poll's start, done by the next poll after the restart. */
const R2_RENDER = 100_000;
/** R3's renders: done at its first poll, whose downloads then trickle past the kill. */
const R3_RENDER = 60_000;
/** How long a first download trickles (`[sim:trickle]`) where n8n is killed in the middle of it. */
const TRICKLE = 60_000;
/** Longer than one durable interval: a caller answered at the park would get no video. */
const LAST_NODE_RENDER = 70_000;
/** A render shorter than one durable interval: done at the first poll. */
const SHORT = 30_000;
/** Longer than any scenario: only a stop or a crash ends its wait. */
const ENDLESS = 900_000;
/** A held poll answers after this: the kill comes well inside it (the node's poll times out at 60 s). */
const HANG = 55_000;
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 };

/** @type {ReturnType<typeof installRealN8n>} */
let install;
/** @type {string} */
let tarball;
/** @type {Record<string, number | string>} */
const figures = {};

before(() => {
	install = installRealN8n();
	tarball = packThisPackage(fs.mkdtempSync(path.join(os.tmpdir(), 'real-n8n-pack-')));
});

after(() => {
	figures.fileSeconds = Math.round((Date.now() - FILE_STARTED) / 1000);
	console.log(`[durable] figures: ${JSON.stringify(figures)}`);
});

/**
 * One instance's story: its scenarios in order. FASTROUTER_DURABLE_STORIES=stops,queue runs only
 * those (sqlite, postgres, stops, queue) — for a look at one kind of stop while developing.
 * @param {string} name
 */
function story(name) {
	const only = process.env.FASTROUTER_DURABLE_STORIES?.split(',').map((word) => word.trim());
	return {
		concurrency: 1,
		skip:
			only && !only.includes(name)
				? `not in FASTROUTER_DURABLE_STORIES (${only.join(',')})`
				: false,
	};
}

/** @param {number} from @param {number | string | Date | null | undefined} to */
const secondsSince = (from, to) =>
	Math.round((new Date(to ?? Date.now()).getTime() - from) / 100) / 10;

/**
 * Kills `n8n start` with SIGKILL (its whole process group) once `blocker` has no objection left.
 * @param {Lab} lab
 * @param {() => Promise<string | undefined>} blocker why it is not time yet (undefined: time)
 */
async function killWhen(lab, blocker, timeoutMs = 180_000) {
	let last = 'not asked';
	await lab
		.until(
			'the moment to kill n8n',
			async () => {
				last = (await blocker()) ?? '';
				return last === '';
			},
			timeoutMs,
			500,
		)
		.catch((error) => {
			throw new Error(`${error.message.split('\n')[0]} (last: ${last})`);
		});
	const killedAt = Date.now();
	await lab.n8n.kill('SIGKILL');
	lab.say('n8n killed (SIGKILL)');
	return { killedAt };
}

/**
 * Starts `work` now; its result or error is taken later with `outcome`.
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<{ value?: T, error?: unknown }>}
 */
function settled(work) {
	return work().then(
		(value) => ({ value }),
		(error) => ({ error }),
	);
}

/**
 * @template T
 * @param {Promise<{ value?: T, error?: unknown }>} started
 * @returns {Promise<T>}
 */
async function outcome(started) {
	const { value, error } = await started;
	if (error) throw error;
	return /** @type {T} */ (value);
}

/**
 * Calls the webhooks of `keys` with their rows, then finds each one's execution and, for durable
 * waits, the sub-execution it waits on (recorded in `seen.parent` and `seen.child`).
 * @param {Lab} lab
 * @param {Record<string, string[]>} rows
 * @param {string[]} keys
 * @param {Record<string, any>} seen
 */
async function startAll(lab, rows, keys, seen) {
	for (const key of keys) await lab.trigger(key, rows[key]);
	await Promise.all(
		keys.map(async (key) => {
			seen.parent[key] = (await lab.parents(key))[0];
			const child = lab.workflows[key].waits ? await lab.childOf(seen.parent[key]) : '';
			if (child) seen.child[key] = child;
		}),
	);
	lab.say(
		`started ${keys.map((key) => `${key}: ${seen.parent[key]}${seen.child[key] ? ` → ${seen.child[key]}` : ''}`).join(', ')}`,
	);
}

/**
 * `n8n start` again (same ports) after a kill; resolves once n8n's startup crash recovery, which
 * runs a few seconds after the REST API is up, has run. Returns when n8n was started again (n8n
 * resumes executions before its REST API answers) and when it answered.
 * @param {Lab} lab
 */
async function restart(lab) {
	await pause(2_000);
	const starts = (lab.n8n.log('main').match(/Checking for unsent event messages/g) ?? []).length;
	const restartedAt = Date.now();
	await lab.n8n.start();
	const readyAt = Date.now();
	await lab.n8n.waitForLog('main', /(Checking for unsent event messages)/g, starts + 1, 120_000);
	await pause(5_000);
	lab.say(`n8n started again; its REST API answered ${secondsSince(restartedAt, readyAt)} s later`);
	lab.readyAt = readyAt;
	return restartedAt;
}

/**
 * Executions other than `except` (and those of the workflows `exceptKeys`) that are running (a step
 * in progress): none may be when n8n is killed, else the kill would hit them mid-step too.
 * @param {Lab} lab
 * @param {string[]} except
 * @param {string[]} [exceptKeys]
 */
async function busy(lab, except, exceptKeys = /** @type {string[]} */ ([])) {
	const rows = await lab.list();
	const exceptWorkflows = exceptKeys.map((key) => lab.workflows[key].id);
	const running = rows.filter(
		(row) =>
			!except.includes(row.id) &&
			!exceptWorkflows.includes(String(row.workflowId)) &&
			!['waiting', ...TERMINAL].includes(row.status),
	);
	return running.length
		? `running: ${running.map((row) => `${row.id} (${row.status})`).join(', ')}`
		: undefined;
}

/**
 * The MP4s a node read, as READ_MP4 reports them.
 * @param {any} execution
 * @param {string} node
 * @param {string[]} prompts the rows, in order
 */
function assertReadMp4s(execution, node, prompts) {
	const read = outputOf(execution, node).map((item) => item.json);
	assert.equal(read.length, prompts.length, `${node}: ${JSON.stringify(read)}`);
	read.forEach((item, index) => {
		assert.equal(item.readError, null, `${node} item ${index}: ${item.readError}`);
		assert.equal(item.bytes, VIDEO_BYTES, `${node} item ${index}`);
		assert.equal(item.ftyp, 'ftyp', `${node} item ${index}: an MP4`);
		assert.equal(item.row, prompts[index], `${node} item ${index} pairs with its row`);
		assert.equal(item.status, 'succeeded');
	});
	return read;
}

/**
 * What reached the node after FastRouter Video: how many MP4s Check read, how the parent ended (and
 * how long after n8n was started again, and after its REST API answered again: on a loaded machine
 * n8n takes a minute or more to start) and, when no MP4 came, what FastRouter Video gave instead
 * (an error item's text, or the error). The figure a stop scenario reports, before and after a change.
 * @param {any} execution the parent
 * @param {number} [restartedAt] when n8n was started again (ms)
 * @param {number} [readyAt] when it answered again (ms)
 */
function delivery(execution, restartedAt, readyAt) {
	const read = outputOf(execution, 'Check').map((item) => item.json);
	const mp4s = read.filter((item) => item.ftyp === 'ftyp' && item.bytes === VIDEO_BYTES).length;
	const given = [...outputOf(execution, NODE_NAME, 0), ...outputOf(execution, NODE_NAME, 1)].find(
		(item) => item.json?.error,
	)?.json?.error;
	const error = execution?.data?.resultData?.error?.message;
	return {
		status: execution?.status,
		mp4s,
		...(restartedAt && execution?.stoppedAt
			? { secondsAfterRestart: secondsSince(restartedAt, execution.stoppedAt) }
			: {}),
		...(readyAt && execution?.stoppedAt
			? { secondsAfterReady: secondsSince(readyAt, execution.stoppedAt) }
			: {}),
		...(mp4s ? {} : { instead: String(given ?? error ?? 'nothing').slice(0, 160) }),
	};
}

/**
 * A stop scenario's promise: the parent succeeded, Check (the node after FastRouter Video) read
 * every row's MP4 in row order, paired with its row, and each row was created exactly once.
 * @param {Lab} lab
 * @param {string} key
 * @param {any} execution the parent
 * @param {string[]} rows
 */
function assertDelivered(lab, key, execution, rows) {
	const got = delivery(execution);
	assert.equal(got.mp4s, rows.length, `${key}: ${JSON.stringify(got)}`);
	assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData?.error));
	const read = assertReadMp4s(execution, 'Check', rows);
	assert.deepEqual(
		read.map((item) => item.taskId),
		lab.taskIds(rows),
	);
	assert.deepEqual(
		lab.creates(key),
		Object.fromEntries(rows.map((row) => [row, 1])),
		'one create per row',
	);
}

/**
 * How soon after n8n answered again the parent ended. The issue asks for one resume tick; a cut-off
 * step costs up to two (n8n's sweep sees the crashed watcher at its next tick, then the new
 * watcher is resumed at the one after): the bound is two ticks and half a minute.
 * @param {any} execution the parent
 * @param {Lab} lab
 */
function assertSoonAfterRestart(execution, lab) {
	const seconds = secondsSince(/** @type {number} */ (lab.readyAt), execution.stoppedAt);
	assert.ok(seconds < 150, `the parent ended ${seconds} s after n8n answered again`);
}

/**
 * n8n Cloud deactivates a workflow whose last 3 executions crashed (N8N_WORKFLOW_AUTODEACTIVATION_ENABLED,
 * on in these labs): a stop may leave at most one crashed execution of the workflow per restart,
 * and the workflow stays active. Recorded at the end of a story.
 * @param {Lab} lab
 * @param {string[]} keys
 */
async function crashRecord(lab, keys) {
	/** @type {Record<string, { crashed: string[], executions: number, active: boolean }>} */
	const record = {};
	for (const key of keys) {
		const rows = await lab.list(key);
		const workflow = await lab.n8n.rest('GET', `/workflows/${lab.workflows[key].id}`);
		record[key] = {
			crashed: rows.filter((row) => row.status === 'crashed').map((row) => row.id),
			executions: rows.length,
			active: Boolean(workflow.activeVersionId ?? workflow.active),
		};
	}
	return record;
}

/**
 * @param {Record<string, { crashed: string[], executions: number, active: boolean }>} record from crashRecord
 * @param {string} key
 * @param {number} [restarts]
 */
function assertNotCrashedTwice(record, key, restarts = 1) {
	const seen = record[key];
	assert.ok(
		seen.crashed.length <= restarts,
		`${key}: ${seen.crashed.length} crashed executions (${seen.crashed.join(', ')}) of ${seen.executions}, after ${restarts} restart(s)`,
	);
	assert.equal(seen.active, true, `${key}: the workflow was deactivated`);
}

/**
 * Retry On Fail (a): the second row's generation failed once and was created anew; both MP4s
 * reach the next node; 1 + 2 creates.
 * @param {Lab} lab
 * @param {string} key
 * @param {any} execution
 * @param {string[]} rows
 */
function assertCreatedAnew(lab, key, execution, rows) {
	assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData?.error));
	assertReadMp4s(execution, 'Check', rows);
	assert.deepEqual(lab.creates(key), { [rows[0]]: 1, [rows[1]]: 2 });
}

/**
 * Retry On Fail (b): the second row's create connection dropped after its task was made; every
 * try fails, and neither create is sent again: 1 + 1 creates.
 * @param {Lab} lab
 * @param {string} key
 * @param {any} execution
 * @param {string[]} rows
 */
function assertDroppedCreate(lab, key, execution, rows) {
	assert.equal(execution.status, 'error');
	assert.match(
		execution.data.resultData.error.message,
		/^Item 2: .*may have been created; not retried to avoid a double charge/,
	);
	assert.deepEqual(lab.creates(key), Object.fromEntries(rows.map((row) => [row, 1])));
	assert.equal(lab.tasks(key).length, 2, 'the dropped create made its task');
}

describe('Wait Mode "Durable" in a real n8n 2.41.1', { concurrency: true }, () => {
	describe(
		'SQLite: SIGKILL while waiting, while polling and while downloading; binaries; failures; stops; Retry On Fail',
		story('sqlite'),
		() => {
			/** @type {Lab} */
			let lab;
			/** @type {Record<string, any>} */
			const seen = {};
			const rows = {
				R1: [`R1 a fox in snow [sim:duration=${LONG}]`, `R1 a boat at sea [sim:duration=${LONG}]`],
				R2: [
					`R2 a kite [sim:duration=${R2_RENDER}] [sim:pollhang=${HANG}] [sim:pollhangs=1]`,
					`R2 a lamp [sim:duration=${R2_RENDER}] [sim:pollhang=${HANG}] [sim:pollhangs=1]`,
				],
				R2e: [
					`R2e a kite [sim:duration=${R2_RENDER}] [sim:pollhang=${HANG}] [sim:pollhangs=1]`,
					`R2e a lamp [sim:duration=${R2_RENDER}] [sim:pollhang=${HANG}] [sim:pollhangs=1]`,
				],
				R3: [
					`R3 a fox [sim:duration=${R3_RENDER}] [sim:trickle=${TRICKLE}]`,
					`R3 a boat [sim:duration=${R3_RENDER}] [sim:trickle=${TRICKLE}]`,
				],
				B1: [`B1 a tram [sim:duration=${SHORT}]`],
				E1: [
					`E1 a cat [sim:duration=${SHORT}]`,
					`E1 a dog [sim:duration=${SHORT}] [sim:fail=Content policy violation]`,
				],
				E2: [
					`E2 a cat [sim:duration=${SHORT}]`,
					`E2 a dog [sim:duration=${SHORT}] [sim:fail=Content policy violation]`,
				],
				S1: [`S1 a ship [sim:duration=${ENDLESS}]`, `S1 a tree [sim:duration=${ENDLESS}]`],
				S2: [`S2 a bell [sim:duration=${ENDLESS}]`],
				RDa: [
					`RDa a fox [sim:duration=${SHORT}]`,
					`RDa a boat [sim:duration=${SHORT}] [sim:failonce=Content policy violation]`,
				],
				RDb: [`RDb a fox [sim:duration=${SHORT}]`, 'RDb a boat [sim:createdrop]'],
				RIa: [
					'RIa a fox [sim:duration=2000]',
					'RIa a boat [sim:duration=2000] [sim:failonce=Content policy violation]',
				],
				RIb: ['RIb a fox [sim:duration=2000]', 'RIb a boat [sim:createdrop]'],
				WL: [`WL a comet [sim:duration=${LAST_NODE_RENDER}]`],
				WLd: ['WLd a comet'],
				SW: [`SW a fox [sim:duration=${SHORT}]`, `SW a boat [sim:duration=${SHORT}]`],
			};

			before(
				async () => {
					// Pruning off: an execution n8n does not keep is deleted at once with its files, so B1
					// shows whether the sub-execution (which holds the videos) kept its own save settings.
					lab = new Lab(install, tarball, 'sqlite', { EXECUTIONS_DATA_PRUNE: 'false' });
					await lab.setUp();
					await lab.addWorkflow({ key: 'R1', options: { pollInterval: R1_INTERVAL_S } });
					await lab.addWorkflow({ key: 'R2', options: { pollInterval: R2_INTERVAL_S } });
					await lab.addWorkflow({
						key: 'R2e',
						options: { pollInterval: R2_INTERVAL_S },
						nodeSettings: { onError: 'continueErrorOutput' },
					});
					await lab.addWorkflow({ key: 'R3', options: { pollInterval: R2_INTERVAL_S } });
					await lab.addWorkflow({
						key: 'B1',
						after: 'upload',
						settings: { saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all' },
					});
					await lab.addWorkflow({ key: 'E1', nodeSettings: { onError: 'continueErrorOutput' } });
					await lab.addWorkflow({ key: 'E2' });
					await lab.addWorkflow({ key: 'S1', after: 'none', waitMode: 'durable' });
					await lab.addWorkflow({ key: 'S2', after: 'none' });
					await lab.addWorkflow({ key: 'RDa', nodeSettings: RETRY });
					await lab.addWorkflow({ key: 'RDb', nodeSettings: RETRY });
					await lab.addWorkflow({
						key: 'RIa',
						waitMode: 'inProcess',
						options: { pollInterval: 1 },
						nodeSettings: RETRY,
					});
					await lab.addWorkflow({
						key: 'RIb',
						waitMode: 'inProcess',
						options: { pollInterval: 1 },
						nodeSettings: RETRY,
					});
					// A webhook that answers when the last node finishes, with the video: Automatic waits in
					// process; Durable chosen there is refused before any create.
					await lab.addWorkflow({
						key: 'WL',
						responseMode: 'lastNode',
						options: { pollInterval: 5 },
					});
					await lab.addWorkflow({ key: 'WLd', responseMode: 'lastNode', waitMode: 'durable' });
					seen.parent = {};
					seen.child = {};

					// Before the kill: the restart scenarios, and those that end at once (no wait).
					const startedAt = Date.now();
					await startAll(lab, rows, ['R1', 'R2', 'R2e', 'R3', 'RDb', 'RIa', 'RIb'], seen);
					const { parent, child } = seen;
					// The kill: R2's and R2e's polls are in flight (4 held polls), R3's videos are being
					// downloaded (trickling); R1 has polled once and waits for its second poll; nothing else runs.
					/** R3's downloads under way when n8n was last found ready to kill (a kill ends them). */
					let downloading = 0;
					const { killedAt } = await killWhen(lab, async () => {
						if ((lab.sim?.counters.pollsInFlight ?? 0) < 4)
							return `polls in flight: ${lab.sim?.counters.pollsInFlight}`;
						downloading = lab.trickling('R3');
						if (!downloading) return 'R3 not downloading';
						if (lab.polls('R1').some((count) => count < 1)) return 'R1 not polled yet';
						return await busy(lab, [], ['R2', 'R2e', 'R3']);
					});
					seen.killedAt = killedAt;
					seen.pollsAtKill = { R1: lab.polls('R1'), R2: lab.polls('R2'), R2e: lab.polls('R2e') };
					seen.downloadingAtKill = { R3: downloading };
					seen.restartedAt = await restart(lab);
					lab.say(
						`n8n killed ${secondsSince(startedAt, killedAt)} s after the workflows started, started again ${secondsSince(killedAt, seen.restartedAt)} s later`,
					);

					// After the restart (n8n's startup recovery done): the scenarios the kill is not about.
					// Both take a minute or more: they go on while the others start (settled, so that a
					// failure is reported where it is awaited below).
					const lastNode = settled(async () => {
						const started = Date.now();
						const answer = await lab.call('WL', rows.WL);
						return { ...answer, seconds: secondsSince(started, Date.now()) };
					});
					const scheduled = settled(async () => await lab.addScheduledCaller('SW', rows.SW));
					seen.WLd = await lab.call('WLd', rows.WLd);
					await startAll(lab, rows, ['B1', 'E1', 'E2', 'S1', 'S2', 'RDa'], seen);
					// Stops, while both wait (pitfall 4): S1's parent, S2's sub-execution.
					seen.stopParent = await lab.n8n.rest('POST', `/executions/${parent.S1}/stop`);
					seen.stopChild = await lab.n8n.rest('POST', `/executions/${child.S2}/stop`);
					seen.stoppedAt = Date.now();

					parent.SW = await outcome(scheduled);
					seen.ended = {};
					await Promise.all(
						Object.entries(parent).map(async ([key, id]) => {
							seen.ended[key] = await lab.ended(id, 420_000, { gone: key === 'B1' });
							lab.say(`${key} (${id}) ended: ${seen.ended[key].status}`);
						}),
					);
					seen.WL = await outcome(lastNode);
					seen.WLexecutions = await lab.list('WL');
					seen.SWsub = (await lab.list('SW-sub')).map((row) => row.id);
					seen.SWsubWait = await Promise.all(
						seen.SWsub.map(
							async (/** @type {string} */ id) =>
								(await lab.execution(id))?.customData?.FastRouter_wait,
						),
					);
					seen.children = {};
					for (const [key, id] of Object.entries(child))
						seen.children[key] = await lab.ended(id, 120_000);
					seen.list = {};
					for (const key of ['R1', 'RDb', 'RIa', 'WLd']) seen.list[key] = await lab.list(key);
					seen.WLdExecution = await lab.ended(seen.list.WLd[0].id);
					seen.custom = {
						R1: seen.ended.R1.customData,
						R1child: (await lab.execution(seen.child.R1))?.customData,
					};
					// A durable interval later: nothing polls the tasks of stopped or dead waits.
					await pause(62_000);
					seen.pollsAtEnd = {
						S1: lab.polls('S1'),
						S2: lab.polls('S2'),
						R2: lab.polls('R2'),
						R2e: lab.polls('R2e'),
					};
					seen.crashes = await crashRecord(lab, ['R1', 'R2', 'R2e', 'R3']);
					figures.sqliteRestartToR1Done = secondsSince(seen.restartedAt, seen.ended.R1.stoppedAt);
					for (const key of ['R2', 'R2e', 'R3'])
						figures[`sqlite${key}`] = JSON.stringify({
							...delivery(seen.ended[key], seen.restartedAt, lab.readyAt),
							crashed: seen.crashes[key].crashed.length,
						});
				},
				{ timeout: 20 * 60_000 },
			);

			after(async () => {
				await lab?.tearDown();
			});

			it('restart: SIGKILL while the execution waits; after the restart both MP4s reach the next two nodes, 2 creates', () => {
				assertNotCrashedTwice(seen.crashes, 'R1', 0);
				const done = seen.ended.R1;
				assert.equal(done.status, 'success', JSON.stringify(done.data?.resultData?.error));
				// It really waited across the kill: one poll before it, its last after the restart.
				assert.deepEqual(seen.pollsAtKill.R1, [1, 1]);
				assert.ok(new Date(done.stoppedAt).getTime() > seen.restartedAt);
				const read = assertReadMp4s(done, 'Check', rows.R1);
				assertReadMp4s(done, 'After', rows.R1);
				assert.deepEqual(
					read.map((item) => item.taskId),
					lab.taskIds(rows.R1),
				);
				assert.deepEqual(lab.creates('R1'), Object.fromEntries(rows.R1.map((row) => [row, 1])));
			});

			it('executions list: the sub-execution is listed with the workflow (integrated, "durable wait for 2 videos") and linked from the node’s run', () => {
				const childId = seen.child.R1;
				const listed = seen.list.R1.find((/** @type {any} */ row) => row.id === childId);
				assert.ok(
					listed,
					`sub-execution ${childId} in ${JSON.stringify(seen.list.R1.map((/** @type {any} */ row) => [row.id, row.mode]))}`,
				);
				assert.equal(listed.mode, 'integrated');
				assert.equal(listed.workflowId, lab.workflows.R1.id);
				assert.equal(listed.status, 'success');
				const stored = seen.children.R1;
				assert.match(
					stored.workflowData.name,
					/^Durable R1 – FastRouter Video: durable wait for 2 videos$/,
				);
				const [run] = runsOf(seen.ended.R1, NODE_NAME);
				assert.deepEqual(run.metadata.subExecution, {
					executionId: childId,
					workflowId: lab.workflows.R1.id,
				});
				// Child → parent: the sub-execution knows the execution it resumes.
				assert.equal(String(stored.data.parentExecution?.executionId), seen.parent.R1);
			});

			it('the executions list says how each waited: "durable (Automatic: …)" with the sub-execution on the parent, the videos done on the sub-execution', () => {
				const childId = seen.child.R1;
				const [fox, boat] = lab.taskIds(rows.R1);
				// The simulator's creates of 5 s videos cost 4 credits each.
				assert.deepEqual(seen.custom.R1, {
					FastRouter_videos: '0/2 done, 2 waiting',
					FastRouter_wait: `durable (Automatic: "Webhook" answered at once) in sub-execution ${childId}`,
					FastRouter_tasks: `${fox} ${boat}`,
					FastRouter_cost: '2 videos, 8 credits',
				});
				assert.deepEqual(seen.custom.R1child, {
					FastRouter_videos: '2/2 done',
					FastRouter_wait: `durable (Automatic: "Webhook" answered at once), for execution ${seen.parent.R1}`,
					FastRouter_tasks: `${fox} ${boat}`,
					FastRouter_cost: '2 videos, 8 credits',
				});
			});

			it('a webhook answering when the last node finishes, Wait Mode untouched: it answers with the MP4 after a 70 s render (in process)', () => {
				const { response, body, seconds } = seen.WL;
				assert.equal(response.status, 200, body.toString().slice(0, 300));
				assert.match(String(response.headers.get('content-type')), /video\/mp4/);
				assert.equal(body.length, VIDEO_BYTES);
				assert.equal(body.subarray(4, 8).toString('latin1'), 'ftyp');
				assert.ok(seconds >= LAST_NODE_RENDER / 1000, `${seconds} s`);
				assert.deepEqual(
					seen.WLexecutions.map((/** @type {any} */ row) => row.mode),
					['webhook'],
					'no sub-execution',
				);
				assert.deepEqual(lab.creates('WL'), { [rows.WL[0]]: 1 });
			});

			it('the same webhook with Durable chosen: refused before any create, saying why', () => {
				const { response, body } = seen.WLd;
				// n8n answers a failed run "Error in workflow"; the execution keeps the node's error.
				assert.equal(response.status, 500, body.toString());
				assert.equal(seen.WLdExecution.status, 'error');
				assert.match(
					seen.WLdExecution.data.resultData.error.message,
					/^Wait Mode "Durable" cannot be used here: "Webhook" answers its caller when the last node finishes: n8n would answer at the park, without the videos/,
				);
				assert.deepEqual(lab.creates('WLd'), {});
			});

			it('a schedule calling a sub-workflow that waits for it: the sub-workflow’s FastRouter Video waits durably (Automatic), the caller’s next node reads both MP4s', () => {
				const done = seen.ended.SW;
				assert.equal(done.status, 'success', JSON.stringify(done.data?.resultData?.error));
				const read = outputOf(done, 'After').map((item) => item.json);
				assert.deepEqual(
					read.map((item) => [item.bytes, item.ftyp, item.readError]),
					[
						[VIDEO_BYTES, 'ftyp', null],
						[VIDEO_BYTES, 'ftyp', null],
					],
				);
				assert.deepEqual(
					read.map((item) => item.taskId),
					lab.taskIds(rows.SW),
				);
				assert.deepEqual(lab.creates('SW'), Object.fromEntries(rows.SW.map((row) => [row, 1])));
				// The sub-workflow's run, and the durable wait it started inside it.
				// The sub-workflow's execution, its durable wait's keeper, and the keeper's one watcher.
				assert.equal(
					seen.SWsub.length,
					3,
					`the sub-workflow's execution, the keeper and its watcher: ${seen.SWsub}`,
				);
				assert.ok(
					seen.SWsubWait.some((/** @type {string | undefined} */ wait) =>
						/^durable \(Automatic: a sub-workflow of a trigger run started by "Schedule"\) in sub-execution \d+$/.test(
							wait ?? '',
						),
					),
					JSON.stringify(seen.SWsubWait),
				);
			});

			it('SIGKILL while a poll is in flight: after the restart both MP4s reach the next node, 2 creates; at most one execution marked crashed', () => {
				assert.deepEqual(seen.pollsAtKill.R2, [1, 1]);
				assertDelivered(lab, 'R2', seen.ended.R2, rows.R2);
				assertSoonAfterRestart(seen.ended.R2, lab);
				// The cut-off polls were made again after the restart.
				assert.ok(
					seen.pollsAtEnd.R2.every((/** @type {number} */ count) => count >= 2),
					JSON.stringify(seen.pollsAtEnd.R2),
				);
				assertNotCrashedTwice(seen.crashes, 'R2');
			});

			it('the same with "Continue (using error output)": both MP4s on the main output, nothing on the error output', () => {
				assertDelivered(lab, 'R2e', seen.ended.R2e, rows.R2e);
				assertSoonAfterRestart(seen.ended.R2e, lab);
				assert.deepEqual(outputOf(seen.ended.R2e, NODE_NAME, 1), []);
				assertNotCrashedTwice(seen.crashes, 'R2e');
			});

			it('SIGKILL while the videos download: after the restart both MP4s reach the next node, 2 creates; at most one execution marked crashed', () => {
				assert.ok(seen.downloadingAtKill.R3, 'a download was in flight at the kill');
				assertDelivered(lab, 'R3', seen.ended.R3, rows.R3);
				assertSoonAfterRestart(seen.ended.R3, lab);
				assertNotCrashedTwice(seen.crashes, 'R3');
			});

			it('binary data: with saveDataSuccessExecution "none" the parent is not kept, yet the next node reads the MP4 and the one after uploads it', () => {
				assert.equal(
					seen.ended.B1.status,
					'deleted',
					'the workflow’s own setting applied to the parent',
				);
				const [taskId] = lab.taskIds(rows.B1);
				assert.deepEqual(
					lab.uploads.map(({ at, ...upload }) => upload),
					[
						{
							query: { taskId, bytesSeenByCheck: String(VIDEO_BYTES) },
							bytes: VIDEO_BYTES,
							ftyp: 'ftyp',
							contentType: 'video/mp4',
						},
					],
				);
				// The sub-execution holds the video and kept its own settings ("all").
				assert.equal(seen.children.B1.status, 'success');
				assert.deepEqual(lab.creates('B1'), { [rows.B1[0]]: 1 });
			});

			it('a failed task does not lose the others: with the error output, that item there with its task id, the other row’s MP4 on the main output', () => {
				const done = seen.ended.E1;
				assert.equal(done.status, 'success');
				const [cat, dog] = lab.taskIds(rows.E1);
				assertReadMp4s(done, 'Check', [rows.E1[0]]);
				const failed = outputOf(done, NODE_NAME, 1);
				assert.equal(failed.length, 1);
				assert.equal(failed[0].json.details.taskId, dog);
				assert.match(
					failed[0].json.error,
					new RegExp(`^Item 2: The generation of task ${dog} failed: Content policy violation`),
				);
				assert.equal(outputOf(done, NODE_NAME, 0)[0].json.taskId, cat);
			});

			it('without Continue On Fail the node fails as a whole, its error listing every task it created', () => {
				const done = seen.ended.E2;
				assert.equal(done.status, 'error');
				const [cat, dog] = lab.taskIds(rows.E2);
				const error = done.data.resultData.error;
				assert.equal(done.data.resultData.lastNodeExecuted, NODE_NAME);
				assert.equal(error.node?.name, NODE_NAME);
				const text = `${error.message}\n${error.description}`;
				assert.match(error.message, new RegExp(`^Item 2: The generation of task ${dog} failed`));
				assert.ok(text.includes(cat), text);
				assert.equal(runsOf(done, 'Check').length, 0);
			});

			it('stopping the parent while it waits: the sub-execution ends at its next watch step without polling again', () => {
				assert.equal(seen.stopParent.status, 'canceled');
				assert.equal(seen.ended.S1.status, 'canceled');
				const child = seen.children.S1;
				assert.notEqual(child.status, 'waiting');
				// The next watch step came one interval after the create; it ended the sub-execution.
				assert.ok(
					secondsSince(seen.stoppedAt, child.stoppedAt) < 150,
					`${secondsSince(seen.stoppedAt, child.stoppedAt)} s after the stop`,
				);
				assert.match(
					JSON.stringify(child.data.resultData.error?.message ?? ''),
					new RegExp(`execution that started this wait \\(${seen.parent.S1}\\) was stopped`),
				);
				assert.deepEqual(seen.pollsAtEnd.S1, [0, 0], 'the tasks were never polled');
			});

			it('stopping the sub-execution: n8n 2.41’s sweep ends the parent', () => {
				assert.equal(seen.stopChild.status, 'canceled');
				assert.equal(seen.children.S2.status, 'canceled');
				const done = seen.ended.S2;
				assert.equal(done.status, 'error');
				assert.equal(done.data.resultData.lastNodeExecuted, NODE_NAME);
				assert.deepEqual(seen.pollsAtEnd.S2, [0]);
			});

			it('Retry On Fail, durable (a): the watch step creates a failed generation anew; both MP4s, 1 + 2 creates', () => {
				assertCreatedAnew(lab, 'RDa', seen.ended.RDa, rows.RDa);
			});

			it('Retry On Fail, durable (b): a dropped create fails every try of n8n’s retry, before any wait; 1 + 1 creates', () => {
				assertDroppedCreate(lab, 'RDb', seen.ended.RDb, rows.RDb);
				assert.deepEqual(
					seen.list.RDb.map((/** @type {any} */ row) => row.mode),
					['webhook'],
					'no sub-execution was started',
				);
			});

			it('Retry On Fail, in process (a) and (b): the same', () => {
				assertCreatedAnew(lab, 'RIa', seen.ended.RIa, rows.RIa);
				assertDroppedCreate(lab, 'RIb', seen.ended.RIb, rows.RIb);
			});
		},
	);

	describe(
		'PostgreSQL: SIGKILL while waiting, while polling, while downloading, and between the sub-execution’s end and the parent’s resume',
		story('postgres'),
		() => {
			/** @type {Lab} */
			let lab;
			/** @type {Awaited<ReturnType<typeof startPostgres>>} */
			let pg;
			/** @type {Record<string, any>} */
			const seen = {};
			const rows = {
				PR1: [
					`PR1 a fox in snow [sim:duration=${LONG}]`,
					`PR1 a boat at sea [sim:duration=${LONG}]`,
				],
				PR2: [
					`PR2 a kite [sim:duration=${R2_RENDER}] [sim:pollhang=${HANG}] [sim:pollhangs=1]`,
					`PR2 a lamp [sim:duration=${R2_RENDER}] [sim:pollhang=${HANG}] [sim:pollhangs=1]`,
				],
				PR3: [
					`PR3 a fox [sim:duration=${R3_RENDER}] [sim:trickle=${TRICKLE}]`,
					`PR3 a boat [sim:duration=${R3_RENDER}] [sim:trickle=${TRICKLE}]`,
				],
				P3: [`P3 a fox [sim:duration=${SHORT}]`, `P3 a boat [sim:duration=${SHORT}]`],
			};

			before(
				async () => {
					pg = await startPostgres();
					lab = new Lab(install, tarball, 'postgres', {
						...pg.n8nEnv,
						DB_POSTGRESDB_POOL_SIZE: '4',
					});
					await lab.setUp();
					await lab.addWorkflow({ key: 'PR1', options: { pollInterval: R1_INTERVAL_S } });
					await lab.addWorkflow({ key: 'PR2', options: { pollInterval: R2_INTERVAL_S } });
					await lab.addWorkflow({ key: 'PR3', options: { pollInterval: R2_INTERVAL_S } });
					// P3's Upload posts each MP4 to the test: evidence that survives whatever n8n then
					// records for the execution (see its test). It polls with R1: done at the first poll.
					await lab.addWorkflow({
						key: 'P3',
						after: 'upload',
						options: { pollInterval: R1_INTERVAL_S },
					});
					const startedAt = Date.now();
					Object.assign(seen, { parent: {}, child: {} });
					await startAll(lab, rows, Object.keys(rows), seen);
					const { parent, child } = seen;

					// Shortly before P3's durable wait polls (and finds both videos done), hold the parent's
					// rows: n8n stores the sub-execution as succeeded, then blocks updating the parent.
					const due = (await lab.nextDue('P3')) ?? Date.now();
					await pause(Math.max(0, due - Date.now() - 8_000));
					const lock = await pg.session();
					await lock.send(
						`begin; select id from execution_entity where id = '${parent.P3}' for update; select "executionId" from execution_data where "executionId" = '${parent.P3}' for update;`,
						new RegExp(`^${parent.P3}\\n${parent.P3}\\n`, 'm'),
					);
					lab.say(`holding the rows of execution ${parent.P3}`);
					/** PR3's downloads under way when n8n was last found ready to kill (a kill ends them). */
					let downloading = 0;
					const { killedAt } = await killWhen(lab, async () => {
						if ((lab.sim?.counters.pollsInFlight ?? 0) < 2)
							return `polls in flight: ${lab.sim?.counters.pollsInFlight}`;
						downloading = lab.trickling('PR3');
						if (!downloading) return 'PR3 not downloading';
						if (lab.polls('PR1').some((count) => count < 1)) return 'PR1 not polled yet';
						const status = pg.query(`select status from execution_entity where id = '${child.P3}'`);
						if (status !== 'success') return `P3's sub-execution ${status}`;
						const blocked = pg.query(
							"select count(*) from pg_stat_activity where datname = 'n8n' and wait_event_type = 'Lock'",
						);
						if (blocked === '0') return 'n8n not blocked on the parent yet';
						return await busy(lab, [parent.P3], ['PR2', 'PR3']);
					});
					seen.killedAt = killedAt;
					seen.atKill = {
						P3: pg.query(`select status from execution_entity where id = '${parent.P3}'`),
						P3child: pg.query(`select status from execution_entity where id = '${child.P3}'`),
					};
					seen.pollsAtKill = { PR1: lab.polls('PR1'), PR2: lab.polls('PR2') };
					seen.downloadingAtKill = { PR3: downloading };
					// n8n's connections die with it (a server still blocked on the lock would otherwise
					// carry out n8n's update once the lock goes); then the lock goes.
					pg.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = 'n8n'");
					await lock.send('rollback;', /ROLLBACK/);
					await lock.close();
					seen.restartedAt = await restart(lab);
					lab.say(
						`n8n killed ${secondsSince(startedAt, killedAt)} s after the workflows started, started again ${secondsSince(killedAt, seen.restartedAt)} s later`,
					);
					seen.ended = {};
					await Promise.all(
						Object.entries(parent).map(async ([key, id]) => {
							seen.ended[key] = await lab.ended(id);
							lab.say(`${key} (${id}) ended: ${seen.ended[key].status}`);
						}),
					);
					seen.children = {};
					for (const [key, id] of Object.entries(child))
						seen.children[key] = await lab.ended(id, 60_000);
					seen.pollsAtEnd = { PR2: lab.polls('PR2') };
					seen.crashes = await crashRecord(lab, ['PR1', 'PR2', 'PR3']);
					figures.postgresRestartToR1Done = secondsSince(
						seen.restartedAt,
						seen.ended.PR1.stoppedAt,
					);
					for (const key of ['PR2', 'PR3'])
						figures[`postgres${key}`] = JSON.stringify({
							...delivery(seen.ended[key], seen.restartedAt, lab.readyAt),
							crashed: seen.crashes[key].crashed.length,
						});
					figures.postgresP3ParentStatus = seen.ended.P3.status;
					figures.postgresRestartToP3Uploads = secondsSince(
						seen.restartedAt,
						new Date(Math.max(...lab.uploads.map((upload) => upload.at))),
					);
				},
				{ timeout: 20 * 60_000 },
			);

			after(async () => {
				await lab?.tearDown();
				pg?.stop();
			});

			it('restart: SIGKILL while the execution waits; after the restart both MP4s reach the next two nodes, 2 creates', () => {
				const done = seen.ended.PR1;
				assert.equal(done.status, 'success', JSON.stringify(done.data?.resultData?.error));
				assert.deepEqual(seen.pollsAtKill.PR1, [1, 1]);
				assertReadMp4s(done, 'Check', rows.PR1);
				assertReadMp4s(done, 'After', rows.PR1);
				assert.deepEqual(lab.creates('PR1'), Object.fromEntries(rows.PR1.map((row) => [row, 1])));
			});

			it('SIGKILL while a poll is in flight: after the restart both MP4s reach the next node, 2 creates; at most one execution marked crashed', () => {
				assert.deepEqual(seen.pollsAtKill.PR2, [1, 1]);
				assertDelivered(lab, 'PR2', seen.ended.PR2, rows.PR2);
				assertSoonAfterRestart(seen.ended.PR2, lab);
				assertNotCrashedTwice(seen.crashes, 'PR2');
			});

			it('SIGKILL while the videos download: after the restart both MP4s reach the next node, 2 creates; at most one execution marked crashed', () => {
				assert.ok(seen.downloadingAtKill.PR3, 'a download was in flight at the kill');
				assertDelivered(lab, 'PR3', seen.ended.PR3, rows.PR3);
				assertSoonAfterRestart(seen.ended.PR3, lab);
				assertNotCrashedTwice(seen.crashes, 'PR3');
			});

			it('n8n dies after the sub-execution ended and before the parent resumed: 2.41’s sweep resumes it, and the nodes after FastRouter Video get both MP4s', (t) => {
				// At the kill the sub-execution had succeeded and the parent still waited on it.
				assert.deepEqual(seen.atKill, { P3: 'waiting', P3child: 'success' });
				assert.ok(new Date(seen.children.P3.stoppedAt).getTime() < seen.killedAt);
				// After the restart the parent ran on: Check read each MP4 and Upload sent it here.
				const byTask = (
					/** @type {{ query: Record<string, string> }} */ a,
					/** @type {{ query: Record<string, string> }} */ b,
				) => a.query.taskId.localeCompare(b.query.taskId);
				const done = seen.ended.P3;
				assert.deepEqual(
					lab.uploads.map(({ query, bytes, ftyp }) => ({ query, bytes, ftyp })).sort(byTask),
					lab
						.taskIds(rows.P3)
						.map((taskId) => ({
							query: { taskId: String(taskId), bytesSeenByCheck: String(VIDEO_BYTES) },
							bytes: VIDEO_BYTES,
							ftyp: 'ftyp',
						}))
						.sort(byTask),
					`the parent ended ${done.status}: ${JSON.stringify(done.data?.resultData?.error)}`,
				);
				assert.ok(lab.uploads.every((upload) => upload.at > seen.restartedAt));
				// The sweep runs as n8n starts (before its REST API answers): not a tracker period later.
				const resumedAfter = secondsSince(
					seen.restartedAt,
					new Date(Math.max(...lab.uploads.map((upload) => upload.at))),
				);
				const afterReady = secondsSince(
					/** @type {number} */ (lab.readyAt),
					new Date(Math.max(...lab.uploads.map((upload) => upload.at))),
				);
				assert.ok(
					afterReady < 60,
					`${resumedAfter} s after the restart, ${afterReady} s after n8n answered again`,
				);
				assert.deepEqual(lab.creates('P3'), Object.fromEntries(rows.P3.map((row) => [row, 1])));
				// What n8n then records for the parent: success — unless n8n's own startup crash
				// recovery, which runs a few seconds after the sweep, read the parent while it ran and
				// wrote its old state back as "crashed" just after it finished (a race inside n8n 2.41,
				// seen in this very scenario; nothing a node can prevent). Then the log shows both.
				t.diagnostic(
					`P3's parent ended ${done.status}; the nodes after FastRouter Video got both MP4s ${resumedAfter} s after the restart`,
				);
				if (done.status !== 'success') {
					assert.equal(done.status, 'crashed');
					const log = lab.n8n.log('main');
					const finished = log.search(
						new RegExp(
							`Save execution data to database for execution ID ${seen.parent.P3}\\b.*"finished": true`,
						),
					);
					const recovered = log.search(
						new RegExp(
							`\\[Recovery\\] Logs available, amended execution.*"executionId": "${seen.parent.P3}"`,
						),
					);
					assert.ok(
						finished > 0 && recovered > finished,
						'n8n saved the finished parent, then its crash recovery overwrote it',
					);
				}
			});
		},
	);

	describe(
		'SQLite: SIGTERM with n8n’s default grace while a download outlasts it; n8n’s start-up race (the wait falls due while n8n is down)',
		story('stops'),
		() => {
			/** @type {Lab} */
			let lab;
			/** @type {Record<string, any>} */
			const seen = {};
			// T: done at its first poll (~65 s in), whose downloads trickle for 45 s: n8n gets SIGTERM
			// as they start and waits its 30 s grace for them in vain. U: its first poll falls due
			// (~120 s in) while n8n is down; n8n starts after that, resumes the wait at once, and U's
			// downloads trickle for 90 s, past the wait tracker's next tick (60 s), while n8n's start-up
			// crash recovery has marked that very execution crashed.
			const rows = {
				T: [
					`T a fox [sim:duration=50000] [sim:trickle=45000]`,
					`T a boat [sim:duration=50000] [sim:trickle=45000]`,
				],
				U: [
					`U a fox [sim:duration=100000] [sim:trickle=90000]`,
					`U a boat [sim:duration=100000] [sim:trickle=90000]`,
				],
			};

			before(
				async () => {
					lab = new Lab(install, tarball, 'stops');
					await lab.setUp();
					await lab.addWorkflow({ key: 'T', options: { pollInterval: 65 } });
					await lab.addWorkflow({ key: 'U', options: { pollInterval: 120 } });
					Object.assign(seen, { parent: {}, child: {} });
					const startedAt = Date.now();
					await startAll(lab, rows, Object.keys(rows), seen);
					await lab.until('T downloading', async () => lab.trickling('T') > 0, 240_000, 250);
					seen.dueU = await lab.nextDue('U');
					seen.signalledAt = Date.now();
					seen.exit = await lab.n8n.terminate('SIGTERM');
					lab.say(
						`n8n got SIGTERM ${secondsSince(startedAt, seen.signalledAt)} s in, exited ${seen.exit.ms} ms later with code ${seen.exit.code}; U's wait falls due ${secondsSince(Date.now(), seen.dueU)} s from now`,
					);
					// Down until U's wait is due: n8n resumes it as it starts.
					await pause(Math.max(0, (seen.dueU ?? 0) - Date.now() + 3_000));
					seen.restartedAt = await restart(lab);
					// n8n's start-up crash recovery has run (restart() waits for it): U's step, resumed as
					// n8n started, is still downloading.
					seen.downloadingAfterRecovery = { U: lab.trickling('U') };
					seen.ended = {};
					for (const key of Object.keys(rows)) {
						seen.ended[key] = await lab.ended(seen.parent[key], 420_000);
						lab.say(
							`${key} (${seen.parent[key]}) ended: ${seen.ended[key].status}, ${secondsSince(seen.restartedAt, seen.ended[key].stoppedAt)} s after the restart`,
						);
					}
					seen.crashes = await crashRecord(lab, Object.keys(rows));
					seen.log = lab.n8n.log('main');
					for (const key of Object.keys(rows))
						figures[`stops${key}`] = JSON.stringify({
							...delivery(seen.ended[key], seen.restartedAt, lab.readyAt),
							crashed: seen.crashes[key].crashed.length,
						});
					figures.stopsSigtermExitMs = seen.exit.ms;
				},
				{ timeout: 20 * 60_000 },
			);

			after(async () => {
				await lab?.tearDown();
			});

			it('SIGTERM while the videos download for longer than n8n’s 30 s grace: n8n exits on its own; after the restart both MP4s reach the next node, 2 creates; at most one execution marked crashed', () => {
				// n8n waited out its grace for the running download, then exited.
				assert.ok(seen.exit.ms >= 25_000, `n8n exited ${seen.exit.ms} ms after SIGTERM`);
				assertDelivered(lab, 'T', seen.ended.T, rows.T);
				assertSoonAfterRestart(seen.ended.T, lab);
				assertNotCrashedTwice(seen.crashes, 'T');
			});

			it('the start-up race: the wait fell due while n8n was down and its step outlasts a tracker tick; both MP4s reach the next node, 2 creates; at most one execution marked crashed', () => {
				assert.ok(seen.dueU < seen.restartedAt, 'the wait fell due before n8n was back');
				assert.ok(
					seen.downloadingAfterRecovery.U > 0,
					'U’s step, resumed at start, was still running after n8n’s crash recovery',
				);
				assertDelivered(lab, 'U', seen.ended.U, rows.U);
				assertSoonAfterRestart(seen.ended.U, lab);
				assertNotCrashedTwice(seen.crashes, 'U');
			});
		},
	);

	describe(
		'queue mode: a worker killed mid-step; one worker at concurrency 1 is freed while durable waits render; Retry On Fail on the worker',
		story('queue'),
		() => {
			/** @type {Lab} */
			let lab;
			/** @type {Awaited<ReturnType<typeof startRedis>>} */
			let redis;
			/** @type {Record<string, any>} */
			const seen = {};
			/** "About one durable interval": done by the first durable poll, 60 s after the create. */
			const RENDER = 55_000;
			const prompts = (/** @type {string} */ key) =>
				[0, 1, 2, 3].map((index) => `${key} clip ${index} [sim:duration=${RENDER}]`);
			const retryRows = {
				QRa: [
					`QRa a fox [sim:duration=${SHORT}]`,
					`QRa a boat [sim:duration=${SHORT}] [sim:failonce=Content policy violation]`,
				],
				QRb: [`QRb a fox [sim:duration=${SHORT}]`, 'QRb a boat [sim:createdrop]'],
			};
			/** Done at the first durable poll, whose downloads then trickle while the worker is killed. */
			const killRows = [
				`QK a fox [sim:duration=${SHORT}] [sim:trickle=${TRICKLE}]`,
				`QK a boat [sim:duration=${SHORT}] [sim:trickle=${TRICKLE}]`,
			];

			/**
			 * Four webhook calls, one row each; the wall time until all four executions succeeded.
			 * @param {string} key
			 */
			async function fourRenders(key) {
				const started = Date.now();
				for (const prompt of prompts(key)) await lab.trigger(key, [prompt]);
				const ids = await lab.parents(key, 4);
				const ended = await Promise.all(ids.map((id) => lab.ended(id, 600_000)));
				const stoppedAt = Math.max(
					...ended.map((execution) => new Date(execution.stoppedAt ?? 0).getTime()),
				);
				return { ids, ended, seconds: secondsSince(started, new Date(stoppedAt)) };
			}

			before(
				async () => {
					redis = await startRedis();
					// Main and worker share the user folder (sqlite); binary data in the database, n8n's
					// queue-mode default, since the worker's files are not main's.
					lab = new Lab(install, tarball, 'queue', {
						EXECUTIONS_MODE: 'queue',
						QUEUE_BULL_REDIS_HOST: '127.0.0.1',
						QUEUE_BULL_REDIS_PORT: String(redis.port),
						N8N_DEFAULT_BINARY_DATA_MODE: 'database',
					});
					await lab.setUp({ worker: true });
					await lab.addWorkflow({ key: 'QI', waitMode: 'inProcess', after: 'none' });
					await lab.addWorkflow({ key: 'QD', after: 'none' });
					await lab.addWorkflow({ key: 'QRa', nodeSettings: RETRY });
					await lab.addWorkflow({ key: 'QRb', nodeSettings: RETRY });
					await lab.addWorkflow({ key: 'QK' });

					// Retry On Fail on the worker, first: (b) fails at once, (a) waits, and its sub-execution's
					// steps (a few hundred ms each) take their turns on the worker between the renders below.
					for (const [key, prompts] of Object.entries(retryRows)) await lab.trigger(key, prompts);
					seen.retryParents = {
						QRa: (await lab.parents('QRa'))[0],
						QRb: (await lab.parents('QRb'))[0],
					};
					seen.QRb = await lab.ended(seen.retryParents.QRb);
					await lab.childOf(seen.retryParents.QRa);
					// The worker killed (SIGKILL) while it runs a step of QK's durable wait — its downloads —
					// and a new worker started: the rest of QK runs there, while the renders below run.
					await lab.trigger('QK', killRows);
					seen.killParent = (await lab.parents('QK'))[0];
					await lab.until(
						'QK downloading on the worker',
						async () => lab.trickling('QK') > 0,
						240_000,
						250,
					);
					await lab.n8n.killWorker();
					seen.workerKilledAt = Date.now();
					lab.say('worker killed (SIGKILL); starting another');
					await lab.n8n.startWorker({}, 1);
					seen.workerRestartedAt = Date.now();
					// In process: the worker's one slot holds each execution for its whole render.
					seen.inProcess = await fourRenders('QI');
					lab.say(`in process: 4 renders in ${seen.inProcess.seconds} s`);
					// Durable: each execution frees the slot while its render runs.
					seen.durable = await fourRenders('QD');
					lab.say(`durable: 4 renders in ${seen.durable.seconds} s`);
					seen.QRa = await lab.ended(seen.retryParents.QRa);
					seen.QK = await lab.ended(seen.killParent, 600_000);
					seen.crashes = await crashRecord(lab, ['QK']);
					figures.queueQK = JSON.stringify({
						...delivery(seen.QK, seen.workerRestartedAt),
						crashed: seen.crashes.QK.crashed.length,
					});
					figures.queueInProcessSeconds = seen.inProcess.seconds;
					figures.queueDurableSeconds = seen.durable.seconds;
				},
				{ timeout: 20 * 60_000 },
			);

			after(async () => {
				await lab?.tearDown();
				await redis?.stop();
			});

			it('worker freed: four durable waits take well under the in-process time (the four renders one after another)', (t) => {
				t.diagnostic(
					`in process ${seen.inProcess.seconds} s, durable ${seen.durable.seconds} s (renders of ${RENDER / 1000} s, one worker slot)`,
				);
				console.log(
					`[durable queue] wall time for 4 renders of ${RENDER / 1000} s on one worker slot: in process ${seen.inProcess.seconds} s, durable ${seen.durable.seconds} s`,
				);
				for (const key of ['inProcess', 'durable']) {
					for (const execution of seen[key].ended)
						assert.equal(
							execution.status,
							'success',
							JSON.stringify(execution.data?.resultData?.error),
						);
				}
				assert.ok(
					seen.inProcess.seconds >= (4 * RENDER) / 1000,
					'in process, the renders ran one after another',
				);
				assert.ok(
					seen.durable.seconds < 0.6 * seen.inProcess.seconds,
					`durable ${seen.durable.seconds} s vs in process ${seen.inProcess.seconds} s`,
				);
				// All four durable renders were under way at once: each was created before the first ended.
				const created = lab.tasks('QD').map((task) => task.createdAt);
				assert.equal(created.length, 4);
				assert.ok(Math.max(...created) - Math.min(...created) < RENDER, JSON.stringify(created));
				for (const execution of seen.durable.ended) {
					const [item] = outputOf(execution, NODE_NAME);
					assert.equal(item.json.status, 'succeeded');
					assert.equal(item.binary.data.mimeType, 'video/mp4');
				}
				assert.deepEqual(Object.values(lab.creates('QD')), [1, 1, 1, 1]);
				// The worker ran them, main only enqueued them (and resumed the waits).
				for (const id of seen.durable.ids)
					assert.match(lab.n8n.log('worker'), new RegExp(`Worker finished execution ${id} `));
			});

			it('the worker SIGKILLed while it runs a step (downloads), a new worker started: both MP4s reach the next node, 2 creates; at most one execution marked crashed', () => {
				assertDelivered(lab, 'QK', seen.QK, killRows);
				assertNotCrashedTwice(seen.crashes, 'QK');
			});

			it('Retry On Fail in queue mode, durable: (a) both MP4s, 1 + 2 creates; (b) fails every try, 1 + 1 creates', () => {
				assertCreatedAnew(lab, 'QRa', seen.QRa, retryRows.QRa);
				assertDroppedCreate(lab, 'QRb', seen.QRb, retryRows.QRb);
				assert.match(
					lab.n8n.log('worker'),
					new RegExp(`Worker finished execution ${seen.retryParents.QRa} `),
				);
			});
		},
	);
});
