#!/usr/bin/env node
// Standalone reproduction of a start-up race in n8n 2.41.1 (regular mode, SQLite), n8n's own nodes
// only. See docs/n8n-startup-race.md.
//
//   parent: Webhook -> Execute Workflow (wait for sub-workflow completion) -> Set "Record"
//   child:  Execute Workflow Trigger -> Set {result:'stale'} -> Wait 70 s (stored wait)
//           -> HTTP Request to a local server that answers after 90 s -> Set {result:'fresh'}
//
// It starts n8n, triggers the parent, stops n8n (SIGTERM) while the child is parked in its Wait
// node, lets the wait fall due while n8n is down, starts n8n again and reads the database until
// the parent ends. Expected: the parent's "Record" node receives result 'fresh'. The bug: start-up
// recovery marks the just-resumed child `crashed`, the wait tracker's next tick resumes the parent
// with the child's stored items ('stale'), and the child's real result is dropped.
//
// Needs: Node 24 + n8n 2.41.1, and Debian's `sqlite3` CLI. Paths can be set with N8N_BIN (n8n's
// bin/n8n) and NODE_BIN_DIR (a folder holding the `node` to run n8n with). KEEP_TMP=1 keeps the
// temp folder (user folder, database, logs). Takes about 5 minutes.
// Prints REPRODUCED or NOT REPRODUCED and exits 0; exits 2 if it could not run.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const CACHE = path.join(os.homedir(), '.cache', 'n8n-nodes-fastrouter');
const N8N_BIN =
	process.env.N8N_BIN || path.join(CACHE, 'n8n-2.41.1', 'node_modules', 'n8n', 'bin', 'n8n');
const NODE_BIN_DIR = process.env.NODE_BIN_DIR || path.join(CACHE, 'node-24.21.0', 'bin');
const INSTALLED_MARKER = path.join(CACHE, 'n8n-2.41.1', '.installed');
const WAIT_SECONDS = 70; // >= 65 s: the Wait node stores the wait instead of sleeping in-process
const SLOW_MS = 90_000; // > 60 s: the child is still running at the wait tracker's next tick
const PARENT_ID = 'raceReproParent1';
const CHILD_ID = 'raceReproChild01';

const t0 = Date.now();
const say = (message) =>
	console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
class CannotRun extends Error {}

// ---------------------------------------------------------------- everything we start, to stop it
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-startup-race-'));
const userFolder = path.join(tmp, 'user');
const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
let n8nProcess; // the running `n8n start`
const slowSockets = new Set();
let slowServer;
const slowRequests = []; // { arrived, answered }

async function stopN8n(signal = 'SIGTERM') {
	const child = n8nProcess;
	n8nProcess = undefined;
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const gone = new Promise((resolve) => child.once('exit', resolve));
	try {
		process.kill(-child.pid, signal); // its group: n8n may start a task runner of its own
	} catch {}
	const timer = setTimeout(() => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {}
	}, 60_000);
	await gone;
	clearTimeout(timer);
}

async function cleanUp() {
	await stopN8n();
	if (slowServer) {
		for (const socket of slowSockets) socket.destroy();
		await new Promise((resolve) => slowServer.close(resolve));
		slowServer = undefined;
	}
	if (process.env.KEEP_TMP) console.log(`(kept ${tmp})`);
	else fs.rmSync(tmp, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		console.error(`\n${signal}: stopping`);
		cleanUp().finally(() => process.exit(2));
	});
}

// ---------------------------------------------------------------- helpers
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function sql(query) {
	const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 10000', dbFile, query], {
		encoding: 'utf8',
	});
	return out.trim() ? JSON.parse(out) : [];
}

let flatted;
function executions() {
	return sql(
		'SELECT id, workflowId, status, waitTill, startedAt, stoppedAt FROM execution_entity ORDER BY id',
	);
}
function executionData(id) {
	const [row] = sql(`SELECT data FROM execution_data WHERE executionId = ${Number(id)}`);
	return row ? flatted.parse(row.data) : undefined;
}
const byWorkflow = (rows, workflowId) => rows.find((row) => row.workflowId === workflowId);
const TERMINAL = ['success', 'error', 'canceled', 'crashed'];

function n8nEnv(ports) {
	return {
		...process.env,
		PATH: `${NODE_BIN_DIR}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'startup-race-repro-key',
		DB_TYPE: 'sqlite',
		EXECUTIONS_MODE: 'regular',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(ports.n8n),
		N8N_RUNNERS_BROKER_PORT: String(ports.broker),
		WEBHOOK_URL: `http://127.0.0.1:${ports.n8n}/`,
		N8N_SECURE_COOKIE: 'false',
	};
}

