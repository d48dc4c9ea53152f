// @ts-check
'use strict';

// What durable.test.js drives: one real n8n (`n8n start`, optionally with a worker) with this
// package installed, a FastRouter simulator of its own, the workflows it runs (webhook-triggered,
// so they run in production mode, as a durable wait is meant to), and REST helpers to follow
// executions, their sub-executions and n8n's restarts.

const crypto = require('node:crypto');
const http = require('node:http');

const { N8nInstance, pause } = require('./instance');
const { startSimulator } = require('../simulator');

const SIM_KEY = 'sim-key';
const VIDEO_BYTES = 96 * 1024;
const NODE_NAME = 'FastRouter Video';

const TERMINAL = ['success', 'error', 'crashed', 'canceled'];

/**
 * Reads every item's binary `data` back through n8n's binary helpers: the bytes as n8n hands them
 * to any node, with the row each item pairs with (paired items resolve positionally after a wait).
 */
const READ_MP4 = `
const items = $input.all();
const out = [];
for (let i = 0; i < items.length; i++) {
  const item = items[i];
  const read = { bytes: null, ftyp: null, readError: null };
  try {
    const buffer = Buffer.from(await this.helpers.getBinaryDataBuffer(i, 'data'));
    read.bytes = buffer.length;
    read.ftyp = buffer.subarray(4, 8).toString('latin1');
  } catch (error) {
    read.readError = error.message;
  }
  let row = null;
  try { row = $('Rows').itemMatching(i).json.prompt; } catch (error) { row = 'unpaired: ' + error.message; }
  out.push({ json: { taskId: item.json.taskId ?? null, status: item.json.status ?? null, row, ...read }, ...(item.binary ? { binary: item.binary } : {}), pairedItem: { item: i } });
}
return out;`;

/**
 * @typedef {object} WorkflowSpec
 * @property {string} key short name; the webhook path and the prompts' prefix
 * @property {'auto' | 'durable' | 'inProcess'} [waitMode] left unset by default: Automatic, which waits durably in these webhook runs
 * @property {'onReceived' | 'lastNode'} [responseMode] the webhook's (onReceived: answered at once)
 * @property {Record<string, unknown>} [options] the node's Options (Max Wait, Poll Interval…)
 * @property {Record<string, unknown>} [nodeSettings] the node's Settings tab: retryOnFail, maxTries, waitBetweenTries, onError
 * @property {Record<string, unknown>} [settings] the workflow's settings
 * @property {'check' | 'upload' | 'none'} [after] Check and After read the MP4s; `upload`: Check, then an HTTP Request posts the MP4 to the lab's sink
 */

class Lab {
	/**
	 * @param {ReturnType<typeof import('./install').installRealN8n>} install
	 * @param {string} tarball
	 * @param {string} label
	 * @param {Record<string, string>} env
	 */
	constructor(install, tarball, label, env = {}) {
		this.label = label;
		this.n8n = new N8nInstance(install, tarball, `durable-${label}`);
		// As at n8n Cloud: a workflow whose last 3 executions crashed is deactivated at start-up.
		Object.assign(this.n8n.env, {
			N8N_LOG_LEVEL: 'debug',
			N8N_WORKFLOW_AUTODEACTIVATION_ENABLED: 'true',
			...env,
		});
		this.t0 = Date.now();
		/** @type {Array<{ query: Record<string, string>, bytes: number, ftyp: string, contentType: string, at: number }>} */
		this.uploads = [];
		/** @type {Record<string, { id: string, path: string, waits: boolean }>} */
		this.workflows = {};
		/** @type {number | undefined} when n8n's REST API last answered again after a restart (ms) */
		this.readyAt = undefined;
	}

	/** @param {string} message */
	say(message) {
		console.log(
			`[durable ${this.label} +${Math.round((Date.now() - this.t0) / 1000)}s] ${message}`,
		);
	}

