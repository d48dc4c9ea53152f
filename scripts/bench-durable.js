#!/usr/bin/env node
// @ts-check
'use strict';

// `npm run bench:durable`: one durable wait in a real n8n 2.41.1, measured and printed, never
// asserted (no test runs it; CI does not either). A benchmark, not a check.
//
// One `n8n start` (SQLite, the packed package installed, n8n's debug log) with a FastRouter
// simulator of its own (test/real-n8n/durable-lab.js), one workflow: Webhook (answers at once) →
// Rows (one item per prompt) → FastRouter Video (Create and Wait, Wait Mode left unset, i.e.
// Automatic, which waits durably in a production run whose caller got its answer). One batch of
// BENCH_ROWS rows whose renders take BENCH_RENDER_S seconds, polled every BENCH_POLL_S seconds,
// Max Wait render + 900 s. What it measures, while the batch waits:
// - the batch time: the webhook call to the parent execution's `stoppedAt`, as render + X s;
// - the simulator's counters: creates, polls per task, when each task was polled (sampled every
//   second), so the polls of each resume and the delay between a video being done and its poll;
// - the stored size of the sub-execution at each park and of the parent: `execution_data.data`
//   (the flatted run data, what GET /rest/executions/<id> answers as `data`) read every few
//   seconds from n8n's SQLite file with Debian's `sqlite3` CLI, read-only (n8n runs SQLite in WAL
//   mode, so a reader neither blocks nor disturbs it, and n8n's own memory is not touched by the
//   sampling, as REST reads of a large execution would);
// - n8n main's memory: the RSS of the `n8n start` process and of its process tree (its task
//   runner), from /proc, sampled alongside;
// - the parks: the sub-execution's watch step runs (n8n's run data), the waits seen in SQLite,
//   and n8n's debug log ("Workflow execution will wait until …", "Resuming execution <id>").
// Prints a table per park, a summary table, and the summary as one JSON line (the last line).
//
// Sizes in KB and MB are binary (1 KB = 1024 bytes, 1 MB = 1024 KB).
// Knobs: BENCH_ROWS (100), BENCH_RENDER_S (600), BENCH_POLL_S (65), BENCH_SAMPLE_S (5).
// KEEP_REAL_N8N=1 keeps n8n's folder (its SQLite file and debug log). `sqlite3` must be on PATH
// (Debian: apt-get install -y sqlite3).

const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { installRealN8n, N8N_VERSION } = require('../test/real-n8n/install');
const { packThisPackage, pause } = require('../test/real-n8n/instance');
const { Lab, NODE_NAME, TERMINAL } = require('../test/real-n8n/durable-lab');

const ROWS = Number(process.env.BENCH_ROWS || 100);
const RENDER_S = Number(process.env.BENCH_RENDER_S || 600);
const POLL_S = Number(process.env.BENCH_POLL_S || 65);
const SAMPLE_MS = Number(process.env.BENCH_SAMPLE_S || 5) * 1000;
const MAX_WAIT_S = RENDER_S + 900;
/** Small videos: the download is not what is measured. */
const VIDEO_BYTES = 64 * 1024;
const KEY = 'bench';
const WATCH = `${NODE_NAME} · watch`;
/** The target: the batch within render + 75 s. */
const TARGET_X_S = 75;

/**
 * @typedef {object} StoredRow one execution as SQLite holds it at a sample
 * @property {string} id
 * @property {string} status
 * @property {string} mode
 * @property {string | null} waitTill
 * @property {string | null} stoppedAt
 * @property {number | null} dataBytes
 * @property {number | null} workflowBytes
 */

/**
 * @typedef {object} Sample
 * @property {number} at ms since epoch
 * @property {StoredRow[]} rows
 * @property {{ mainMb: number, treeMb: number, processes: number } | undefined} memory
 * @property {number} load the 1-minute load average
 */

const QUERY = `SELECT e.id AS id, e.status AS status, e.mode AS mode, e.waitTill AS waitTill, e.stoppedAt AS stoppedAt,
 length(CAST(d.data AS BLOB)) AS dataBytes, length(CAST(d.workflowData AS BLOB)) AS workflowBytes
 FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id`;