function cli(args, env) {
	try {
		return execFileSync(path.join(NODE_BIN_DIR, 'node'), [N8N_BIN, ...args], {
			env,
			encoding: 'utf8',
			stdio: 'pipe',
		});
	} catch (error) {
		throw new CannotRun(
			`n8n ${args.join(' ')} failed:\n${error.stderr || ''}${error.stdout || ''}`,
		);
	}
}

async function startN8n(env, logFile) {
	const out = fs.openSync(logFile, 'a');
	const child = spawn(path.join(NODE_BIN_DIR, 'node'), [N8N_BIN, 'start'], {
		env,
		stdio: ['ignore', out, out],
		detached: true,
	});
	fs.closeSync(out);
	n8nProcess = child;
	const base = `http://127.0.0.1:${env.N8N_PORT}`;
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (child.exitCode !== null)
			throw new CannotRun(`n8n exited (${child.exitCode}) while starting; see ${logFile}`);
		if (Date.now() > deadline) throw new CannotRun(`n8n not ready after 180 s; see ${logFile}`);
		try {
			const response = await fetch(`${base}/healthz/readiness`, {
				signal: AbortSignal.timeout(5000),
			});
			if (response.status === 200) return base;
		} catch {}
		await sleep(500);
	}
}

// ---------------------------------------------------------------- the two workflows
const node = (name, type, typeVersion, parameters, x, extra = {}) => ({
	id: crypto.randomUUID(),
	name,
	type,
	typeVersion,
	position: [x, 0],
	parameters,
	...extra,
});
const setResult = (name, field, value, x) =>
	node(
		name,
		'n8n-nodes-base.set',
		3.4,
		{
			assignments: { assignments: [{ id: `${name}-a`, name: field, value, type: 'string' }] },
			options: {},
		},
		x,
	);
const chain = (...names) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);

function workflows(slowUrl) {
	const child = {
		id: CHILD_ID,
		name: 'Startup race: child',
		nodes: [
			node(
				'Start',
				'n8n-nodes-base.executeWorkflowTrigger',
				1.1,
				{ inputSource: 'passthrough' },
				0,
			),
			setResult('Before wait', 'result', 'stale', 220),
			node(
				'Wait',
				'n8n-nodes-base.wait',
				1.1,
				{ resume: 'timeInterval', amount: WAIT_SECONDS, unit: 'seconds' },
				440,
				{ webhookId: '9d5b3c1e-0000-4000-8000-00000000a001' },
			),
			node(
				'Slow step',
				'n8n-nodes-base.httpRequest',
				4.2,
				{ url: slowUrl, options: { timeout: 300_000 } },
				660,
			),
			setResult('Result', 'result', 'fresh', 880),
		],
		connections: chain('Start', 'Before wait', 'Wait', 'Slow step', 'Result'),
		active: false,
		settings: { executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner' },
	};
	const parent = {
		id: PARENT_ID,
		name: 'Startup race: parent',
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				{ httpMethod: 'POST', path: 'startup-race', responseMode: 'onReceived', options: {} },
				0,
				{
					webhookId: '9d5b3c1e-0000-4000-8000-00000000a002',
				},
			),
			node(
				'Call child',
				'n8n-nodes-base.executeWorkflow',
				1.2,
				{
					source: 'database',
					workflowId: { __rl: true, value: CHILD_ID, mode: 'id' },
					workflowInputs: {
						mappingMode: 'defineBelow',
						value: {},
						matchingColumns: [],
						schema: [],
						attemptToConvertTypes: false,
						convertFieldsToString: true,
					},
					mode: 'once',
					options: { waitForSubWorkflow: true },
				},
				220,
			),
			setResult('Record', 'received', '={{ $json.result }}', 440),
		],
		connections: chain('Webhook', 'Call child', 'Record'),
		active: false,
		settings: { executionOrder: 'v1' },
	};
	return { child, parent };
}