	/** The simulator, a sink for uploads, `n8n start` (and a worker), the credential. */
	async setUp({ worker = false } = {}) {
		this.sim = await startSimulator({
			apiKey: SIM_KEY,
			durationMs: 30_000,
			videoBytes: VIDEO_BYTES,
		});
		this.sink = http.createServer((req, res) => {
			const parts = /** @type {Buffer[]} */ ([]);
			req.on('data', (chunk) => parts.push(chunk));
			req.on('end', () => {
				const body = Buffer.concat(parts);
				const url = new URL(req.url ?? '/', 'http://sink');
				this.uploads.push({
					query: Object.fromEntries(url.searchParams),
					bytes: body.length,
					ftyp: body.subarray(4, 8).toString('latin1'),
					contentType: String(req.headers['content-type']),
					at: Date.now(),
				});
				res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
			});
		});
		await new Promise((resolve) => this.sink?.listen(0, '127.0.0.1', () => resolve(undefined)));
		this.sinkUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (this.sink.address()).port}/upload`;
		if (worker) await this.n8n.startWorker({}, 1);
		await this.n8n.start();
		const credential = await this.n8n.rest('POST', '/credentials', {
			name: 'FastRouter (simulator)',
			type: 'fastRouterApi',
			data: { apiKey: SIM_KEY, baseUrl: this.sim.baseUrl },
		});
		this.credential = { id: String(credential.id), name: credential.name };
		this.say(`n8n ready at ${this.n8n.baseUrl}, folder ${this.n8n.root}`);
	}

	async tearDown() {
		await this.n8n.stop();
		await this.sim?.close();
		await new Promise((resolve) =>
			this.sink ? this.sink.close(() => resolve(undefined)) : resolve(undefined),
		);
		this.n8n.cleanUp();
	}

	/**
	 * Webhook (prompts in the body) → Rows → FastRouter Video (Create and Wait) → what `after` says;
	 * with "Continue (using error output)" the error output leads to a No Op node, "Failed".
	 * Created through REST and published, so the webhook is live.
	 * @param {WorkflowSpec} spec
	 */
	async addWorkflow(spec) {
		const {
			key,
			waitMode,
			responseMode = 'onReceived',
			options = {},
			nodeSettings = {},
			settings = {},
			after = 'check',
		} = spec;
		const path = `durable-${key.toLowerCase()}`;
		/** @type {any[]} */
		const nodes = [
			{
				id: crypto.randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path,
					responseMode,
					...(responseMode === 'lastNode' ? { responseData: 'firstEntryBinary' } : {}),
					options: {},
				},
			},
			{
				id: crypto.randomUUID(),
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode:
						'return $input.first().json.body.prompts.map((prompt) => ({ json: { prompt } }));',
				},
			},
			{
				id: crypto.randomUUID(),
				name: NODE_NAME,
				type: `${this.n8n.package.manifest.name}.fastRouterVideo`,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					operation: 'createAndWait',
					model: 'google/veo3',
					prompt: '={{ $json.prompt }}',
					options: { ...(waitMode ? { waitMode } : {}), maxWait: 900, ...options },
				},
				credentials: { fastRouterApi: this.credential },
				...nodeSettings,
			},
		];
		/** @type {Record<string, any>} */
		const connections = {
			Webhook: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
		};
		/** @type {any[][]} */
		const outputs = [[]];
		if (after !== 'none') {
			nodes.push({
				id: crypto.randomUUID(),
				name: 'Check',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [660, 0],
				parameters: { jsCode: READ_MP4 },
			});
			outputs[0].push({ node: 'Check', type: 'main', index: 0 });
		}
		if (after === 'check') {
			nodes.push({
				id: crypto.randomUUID(),
				name: 'After',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [880, 0],
				parameters: { jsCode: READ_MP4 },
			});
			connections.Check = { main: [[{ node: 'After', type: 'main', index: 0 }]] };
		}
		if (after === 'upload') {
			nodes.push({
				id: crypto.randomUUID(),
				name: 'Upload',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [880, 0],
				parameters: {
					method: 'POST',
					url: this.sinkUrl,
					sendQuery: true,
					queryParameters: {
						parameters: [
							{ name: 'taskId', value: '={{ $json.taskId }}' },
							{ name: 'bytesSeenByCheck', value: '={{ $json.bytes }}' },
						],
					},
					sendBody: true,
					contentType: 'binaryData',
					inputDataFieldName: 'data',
					options: {},
				},
			});
			connections.Check = { main: [[{ node: 'Upload', type: 'main', index: 0 }]] };
		}
		if (nodeSettings.onError === 'continueErrorOutput') {
			nodes.push({
				id: crypto.randomUUID(),
				name: 'Failed',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [660, 200],
				parameters: {},
			});
			outputs.push([{ node: 'Failed', type: 'main', index: 0 }]);
		}
		connections[NODE_NAME] = { main: outputs };
		const created = await this.n8n.rest('POST', '/workflows', {
			name: `Durable ${key}`,
			nodes,
			connections,
			active: false,
			settings: { executionOrder: 'v1', ...settings },
		});
		await this.n8n.rest('POST', `/workflows/${created.id}/activate`, {
			versionId: created.versionId,
		});
		await this.n8n.waitForWebhook(path);
		// Automatic waits durably here only when the webhook has answered already.
		this.workflows[key] = {
			id: String(created.id),
			path,
			waits: waitMode === 'durable' || (!waitMode && responseMode === 'onReceived'),
		};
		return this.workflows[key];
	}

	/**
	 * Calls a workflow's webhook with its rows' prompts; the workflow runs on its own after the answer.
	 * @param {string} key
	 * @param {string[]} prompts
	 */
	async trigger(key, prompts) {
		const { response, body } = await this.call(key, prompts);
		if (!response.ok)
			throw new Error(`webhook ${key}: HTTP ${response.status} ${body.toString().slice(0, 300)}`);
	}

	/**
	 * Calls a workflow's webhook and waits for its answer, whatever it is (a webhook answering when
	 * the last node finishes answers with the video).
	 * @param {string} key
	 * @param {string[]} prompts
	 */
	async call(key, prompts) {
		const response = await fetch(`${this.n8n.baseUrl}/webhook/${this.workflows[key].path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ prompts }),
		});
		return { response, body: Buffer.from(await response.arrayBuffer()) };
	}

	/**
	 * A workflow called by another, and that other started by a Schedule Trigger (every minute):
	 * Schedule → Rows (the prompts) → Execute Workflow (waiting for it) → After, calling
	 * Execute Workflow Trigger → FastRouter Video (Wait Mode left unset) → Check. The schedule is
	 * switched off again once it has started one execution.
	 * @param {string} key
	 * @param {string[]} prompts
	 */
	async addScheduledCaller(key, prompts) {
		const node = (
			/** @type {string} */ name,
			/** @type {string} */ type,
			/** @type {number} */ typeVersion,
			/** @type {Record<string, unknown>} */ parameters,
			x = 0,
		) => ({ id: crypto.randomUUID(), name, type, typeVersion, position: [x, 0], parameters });
		const sub = await this.n8n.rest('POST', '/workflows', {
			name: `Durable ${key} (sub-workflow)`,
			nodes: [
				node('Start', 'n8n-nodes-base.executeWorkflowTrigger', 1.1, { inputSource: 'passthrough' }),
				{
					...node(
						NODE_NAME,
						`${this.n8n.package.manifest.name}.fastRouterVideo`,
						1,
						{
							operation: 'createAndWait',
							model: 'google/veo3',
							prompt: '={{ $json.prompt }}',
							options: { maxWait: 900 },
						},
						220,
					),
					credentials: { fastRouterApi: this.credential },
				},
				node('Check', 'n8n-nodes-base.code', 2, { jsCode: READ_MP4 }, 440),
			],
			connections: {
				Start: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
				[NODE_NAME]: { main: [[{ node: 'Check', type: 'main', index: 0 }]] },
			},
			active: false,
			settings: { executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner' },
		});
		const inputs = {
			mappingMode: 'defineBelow',
			value: {},
			matchingColumns: [],
			schema: [],
			attemptToConvertTypes: false,
			convertFieldsToString: true,
		};
		const caller = await this.n8n.rest('POST', '/workflows', {
			name: `Durable ${key}`,
			nodes: [
				node('Schedule', 'n8n-nodes-base.scheduleTrigger', 1.2, {
					rule: { interval: [{ field: 'minutes', minutesInterval: 1 }] },
				}),
				node(
					'Rows',
					'n8n-nodes-base.code',
					2,
					{ jsCode: `return ${JSON.stringify(prompts)}.map((prompt) => ({ json: { prompt } }));` },
					220,
				),
				node(
					'Call',
					'n8n-nodes-base.executeWorkflow',
					1.3,
					{
						source: 'database',
						workflowId: { __rl: true, value: String(sub.id), mode: 'id' },
						workflowInputs: inputs,
						mode: 'once',
						options: { waitForSubWorkflow: true },
					},
					440,
				),
				node('After', 'n8n-nodes-base.code', 2, { jsCode: READ_MP4 }, 660),
			],
			connections: {
				Schedule: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
				Rows: { main: [[{ node: 'Call', type: 'main', index: 0 }]] },
				Call: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
			},
			active: false,
			settings: { executionOrder: 'v1' },
		});
		// n8n publishes a workflow only once the sub-workflows it calls are published.
		await this.n8n.rest('POST', `/workflows/${sub.id}/activate`, { versionId: sub.versionId });
		this.workflows[key] = { id: String(caller.id), path: '', waits: false };
		this.workflows[`${key}-sub`] = { id: String(sub.id), path: '', waits: true };
		await this.n8n.rest('POST', `/workflows/${caller.id}/activate`, {
			versionId: caller.versionId,
		});
		const [parent] = await this.until(
			`the schedule of ${key} to fire`,
			async () => {
				const rows = (await this.list(key)).filter((row) => row.mode === 'trigger');
				return rows.length ? rows.map((row) => row.id) : undefined;
			},
			90_000,
		);
		await this.n8n.rest('POST', `/workflows/${caller.id}/deactivate`, {});
		return parent;
	}

	/**
	 * Executions n8n lists, as the executions page asks for them: of one workflow, or all.
	 * @param {string} [key]
	 * @returns {Promise<Array<{ id: string, mode: string, status: string, workflowId: string, workflowName?: string, startedAt: string, stoppedAt: string | null, waitTill: string | null }>>}
	 */
	async list(key) {
		const filter = key
			? `&filter=${encodeURIComponent(JSON.stringify({ workflowId: this.workflows[key].id }))}`
			: '';
		const page = await this.n8n.rest('GET', `/executions?limit=100${filter}`);
		return page.results.map((/** @type {any} */ row) => ({ ...row, id: String(row.id) }));
	}

	/**
	 * Waits for `count` executions of a workflow started by its webhook (the parents).
	 * @param {string} key
	 * @param {number} [count]
	 */
	async parents(key, count = 1, timeoutMs = 120_000) {
		return await this.until(
			`${count} execution(s) of ${key}`,
			async () => {
				const rows = (await this.list(key)).filter((row) => row.mode === 'webhook');
				return rows.length >= count
					? rows.map((row) => row.id).sort((a, b) => Number(a) - Number(b))
					: undefined;
			},
			timeoutMs,
		);
	}

	/**
	 * The sub-execution a parent's FastRouter Video node started, once the parent waits on it: the
	 * link n8n's editor follows (the node run's metadata `subExecution`). `''` when the parent
	 * ended without one (it failed before its wait).
	 * @param {string} parentId
	 */
	async childOf(parentId, timeoutMs = 120_000) {
		return await this.until(
			`the sub-execution of ${parentId}`,
			async () => {
				const parent = await this.execution(parentId);
				const id =
					parent?.data?.resultData?.runData?.[NODE_NAME]?.[0]?.metadata?.subExecution?.executionId;
				if (parent?.status === 'waiting' && id) return String(id);
				return parent && TERMINAL.includes(parent.status) ? { none: true } : undefined;
			},
			timeoutMs,
		).then((found) => (typeof found === 'string' ? found : ''));
	}

	/**
	 * When a workflow's durable wait next resumes by itself: the earliest timed wait among its
	 * waiting executions (n8n's marker for "parked on a sub-execution", the year 2999, left out),
	 * in ms; undefined when none waits on a time.
	 * @param {string} key
	 */
	async nextDue(key) {
		const dues = (await this.list(key))
			.filter((row) => row.status === 'waiting' && row.waitTill)
			.map((row) => new Date(/** @type {string} */ (row.waitTill)).getTime())
			.filter((due) => due < Date.UTC(2999, 0, 1));
		return dues.length ? Math.min(...dues) : undefined;
	}

	/**
	 * An execution as n8n stored it, or undefined when n8n has none (deleted).
	 * @param {string} id
	 */
	async execution(id) {
		try {
			return await this.n8n.execution(id);
		} catch (error) {
			if (/n8n has none|HTTP 404/.test(String(error))) return undefined;
			throw error;
		}
	}

	/**
	 * Waits until an execution ends (or is gone, when `gone` is allowed: a workflow saving no successful runs).
	 * @param {string} id
	 */
	async ended(id, timeoutMs = 420_000, { gone = false } = {}) {
		return await this.until(
			`execution ${id} to end`,
			async () => {
				const execution = await this.execution(id);
				if (!execution)
					return gone
						? { id, status: 'deleted', stoppedAt: null, data: undefined, workflowData: undefined }
						: undefined;
				return TERMINAL.includes(execution.status) ? execution : undefined;
			},
			timeoutMs,
		);
	}

	/**
	 * Polls `probe` every second until it gives something.
	 * @template T
	 * @param {string} what
	 * @param {() => Promise<T | undefined | false>} probe
	 * @param {number} timeoutMs
	 * @returns {Promise<T>}
	 */
	async until(what, probe, timeoutMs, everyMs = 1_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await probe().catch((error) => {
				// n8n restarting: ask again.
				if (/fetch failed|ECONNREFUSED|HTTP 50\d/.test(String(error))) return undefined;
				throw error;
			});
			if (value) return value;
			if (Date.now() > deadline)
				throw new Error(
					`[durable ${this.label}] timed out waiting for ${what}\n${this.n8n.log('main').slice(-3000)}`,
				);
			await pause(everyMs);
		}
	}

	/**
	 * Tasks the simulator made for a scenario's rows (prompts start with its key and a space), in
	 * creation order.
	 * @param {string} key
	 */
	tasks(key) {
		return [...(this.sim?.tasks.values() ?? [])].filter((task) =>
			task.prompt.startsWith(`${key} `),
		);
	}

	/**
	 * The task ids of rows, in the rows' order (creates run concurrently: the simulator may see
	 * them in another order); a row created twice gives its first task.
	 * @param {string[]} rows
	 */
	taskIds(rows) {
		const tasks = [...(this.sim?.tasks.values() ?? [])];
		return rows.map(
			(row) => tasks.find((task) => task.prompt === row)?.taskId ?? `(no task for "${row}")`,
		);
	}

	/** Creates sent per prompt, for a scenario's rows. @param {string} key */
	creates(key) {
		return Object.fromEntries(
			Object.entries(this.sim?.counters.createsByPrompt ?? {}).filter(([prompt]) =>
				prompt.startsWith(`${key} `),
			),
		);
	}

	/** How many of a scenario's video downloads are trickling right now (`[sim:trickle]`). @param {string} key */
	trickling(key) {
		return this.tasks(key).filter((task) => this.sim?.counters.trickling[task.taskId]).length;
	}

	/** Polls of each of a scenario's tasks. @param {string} key */
	polls(key) {
		return this.tasks(key).map((task) => this.sim?.counters.polls[task.taskId] ?? 0);
	}
}

/**
 * One node's runs in an execution's run data.
 * @param {any} execution
 * @param {string} name
 */
function runsOf(execution, name) {
	return /** @type {any[]} */ (execution?.data?.resultData?.runData?.[name] ?? []);
}

/**
 * The items of one output of a node's last run.
 * @param {any} execution
 * @param {string} name
 */
function outputOf(execution, name, output = 0) {
	const runs = runsOf(execution, name);
	return /** @type {any[]} */ (runs.at(-1)?.data?.main?.[output] ?? []);
}

module.exports = { Lab, runsOf, outputOf, VIDEO_BYTES, NODE_NAME, TERMINAL };
