// @ts-check
/**
 * n8n's own part of a durable wait, in the engine harness (engine.js), so that `npm test` runs the
 * whole loop in seconds: a sub-execution started with `executeWorkflow`, every park stored and
 * read back through n8n's own serialization (flatted, what n8n writes into its executions table)
 * as a restart would, resumes timed as n8n's wait tracker times them, on a clock the test moves,
 * and the parent resumed with the sub-execution's last output the way n8n 2.41 patches it
 * (updateParentExecutionWithChildResults).
 *
 * What it does not model: n8n's database and queue, its crash recovery, its executions list. Those
 * are proven in a real n8n (test/real-n8n/durable.test.js).
 */
const { WorkflowExecute } = require('n8n-core');
const { Workflow, createRunExecutionData, WAIT_FOR_SUB_EXECUTION } = require('n8n-workflow');

// flatted: n8n-workflow's own dependency, the format n8n stores execution data in.
const { stringify, parse } = require(
	require.resolve('flatted', { paths: [require.resolve('n8n-workflow')] }),
);

/** n8n's wait tracker looks for due waits every 60 s and takes those due within 70 s. */
const TRACKER_TICK_MS = 60_000;
const TRACKER_LOOKAHEAD_MS = 70_000;

/** The sub-workflow trigger n8n-nodes-base provides: it hands on what the caller passed. */
class ExecuteWorkflowTrigger {
	description = {
		displayName: 'Execute Workflow Trigger',
		name: 'n8n-nodes-base.executeWorkflowTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Stands in for n8n-nodes-base.executeWorkflowTrigger',
		defaults: { name: 'Start' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	/** @this {import('n8n-workflow').IExecuteFunctions} */
	async execute() {
		return [this.getInputData()];
	}
}

/**
 * When n8n's wait tracker resumes a wait stored at `parkedAt` until `waitTill`: at `waitTill` if
 * one of its looks (every 60 s from `tickPhase`) falls within 70 s before it, else at its first
 * look after the park — a wait shorter than a look's period is late by up to a minute.
 * @param {number} parkedAt @param {number} waitTill @param {number} tickPhase
 */
function trackerResumesAt(parkedAt, waitTill, tickPhase) {
	let tick = tickPhase + Math.ceil((parkedAt - tickPhase) / TRACKER_TICK_MS) * TRACKER_TICK_MS;
	while (waitTill > tick + TRACKER_LOOKAHEAD_MS) tick += TRACKER_TICK_MS;
	return Math.max(waitTill, tick);
}

/**
 * @typedef {object} Park one stored wait of one execution
 * @property {string} executionId
 * @property {number} at the clock when it was stored
 * @property {number} resumeAt
 * @property {number} bytes what n8n would store: the execution's data and its workflow, serialized
 */

class SubExecutions {
	/**
	 * @param {object} options
	 * @param {(executionId: string, hooks: any) => any} options.additionalData builds an execution's additionalData
	 * @param {(executionId: string) => any} options.hooks builds an execution's lifecycle hooks
	 * @param {any} options.nodeTypes the registry the sub-executions' nodes come from
	 * @param {{ now: () => number, set: (ms: number) => void }} options.clock
	 * @param {number} [options.tickPhase] where in the minute the wait tracker looks
	 * @param {(executionId: string) => void} [options.onResume] called before every resume (a test may stop the parent)
	 */
	constructor(options) {
		this.options = options;
		/** @type {Map<string, { workflowData: any, data: string, status: string, waitTill?: Date, parentExecutionId?: string }>} */
		this.stored = new Map();
		/** @type {Park[]} */
		this.parks = [];
		this.counter = 0;
		this.nodeTypes = options.nodeTypes;
		/** The sub-executions this harness started (the test's own execution is not one). */
		this.created = new Set();
		/** @type {Array<{ executionId: string, kill: () => void }>} the sub-executions running now, innermost last */
		this.running = [];
		/** @type {string[]} the sub-executions killed, in order */
		this.killed = [];
		/** @type {Array<{ executionId: string, parentExecutionId?: string, run: any }>} ended sub-executions whose parent is not one */
		this.finished = [];
		/**
		 * Called after each step n8n saved as progress (a test may stop n8n right there).
		 * @type {((executionId: string, nodeName: string, task: any) => void) | undefined}
		 */
		this.afterStep = undefined;
	}

	/** What `getExecutionDataById` answers: the execution's data as stored. @param {string} executionId */
	async read(executionId) {
		const stored = this.stored.get(executionId);
		return stored ? parse(stored.data) : undefined;
	}

	/**
	 * Stores an execution (at a park, or at its end) as n8n does.
	 * @param {string} executionId @param {any} workflowData @param {any} run the IRun
	 */
	store(executionId, workflowData, run) {
		const data = stringify(run.data);
		const previous = this.stored.get(executionId);
		this.stored.set(executionId, {
			workflowData,
			data,
			status: run.status,
			waitTill: run.waitTill,
			parentExecutionId: previous?.parentExecutionId ?? run.data.parentExecution?.executionId,
		});
		if (run.status === 'waiting') {
			const at = this.options.clock.now();
			const waitTill = new Date(run.waitTill).getTime();
			const resumeAt =
				waitTill === WAIT_FOR_SUB_EXECUTION.getTime()
					? Infinity
					: trackerResumesAt(at, waitTill, this.options.tickPhase ?? 0);
			this.parks.push({
				executionId,
				at,
				resumeAt,
				bytes: data.length + JSON.stringify(workflowData).length,
			});
		}
	}

	/**
	 * n8n stops, at once, while a sub-execution runs (a SIGKILL): the innermost running one ends
	 * there, its in-flight requests cut, and n8n's records keep what it last stored — its last park
	 * or, with the workflow setting `saveExecutionProgress`, its last finished step — marked
	 * crashed, as n8n's crash recovery marks it at the next start.
	 */
	kill() {
		const running = this.running.at(-1);
		if (!running) throw new Error('no sub-execution is running');
		running.kill();
	}

	/**
	 * Queue mode's end of a job whose worker died (n8n 2.41's MaxStalledCountError): the running
	 * sub-execution is stored as an error whose data is that error alone — run data and saved state
	 * gone — and its parent resumed with that error.
	 */
	killWorker() {
		const running = this.running.at(-1);
		const entry = running && this.stored.get(running.executionId);
		if (!running || !entry) throw new Error('no sub-execution is running');
		running.kill();
		/** @type {any} */
		const error = {
			message: 'This execution failed to be processed too many times and will no longer retry.',
			name: 'MaxStalledCountError',
		};
		this.stored.set(running.executionId, {
			...entry,
			status: 'error',
			data: stringify(createRunExecutionData({ resultData: { error, runData: {} } })),
		});
	}

	/**
	 * n8n's start-up race (docs/durable-waits.md): its crash recovery marks the sub-execution that
	 * runs now crashed, as stored, while it goes on running; the wait tracker's sweep then resumes
	 * the execution waiting on it with what was stored. The run's own end is stored later, over it.
	 */
	async markCrashedWhileRunning() {
		const running = this.running.at(-1);
		const entry = running && this.stored.get(running.executionId);
		if (!running || !entry) throw new Error('no sub-execution is running');
		this.stored.set(running.executionId, { ...entry, status: 'crashed' });
		await this.ended(running.executionId, undefined);
	}

	/**
	 * A person stops a waiting sub-execution from the executions list: n8n stores it cancelled, with
	 * its cancel as the error (that is what n8n's sweep hands the execution waiting on it).
	 * @param {string} executionId
	 */
	stop(executionId) {
		const entry = this.stored.get(executionId);
		if (!entry) throw new Error(`no sub-execution ${executionId}`);
		const data = parse(entry.data);
		data.resultData.error = {
			message: 'The execution was cancelled manually',
			name: 'ManualExecutionCancelledError',
		};
		this.stored.set(executionId, { ...entry, status: 'canceled', data: stringify(data) });
	}

	/**
	 * `additionalData.executeWorkflow`, as n8n's CLI does it for an inline workflow: a new
	 * execution of it, started with the caller's items on its trigger.
	 * @param {any} workflowInfo @param {any} _additionalData @param {any} options
	 */
	async executeWorkflow(workflowInfo, _additionalData, options) {
		const executionId = `sub-${++this.counter}`;
		this.created.add(executionId);
		const workflowData = { id: options.parentWorkflowId, ...workflowInfo.code };
		const workflow = this.workflowOf(workflowData);
		const start = workflowData.nodes.find(
			(/** @type {any} */ node) => node.type === 'n8n-nodes-base.executeWorkflowTrigger',
		);
		const runData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: start, data: { main: [options.inputData] }, source: null }],
			},
			parentExecution: options.parentExecution,
		});
		this.stored.set(executionId, {
			workflowData,
			data: stringify(runData),
			status: 'new',
			parentExecutionId: options.parentExecution?.executionId,
		});
		const run = await this.process(executionId, workflow, runData);
		if (!run) throw new Error(`n8n stopped while sub-execution ${executionId} was starting`);
		this.store(executionId, workflowData, run);
		const last = lastOutput(run);
		return { executionId, data: last?.main ?? [null], waitTill: run.waitTill };
	}

	/** @param {any} workflowData */
	workflowOf(workflowData) {
		return new Workflow({
			id: workflowData.id,
			name: workflowData.name,
			nodes: workflowData.nodes,
			connections: workflowData.connections,
			active: false,
			nodeTypes: this.nodeTypes,
			settings: workflowData.settings,
			pinData: workflowData.pinData,
		});
	}

	/**
	 * Runs a segment of a sub-execution; undefined when it was killed. With `saveExecutionProgress`
	 * the execution is stored after every step, as n8n's progress hook does.
	 * @param {string} executionId @param {any} workflow @param {any} runData
	 */
	async process(executionId, workflow, runData) {
		const hooks = this.options.hooks(executionId);
		let killed = false;
		if (workflow.settings?.saveExecutionProgress) {
			hooks.addHandler(
				'nodeExecuteAfter',
				(/** @type {string} */ nodeName, /** @type {any} */ task, /** @type {any} */ data) => {
					const entry = this.stored.get(executionId);
					if (killed || !entry) return;
					data.resultData.lastNodeExecuted = nodeName;
					this.stored.set(executionId, { ...entry, data: stringify(data), status: 'running' });
					this.afterStep?.(executionId, nodeName, task);
				},
			);
		}
		const additionalData = this.options.additionalData(executionId, hooks);
		const running = new WorkflowExecute(
			additionalData,
			'integrated',
			runData,
		).processRunExecutionData(workflow);
		/** @type {Promise<undefined>} */
		const stop = new Promise((resolve) => {
			this.running.push({
				executionId,
				kill: () => {
					killed = true;
					this.killed.push(executionId);
					running.cancel();
					resolve(undefined);
				},
			});
		});
		try {
			return await Promise.race([running, stop]);
		} finally {
			this.running = this.running.filter((entry) => entry.executionId !== executionId);
			if (killed) {
				const entry = this.stored.get(executionId);
				if (entry && entry.status !== 'error')
					this.stored.set(executionId, { ...entry, status: 'crashed' });
			}
		}
	}

	/**
	 * A sub-execution ended (or died): as n8n does, the execution waiting on it is patched with
	 * its result — its last stored output, for one that died — and resumed, when it is one of
	 * these; else the end is reported to the test, which resumes its own execution.
	 * @param {string} executionId @param {any} run the run, or undefined when it was killed
	 */
	async ended(executionId, run) {
		const entry = this.stored.get(executionId);
		const result = run ?? { data: parse(entry?.data ?? '{}'), status: 'crashed' };
		const parentId = entry?.parentExecutionId;
		const parent = parentId ? this.stored.get(parentId) : undefined;
		if (!parentId || !this.created.has(parentId)) {
			this.finished.push({ executionId, parentExecutionId: parentId, run: result });
			return;
		}
		if (
			!parent ||
			parent.status !== 'waiting' ||
			!(lastOutput(result) || result.data.resultData?.error)
		)
			return;
		// n8n 2.41 patches a parent only with a child it waits on ("Parent not patched" otherwise).
		const waitingOn = parse(parent.data).executionData?.nodeExecutionStack?.[0]?.metadata
			?.waitingChildExecutionIds;
		if (waitingOn?.length && !waitingOn.includes(executionId)) return;
		const resumed = await this.process(
			parentId,
			this.workflowOf(parent.workflowData),
			patchParent(parent.data, result),
		);
		if (resumed) this.store(parentId, parent.workflowData, resumed);
		if (resumed?.status !== 'waiting') await this.ended(parentId, resumed);
	}

	/**
	 * Drives every waiting sub-execution to its end, moving the clock to each resume, reading each
	 * park back from what was stored. Returns the executions whose sub-execution ended, with its result.
	 */
	async settle() {
		for (;;) {
			const next = [...this.stored].filter(
				([, entry]) =>
					entry.status === 'waiting' &&
					new Date(entry.waitTill ?? 0).getTime() !== WAIT_FOR_SUB_EXECUTION.getTime(),
			);
			if (next.length === 0) return this.finished.splice(0);
			// The wait tracker resumes the one due first.
			const resumeAt = (/** @type {string} */ id) =>
				[...this.parks].reverse().find((candidate) => candidate.executionId === id)?.resumeAt ?? 0;
			const [executionId, entry] = next.sort(([a], [b]) => resumeAt(a) - resumeAt(b))[0];
			this.options.clock.set(Math.max(this.options.clock.now(), resumeAt(executionId)));
			this.options.onResume?.(executionId);
			// Stopped (or otherwise ended) by the test before its resume: n8n's sweep hands on its end.
			if (this.stored.get(executionId)?.status !== 'waiting') {
				await this.ended(executionId, undefined);
				continue;
			}
			const run = await this.process(
				executionId,
				this.workflowOf(entry.workflowData),
				parse(entry.data),
			);
			if (run) this.store(executionId, entry.workflowData, run);
			if (run?.status !== 'waiting') await this.ended(executionId, run);
		}
	}
}

/** What n8n hands a parent from its finished sub-execution: its last executed node's last run. @param {any} run */
function lastOutput(run) {
	const name = run.data.resultData.lastNodeExecuted;
	const runs = name ? run.data.resultData.runData[name] : undefined;
	return runs?.[runs.length - 1]?.data;
}

/**
 * The parent's stored data, patched with its sub-execution's result as n8n 2.41 does it: the
 * waiting node's input becomes the sub-execution's last output, or its error is raised there.
 * @param {string} storedParent flatted data @param {any} childRun
 */
function patchParent(storedParent, childRun) {
	const data = parse(storedParent);
	const entry = data.executionData.nodeExecutionStack[0];
	const error = childRun.data.resultData.error;
	if (error) entry.metadata = { ...entry.metadata, resumeError: error };
	else entry.data = lastOutput(childRun);
	return data;
}

module.exports = {
	SubExecutions,
	ExecuteWorkflowTrigger,
	patchParent,
	lastOutput,
	trackerResumesAt,
	stringify,
	parse,
};
