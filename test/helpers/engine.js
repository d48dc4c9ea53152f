// @ts-check
/**
 * Runs a node inside n8n's own execution engine (n8n-core's WorkflowExecute over n8n-workflow's
 * Workflow) the way n8n runs it: an input node feeding items, credentials applied by the credential
 * type's `authenticate` through the real expression engine, n8n's HTTP and binary helpers,
 * Continue On Fail, paired items and the execution's cancel signal.
 *
 * n8n does not publish its node test harness; this is the small part of it this package needs,
 * shared by the tests, the demo and the benchmark.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// n8n-core writes its instance settings into this folder as soon as it is loaded.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-fastrouter-'));
}

// n8n-core's own copies of its DI container and logger: another devDependency may hoist a
// different @n8n/di version to the top level, and a second container sees none of n8n-core's services.
const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
const fromCore = (/** @type {string} */ name) =>
	require(require.resolve(name, { paths: [coreDir] }));
const { Container } = fromCore('@n8n/di');
const { Logger } = fromCore('@n8n/backend-common');
const { WorkflowExecute, ExecutionLifecycleHooks, BinaryDataService } = require('n8n-core');
const { SsrfProtectionConfig } = fromCore('@n8n/config');
const { DnsResolver, OutboundHttp, SsrfProtectionService } = fromCore('@n8n/backend-network');
const {
	Workflow,
	ICredentialsHelper,
	NodeHelpers,
	isExpression,
	createRunExecutionData,
} = require('n8n-workflow');

const {
	SubExecutions,
	ExecuteWorkflowTrigger,
	patchParent,
	stringify,
	lastOutput,
} = require('./sub-executions');

const INPUT_NODE_TYPE = 'test.input';
const EXECUTION_ID = 'test-execution';
const NODE_NAME = 'Node Under Test';

/** Emits the items it is given: the workflow's first node, standing for a Sheets or CMS trigger. */
class TestInput {
	description = {
		displayName: 'Test Input',
		name: INPUT_NODE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Input' },
		inputs: [],
		outputs: ['main'],
		properties: [
			{ displayName: 'Items', name: 'items', type: 'json', default: '[]' },
			{ displayName: 'Binaries', name: 'binaries', type: 'json', default: '[]' },
		],
	};

	/**
	 * Binaries (base64, per item and field) go through n8n's prepareBinaryData, as a download
	 * node's would: in filesystem mode they get an id in n8n's binary data store.
	 * @this {import('n8n-workflow').IExecuteFunctions}
	 */
	async execute() {
		const items = JSON.parse(String(this.getNodeParameter('items', 0)));
		const binaries = JSON.parse(String(this.getNodeParameter('binaries', 0, '[]')));
		return [
			await Promise.all(
				items.map(async (/** @type {any} */ json, /** @type {number} */ index) => {
					/** @type {Record<string, any>} */
					const binary = {};
					for (const [field, file] of Object.entries(binaries[index] ?? {})) {
						const { base64, fileName, mimeType } = /** @type {any} */ (file);
						binary[field] = await this.helpers.prepareBinaryData(
							Buffer.from(base64, 'base64'),
							fileName,
							mimeType,
						);
					}
					return Object.keys(binary).length ? { json, binary } : { json };
				}),
			),
		];
	}
}

/**
 * The input node under another type name, with that node's parameters: a Webhook or a Schedule
 * Trigger as the node under test sees the trigger that started its run.
 * @param {string} type
 */
function inputAs(type, parameters = {}) {
	const input = new TestInput();
	// n8n keeps only the parameters a node type declares: the trigger's own are declared here.
	const own = Object.keys(parameters).map((name) => ({
		displayName: name,
		name,
		type: 'string',
		default: '',
	}));
	input.description = {
		...input.description,
		name: type,
		properties: [...input.description.properties, ...own],
	};
	return input;
}

