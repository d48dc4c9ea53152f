/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import type { IConnections, IDataObject, INode, INodeExecutionData, INodeType, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { FastRouterApi } from '../../credentials/FastRouterApi.credentials';
import { FastRouterVideo } from '../../nodes/FastRouterVideo/FastRouterVideo.node';
import { FastRouterVideoWait } from '../../nodes/FastRouterVideoWait/FastRouterVideoWait.node';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as engine from '../helpers/engine';
import { CREATE, happyPath, POLL, useHostileServer } from '../helpers/hostile';
import { type RunResult, SIM_KEY, videoBytes } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';
import * as flatted from '../helpers/sub-executions';

// The whole durable wait in n8n's engine: FastRouter Video creates the tasks and starts its
// sub-execution, which parks, is stored and read back through n8n's own serialization at every park
// (as after a restart), is resumed when n8n's wait tracker would resume it, and finally resumes the
// node's own execution with its output (test/helpers/sub-executions.js). The clock is the test's:
// renders of minutes take milliseconds. What only a real n8n shows (its database, a SIGKILL, its
// executions list) is test/real-n8n/durable.test.js.

const VIDEO = 32 * 1024;
const MINUTE = 60_000;
/** How many ms the clock jumps at each create, so that creates spread as they do over a network. */
let createSpreadMs = 0;
const hostile = useHostileServer();
const sim = useSimulator({
	durationMs: 5 * MINUTE,
	videoBytes: VIDEO,
	// The test's clock, read at every use: the simulator's renders run on it too.
	now: () => Date.now(),
	log: (line) => {
		if (createSpreadMs && line.startsWith('api POST /api/v1/videos ')) jest.setSystemTime(Date.now() + createSpreadMs);
	},
});

beforeAll(() => {
	// Only Date is faked, advancing with real time and jumping when the wait tracker would resume.
	jest.useFakeTimers({ advanceTimers: true, doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'hrtime', 'performance'] });
});
afterAll(() => jest.useRealTimers());
beforeEach(() => {
	createSpreadMs = 0;
});

const clock = { now: () => Date.now(), set: (ms: number) => jest.setSystemTime(ms) };
const WAIT = { operation: 'createAndWait', model: 'google/veo3', prompt: '={{ $json.prompt }}' };
/** A schedule's run: nobody waits for its answer, so Automatic waits durably. */
const SCHEDULE = { mode: 'trigger', trigger: { type: 'n8n-nodes-base.scheduleTrigger' } };

interface DurableRun extends RunResult {
	run: { status: string; data: { resultData: { metadata?: Record<string, string>; runData: IDataObject } } };
	subExecutions?: { parks: Array<{ executionId: string; at: number; bytes: number }>; stored: Map<string, { data: string; status: string }>; read: (id: string) => Promise<IDataObject> };
}

type RunOptions = Parameters<typeof engine.runNode>[0];

/** Runs the node in n8n's engine with sub-executions as n8n runs them; by default as a schedule's run. */
async function runDurably(parameters: IDataObject, prompts: string[], extra: IDataObject = {}): Promise<DurableRun> {
	const options = {
		nodeType: new FastRouterVideo(),
		credentialTypes: { fastRouterApi: new FastRouterApi() },
		credentials: { fastRouterApi: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
		parameters,
		items: prompts.map((prompt) => ({ prompt })),
		...SCHEDULE,
		durable: { nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() }, clock, tickPhase: 17_000 },
		...extra,
	};
	return (await engine.runNode(options as unknown as RunOptions)) as unknown as DurableRun;
}

/** A task run of a node as n8n stores it. */
interface StoredTaskRun {
	executionStatus?: string;
	metadata?: { subExecution?: { executionId: string; workflowId: string } };
	hints?: Array<{ message: string }>;
}

/**
 * The node's execution as n8n stored it when it parked (read at its sub-execution's first resume),
 * and the waiting text the editor shows on the node: the node type's `waitingNodeTooltip`,
 * evaluated as n8n's editor evaluates it (`workflow.expression.getSimpleParameterValue` on the
 * stored workflow, no run data, `$execution` as the editor gives it).
 */
