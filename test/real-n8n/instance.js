// @ts-check
'use strict';

// One real n8n installation under test: its own user folder, this package installed into it the
// way n8n installs a community package, the n8n CLI, and `n8n start` / `n8n worker` processes.

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

const { sleep } = require('../helpers/sleep');

const REPO = path.join(__dirname, '..', '..');

/** @returns {Promise<number>} a port nothing listens on right now */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(address.port));
		});
	});
}

/**
 * Packs the repository (as `npm publish` would) once per test run.
 * @param {string} into
 */
function packThisPackage(into) {
	const out = execFileSync(
		'npm',
		['pack', '--pack-destination', into, '--json', '--loglevel=error'],
		{
			cwd: REPO,
			encoding: 'utf8',
		},
	);
	return path.join(into, JSON.parse(out)[0].filename);
}

/**
 * What n8n's CommunityPackagesService.downloadPackage does with a package from the registry:
 * unpack into `<user folder>/.n8n/nodes/node_modules/<name>`, drop dev, peer and optional
 * dependencies, production install without scripts, and record it in `nodes/package.json`.
 * n8n scans that folder at every start, so the node type is `n8n-nodes-fastrouter.fastRouterVideo`
 * exactly as for users.
 * @param {string} tarball
 * @param {string} n8nFolder
 * @param {NodeJS.ProcessEnv} env
 */
function installCommunityPackage(tarball, n8nFolder, env) {
	const nodesDir = path.join(n8nFolder, 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', 'n8n-nodes-fastrouter');
	fs.mkdirSync(packageDir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const manifestPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		fs.readFileSync(manifestPath, 'utf8'),
	);
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	execFileSync(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=error',
		],
		{ cwd: packageDir, env, stdio: ['ignore', 'ignore', 'inherit'] },
	);
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({
			name: 'installed-nodes',
			private: true,
			dependencies: { [manifest.name]: manifest.version },
		}),
	);
	return { packageDir, manifest };
}