/**
 * Every execution's status, wait and stored size, read from n8n's SQLite file.
 * @param {string} database
 * @returns {Promise<StoredRow[]>}
 */
function readStored(database) {
	return new Promise((resolve, reject) => {
		execFile(
			'sqlite3',
			['-readonly', '-json', '-cmd', '.timeout 5000', database, QUERY],
			{ timeout: 20_000, maxBuffer: 16 * 1024 * 1024 },
			(error, stdout) => {
				if (error) return reject(error);
				const rows = stdout.trim() ? JSON.parse(stdout) : [];
				resolve(rows.map((/** @type {any} */ row) => ({ ...row, id: String(row.id) })));
			},
		);
	});
}

/** SQLite's `YYYY-MM-DD HH:MM:SS.SSS` (UTC) or an ISO string, in ms. @param {string | null | undefined} value */
function sqlTime(value) {
	if (!value) return NaN;
	return Date.parse(/Z|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

/**
 * The RSS of a process and of every process under it, from /proc.
 * @param {number} rootPid
 */
function treeMemory(rootPid) {
	/** @type {Map<number, number[]>} */
	const children = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// pid (comm) state ppid …: comm may hold spaces and parentheses.
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
		} catch {
			// Gone since the listing.
		}
	}
	const rssMb = (/** @type {number} */ pid) => {
		try {
			const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
			return kb ? Number(kb) / 1024 : 0;
		} catch {
			return 0;
		}
	};
	const pids = [rootPid];
	for (let i = 0; i < pids.length; i++) pids.push(...(children.get(pids[i]) ?? []));
	const mainMb = rssMb(rootPid);
	if (mainMb === 0) return undefined;
	return { mainMb, treeMb: pids.reduce((sum, pid) => sum + rssMb(pid), 0), processes: pids.length };
}

/**
 * n8n's RSS once it has settled after its start (it falls by a few hundred MB in the first minute
 * or so): sampled every 5 s until four samples in a row lie within 3 %, for at most 3 minutes.
 * @param {number} pid
 */
async function settledMemory(pid) {
	/** @type {number[]} */
	const seen = [];
	const deadline = Date.now() + 180_000;
	for (;;) {
		const memory = treeMemory(pid);
		if (memory) seen.push(memory.treeMb);
		const last = seen.slice(-4);
		if (
			(last.length === 4 && Math.max(...last) <= Math.min(...last) * 1.03) ||
			Date.now() > deadline
		)
			return { treeMb: median(last), settleS: (seen.length - 1) * 5 };
		await pause(5_000);
	}
}

/**
 * The sub-execution's parks and resumes as n8n's debug log tells them, in order: when each wait
 * was stored ("Workflow execution will wait until …", logged as the run parks; the parent's own
 * wait on its sub-execution is the one in the year 2999) and when each resume began ("Resuming
 * execution <id>"). The log's clock is the local time of day, in ms.
 * @param {string} log
 * @param {string} childId
 * @param {number} day any time on the day the log starts
 */