async function parkedParent(parameters: IDataObject, prompts: string[]): Promise<{ run: StoredTaskRun; tooltip: string }> {
	let parked: { workflowData: { nodes: INode[]; connections: IConnections; id?: string }; data: string } | undefined;
	await runDurably(parameters, prompts, {
		continueOnFail: true,
		durable: {
			nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
			clock,
			tickPhase: 17_000,
			onResume: (_id: string, subExecutions: { stored: Map<string, { workflowData: never; data: string; status: string }> }) => {
				const parent = subExecutions.stored.get('test-execution');
				if (!parked && parent?.status === 'waiting') parked = { ...parent };
			},
		},
	});
	if (!parked) throw new Error('the node’s execution never parked');
	const data = flatted.parse(parked.data) as { resultData: { runData: Record<string, StoredTaskRun[]> } };
	const nodeType = new FastRouterVideo();
	const types: Record<string, INodeType> = { [nodeType.description.name]: nodeType };
	const nodeTypes = { getByName: (type: string) => types[type], getByNameAndVersion: (type: string) => types[type], getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const { nodes, connections } = parked.workflowData;
	const workflow = new Workflow({ id: 'wf-1', nodes, connections, active: false, nodeTypes });
	const node = nodes.find((candidate) => candidate.type === nodeType.description.name)!;
	const $execution = { id: 'test-execution', mode: 'test' as const, resumeUrl: 'http://localhost:5678/webhook-waiting/test-execution', resumeFormUrl: 'http://localhost:5678/form-waiting/test-execution' };
	const tooltip = workflow.expression.getSimpleParameterValue(node, nodeType.description.waitingNodeTooltip, 'internal', { $execution });
	return { run: data.resultData.runData[node.name][0], tooltip: String(tooltip) };
}

const childParks = (result: DurableRun) => result.subExecutions?.parks.filter((park) => park.executionId.startsWith('sub-')) ?? [];

describe('a durable wait, start to end, in n8n’s engine', () => {
	it('a schedule’s run waits durably by default: both MP4s reach the node’s output, each task created once', async () => {
		const started = Date.now();
		const result = await runDurably(WAIT, ['a fox', 'a boat']);
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items.map((item) => [item.json.status, videoBytes(item).length, item.pairedItem])).toEqual([
			['succeeded', VIDEO, { item: 0 }],
			['succeeded', VIDEO, { item: 1 }],
		]);
		expect(sim.counters.creates).toBe(2);
		// Parked once a minute from the creates on; done at the first poll after the 5-minute render.
		expect(childParks(result).length).toBeGreaterThanOrEqual(4);
		expect(Date.now() - started).toBeLessThan(5 * MINUTE + 75_000);
		expect(Object.values(sim.counters.polls)).toEqual([5, 5]);
	});

	it('the executions list says how the run waited, on the node’s execution and on its sub-execution', async () => {
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:fail=Content policy]'], { continueOnFail: true });
		const parent = result.run.data.resultData.metadata ?? {};
		expect(parent.FastRouter_wait).toBe('durable (Automatic: a trigger run) in sub-execution sub-1');
		const ids = [...sim.tasks.keys()];
		expect(parent.FastRouter_tasks).toBe(ids.join(' '));
		const child = (await result.subExecutions?.read('sub-1')) as { resultData: { metadata: Record<string, string> } };
		expect(child.resultData.metadata).toEqual({
			FastRouter_videos: '1/2 done, 1 failed',
			FastRouter_wait: 'durable (Automatic: a trigger run), for execution test-execution',
			FastRouter_tasks: ids.join(' '),
			// What the creates cost as FastRouter reported them (the simulator: 4 credits for 5 s; FastRouter's older answers give no USD).
			FastRouter_cost: '2 videos, 8 credits',
		});
	});

	it('while it parks, the editor’s waiting text on the node says what it waits for and where the progress is; the node’s output note gives the videos and how many were done', async () => {
		for (const [options, why] of [
			[{}, 'Automatic, which waits durably where nobody waits for this run’s answer'],
			[{ waitMode: 'durable' }, 'Durable'],
			[{ waitMode: '={{ $json.mode }}' }, 'set by an expression'],
		] as const) {
			sim.reset();
			const parked = await parkedParent({ ...WAIT, options }, ['a fox', 'a boat', 'refused [sim:create400]']);
			expect(parked.run.executionStatus).toBe('waiting');
			expect(parked.run.metadata?.subExecution).toEqual({ executionId: 'sub-1', workflowId: expect.any(String) });
			expect(parked.run.hints?.map((hint) => hint.message)).toEqual([
				'Waiting durably for 3 videos; when it parked: 0/3 done, 2 waiting, 1 not created. Live progress: sub-execution sub-1 (“View sub-execution”). Created: 2 videos, 8 credits',
			]);
			expect(parked.tooltip).toBe(
				`FastRouter Video is waiting durably for its videos (Wait Mode: ${why}): n8n keeps this execution stored, without holding a worker, while FastRouter renders them. ` +
					'A sub-execution of this workflow polls FastRouter; once no video is left to wait for (done, failed or past Max Wait), it hands them to this node and the workflow goes on with them. ' +
					'How many videos there are and how many were done when it parked: the note on this node’s output. ' +
					'The live progress: that sub-execution — “View sub-execution” on this node’s output, or this workflow’s executions (custom data FastRouter_videos).',
			);
		}
	});

	it('an ending status word (expired) ends that task’s durable wait at the first poll that says it, with the task named', async () => {
		const result = await runDurably(WAIT, ['a fox', 'gone [sim:ends=expired] [sim:duration=60000]'], { continueOnFail: true });
		const gone = [...sim.tasks.values()].find((task) => task.prompt.startsWith('gone'))!.taskId;
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json).toEqual({ error: `Item 2: Task ${gone} expired before a video was made (FastRouter’s status "expired")`, taskId: gone });
		// Polled at the first resume after its 1-minute render, never again while the other renders on.
		expect(sim.counters.polls[gone]).toBe(1);
	});

	it('a failed generation is that item’s error item; the other item’s MP4 comes out (Continue On Fail)', async () => {
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:fail=Content policy]'], { continueOnFail: true });
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json).toEqual({ error: expect.stringMatching(/^Item 2: The generation of task \S+ failed: Content policy/), taskId: expect.any(String) });
	});

	it('without Continue On Fail, the node fails naming every task the wait created', async () => {
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:fail=Content policy]']);
		const [fox, boat] = [...sim.tasks.keys()];
		expect(result.error?.message).toBe(`Item 2: The generation of task ${boat} failed: Content policy`);
		expect(result.error?.description).toContain(`Item 1: ${fox}`);
	});

	it('Max Wait and On Timeout: a task still running is an error naming it, or comes out as a task', async () => {
		const longer = { ...WAIT, prompt: 'slow [sim:duration=900000]' };
		const failed = await runDurably({ ...longer, options: { maxWait: 200 } }, ['x'], { continueOnFail: true });
		expect(failed.items[0].json.error).toMatch(/^Item 1: Task \S+ did not finish within 200 s \(last status: processing/);
		const output = await runDurably({ ...longer, options: { maxWait: 200, onTimeout: 'output' } }, ['x']);
		expect(output.items[0].json).toMatchObject({ status: 'processing', taskId: expect.any(String) });
		expect(output.items[0].binary).toBeUndefined();
	});

	it('Retry On Fail: a failed generation is created anew by the wait itself, and its video comes out', async () => {
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:failonce=Content policy]'], { settings: { retryOnFail: true, maxTries: 3 } });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(sim.counters.createsByPrompt).toEqual({ 'a fox': 1, 'a boat [sim:failonce=Content policy]': 2 });
	});

	it('the execution stopped while it waits: the sub-execution stops polling at its next step', async () => {
		let stopped = false;
		const result = await runDurably(WAIT, ['a fox'], {
			continueOnFail: true,
			durable: {
				nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
				clock,
				onResume: (executionId: string, subExecutions: { stored: Map<string, { data: string }> }) => {
					// What stopping the execution leaves in n8n's database: its error.
					const parent = subExecutions.stored.get('test-execution');
					if (executionId === 'sub-1' && parent && !stopped) {
						stopped = true;
						const data = flatted.parse(parent.data);
						data.resultData.error = { message: 'The execution was cancelled' };
						parent.data = flatted.stringify(data);
					}
				},
			},
		});
		expect(result.items[0]?.json.error ?? result.error?.message).toMatch(/The execution that started this wait \(test-execution\) was stopped; task \S+ was left on FastRouter/);
		expect(Object.values(sim.counters.polls)).toEqual([]);
	});
});