class N8nInstance {
	/**
	 * @param {{ node: string, n8nBin: string, nodeBin: string, env?: Record<string, string> }} install from install.js
	 * @param {string} tarball this package, packed
	 * @param {string} label names the temp folder and log files
	 */
	constructor(install, tarball, label) {
		this.install = install;
		this.root = fs.mkdtempSync(path.join(os.tmpdir(), `real-n8n-${label}-`));
		this.userFolder = path.join(this.root, 'user');
		this.n8nFolder = path.join(this.userFolder, '.n8n');
		fs.mkdirSync(this.n8nFolder, { recursive: true });
		this.binaryDataFolder = path.join(this.n8nFolder, 'storage');
		/** @type {import('node:child_process').ChildProcess[]} */
		this.processes = [];
		/** @type {Record<string, string>} */
		this.logs = {};
		/** @type {number | undefined} `n8n start`'s ports, kept across restarts */
		this.port = undefined;
		/** @type {number | undefined} */
		this.brokerPort = undefined;
		/** @type {string | undefined} the owner's REST session cookie */
		this.session = undefined;
		this.env = {
			...process.env,
			PATH: `${install.nodeBin}${path.delimiter}${process.env.PATH}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'real-n8n-check-encryption-key',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			N8N_BINARY_DATA_STORAGE_PATH: this.binaryDataFolder,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			// Community packages in `.n8n/nodes` load only when this is on (n8n's default, stated here).
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			DB_SQLITE_POOL_SIZE: '2',
			// No outbound calls from this machine beyond loopback.
			N8N_HIRING_BANNER_ENABLED: 'false',
			EXTERNAL_FRONTEND_HOOKS_URLS: '',
			N8N_RUNNERS_ENABLED: 'true',
			// What this n8n version needs on top (e.g. 1.x: its legacy expression engine).
			...(install.env ?? {}),
		};
		this.package = installCommunityPackage(tarball, this.n8nFolder, this.env);
	}

	/**
	 * Runs one n8n CLI command to completion and returns its stdout.
	 * @param {string[]} args
	 * @param {NodeJS.ProcessEnv} [env]
	 */
	async cli(args, env = {}) {
		return (await this.cliOutput(args, env)).stdout;
	}

	/**
	 * Runs one n8n CLI command to completion; both of its output streams.
	 * @param {string[]} args
	 * @param {NodeJS.ProcessEnv} [env]
	 * @returns {Promise<{ stdout: string, stderr: string }>}
	 */
	async cliOutput(args, env = {}) {
		// `n8n execute` starts a task broker; n8n's fixed default port may be taken by another n8n.
		const brokerPort = String(await freePort());
		return await new Promise((resolve, reject) => {
			const child = spawn(this.install.node, [this.install.n8nBin, ...args], {
				env: { ...this.env, N8N_RUNNERS_BROKER_PORT: brokerPort, ...env },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			child.on('close', (code) => {
				if (code === 0) resolve({ stdout, stderr });
				else
					reject(
						new Error(`n8n ${args.join(' ')} exited ${code}\n${stderr}\n${stdout.slice(-4000)}`),
					);
			});
		});
	}

	/**
	 * `n8n execute --rawOutput` prints the finished run; the JSON starts at its first line of `{`.
	 * @param {string} workflowId
	 * @param {NodeJS.ProcessEnv} [env] settings for this run only
	 * @returns {Promise<any>}
	 */
	async execute(workflowId, env = {}) {
		const stdout = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], env);
		const start = stdout.search(/^\{/m);
		if (start < 0) throw new Error(`n8n execute printed no JSON:\n${stdout.slice(-4000)}`);
		return JSON.parse(stdout.slice(start));
	}

	/**
	 * A run expected to fail: `n8n execute` then logs the whole run after "Execution error:" and
	 * exits non-zero. Returns that run (what n8n keeps of the execution).
	 * @param {string} workflowId
	 * @param {NodeJS.ProcessEnv} [env] settings for this run only
	 * @returns {Promise<any>}
	 */
	async executeFailing(workflowId, env = {}) {
		const output = await new Promise((resolve) => {
			const child = spawn(
				this.install.node,
				[this.install.n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'],
				{
					env: { ...this.env, ...env },
					stdio: ['ignore', 'pipe', 'pipe'],
				},
			);
			let stdout = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stdout += chunk));
			child.on('close', (code) => resolve({ code, stdout }));
		});
		const { code, stdout } = /** @type {{ code: number, stdout: string }} */ (output);
		const after = stdout.slice(Math.max(0, stdout.indexOf('Execution error:')));
		const start = after.search(/^\{/m);
		const end = after.search(/^\}\s*$/m);
		if (code === 0 || start < 0 || end < start)
			throw new Error(`expected a failed run (exit ${code}):\n${stdout.slice(-4000)}`);
		return JSON.parse(after.slice(start, end + 1));
	}

	/** @param {string} name @param {unknown} data */
	writeJson(name, data) {
		const file = path.join(this.root, name);
		fs.writeFileSync(file, JSON.stringify(data, null, 2));
		return file;
	}

	/** @param {unknown[]} credentials */
	async importCredentials(credentials) {
		await this.cli([
			'import:credentials',
			`--input=${this.writeJson('credentials.json', credentials)}`,
		]);
	}

	/** @param {{ id: string }} workflow */
	async importWorkflow(workflow) {
		await this.cli([
			'import:workflow',
			`--input=${this.writeJson(`workflow-${workflow.id}.json`, workflow)}`,
		]);
	}

	/**
	 * Starts a long-running n8n process (`start`, `worker`) with its output in a log file.
	 * @param {string[]} args
	 * @param {NodeJS.ProcessEnv} env
	 * @param {string} name
	 */
	spawn(args, env, name) {
		const logFile = path.join(this.root, `${name}.log`);
		const out = fs.openSync(logFile, 'a');
		const child = spawn(this.install.node, [this.install.n8nBin, ...args], {
			env: { ...this.env, ...env },
			stdio: ['ignore', out, out],
			detached: true,
		});
		fs.closeSync(out);
		this.processes.push(child);
		this.logs[name] = logFile;
		return child;
	}

	/** @param {string} name */
	log(name) {
		return this.logs[name] && fs.existsSync(this.logs[name])
			? fs.readFileSync(this.logs[name], 'utf8')
			: '';
	}

	/**
	 * Waits until a process's log has `count` lines matching `pattern`; returns their first groups.
	 * @param {string} name
	 * @param {RegExp} pattern a global pattern with one group
	 * @param {number} count
	 */
	async waitForLog(name, pattern, count, timeoutMs = 30_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = [...this.log(name).matchAll(pattern)].map((match) => match[1]);
			if (found.length >= count) return found;
			if (Date.now() > deadline) {
				throw new Error(
					`${name} logged ${found.length} of ${count} × ${pattern}\n${this.log(name).slice(-3000)}`,
				);
			}
			await sleep(250);
		}
	}

	/**
	 * Waits until `url` answers `expected` (a status code) or the process dies.
	 * @param {import('node:child_process').ChildProcess} child
	 * @param {string} url
	 * @param {{ method?: string, expected?: number, timeoutMs?: number, name: string, headers?: Record<string, string> }} options
	 */
	async waitFor(
		child,
		url,
		{ method = 'GET', expected = 200, timeoutMs = 120_000, name, headers = {} },
	) {
		const deadline = Date.now() + timeoutMs;
		let last = 'no answer';
		while (Date.now() < deadline) {
			if (child.exitCode !== null) {
				throw new Error(
					`${name} exited with ${child.exitCode} before ${url} answered\n${this.log(name).slice(-4000)}`,
				);
			}
			try {
				const response = await fetch(url, { method, headers, signal: AbortSignal.timeout(5_000) });
				await response.arrayBuffer();
				if (response.status === expected) return;
				last = `HTTP ${response.status}`;
			} catch (error) {
				last = /** @type {Error} */ (error).message;
			}
			await sleep(500);
		}
		throw new Error(
			`${url} did not answer ${expected} within ${timeoutMs} ms (last: ${last})\n${this.log(name).slice(-4000)}`,
		);
	}

	/**
	 * `n8n start` on free ports (the same ones again after a restart, so URLs stay valid);
	 * resolves once the REST API is ready.
	 * @param {NodeJS.ProcessEnv} [env]
	 */
	async start(env = {}) {
		const port = (this.port ??= await freePort());
		const brokerPort = (this.brokerPort ??= await freePort());
		const child = this.spawn(
			['start'],
			{
				N8N_PORT: String(port),
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				WEBHOOK_URL: `http://127.0.0.1:${port}/`,
				...env,
			},
			'main',
		);
		const baseUrl = `http://127.0.0.1:${port}`;
		await this.waitFor(child, `${baseUrl}/healthz/readiness`, { name: 'main' });
		this.main = child;
		this.baseUrl = baseUrl;
		return { child, baseUrl };
	}