function logTimeline(log, childId, day) {
	const plain = log.replace(/\x1b\[[0-9;]*m/g, '');
	const midnight = new Date(day).setHours(0, 0, 0, 0);
	let previous = 0;
	let wrap = 0;
	/** @type {Array<{ kind: 'park' | 'resume', at: number, until?: number }>} */
	const events = [];
	const resuming = new RegExp(`Resuming execution ${childId} `);
	for (const line of plain.split('\n')) {
		const time = /^(\d\d):(\d\d):(\d\d)\.(\d{3})\s/.exec(line);
		if (!time) continue;
		const ofDay =
			((Number(time[1]) * 60 + Number(time[2])) * 60 + Number(time[3])) * 1000 + Number(time[4]);
		if (ofDay < previous - 3_600_000) wrap += 86_400_000;
		previous = ofDay;
		const at = midnight + wrap + ofDay;
		const wait = /Workflow execution will wait until (.+?) \{/.exec(line);
		if (wait && new Date(wait[1]).getFullYear() < 2999)
			events.push({ kind: 'park', at, until: Date.parse(wait[1]) });
		else if (resuming.test(line)) events.push({ kind: 'resume', at });
	}
	return events;
}

/** @param {number[]} values */
function median(values) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** @param {number} value @param {number} [digits] */
const round = (value, digits = 1) =>
	Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : null;
/** @param {number | null} bytes */
const mb = (bytes) => (bytes === null ? null : round(bytes / 1024 / 1024, 3));
/** @param {number[]} values */
const spread = (values) => ({
	min: round(Math.min(...values)),
	median: round(median(values)),
	max: round(Math.max(...values)),
});

/**
 * The parks of one execution as the samples saw them: one per distinct `waitTill` while it was
 * stored as waiting, with its stored size then and when it was first seen.
 * @param {Sample[]} samples
 * @param {string} id
 */
function parksOf(samples, id) {
	/** @type {Array<{ waitTill: number, seenAt: number, dataBytes: number }>} */
	const parks = [];
	for (const sample of samples) {
		const row = sample.rows.find((candidate) => candidate.id === id);
		if (!row || row.status !== 'waiting' || !row.waitTill) continue;
		const waitTill = sqlTime(row.waitTill);
		const last = parks.at(-1);
		if (last && last.waitTill === waitTill) last.dataBytes = row.dataBytes ?? last.dataBytes;
		else parks.push({ waitTill, seenAt: sample.at, dataBytes: row.dataBytes ?? 0 });
	}
	return parks;
}

async function main() {
	execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
	const started = Date.now();
	const install = installRealN8n();
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-durable-pack-'));
	const tarball = packThisPackage(packDir);
	const lab = new Lab(install, tarball, 'bench');
	/** @param {NodeJS.Signals} signal */
	const interrupted = async (signal) => {
		console.error(`\n${signal}: stopping n8n`);
		await lab.tearDown().catch(() => undefined);
		process.exit(130);
	};
	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);
	try {
		return await measure(lab, started);
	} finally {
		await lab.tearDown();
		if (!process.env.KEEP_REAL_N8N) fs.rmSync(packDir, { recursive: true, force: true });
	}
}

/**
 * @param {Lab} lab
 * @param {number} started
 */
async function measure(lab, started) {
	await lab.setUp();
	const sim = lab.sim;
	const main = lab.n8n.main;
	if (!sim || !main?.pid) throw new Error('the lab did not start');
	const mainPid = main.pid;
	const database = path.join(lab.n8n.n8nFolder, 'database.sqlite');
	await lab.addWorkflow({
		key: KEY,
		options: { pollInterval: POLL_S, maxWait: MAX_WAIT_S },
		after: 'none',
	});
	const prompts = Array.from(
		{ length: ROWS },
		(_, i) => `${KEY} ${i} [sim:duration=${RENDER_S * 1000}] [sim:bytes=${VIDEO_BYTES}]`,
	);
	const idle = await settledMemory(mainPid);
	lab.say(
		`${ROWS} rows of ${RENDER_S} s renders, Poll Interval ${POLL_S} s, Max Wait ${MAX_WAIT_S} s; n8n idle: ${round(idle?.treeMb ?? NaN)} MB`,
	);

	// Each task's polls, as the simulator counts them (1 s resolution).
	/** @type {Record<string, number[]>} */
	const pollTimes = {};
	/** @type {Record<string, number>} */
	const seen = {};
	const pollTracker = setInterval(() => {
		const now = Date.now();
		for (const [taskId, count] of Object.entries(sim.counters.polls)) {
			for (let n = seen[taskId] ?? 0; n < count; n++) (pollTimes[taskId] ??= []).push(now);
			seen[taskId] = count;
		}
	}, 1_000);

	/** @type {Sample[]} */
	const samples = [];
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			const at = Date.now();
			const rows = await readStored(database).catch((error) => {
				lab.say(`sqlite3: ${String(error.message).split('\n')[0]}`);
				return /** @type {StoredRow[]} */ ([]);
			});
			samples.push({ at, rows, memory: treeMemory(mainPid), load: os.loadavg()[0] });
			await pause(Math.max(0, at + SAMPLE_MS - Date.now()));
		}
	})();

	const triggeredAt = Date.now();
	await lab.trigger(KEY, prompts);
	const answeredAt = Date.now();
	const parentId = (await lab.parents(KEY, 1, 600_000))[0];
	const keeperId = await lab.childOf(parentId, 600_000);
	if (!keeperId)
		throw new Error(
			`execution ${parentId} ended without a sub-execution (did Automatic wait in process?)`,
		);
	// The keeper parks once on its watcher, which polls, downloads and parks at every poll: the one measured.
	const childId = await watcherOf(lab, keeperId);
	lab.say(
		`webhook answered in ${answeredAt - triggeredAt} ms; execution ${parentId} waits on its keeper ${keeperId}, which waits on its watcher ${childId}`,
	);

	// The end, seen in SQLite (reading the parent through REST every second would load n8n).
	const deadline = triggeredAt + (RENDER_S + MAX_WAIT_S + 600) * 1000;
	let lastSay = 0;
	for (;;) {
		const last = samples.at(-1);
		const parent = last?.rows.find((row) => row.id === parentId);
		if (parent && TERMINAL.includes(parent.status)) break;
		if (Date.now() > deadline)
			throw new Error(
				`execution ${parentId} still ${parent?.status} after ${Math.round((Date.now() - triggeredAt) / 1000)} s`,
			);
		if (Date.now() - lastSay > 60_000 && last) {
			lastSay = Date.now();
			const child = last.rows.find((row) => row.id === childId);
			const polls = Object.values(sim.counters.polls).reduce((a, b) => a + b, 0);
			lab.say(
				`sub-execution ${child?.status}, stored ${round((child?.dataBytes ?? 0) / 1024)} KB; ${polls} polls; n8n ${round(last.memory?.treeMb ?? NaN)} MB; load ${last.load.toFixed(2)}`,
			);
		}
		await pause(1_000);
	}
	sampling = false;
	await sampler;
	clearInterval(pollTracker);
	// The last polls, counted since the tracker's last tick.
	const endedSeenAt = Date.now();
	for (const [taskId, count] of Object.entries(sim.counters.polls)) {
		for (let n = seen[taskId] ?? 0; n < count; n++) (pollTimes[taskId] ??= []).push(endedSeenAt);
	}

	const parent = await lab.execution(parentId);
	const child = await lab.execution(childId);
	if (!parent || !child) throw new Error('an execution is gone');
	const restBytes = async (/** @type {string} */ id) =>
		Buffer.byteLength(String((await lab.n8n.rest('GET', `/executions/${id}`)).data));
	const rest = { parent: await restBytes(parentId), child: await restBytes(childId) };
	const finalRows = await readStored(database);
	const finalOf = (/** @type {string} */ id) => finalRows.find((row) => row.id === id);
	const log = lab.n8n.log('main');

	return report({
		lab,
		sim,
		triggeredAt,
		answeredAt,
		parentId,
		keeperId,
		childId,
		parent,
		child,
		samples,
		pollTimes,
		rest,
		finalOf,
		log,
		idle,
		started,
	});
}