describe('Automatic: durable where nobody waits, in process where somebody does', () => {
	const waitedInProcess = (result: DurableRun) => expect(result.subExecutions?.parks ?? []).toEqual([]);
	const quick = { ...WAIT, prompt: '={{ $json.prompt }} [sim:duration=300]', options: { pollInterval: 1 } };

	it('a manual run (a person watching the editor) waits in process', async () => {
		const result = await runDurably(quick, ['a fox'], { mode: 'manual', trigger: { type: 'n8n-nodes-base.manualTrigger' } });
		waitedInProcess(result);
		expect(videoBytes(result.items[0]).length).toBe(VIDEO);
		expect(result.run.data.resultData.metadata?.FastRouter_wait).toBe('in process (Automatic: a manual run)');
	});

	it.each(['lastNode', 'streaming'])('a webhook answering %s waits in process; Durable chosen there is refused before any create', async (responseMode) => {
		const webhook = { mode: 'webhook', trigger: { type: 'n8n-nodes-base.webhook', parameters: { responseMode } } };
		const result = await runDurably(quick, ['a fox'], webhook);
		waitedInProcess(result);
		expect(videoBytes(result.items[0]).length).toBe(VIDEO);
		sim.reset();
		const refused = await runDurably({ ...quick, options: { waitMode: 'durable' } }, ['a fox'], webhook);
		expect(refused.error?.message).toMatch(/^Wait Mode "Durable" cannot be used here: "Input" (answers its caller when the last node finishes: n8n would answer at the park, without the videos|streams its answer, and n8n ends the stream when the run parks)/);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('a webhook answering from a Respond to Webhook node waits in process; Durable chosen there works (n8n answers after the resume)', async () => {
		const webhook = { mode: 'webhook', trigger: { type: 'n8n-nodes-base.webhook', parameters: { responseMode: 'responseNode' } } };
		waitedInProcess(await runDurably(quick, ['a fox'], webhook));
		const durable = await runDurably({ ...WAIT, options: { waitMode: 'durable' } }, ['a fox'], webhook);
		expect(childParks(durable).length).toBeGreaterThan(0);
		expect(videoBytes(durable.items[0]).length).toBe(VIDEO);
	});

	it('a webhook that answered at once waits durably', async () => {
		const result = await runDurably(WAIT, ['a fox'], { mode: 'webhook', trigger: { type: 'n8n-nodes-base.webhook', parameters: { responseMode: 'onReceived' } } });
		expect(childParks(result).length).toBeGreaterThan(0);
		expect(result.run.data.resultData.metadata?.FastRouter_wait).toBe('durable (Automatic: "Input" answered at once) in sub-execution sub-1');
	});

	it('a chat waits in process', async () => {
		const result = await runDurably(quick, ['a fox'], { mode: 'webhook', trigger: { type: '@n8n/n8n-nodes-langchain.chatTrigger' } });
		waitedInProcess(result);
	});

	it('a sub-workflow: durable when its caller parks with it and a schedule started the run, or when nobody waits for it; in process under a webhook', async () => {
		const sub = (shouldResume: boolean, source: string, trigger: { name: string; type: string }) => ({
			mode: 'integrated',
			parentExecution: { executionId: 'caller-1', workflowId: 'caller', shouldResume, executionContext: { version: 1, establishedAt: 0, source, triggerNode: trigger } },
		});
		const schedule = { name: 'Every hour', type: 'n8n-nodes-base.scheduleTrigger' };
		const parks = await runDurably(WAIT, ['a fox'], sub(true, 'trigger', schedule));
		expect(childParks(parks).length).toBeGreaterThan(0);
		expect(parks.run.data.resultData.metadata?.FastRouter_wait).toMatch(/^durable \(Automatic: a sub-workflow of a trigger run started by "Every hour"\)/);
		const notWaitedFor = await runDurably(WAIT, ['a fox'], sub(false, 'webhook', { name: 'Hook', type: 'n8n-nodes-base.webhook' }));
		expect(notWaitedFor.run.data.resultData.metadata?.FastRouter_wait).toMatch(/^durable \(Automatic: a sub-workflow its caller does not wait for\)/);
		const underWebhook = await runDurably(quick, ['a fox'], sub(true, 'webhook', { name: 'Hook', type: 'n8n-nodes-base.webhook' }));
		waitedInProcess(underWebhook);
	});

	it('an AI agent’s tool (n8n’s `…Tool` copy of the node) waits in process, even in a run nobody else waits on; Durable is refused there before any create', async () => {
		const tool = new FastRouterVideo();
		tool.description = { ...tool.description, name: 'fastRouterVideoTool' };
		const asTool = { nodeType: tool, ...SCHEDULE };
		waitedInProcess(await runDurably(quick, ['a fox'], asTool));
		sim.reset();
		const refused = await runDurably({ ...quick, options: { waitMode: 'durable' } }, ['a fox'], asTool);
		expect(refused.error?.message).toMatch(/^Wait Mode "Durable" cannot release an AI agent’s tool call: the agent waits for the answer/);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('Wait Mode "In Process" is obeyed in a run that could wait durably', async () => {
		const result = await runDurably({ ...quick, options: { pollInterval: 1, waitMode: 'inProcess' } }, ['a fox']);
		waitedInProcess(result);
		expect(result.run.data.resultData.metadata?.FastRouter_wait).toBe('in process (chosen)');
	});
});

describe('durable as fast as n8n allows, its storage bounded', () => {
	const ROWS = 100;
	const RENDER = 10 * MINUTE;

	it(`${ROWS} rows of ${RENDER / MINUTE}-minute renders created over seconds: done within one resume of the render, the stored sub-execution within twice its first size`, async () => {
		createSpreadMs = 50;
		const started = Date.now();
		const prompts = Array.from({ length: ROWS }, (_, index) => `row ${index} [sim:duration=${RENDER}]`);
		const result = await runDurably({ ...WAIT, options: { pollInterval: 65, maxWait: 1800 } }, prompts, { binaryMode: 'default' });
		const elapsed = Date.now() - started;
		expect(result.items).toHaveLength(ROWS);
		expect(result.items.every((item: INodeExecutionData) => item.json.status === 'succeeded')).toBe(true);
		expect(sim.counters.creates).toBe(ROWS);
		expect(elapsed).toBeLessThan(RENDER + 75_000);
		// Every task was polled together at each resume, not at every other one.
		const polls = Object.values(sim.counters.polls);
		expect(Math.max(...polls)).toBeLessThanOrEqual(Math.ceil(RENDER / 65_000) + 1);
		const sizes = childParks(result).map((park) => park.bytes);
		expect(sizes.length).toBeGreaterThanOrEqual(9);
		// The videos are kept inline in this harness's binary mode: only the parks before the first video count.
		const beforeVideos = sizes.slice(0, -1);
		expect(Math.max(...beforeVideos)).toBeLessThan(2 * sizes[0]);
	});
});

describe('Max Credits per Run and the trace, waiting durably', () => {
	const SIX_CREDITS = { ...WAIT, length: 8 };

	it('20 rows of 6 credits within 50: 8 created and their MP4s out, 12 error items naming the limit, none with a task', async () => {
		const prompts = Array.from({ length: 20 }, (_, index) => `row ${index + 1}`);
		const result = await runDurably({ ...SIX_CREDITS, options: { maxCredits: 50 } }, prompts, { continueOnFail: true });
		expect(childParks(result).length).toBeGreaterThan(0);
		expect(sim.counters.creates).toBe(8);
		expect(result.items.slice(0, 8).map((item) => videoBytes(item).length)).toEqual(Array(8).fill(VIDEO));
		for (const item of result.items.slice(8)) {
			expect(item.json).toEqual({ error: expect.stringMatching(/^Item \d+: not created: this run's credit limit of 50 would be passed \(48 used by 8 videos\)$/) });
		}
		const child = (await result.subExecutions?.read('sub-1')) as { resultData: { metadata: Record<string, string> } };
		expect(child.resultData.metadata.FastRouter_cost).toBe('8 videos, 48 credits, 12 not created: credit limit');
	});

	it('the wait’s own re-create (Retry On Fail) counts against the limit too', async () => {
		const result = await runDurably({ ...SIX_CREDITS, options: { maxCredits: 12 } }, ['a fox', 'a boat [sim:failonce=Content policy]'], {
			continueOnFail: true,
			settings: { retryOnFail: true, maxTries: 3 },
		});
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json.error).toBe("Item 2: not created: this run's credit limit of 12 would be passed (12 used by 2 videos)");
		expect(sim.counters.createsByPrompt).toEqual({ 'a fox': 1, 'a boat [sim:failonce=Content policy]': 1 });
	});

	it('the creates (by the execution) and the polls (by its sub-execution) carry one trace: the execution’s', async () => {
		await runDurably(WAIT, ['a fox', 'a boat'], { executionId: 'durable-run' });
		const traces = sim.counters.traces.map((entry) => /^00-([0-9a-f]{32})-/.exec(entry.traceparent ?? '')?.[1]);
		expect(sim.counters.traces.map((entry) => entry.route)).toEqual(expect.arrayContaining(['POST /api/v1/videos', 'POST /api/v1/getVideoResponse']));
		expect(traces.every(Boolean)).toBe(true);
		expect(new Set(traces).size).toBe(1);
	});
});

describe('the key', () => {
	it('is in nothing the sub-execution stores, even when FastRouter echoes it', async () => {
		const key = hostile.apiKey;
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, { ...h.accepted(`task-${key}`), note: `seen ${key}` }));
		hostile.on(POLL, ({ body, res }, h) => h.json(res, 200, { ...h.running(String(body?.taskId)), note: `seen ${key}` }));
		const result = await runDurably({ ...WAIT, prompt: `echo ${key}`, options: { maxWait: 150, includeRawResponse: true } }, ['x'], {
			credentials: { fastRouterApi: { apiKey: key, baseUrl: hostile.origins.a } },
			continueOnFail: true,
		});
		const stored = [...(result.subExecutions as NonNullable<DurableRun['subExecutions']>).stored.values()].map((entry) => entry.data).join('\n');
		expect(stored.length).toBeGreaterThan(1000);
		expect(stored).not.toContain(key);
		expect(JSON.stringify(result.items)).not.toContain(key);
	});
});

describe('a wait stored by an earlier version resumes after the package is updated', () => {
	// test/fixtures/durable/: sub-executions as n8n stored them at their first park — v1 by package
	// 0.1.0 (one item per video, a separate wait step), v2 by this version. Every later version must
	// read them, or end them naming their tasks (docs/durable-waits.md, "Changing the stored state").
	it.each(['v1-parked.json', 'v2-parked.json'])('%s: resumed by this version, each task is polled and both MP4s come out, paired with their rows', async (fixture) => {
		const stored = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'durable', fixture), 'utf8'));
		happyPath(hostile);
		jest.setSystemTime(new Date(stored.waitTill).getTime());
		const { run, output } = await engine.resumeStored({
			stored,
			nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
			credentialTypes: { fastRouterApi: new FastRouterApi() },
			credentials: { fastRouterApi: { apiKey: hostile.apiKey, baseUrl: hostile.origins.a } },
			clock,
			// The execution that started the wait, still waiting for it in n8n's database.
			getRunExecutionData: async () => ({ resultData: { runData: {} } }),
		});
		expect(run.status).toBe('success');
		expect(output.map((item: INodeExecutionData) => [item.json.status, videoBytes(item).length > 0, item.pairedItem])).toEqual([
			['succeeded', true, { item: 0 }],
			['succeeded', true, { item: 1 }],
		]);
		// The tasks the fixture's wait had created, each polled once, none created again.
		const tasks = JSON.stringify(stored).match(/task[0-9a-f]{24}/g) ?? [];
		expect(output.map((item: INodeExecutionData) => item.json.taskId)).toEqual([...new Set(tasks)]);
		expect(hostile.counters.creates).toBe(0);
	});
});