	/**
	 * `n8n worker` for queue mode; resolves once its readiness check passes.
	 * @param {NodeJS.ProcessEnv} env
	 * @param {number} [concurrency]
	 */
	async startWorker(env, concurrency = 5) {
		const port = await freePort();
		const brokerPort = await freePort();
		const child = this.spawn(
			['worker', `--concurrency=${concurrency}`],
			{
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(port),
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...env,
			},
			'worker',
		);
		await this.waitFor(child, `http://127.0.0.1:${port}/healthz/readiness`, { name: 'worker' });
		this.worker = child;
		return { child };
	}

	/**
	 * A production webhook is live once its CORS preflight allows POST.
	 * @param {string} path
	 */
	async waitForWebhook(path) {
		if (!this.main || !this.baseUrl) throw new Error('n8n start is not running');
		await this.waitFor(this.main, `${this.baseUrl}/webhook/${path}`, {
			method: 'OPTIONS',
			expected: 204,
			name: 'main',
			headers: { Origin: 'http://127.0.0.1', 'Access-Control-Request-Method': 'POST' },
		});
	}

	/**
	 * Kills `n8n start` (its whole process group: n8n runs its task runner as a child) with
	 * `signal` — SIGKILL for a crash — and waits until it is gone.
	 * @param {NodeJS.Signals} [signal]
	 */
	async kill(signal = 'SIGKILL') {
		const child = this.main;
		if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
			return;
		const gone = new Promise((resolve) => child.once('exit', resolve));
		process.kill(-child.pid, signal);
		await gone;
		this.main = undefined;
		this.session = undefined;
	}

	/**
	 * Sends `signal` to `n8n start` itself (not its group), as a container runtime or systemd
	 * stops it, and waits until it exits on its own (SIGTERM: n8n's graceful shutdown, at most
	 * N8N_GRACEFUL_SHUTDOWN_TIMEOUT, 30 s by default). Whatever is left of its group (the task
	 * runner) is killed then. Resolves with the exit code and how long the exit took.
	 * @param {NodeJS.Signals} [signal]
	 */
	async terminate(signal = 'SIGTERM') {
		const child = this.main;
		if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
			return { code: child?.exitCode ?? null, ms: 0 };
		const sent = Date.now();
		const gone = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
		process.kill(child.pid, signal);
		const code = /** @type {number | null} */ (await gone);
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {}
		this.main = undefined;
		this.session = undefined;
		return { code, ms: Date.now() - sent };
	}