// ---------------------------------------------------------------- the run
async function main() {
	// Preflight
	if (!process.env.N8N_BIN && !fs.existsSync(INSTALLED_MARKER)) {
		say(`waiting for n8n 2.41.1 to finish installing (${INSTALLED_MARKER}) ...`);
		const deadline = Date.now() + 20 * 60_000;
		while (!fs.existsSync(INSTALLED_MARKER)) {
			if (Date.now() > deadline)
				throw new CannotRun('n8n 2.41.1 is not installed (run test/real-n8n/install.js)');
			await sleep(5000);
		}
	}
	if (!fs.existsSync(N8N_BIN)) throw new CannotRun(`no n8n at ${N8N_BIN} (set N8N_BIN)`);
	if (!fs.existsSync(path.join(NODE_BIN_DIR, 'node')))
		throw new CannotRun(`no node in ${NODE_BIN_DIR} (set NODE_BIN_DIR)`);
	try {
		execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
	} catch {
		throw new CannotRun('the sqlite3 CLI is needed (apt-get install sqlite3)');
	}
	const n8nDir = path.dirname(path.dirname(fs.realpathSync(N8N_BIN)));
	flatted = require(require.resolve('flatted', { paths: [n8nDir] }));
	const version = JSON.parse(fs.readFileSync(path.join(n8nDir, 'package.json'), 'utf8')).version;
	const nodeVersion = execFileSync(path.join(NODE_BIN_DIR, 'node'), ['--version'], {
		encoding: 'utf8',
	}).trim();
	say(`n8n ${version} on Node ${nodeVersion}; temp folder ${tmp}`);

	// A server whose answer takes SLOW_MS: the child's step after the Wait node.
	const slowPort = await freePort();
	slowServer = http.createServer((request, response) => {
		const entry = { arrived: Date.now(), answered: undefined };
		slowRequests.push(entry);
		say(
			`slow server: request ${slowRequests.length} arrived (the child is running its step after the Wait)`,
		);
		setTimeout(() => {
			entry.answered = Date.now();
			response
				.writeHead(200, { 'Content-Type': 'application/json' })
				.end(JSON.stringify({ slow: 'done' }));
			say(`slow server: answered request ${slowRequests.indexOf(entry) + 1}`);
		}, SLOW_MS);
	});
	slowServer.on('connection', (socket) => {
		slowSockets.add(socket);
		socket.on('close', () => slowSockets.delete(socket));
	});
	await new Promise((resolve) => slowServer.listen(slowPort, '127.0.0.1', resolve));

	const env = n8nEnv({ n8n: await freePort(), broker: await freePort() });
	const { child, parent } = workflows(`http://127.0.0.1:${slowPort}/slow`);
	fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
	fs.writeFileSync(path.join(tmp, 'workflows.json'), JSON.stringify([child, parent], null, 2));
	say('importing and publishing the two workflows (n8n CLI)');
	cli(['import:workflow', `--input=${path.join(tmp, 'workflows.json')}`], env);
	cli(['publish:workflow', `--id=${CHILD_ID}`], env);
	cli(['publish:workflow', `--id=${PARENT_ID}`], env);

	// 1. First start; trigger the parent; wait until both are parked.
	const log1 = path.join(tmp, 'n8n-1.log');
	say('starting n8n (1st time)');
	const base = await startN8n(env, log1);
	say(`n8n ready at ${base}`);
	let response;
	for (let attempt = 0; attempt < 60; attempt++) {
		response = await fetch(`${base}/webhook/startup-race`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: '{}',
		}).catch((e) => e);
		if (response.status === 200) break;
		await sleep(1000);
	}
	if (response.status !== 200)
		throw new CannotRun(`webhook did not answer 200: ${response.status ?? response.message}`);
	say('parent triggered through its webhook');
	let parked;
	for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(1000)) {
		const rows = executions();
		const p = byWorkflow(rows, PARENT_ID);
		const c = byWorkflow(rows, CHILD_ID);
		if (p?.status === 'waiting' && c?.status === 'waiting' && c.waitTill) {
			parked = {
				parentId: p.id,
				childId: c.id,
				waitTill: new Date(`${c.waitTill.replace(' ', 'T')}Z`),
			};
			break;
		}
	}
	if (!parked)
		throw new CannotRun(`parent and child did not park: ${JSON.stringify(executions())}`);
	const { parentId, childId } = parked;
	say(
		`parked: parent execution ${parentId} waits on child execution ${childId}, whose Wait node is due at ${parked.waitTill.toISOString()}`,
	);

	// 2. Stop n8n while the child is parked; let its wait fall due while n8n is down.
	say('stopping n8n (SIGTERM)');
	await stopN8n('SIGTERM');
	const dueIn = parked.waitTill.getTime() - Date.now() + 5000;
	say(
		`n8n stopped; waiting ${Math.max(0, Math.round(dueIn / 1000))} s until the Wait node's time has passed`,
	);
	await sleep(Math.max(0, dueIn));

	// 3. Second start: the wait tracker resumes the child at once, start-up recovery runs after it.
	const log2 = path.join(tmp, 'n8n-2.log');
	say('starting n8n again (2nd time)');
	const restartedAt = Date.now();
	await startN8n(env, log2);
	say('n8n ready');

	// 4. Poll until the parent ends, and the child's step has answered (or the child has ended).
	let lastSeen = '';
	let parentEndedAt;
	for (const deadline = restartedAt + 6 * 60_000; ; await sleep(2000)) {
		if (Date.now() > deadline)
			throw new CannotRun(`no end after 6 min: ${JSON.stringify(executions())}`);
		const rows = executions();
		const p = rows.find((row) => row.id === parentId);
		const c = rows.find((row) => row.id === childId);
		const seen = `parent ${parentId}: ${p?.status}, child ${childId}: ${c?.status}`;
		if (seen !== lastSeen) say(`db: ${seen}`);
		lastSeen = seen;
		if (TERMINAL.includes(p?.status)) parentEndedAt ??= Date.now();
		const slow = slowRequests.at(-1);
		const childDone =
			['success', 'error'].includes(c?.status) ||
			(slow?.answered && Date.now() - slow.answered > 15_000);
		if (parentEndedAt && childDone) break;
	}
	await sleep(3000); // let the last log lines be written

	// 5. Report
	const rows = executions();
	const p = rows.find((row) => row.id === parentId);
	const c = rows.find((row) => row.id === childId);
	const parentData = executionData(parentId);
	const childData = executionData(childId);
	const recordRun = parentData?.resultData?.runData?.Record?.[0];
	const received = recordRun?.data?.main?.[0]?.map((item) => item.json.received);
	const childNodes = Object.keys(childData?.resultData?.runData ?? {});
	const strip = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');
	const interesting =
		/crashed|Parent not patched|\[Recovery\]|Found unfinished executions|could be due to a crash|Resuming execution|Started tracking waiting executions|Initializing event bus|Failed to resume/i;
	const logLines = strip(fs.readFileSync(log2, 'utf8'))
		.split('\n')
		.filter((line) => interesting.test(line))
		.map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line));

	console.log('\n================ result ================');
	console.log(`n8n ${version}, regular mode, SQLite`);
	console.log(
		`child  execution ${childId}: final status ${c?.status}; nodes with run data: ${childNodes.join(', ')}; last node ${childData?.resultData?.lastNodeExecuted}`,
	);
	console.log(`parent execution ${parentId}: final status ${p?.status}; stopped ${p?.stoppedAt}`);
	console.log(
		`parent's last node "Record" received result: ${JSON.stringify(received)}   (expected ["fresh"])`,
	);
	const slow = slowRequests.at(-1);
	if (slow) {
		const rel = (ms) =>
			ms === undefined ? 'never' : `${((ms - restartedAt) / 1000).toFixed(1)} s`;
		console.log(
			`timeline after the 2nd start: child's slow step began ${rel(slow.arrived)}, answered ${rel(slow.answered)}; parent ended (seen) ${rel(parentEndedAt)}`,
		);
	}
	console.log('\n--- n8n log after the restart (N8N_LOG_LEVEL=debug, filtered) ---');
	for (const line of logLines) console.log(line);
	console.log('----------------------------------------');
	const notPatched = logLines.some((line) => /Parent not patched/.test(line));
	const markedCrashed = logLines.some(
		(line) => /Marked executions as .crashed/.test(line) && line.includes(childId),
	);
	if (Array.isArray(received) && received.length > 0 && !received.includes('fresh')) {
		console.log(
			`\nREPRODUCED: the parent went on with the child's stored pre-restart items (${JSON.stringify(received)}) instead of its result ("fresh")` +
				`${markedCrashed ? '; start-up recovery marked the running child crashed' : ''}${notPatched ? '; the child\'s real result was dropped ("Parent not patched")' : ''}.`,
		);
	} else {
		console.log(`\nNOT REPRODUCED: the parent received ${JSON.stringify(received)}.`);
	}
}

main()
	.then(() => cleanUp())
	.then(() => process.exit(0))
	.catch(async (error) => {
		console.error(`\nCOULD NOT RUN: ${error instanceof CannotRun ? error.message : error.stack}`);
		if (n8nProcess) console.error(`(n8n logs in ${tmp}; set KEEP_TMP=1 to keep them)`);
		await cleanUp();
		process.exit(2);
	});