/**
 * The watcher a keeper parked on: its round step's run links to it.
 * @param {Lab} lab @param {string} keeperId
 */
async function watcherOf(lab, keeperId) {
	return await lab.until(
		`the watcher of ${keeperId}`,
		async () => {
			const keeper = await lab.execution(keeperId);
			const id =
				keeper?.data?.resultData?.runData?.[`${NODE_NAME} · round`]?.[0]?.metadata?.subExecution
					?.executionId;
			return keeper?.status === 'waiting' && id ? String(id) : undefined;
		},
		120_000,
	);
}

/**
 * Works the figures out of what was recorded; prints them.
 * @param {{ lab: Lab, sim: import('../test/simulator').Simulator, triggeredAt: number, answeredAt: number, parentId: string, keeperId: string, childId: string,
 *   parent: any, child: any, samples: Sample[], pollTimes: Record<string, number[]>, rest: { parent: number, child: number },
 *   finalOf: (id: string) => StoredRow | undefined, log: string, idle: { treeMb: number, settleS: number }, started: number }} recorded
 */
function report(recorded) {
	const {
		lab,
		sim,
		triggeredAt,
		answeredAt,
		parentId,
		keeperId,
		childId,
		parent,
		child,
		samples,
		pollTimes,
		rest,
		finalOf,
		log,
		idle,
		started,
	} = recorded;
	const stoppedAt = sqlTime(parent.stoppedAt);
	const batchS = (stoppedAt - triggeredAt) / 1000;
	const tasks = lab.tasks(KEY);
	const polls = tasks.map((task) => sim.counters.polls[task.taskId] ?? 0);
	const lastCreateAt = Math.max(...tasks.map((task) => task.createdAt));
	const firstCreateAt = Math.min(...tasks.map((task) => task.createdAt));
	const allPolls = Object.values(pollTimes).flat();
	/** @param {number} from @param {number} to */
	const pollsBetween = (from, to) => allPolls.filter((at) => at >= from && at <= to).length;
	/** @param {number} at */
	const fromCall = (at) => round((at - triggeredAt) / 1000);

	// The parks, three ways. n8n's run data: at each resume n8n replaces the watch step's parked
	// run with the pass-through run that carries its item back into the watch step, so the watch
	// step has one run per resume plus the last one, which hands over to the finish.
	const watchRuns = /** @type {any[]} */ (child.data?.resultData?.runData?.[WATCH] ?? []);
	const parkedRuns = watchRuns.filter((run) => (run.data?.main?.[0]?.length ?? 0) > 0).length;
	// The waits stored, as SQLite held them (one per distinct waitTill), with their size.
	const stored = parksOf(samples, childId);
	const parentParks = parksOf(samples, parentId);
	// n8n's debug log: each park and each resume, in order.
	const events = logTimeline(log, childId, triggeredAt);
	const logParks = events.filter((event) => event.kind === 'park');
	const logResumes = events.filter((event) => event.kind === 'resume');
	// SQLite's waitTill has ms; the log's, seconds: SQLite's when both saw the same parks.
	const sameParks = stored.length === logParks.length;

	// Per park: when it was stored and until when, its stored size, n8n's RSS then, the resume after it
	// (how late against its waitTill), what the watch step did from that resume to its next park.
	const perPark = logParks.map((park, index) => {
		const until = sameParks ? stored[index].waitTill : /** @type {number} */ (park.until);
		const resumed = logResumes[index]?.at ?? NaN;
		const next = logParks[index + 1]?.at ?? stoppedAt;
		const memory = samples.find((sample) => sample.at >= park.at && sample.memory)?.memory;
		const size = sameParks ? stored[index].dataBytes : NaN;
		const before = sameParks && index > 0 ? stored[index - 1].dataBytes : NaN;
		return {
			park: index + 1,
			'parked (s)': fromCall(park.at),
			'until (s)': fromCall(until),
			'stored (KB)': round(size / 1024),
			'growth (KB)': index === 0 ? null : round((size - before) / 1024),
			'n8n RSS (MB)': round(memory?.treeMb ?? NaN, 0),
			'resumed (s)': fromCall(resumed),
			'late (s)': round((resumed - until) / 1000),
			polls: Number.isFinite(resumed) ? pollsBetween(resumed - 1_000, next + 2_000) : null,
			'step (s)': round((next - resumed) / 1000),
		};
	});
	const pollsAtStart = pollsBetween(0, (logParks[0]?.at ?? stoppedAt) + 2_000);

	const sizes = stored.map((park) => park.dataBytes);
	const first = sizes[0] ?? NaN;
	const largest = Math.max(...sizes);
	const growth = sizes.slice(1).map((size, index) => size - sizes[index]);
	// Memory while the batch waits: from the first park to the parent's end.
	const waiting = samples.filter(
		(sample) =>
			sample.memory &&
			sample.at >= (logParks[0]?.at ?? stored[0]?.seenAt ?? Infinity) &&
			sample.at <= stoppedAt,
	);
	const tree = waiting.map(
		(sample) => /** @type {NonNullable<Sample['memory']>} */ (sample.memory).treeMb,
	);
	const mainOnly = waiting.map(
		(sample) => /** @type {NonNullable<Sample['memory']>} */ (sample.memory).mainMb,
	);
	const loads = samples.map((sample) => sample.load);
	// How long after its video was done each task was polled (its last poll), and the gaps between polls.
	const doneToPoll = tasks
		.map(
			(task) => ((pollTimes[task.taskId] ?? []).at(-1) ?? NaN) - (task.createdAt + task.durationMs),
		)
		.filter(Number.isFinite);
	const gaps = tasks.flatMap((task) =>
		(pollTimes[task.taskId] ?? []).slice(1).map((at, i) => at - (pollTimes[task.taskId] ?? [])[i]),
	);
	const out = /** @type {any[]} */ (
		parent.data?.resultData?.runData?.[NODE_NAME]?.at(-1)?.data?.main?.[0] ?? []
	);

	const summary = {
		n8n: N8N_VERSION,
		commit: gitCommit(),
		date: new Date(triggeredAt).toISOString(),
		rows: ROWS,
		renderS: RENDER_S,
		pollS: POLL_S,
		maxWaitS: MAX_WAIT_S,
		sampleS: SAMPLE_MS / 1000,
		parentId,
		childId,
		parentStatus: parent.status,
		videosOut: out.filter((item) => item.binary?.data).length,
		errorItems: out.filter((item) => typeof item.json?.error === 'string').length,
		webhookAnswerMs: answeredAt - triggeredAt,
		createsSpreadS: round((lastCreateAt - firstCreateAt) / 1000),
		lastCreateS: fromCall(lastCreateAt),
		batchS: round(batchS),
		renderPlusS: round(batchS - RENDER_S),
		withinTarget: batchS - RENDER_S <= TARGET_X_S,
		batchOverRender: round(batchS / RENDER_S, 3),
		lastPollToEndS: round((stoppedAt - Math.max(...allPolls)) / 1000),
		creates: sim.counters.creates,
		createsPerRow: round(sim.counters.creates / ROWS, 3),
		pollsPerTask: { max: Math.max(...polls), median: median(polls), min: Math.min(...polls) },
		pollsInAll: polls.reduce((a, b) => a + b, 0),
		pollGapS: { median: round(median(gaps) / 1000), max: round(Math.max(...gaps) / 1000) },
		doneToLastPollS: {
			median: round(median(doneToPoll) / 1000),
			max: round(Math.max(...doneToPoll) / 1000),
		},
		pollsAtFirstWatch: pollsAtStart,
		parks: {
			log: logParks.length,
			logResumes: logResumes.length,
			sqlite: stored.length,
			runData: parkedRuns,
			maxLateS: round(Math.max(...perPark.map((row) => row['late (s)'] ?? -Infinity))),
			maxStepS: round(Math.max(...perPark.map((row) => row['step (s)'] ?? -Infinity))),
		},
		storedChildMB: {
			firstPark: mb(first),
			largest: mb(largest),
			ratio: round(largest / first, 2),
			growthPerParkKB: round(
				((sizes.at(-1) ?? NaN) - first) / Math.max(1, sizes.length - 1) / 1024,
			),
			// The first park comes before any poll; the second holds every task's first answer.
			growthFirstKB: growth.length ? round(growth[0] / 1024) : null,
			growthThenMedianKB: growth.length > 1 ? round(median(growth.slice(1)) / 1024, 2) : null,
			end: mb(finalOf(childId)?.dataBytes ?? null),
			workflow: mb(finalOf(childId)?.workflowBytes ?? null),
		},
		storedParentMB: {
			waiting: mb(parentParks.at(-1)?.dataBytes ?? null),
			end: mb(finalOf(parentId)?.dataBytes ?? null),
		},
		storedKeeperMB: {
			waiting: mb(parksOf(samples, keeperId).at(-1)?.dataBytes ?? null),
			end: mb(finalOf(keeperId)?.dataBytes ?? null),
		},
		watchers:
			samples.at(-1)?.rows.filter((row) => Number(row.id) > Number(keeperId)).length ?? null,
		restEqualsSqlite:
			rest.parent === finalOf(parentId)?.dataBytes && rest.child === finalOf(childId)?.dataBytes,
		n8nRssMB: {
			idle: round(idle.treeMb),
			idleSettledAfterS: idle.settleS,
			tree: spread(tree),
			main: spread(mainOnly),
			processes: waiting.at(-1)?.memory?.processes ?? null,
			samples: waiting.length,
		},
		load1: {
			min: round(Math.min(...loads), 2),
			median: round(median(loads), 2),
			max: round(Math.max(...loads), 2),
			cores: os.cpus().length,
		},
		benchS: Math.round((Date.now() - started) / 1000),
	};

	console.log(
		`\nDurable wait in n8n ${N8N_VERSION}: ${ROWS} rows, ${RENDER_S} s renders, Poll Interval ${POLL_S} s (execution ${parentId} → sub-execution ${childId}); times in s from the webhook call`,
	);
	console.log(
		`\nThe watch step at the start polled ${pollsAtStart} tasks; then each park of the watcher (n8n's debug log, SQLite's stored size${sameParks ? '' : ': MISSING, SQLite saw another count of parks'}):`,
	);
	console.table(perPark);
	console.table({
		'batch time': `${summary.batchS} s = render + ${summary.renderPlusS} s (${summary.batchOverRender} × render; target render + ${TARGET_X_S} s: ${summary.withinTarget ? 'met' : 'missed'})`,
		parent: `${summary.parentStatus}, ${summary.videosOut} of ${ROWS} videos out, ${summary.errorItems} error items`,
		creates: `${summary.creates} (${summary.createsPerRow} per row) over ${summary.createsSpreadS} s, the last ${summary.lastCreateS} s after the call`,
		'polls per task': `max ${summary.pollsPerTask.max}, median ${summary.pollsPerTask.median}, min ${summary.pollsPerTask.min}; ${summary.pollsInAll} in all; gap median ${summary.pollGapS.median} s, max ${summary.pollGapS.max} s`,
		'video done → its last poll': `median ${summary.doneToLastPollS.median} s, max ${summary.doneToLastPollS.max} s; last poll → parent end ${summary.lastPollToEndS} s`,
		parks: `${summary.parks.log} in n8n's log (${summary.parks.logResumes} resumes), ${summary.parks.sqlite} seen in SQLite, ${summary.parks.runData} in the run data; latest resume ${summary.parks.maxLateS} s after its waitTill; longest step ${summary.parks.maxStepS} s`,
		'stored watcher': `first park ${summary.storedChildMB.firstPark} MB, largest ${summary.storedChildMB.largest} MB (× ${summary.storedChildMB.ratio}); growth per park ${summary.storedChildMB.growthPerParkKB} KB on average: ${summary.storedChildMB.growthFirstKB} KB at the first polls, then ${summary.storedChildMB.growthThenMedianKB} KB (median); at the end ${summary.storedChildMB.end} MB`,
		'stored keeper': `${summary.storedKeeperMB.waiting} MB waiting, ${summary.storedKeeperMB.end} MB at the end; executions after it (its watchers): ${summary.watchers}`,
		'stored parent': `${summary.storedParentMB.waiting} MB waiting, ${summary.storedParentMB.end} MB at the end (REST's data = SQLite's: ${summary.restEqualsSqlite})`,
		'n8n RSS, main + task runner': `min ${summary.n8nRssMB.tree.min}, median ${summary.n8nRssMB.tree.median}, max ${summary.n8nRssMB.tree.max} MB over ${summary.n8nRssMB.samples} samples (idle before: ${summary.n8nRssMB.idle} MB)`,
		'n8n RSS, main process': `min ${summary.n8nRssMB.main.min}, median ${summary.n8nRssMB.main.median}, max ${summary.n8nRssMB.main.max} MB`,
		'load (1 min)': `min ${summary.load1.min}, median ${summary.load1.median}, max ${summary.load1.max} on ${summary.load1.cores} cores`,
	});
	if (process.env.KEEP_REAL_N8N)
		console.log(`n8n's folder (SQLite file, debug log): ${lab.n8n.root}`);
	console.log(JSON.stringify(summary));
	return summary;
}

function gitCommit() {
	try {
		const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
			cwd: path.join(__dirname, '..'),
			encoding: 'utf8',
		}).trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
			cwd: path.join(__dirname, '..'),
			encoding: 'utf8',
		}).trim();
		return dirty ? `${commit}+changes` : commit;
	} catch {
		return 'unknown';
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