	/** Kills the last `n8n worker` started (its whole group) with SIGKILL and waits until it is gone. */
	async killWorker() {
		const child = this.worker;
		if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
			return;
		const gone = new Promise((resolve) => child.once('exit', resolve));
		process.kill(-child.pid, 'SIGKILL');
		await gone;
		this.worker = undefined;
	}

	/**
	 * The owner's session on the REST API, as the editor has it: set up on first use.
	 * @returns {Promise<string>} the auth cookie
	 */
	async ownerSession() {
		if (this.session) return this.session;
		if (!this.baseUrl) throw new Error('n8n start is not running');
		const owner = {
			email: 'owner@example.com',
			password: 'Real-n8n-check-1',
			firstName: 'Real',
			lastName: 'Check',
		};
		const post = (/** @type {string} */ route, /** @type {unknown} */ body) =>
			fetch(`${this.baseUrl}/rest/${route}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(body),
			});
		let response = await post('owner/setup', owner);
		if (!response.ok)
			response = await post('login', { emailOrLdapLoginId: owner.email, password: owner.password });
		if (!response.ok)
			throw new Error(`owner login: HTTP ${response.status} ${await response.text()}`);
		const cookie = /n8n-auth=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
		if (!cookie) throw new Error('owner login gave no n8n-auth cookie');
		this.session = cookie;
		return cookie;
	}

	/**
	 * One REST call as the owner; the answer's `data`.
	 * @param {string} method
	 * @param {string} route e.g. `/executions/12`
	 * @param {unknown} [body]
	 * @returns {Promise<any>}
	 */
	async rest(method, route, body) {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'Content-Type': 'application/json',
				cookie: await this.ownerSession(),
				'browser-id': 'real-n8n-check',
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`${method} /rest${route}: HTTP ${response.status} ${text.slice(0, 500)}`);
		return JSON.parse(text).data;
	}

	/**
	 * Runs a saved workflow from its manual trigger, as the editor's "Execute workflow" does.
	 * @param {string} workflowId
	 * @param {string} triggerName
	 * @returns {Promise<string>} the execution's id
	 */
	async runFromEditor(workflowId, triggerName) {
		const workflowData = await this.rest('GET', `/workflows/${workflowId}`);
		const started = await this.rest('POST', `/workflows/${workflowId}/run`, {
			workflowData,
			triggerToStartFrom: { name: triggerName },
		});
		return String(started.executionId);
	}

	/**
	 * An execution as n8n stored it: its status and its run data (unflattened).
	 * @param {string} id
	 * @returns {Promise<{ id: string, status: string, mode: string, startedAt: string, stoppedAt: string | null, waitTill: string | null, workflowData: any, data: any, customData?: Record<string, string> }>}
	 */
	async execution(id) {
		const execution = await this.rest('GET', `/executions/${id}`);
		// n8n answers 200 without data for an execution it does not have (e.g. deleted).
		if (!execution) throw new Error(`execution ${id}: n8n has none`);
		const flatted = require(path.join(path.dirname(this.install.n8nBin), '..', '..', 'flatted'));
		return {
			...execution,
			data: typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data,
		};
	}

	/**
	 * Waits until execution `id` is no longer new, running or waiting.
	 * @param {string} id
	 * @param {number} [timeoutMs]
	 */
	async finished(id, timeoutMs = 600_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await this.execution(id).catch(() => undefined);
			if (execution && !['new', 'running', 'waiting'].includes(execution.status)) return execution;
			if (Date.now() > deadline)
				throw new Error(
					`execution ${id} still ${execution?.status} after ${timeoutMs} ms\n${this.log('main').slice(-3000)}`,
				);
			await sleep(2_000);
		}
	}

	async stop() {
		await Promise.all(
			this.processes.map(
				(child) =>
					new Promise((resolve) => {
						if (child.exitCode !== null || child.pid === undefined) return resolve(undefined);
						const timer = setTimeout(() => {
							try {
								process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
							} catch {}
						}, 20_000);
						child.once('exit', () => {
							clearTimeout(timer);
							resolve(undefined);
						});
						try {
							// The whole group: n8n starts its task runner as a child of its own.
							process.kill(-(/** @type {number} */ (child.pid)), 'SIGTERM');
						} catch {
							resolve(undefined);
						}
					}),
			),
		);
	}

	cleanUp() {
		if (!process.env.KEEP_REAL_N8N) fs.rmSync(this.root, { recursive: true, force: true });
	}
}

// test/helpers/sleep.js's sleep, under the name durable-lab.js and durable.test.js import it by.
const pause = sleep;

module.exports = { N8nInstance, packThisPackage, freePort, pause, REPO };