/** @param {Record<string, any>} nodeTypes type name → node class instance */
function nodeTypeRegistry(nodeTypes) {
	/** @type {Record<string, any>} */
	const all = {
		[INPUT_NODE_TYPE]: new TestInput(),
		'n8n-nodes-base.executeWorkflowTrigger': new ExecuteWorkflowTrigger(),
		...nodeTypes,
	};
	return {
		getByName: (/** @type {string} */ type) => all[type],
		getByNameAndVersion: (/** @type {string} */ type, /** @type {number} */ version) =>
			NodeHelpers.getVersionedNodeType(all[type], version),
		getKnownTypes: () => ({}),
	};
}

/** Applies credentials the way n8n's CLI does for `authenticate: { type: 'generic' }`. */
class CredentialsHelper extends ICredentialsHelper {
	/**
	 * @param {Record<string, any>} credentialTypes name → credential type instance
	 * @param {Record<string, Record<string, unknown>>} data name → the user's credential values
	 */
	constructor(credentialTypes, data) {
		super();
		this.credentialTypes = credentialTypes;
		this.data = data;
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	/** @param {string} type */
	getCredentialsProperties(type) {
		return this.credentialTypes[type]?.properties ?? [];
	}

	/**
	 * @param {Record<string, unknown>} credentials
	 * @param {string} typeName
	 * @param {any} requestOptions
	 * @param {any} workflow
	 * @param {any} node
	 */
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const type = this.credentialTypes[typeName];
		const auth = type?.authenticate;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		if (!auth || auth.type !== 'generic') return requestOptions;
		for (const [where, entries] of Object.entries(auth.properties)) {
			requestOptions[where] = requestOptions[where] ?? {};
			for (const [key, value] of Object.entries(/** @type {Record<string, string>} */ (entries))) {
				const resolve = (/** @type {string} */ text) =>
					isExpression(text)
						? String(
								workflow.expression.getSimpleParameterValue(
									node,
									text,
									'internal',
									{ $credentials: credentials },
									undefined,
									'',
								) ?? '',
							)
						: text;
				requestOptions[where][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	/** @param {any} _nodeCredentials @param {string} type */
	async getCredentials(_nodeCredentials, type) {
		return /** @type {any} */ ({
			id: '1',
			name: type,
			type,
			data: '',
			getData: () => this.getDecryptedSync(type),
		});
	}

	/** @param {any} _additionalData @param {any} _nodeCredentials @param {string} type */
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		return this.getDecryptedSync(type);
	}

	/** The user's values over the credential type's defaults, as n8n's applyDefaultsAndOverwrites does. */
	/** @param {string} type */
	getDecryptedSync(type) {
		const defaults = Object.fromEntries(
			(this.credentialTypes[type]?.properties ?? []).map((/** @type {any} */ p) => [
				p.name,
				p.default,
			]),
		);
		return { ...defaults, ...(this.data[type] ?? {}) };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}
}

/** @param {(line: string, meta?: unknown) => void} [onLog] */
function installLogger(onLog) {
	const log = (/** @type {string} */ message, /** @type {unknown} */ meta) =>
		onLog?.(message, meta);
	/** @type {any} */
	const logger = { error: log, warn: log, info: log, debug: log };
	logger.scoped = () => logger;
	Container.set(Logger, logger);
}

/**
 * n8n's SSRF protection (n8n 2.12+), set as n8n sets it from N8N_SSRF_PROTECTION_ENABLED,
 * N8N_SSRF_ALLOWED_HOSTNAMES, N8N_SSRF_ALLOWED_IP_RANGES and N8N_SSRF_BLOCKED_HOSTNAMES, for the
 * requests this process sends from now on. n8n reads those variables once, into its
 * SsrfProtectionConfig; SsrfProtectionService compiles its lists when it is built, and
 * OutboundHttp — which n8n's HTTP helpers take from the DI container for every request — holds
 * that service. So the config is changed in place and both services are built anew, into the
 * container: n8n's own code, switched per test instead of once per process. A list entry n8n
 * cannot read throws here (n8n would only log it) so that a test cannot silently run unprotected.
 *
 * @param {{ enabled: boolean, allowedHostnames?: string[], allowedIpRanges?: string[], blockedHostnames?: string[] }} settings
 * @returns {{ blocked: { phase: string, reason: string }[], allowed: { phase: string }[] }} what the
 *   service reports from now on: every check it refused ('ssrf.blocked') and every one it passed
 */
function useSsrfProtection(settings) {
	const config = Container.get(SsrfProtectionConfig);
	Object.assign(config, {
		allowedHostnames: [],
		allowedIpRanges: [],
		blockedHostnames: [],
		...settings,
	});
	const refuse = (/** @type {string} */ message) => {
		throw new Error(message);
	};
	/** @type {any} */
	const logger = { error: refuse, warn: refuse, info: () => {}, debug: () => {} };
	logger.scoped = () => logger;
	const service = new SsrfProtectionService(config, Container.get(DnsResolver), logger);
	/** @type {{ blocked: { phase: string, reason: string }[], allowed: { phase: string }[] }} */
	const checks = { blocked: [], allowed: [] };
	service.events.on('ssrf.blocked', (/** @type {{ phase: string, reason: string }} */ event) =>
		checks.blocked.push(event),
	);
	service.events.on('ssrf.allowed', (/** @type {{ phase: string }} */ event) =>
		checks.allowed.push(event),
	);
	Container.set(SsrfProtectionService, service);
	Container.set(OutboundHttp, new OutboundHttp(service, config, logger));
	return checks;
}

let binaryModeReady = '';

/**
 * n8n's binary data mode: 'default' keeps binaries inline (base64 in the item), 'filesystem'
 * streams them to disk as n8n does by default in production. Chosen once per process.
 * @param {'default' | 'filesystem'} mode
 */
async function useBinaryMode(mode) {
	if (binaryModeReady === mode) return;
	if (binaryModeReady)
		throw new Error(`binary data mode is already ${binaryModeReady} in this process`);
	if (mode === 'filesystem') {
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
		await Container.get(BinaryDataService).init();
	}
	binaryModeReady = mode;
}

/**
 * Runs one node on the given items inside n8n's engine.
 *
 * @param {object} options
 * @param {any} options.nodeType the node class instance under test
 * @param {Record<string, any>} [options.credentialTypes] name → credential type instance
 * @param {Record<string, Record<string, unknown>>} [options.credentials] name → values
 * @param {import('n8n-workflow').INodeParameters} options.parameters the node's parameters, as a saved workflow holds them
 * @param {Array<Record<string, unknown>>} [options.items] the input items' json
 * @param {boolean} [options.continueOnFail] the node setting "On Error: Continue"
 * @param {'continueRegularOutput' | 'continueErrorOutput'} [options.onError] or any other On Error setting
 * @param {(cancel: () => void) => void} [options.onStart] receives a function that cancels the run
 * @param {(line: string, meta?: unknown) => void} [options.onLog]
 * @param {'default' | 'filesystem'} [options.binaryMode]
 * @param {Array<Record<string, { data: Buffer, fileName: string, mimeType: string }>>} [options.binaries]
 *   binary fields of the input items, by item
 * @param {string} [options.instanceUrl] the n8n's own URL (WEBHOOK_URL): where signed binary links point
 * @param {{ retryOnFail?: boolean, maxTries?: number, waitBetweenTries?: number }} [options.settings]
 *   the node's own settings, as the editor's Settings tab stores them (Retry On Fail)
 * @param {(executionId: string) => Promise<unknown>} [options.getRunExecutionData] what n8n's
 *   database answers for another execution's run data (none by default: this run is alone)
 * @param {import('n8n-workflow').WorkflowExecuteMode} [options.mode] how n8n started the run
 *   (`manual` by default, as from the editor; `trigger`, `webhook`, `integrated`…)
 * @param {{ type: string, parameters?: Record<string, unknown> }} [options.trigger] the node that
 *   started the run, as the node under test sees it: the input node under that type, with these
 *   parameters (e.g. a Webhook's `responseMode`)
 * @param {import('n8n-workflow').RelatedExecution} [options.parentExecution] the run is a
 *   sub-execution of this one (an Execute Workflow caller)
 * @param {object} [options.durable] run sub-executions as n8n does (sub-executions.js): the wait
 *   step's node type, the clock the test moves, where the wait tracker's minute starts
 * @param {Record<string, any>} [options.durable.nodeTypes]
 * @param {{ now: () => number, set: (ms: number) => void }} [options.durable.clock]
 * @param {number} [options.durable.tickPhase]
 * @param {(executionId: string, subExecutions: any) => void} [options.durable.onResume]
 * @param {string} [options.executionId] the execution's id (`test-execution` unless another run must differ)
 */
async function runNode(options) {
	const {
		nodeType,
		items = [{}],
		onStart,
		onLog,
		binaryMode = 'default',
		mode = 'manual',
		durable,
	} = options;
	await useBinaryMode(binaryMode);
	installLogger(onLog);

	const typeName = nodeType.description.name;
	const triggerType = options.trigger?.type ?? INPUT_NODE_TYPE;
	const nodeTypes = nodeTypeRegistry({
		[typeName]: nodeType,
		[triggerType]: inputAs(triggerType, options.trigger?.parameters),
		...(durable?.nodeTypes ?? {}),
	});
	const workflowData = workflowDataFor(options, typeName, triggerType, items);
	const workflow = workflowOf(workflowData, nodeTypes);

	const subExecutions = durable
		? new SubExecutions({
				nodeTypes,
				clock: durable.clock ?? { now: () => Date.now(), set: () => {} },
				tickPhase: durable.tickPhase,
				hooks: (executionId) => hooksFor(executionId).hooks,
				additionalData: (executionId, hooks) =>
					additionalDataFor(options, executionId, hooks, subExecutions),
				onResume: (executionId) => durable.onResume?.(executionId, subExecutions),
			})
		: undefined;
	const executionId = options.executionId ?? EXECUTION_ID;
	const { hooks, finished } = hooksFor(executionId);
	const initial = firstRunData(options, workflow);
	// n8n stores an execution as it starts: a sub-execution can read what its caller asked of it.
	subExecutions?.stored.set(executionId, {
		workflowData,
		data: stringify(initial ?? {}),
		status: 'running',
		...(options.parentExecution ? { parentExecutionId: options.parentExecution.executionId } : {}),
	});
	const execution = new WorkflowExecute(
		additionalDataFor(options, executionId, hooks, subExecutions),
		mode,
		initial,
	);
	const running = initial
		? execution.processRunExecutionData(workflow)
		: execution.run({ workflow, startNode: workflow.getNode('Input') ?? undefined });
	onStart?.(() => running.cancel());
	/** @type {any} */
	let run;
	try {
		run = await running;
	} catch (error) {
		// A cancelled run rejects; the engine still reports what it has through the hook.
		run = await Promise.race([
			finished,
			new Promise((resolve) => setTimeout(() => resolve(undefined), 2000)),
		]);
		if (!run) throw error;
	}
	if (subExecutions && run.status === 'waiting')
		run = await resumeParent(options, subExecutions, workflowData, nodeTypes, run, executionId);
	return { ...resultOf(run), ...(subExecutions ? { subExecutions } : {}) };
}

/** The saved workflow: the input node (or the trigger it stands for) feeding the node under test. */
function workflowDataFor(
	/** @type {any} */ options,
	/** @type {string} */ typeName,
	/** @type {string} */ triggerType,
	/** @type {any[]} */ items,
) {
	const { nodeType, parameters, binaries = [], settings = {}, continueOnFail = false } = options;
	const onError = options.onError ?? (continueOnFail ? 'continueRegularOutput' : undefined);
	const credentialNames = (nodeType.description.credentials ?? []).map(
		(/** @type {any} */ c) => c.name,
	);
	const inputNode = {
		id: 'input',
		name: 'Input',
		type: triggerType,
		typeVersion: 1,
		position: /** @type {[number, number]} */ ([0, 0]),
		parameters: {
			...(options.trigger?.parameters ?? {}),
			items: JSON.stringify(items),
			binaries: JSON.stringify(
				binaries.map((/** @type {Record<string, any>} */ fields) =>
					Object.fromEntries(
						Object.entries(fields).map(([field, file]) => [
							field,
							{
								base64: file.data.toString('base64'),
								fileName: file.fileName,
								mimeType: file.mimeType,
							},
						]),
					),
				),
			),
		},
	};
	const nodeUnderTest = {
		id: 'under-test',
		name: NODE_NAME,
		type: typeName,
		typeVersion: Array.isArray(nodeType.description.version)
			? nodeType.description.version.at(-1)
			: nodeType.description.version,
		position: /** @type {[number, number]} */ ([200, 0]),
		parameters,
		credentials: Object.fromEntries(
			credentialNames.map((/** @type {string} */ name) => [name, { id: '1', name }]),
		),
		...(onError ? { onError } : {}),
		...settings,
	};
	return {
		id: 'test-workflow',
		name: 'Test',
		nodes: [inputNode, nodeUnderTest],
		connections: { Input: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** @param {any} workflowData @param {any} nodeTypes */
function workflowOf(workflowData, nodeTypes) {
	return new Workflow({ ...workflowData, active: false, nodeTypes });
}

/** A sub-execution's first run data (its trigger holding the caller's items), or n8n's default. */
function firstRunData(/** @type {any} */ options, /** @type {any} */ workflow) {
	if (!options.parentExecution) return undefined;
	return createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: workflow.getNode('Input'), data: { main: [[{ json: {} }]] }, source: null },
			],
		},
		parentExecution: options.parentExecution,
	});
}

/** An execution's lifecycle hooks, and its end as the hooks report it. @param {string} executionId */
function hooksFor(executionId) {
	const hooks = new ExecutionLifecycleHooks(
		'manual',
		executionId,
		/** @type {any} */ ({ id: 'test-workflow', nodes: [], connections: {} }),
	);
	/** @type {(run: any) => void} */
	let onFinished = () => {};
	const finished = new Promise((resolve) => (onFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (/** @type {any} */ run) => onFinished(run));
	return { hooks, finished };
}

/**
 * What n8n's CLI hands the engine for one execution.
 * @param {any} options @param {string} executionId @param {any} hooks @param {SubExecutions | undefined} subExecutions
 * @returns {any}
 */
function additionalDataFor(options, executionId, hooks, subExecutions) {
	const {
		credentialTypes = {},
		credentials = {},
		instanceUrl = 'http://localhost:5678/',
		getRunExecutionData = async () => undefined,
	} = options;
	const base = instanceUrl.replace(/\/?$/, '/');
	return {
		credentialsHelper: new CredentialsHelper(credentialTypes, credentials),
		hooks,
		executionId,
		executeWorkflow: subExecutions
			? async (/** @type {any[]} */ ...args) =>
					await subExecutions.executeWorkflow(args[0], args[1], args[2])
			: async () => {
					throw new Error('not available in tests');
				},
		getRunExecutionData: async (/** @type {string} */ id) =>
			(await subExecutions?.read(id)) ?? (await getRunExecutionData(id)),
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		// n8n's CLI derives these from WEBHOOK_URL (its webhook base URL), the REST one included.
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}form`,
		formWaitingBaseUrl: `${base}form-waiting`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		variables: {},
		logAiEvent: () => {},
	};
}

/**
 * The parent parked on its sub-execution: stored, the sub-execution driven to its end, then the
 * parent read back, patched with the result and resumed, as n8n 2.41 does it.
 * @param {any} options @param {SubExecutions} subExecutions @param {any} workflowData @param {any} nodeTypes @param {any} run @param {string} executionId
 */
async function resumeParent(options, subExecutions, workflowData, nodeTypes, run, executionId) {
	subExecutions.store(executionId, workflowData, run);
	const ended = (await subExecutions.settle()).find(
		(entry) => entry.parentExecutionId === executionId,
	);
	const stored = subExecutions.stored.get(executionId);
	if (!ended || !stored || stored.status !== 'waiting') return run;
	const { hooks } = hooksFor(executionId);
	const data = patchParent(stored.data, ended.run);
	const resumed = await new WorkflowExecute(
		additionalDataFor(options, executionId, hooks, subExecutions),
		options.mode ?? 'manual',
		data,
	).processRunExecutionData(workflowOf(workflowData, nodeTypes));
	subExecutions.store(executionId, workflowData, resumed);
	return resumed;
}

/**
 * Resumes a sub-execution as stored by a durable wait (test/fixtures/durable/): n8n after an update
 * of this package, resuming a wait an earlier version parked. Returns its end, and the output it
 * would hand the node's execution.
 * @param {object} options
 * @param {{ workflowData: any, data: string, waitTill: string }} options.stored
 * @param {Record<string, any>} options.nodeTypes the sub-execution's node (FastRouter Video Wait)
 * @param {Record<string, any>} [options.credentialTypes]
 * @param {Record<string, Record<string, unknown>>} [options.credentials]
 * @param {{ now: () => number, set: (ms: number) => void }} options.clock
 * @param {(executionId: string) => Promise<unknown>} [options.getRunExecutionData] the execution that started the wait, as stored
 */
async function resumeStored(options) {
	installLogger();
	const nodeTypes = nodeTypeRegistry(options.nodeTypes);
	/** @type {SubExecutions} */
	const subExecutions = new SubExecutions({
		nodeTypes,
		clock: options.clock,
		hooks: (executionId) => hooksFor(executionId).hooks,
		additionalData: (executionId, hooks) =>
			additionalDataFor(options, executionId, hooks, subExecutions),
	});
	const waitTill = new Date(options.stored.waitTill).getTime();
	subExecutions.stored.set('stored-1', {
		workflowData: options.stored.workflowData,
		data: options.stored.data,
		status: 'waiting',
		waitTill: new Date(waitTill),
	});
	subExecutions.parks.push({
		executionId: 'stored-1',
		at: waitTill,
		resumeAt: waitTill,
		bytes: options.stored.data.length,
	});
	const [ended] = await subExecutions.settle();
	return {
		run: ended?.run,
		output: lastOutput(ended?.run ?? { data: { resultData: { runData: {} } } })?.main?.[0] ?? [],
	};
}

/** @param {any} run */
function resultOf(run) {
	const taskData = run.data.resultData.runData[NODE_NAME]?.at(-1);
	return {
		run,
		status: run.status,
		/** @type {import('n8n-workflow').INodeExecutionData[]} */
		items: taskData?.data?.main?.[0] ?? [],
		/** The error output's items, under "Continue (using error output)". */
		errorItems: taskData?.data?.main?.[1] ?? [],
		/** The node's error when it failed as a whole (no Continue On Fail). */
		error: taskData?.error ?? run.data.resultData.error,
	};
}

/**
 * Runs a credential type's declarative `test` the way n8n's credential tester does: the request
 * goes through n8n's routing engine with the credentials applied, then the test's rules are read.
 *
 * @param {any} credentialType
 * @param {Record<string, unknown>} values
 * @returns {Promise<{ status: 'OK' | 'Error', message: string }>}
 */
async function testCredential(credentialType, values) {
	const testNode = {
		description: {
			displayName: 'Credential Test',
			name: 'test.credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Credential Test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: credentialType.test.request },
				},
			],
		},
	};
	const result = await runNode({
		nodeType: testNode,
		credentialTypes: { [credentialType.name]: credentialType },
		credentials: { [credentialType.name]: values },
		parameters: {},
	});
	if (result.error) {
		return { status: 'Error', message: result.error.message };
	}
	const json = result.items[0]?.json ?? {};
	for (const rule of credentialType.test.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const actual = rule.properties.key
			.split('.')
			.reduce((/** @type {any} */ value, /** @type {string} */ key) => value?.[key], json);
		if (actual === rule.properties.value)
			return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

module.exports = { runNode, resumeStored, testCredential, useBinaryMode, useSsrfProtection };

/**
 * The bytes of an output binary as a stream, whichever binary mode stored it.
 * @param {import('n8n-workflow').IBinaryData} binary
 * @returns {Promise<import('node:stream').Readable>}
 */
async function binaryStream(binary) {
	const { Readable } = require('node:stream');
	if (binary.id) return await Container.get(BinaryDataService).getAsStream(binary.id);
	return Readable.from(Buffer.from(binary.data, 'base64'));
}

module.exports.binaryStream = binaryStream;
