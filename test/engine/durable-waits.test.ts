/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import type {
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
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
		if (createSpreadMs && line.startsWith('api POST /api/v1/videos '))
			jest.setSystemTime(Date.now() + createSpreadMs);
	},
});

beforeAll(() => {
	// Only Date is faked, advancing with real time and jumping when the wait tracker would resume.
	jest.useFakeTimers({
		advanceTimers: true,
		doNotFake: [
			'nextTick',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
			'queueMicrotask',
			'hrtime',
			'performance',
		],
	});
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
	run: {
		status: string;
		data: { resultData: { metadata?: Record<string, string>; runData: IDataObject } };
	};
	subExecutions?: {
		parks: Array<{ executionId: string; at: number; bytes: number }>;
		stored: Map<string, { data: string; status: string }>;
		read: (id: string) => Promise<IDataObject>;
	};
}

type RunOptions = Parameters<typeof engine.runNode>[0];

/** Runs the node in n8n's engine with sub-executions as n8n runs them; by default as a schedule's run. */
async function runDurably(
	parameters: IDataObject,
	prompts: string[],
	extra: IDataObject = {},
): Promise<DurableRun> {
	const options = {
		nodeType: new FastRouterVideo(),
		credentialTypes: { fastRouterApi: new FastRouterApi() },
		credentials: { fastRouterApi: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
		parameters,
		items: prompts.map((prompt) => ({ prompt })),
		...SCHEDULE,
		durable: {
			nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
			clock,
			tickPhase: 17_000,
		},
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
async function parkedParent(
	parameters: IDataObject,
	prompts: string[],
): Promise<{ run: StoredTaskRun; tooltip: string }> {
	let parked:
		| { workflowData: { nodes: INode[]; connections: IConnections; id?: string }; data: string }
		| undefined;
	await runDurably(parameters, prompts, {
		continueOnFail: true,
		durable: {
			nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
			clock,
			tickPhase: 17_000,
			onResume: (
				_id: string,
				subExecutions: {
					stored: Map<string, { workflowData: never; data: string; status: string }>;
				},
			) => {
				const parent = subExecutions.stored.get('test-execution');
				if (!parked && parent?.status === 'waiting') parked = { ...parent };
			},
		},
	});
	if (!parked) throw new Error('the node’s execution never parked');
	const data = flatted.parse(parked.data) as {
		resultData: { runData: Record<string, StoredTaskRun[]> };
	};
	const nodeType = new FastRouterVideo();
	const types: Record<string, INodeType> = { [nodeType.description.name]: nodeType };
	const nodeTypes = {
		getByName: (type: string) => types[type],
		getByNameAndVersion: (type: string) => types[type],
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const { nodes, connections } = parked.workflowData;
	const workflow = new Workflow({ id: 'wf-1', nodes, connections, active: false, nodeTypes });
	const node = nodes.find((candidate) => candidate.type === nodeType.description.name)!;
	const $execution = {
		id: 'test-execution',
		mode: 'test' as const,
		resumeUrl: 'http://localhost:5678/webhook-waiting/test-execution',
		resumeFormUrl: 'http://localhost:5678/form-waiting/test-execution',
	};
	const tooltip = workflow.expression.getSimpleParameterValue(
		node,
		nodeType.description.waitingNodeTooltip,
		'internal',
		{ $execution },
	);
	return { run: data.resultData.runData[node.name][0], tooltip: String(tooltip) };
}

const childParks = (result: DurableRun) =>
	result.subExecutions?.parks.filter((park) => park.executionId.startsWith('sub-')) ?? [];

describe('a durable wait, start to end, in n8n’s engine', () => {
	it('a schedule’s run waits durably by default: both MP4s reach the node’s output, each task created once', async () => {
		const started = Date.now();
		const result = await runDurably(WAIT, ['a fox', 'a boat']);
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(
			result.items.map((item) => [item.json.status, videoBytes(item).length, item.pairedItem]),
		).toEqual([
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
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:fail=Content policy]'], {
			continueOnFail: true,
		});
		const parent = result.run.data.resultData.metadata ?? {};
		expect(parent.FastRouter_wait).toBe(
			'durable (Automatic: a trigger run) in sub-execution sub-1',
		);
		const ids = [...sim.tasks.keys()];
		expect(parent.FastRouter_tasks).toBe(ids.join(' '));
		const child = (await result.subExecutions?.read('sub-1')) as {
			resultData: { metadata: Record<string, string> };
		};
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
			const parked = await parkedParent({ ...WAIT, options }, [
				'a fox',
				'a boat',
				'refused [sim:create400]',
			]);
			expect(parked.run.executionStatus).toBe('waiting');
			expect(parked.run.metadata?.subExecution).toEqual({
				executionId: 'sub-1',
				workflowId: expect.any(String),
			});
			expect(parked.run.hints?.map((hint) => hint.message)).toEqual([
				'Waiting durably for 3 videos; when it parked: 0/3 done, 2 waiting, 1 not created. Live progress: sub-execution sub-1 (“View sub-execution”). Created: 2 videos, 8 credits',
			]);
			expect(parked.tooltip).toBe(
				`FastRouter Video is waiting durably for its videos (Wait Mode: ${why}): n8n keeps this execution stored, without holding a worker, while FastRouter renders them. ` +
					'Its sub-execution (the keeper) has a sub-execution of its own (a watcher) poll FastRouter, and starts another should n8n stop it; once no video is left to wait for (done, failed or past Max Wait), the keeper hands them to this node and the workflow goes on with them. ' +
					'How many videos there are and how many were done when it parked: the note on this node’s output. ' +
					'The live progress: the watcher — “View sub-execution” on this node’s output opens the keeper, whose round step links to it; or this workflow’s executions (custom data FastRouter_videos).',
			);
		}
	});

	it('an ending status word (expired) ends that task’s durable wait at the first poll that says it, with the task named', async () => {
		const result = await runDurably(
			WAIT,
			['a fox', 'gone [sim:ends=expired] [sim:duration=60000]'],
			{ continueOnFail: true },
		);
		const gone = [...sim.tasks.values()].find((task) => task.prompt.startsWith('gone'))!.taskId;
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json).toEqual({
			error: `Item 2: Task ${gone} expired before a video was made (FastRouter’s status "expired")`,
			taskId: gone,
		});
		// Polled at the first resume after its 1-minute render, never again while the other renders on.
		expect(sim.counters.polls[gone]).toBe(1);
	});

	it('a failed generation is that item’s error item; the other item’s MP4 comes out (Continue On Fail)', async () => {
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:fail=Content policy]'], {
			continueOnFail: true,
		});
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json).toEqual({
			error: expect.stringMatching(/^Item 2: The generation of task \S+ failed: Content policy/),
			taskId: expect.any(String),
		});
	});

	it('without Continue On Fail, the node fails naming every task the wait created', async () => {
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:fail=Content policy]']);
		const [fox, boat] = [...sim.tasks.keys()];
		expect(result.error?.message).toBe(
			`Item 2: The generation of task ${boat} failed: Content policy`,
		);
		expect(result.error?.description).toContain(`Item 1: ${fox}`);
	});

	it('Max Wait and On Timeout: a task still running is an error naming it, or comes out as a task', async () => {
		const longer = { ...WAIT, prompt: 'slow [sim:duration=900000]' };
		const failed = await runDurably({ ...longer, options: { maxWait: 200 } }, ['x'], {
			continueOnFail: true,
		});
		expect(failed.items[0].json.error).toMatch(
			/^Item 1: Task \S+ did not finish within 200 s \(last status: processing/,
		);
		const output = await runDurably({ ...longer, options: { maxWait: 200, onTimeout: 'output' } }, [
			'x',
		]);
		expect(output.items[0].json).toMatchObject({
			status: 'processing',
			taskId: expect.any(String),
		});
		expect(output.items[0].binary).toBeUndefined();
	});

	it('Retry On Fail: a failed generation is created anew by the wait itself, and its video comes out', async () => {
		const result = await runDurably(WAIT, ['a fox', 'a boat [sim:failonce=Content policy]'], {
			settings: { retryOnFail: true, maxTries: 3 },
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(sim.counters.createsByPrompt).toEqual({
			'a fox': 1,
			'a boat [sim:failonce=Content policy]': 2,
		});
	});

	it('its watcher stopped from the executions list: the wait ends there, each item naming its task; no new watcher, no poll', async () => {
		const result = await runDurably(WAIT, ['a fox'], {
			continueOnFail: true,
			durable: {
				nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
				clock,
				onResume: (executionId: string, subExecutions: { stop: (id: string) => void }) => {
					if (executionId === 'sub-2') subExecutions.stop(executionId);
				},
			},
		});
		const [task] = [...sim.tasks.keys()];
		expect(result.items[0]?.json.error).toBe(
			`Item 1: This wait's watcher (sub-execution sub-2) was stopped; task ${task} was left on FastRouter`,
		);
		expect(Object.values(sim.counters.polls)).toEqual([]);
		expect(result.subExecutions?.stored.has('sub-3')).toBe(false);
	});

	it('its keeper stopped from the executions list: the watcher polls no more at its next run', async () => {
		const result = await runDurably(WAIT, ['a fox'], {
			continueOnFail: true,
			durable: {
				nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
				clock,
				onResume: (executionId: string, subExecutions: { stop: (id: string) => void }) => {
					if (executionId === 'sub-2') subExecutions.stop('sub-1');
				},
			},
		});
		expect(Object.values(sim.counters.polls)).toEqual([]);
		const watcher = (await result.subExecutions?.read('sub-2')) as {
			resultData: { runData: Record<string, Array<{ data: { main: INodeExecutionData[][] } }>> };
		};
		const [handedBack] =
			watcher.resultData.runData['Node Under Test · hand back'].at(-1)?.data.main[0] ?? [];
		const [task] = [...sim.tasks.keys()];
		expect(JSON.stringify(handedBack.json)).toContain(
			`The sub-execution this wait's watcher works for (sub-1) was stopped; task ${task} was left on FastRouter`,
		);
	});

	it('the execution stopped while it waits: the sub-execution stops polling at its next step', async () => {
		let stopped = false;
		const result = await runDurably(WAIT, ['a fox'], {
			continueOnFail: true,
			durable: {
				nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
				clock,
				onResume: (
					executionId: string,
					subExecutions: { stored: Map<string, { data: string }> },
				) => {
					// What stopping the execution leaves in n8n's database: its error.
					const parent = subExecutions.stored.get('test-execution');
					if (executionId !== 'test-execution' && parent && !stopped) {
						stopped = true;
						const data = flatted.parse(parent.data);
						data.resultData.error = { message: 'The execution was cancelled' };
						parent.data = flatted.stringify(data);
					}
				},
			},
		});
		expect(result.items[0]?.json.error ?? result.error?.message).toMatch(
			/The execution that started this wait \(test-execution\) was stopped; task \S+ was left on FastRouter/,
		);
		expect(Object.values(sim.counters.polls)).toEqual([]);
	});
});

/** The harness's sub-executions, as the test sees them to stop n8n while one runs. */
interface Harness {
	afterStep?: (
		executionId: string,
		nodeName: string,
		task: { data?: { main: unknown[][] } },
	) => void;
	kill: () => void;
	killWorker: () => void;
	markCrashedWhileRunning: () => Promise<void>;
	killed: string[];
	created: Set<string>;
	stored: Map<string, { status: string; parentExecutionId?: string }>;
}

describe('n8n stopped while the wait polls, downloads or creates again: every video still comes out, no create twice', () => {
	const RENDER = 5 * MINUTE;
	let harness: Harness | undefined;
	/**
	 * Renders of RENDER ms on the hostile server: each task's create time and prompt. `failOnce`: a
	 * prompt whose first generation fails. `stopAt`: n8n stops at the first create, poll or
	 * download it picks, while that request is in flight (it never gets its answer).
	 */
	function renders(
		options: {
			failOnce?: string;
			stopAt?: (route: 'create' | 'poll' | 'download', body?: IDataObject) => boolean;
			workerLost?: true;
			raceAtDownload?: true;
			downloadMs?: number;
		} = {},
	) {
		const tasks = new Map<string, { at: number; prompt: string }>();
		const failed = new Set<string>();
		let stopped = false;
		const stops = (route: 'create' | 'poll' | 'download', body?: IDataObject): boolean => {
			if (stopped || !options.stopAt?.(route, body)) return false;
			stopped = true;
			if (options.workerLost) harness?.killWorker();
			else harness?.kill();
			return true;
		};
		hostile.on(CREATE, ({ body, res }, h) => {
			const taskId = `task-${tasks.size + 1}`;
			tasks.set(taskId, { at: Date.now(), prompt: String(body?.prompt) });
			if (stops('create', body)) return h.hang(res);
			h.json(res, 200, h.accepted(taskId));
		});
		hostile.on(POLL, ({ body, res }, h) => {
			if (stops('poll', body)) return h.hang(res);
			const taskId = String(body?.taskId);
			const task = tasks.get(taskId);
			if (!task || Date.now() - task.at < RENDER) return h.json(res, 200, h.running(taskId));
			if (task.prompt === options.failOnce && !failed.has(task.prompt)) {
				failed.add(task.prompt);
				return h.json(res, 200, {
					code: 'SUCCESS',
					data: {
						taskId,
						status: 'failed',
						generations: [{ id: taskId, status: 'failed', failMsg: 'Content policy' }],
					},
				});
			}
			h.json(res, 200, h.finished(taskId, `${h.origins.b}/v.mp4`));
		});
		hostile.on('GET /v.mp4', ({ res }, h) => {
			downloads++;
			if (stops('download')) return h.hang(res);
			// A slow download: the clock moves on while the video comes (the fake clock runs only at jumps).
			if (options.downloadMs) jest.setSystemTime(Date.now() + options.downloadMs);
			if (options.raceAtDownload && downloads === 1) {
				pollsAtRace = hostile.counters.polls;
				return void harness?.markCrashedWhileRunning().then(() => h.mp4(res));
			}
			h.mp4(res);
		});
		return tasks;
	}
	const renderDone = (tasks: Map<string, { at: number }>) =>
		Date.now() - Math.min(...[...tasks.values()].map((task) => task.at)) >= RENDER;
	const run = async (prompts: string[], extra: IDataObject = {}) =>
		await runDurably({ ...WAIT, prompt: '={{ $json.prompt }}' }, prompts, {
			credentials: { fastRouterApi: { apiKey: hostile.apiKey, baseUrl: hostile.origins.a } },
			durable: {
				nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
				clock,
				tickPhase: 17_000,
				onResume: (_id: string, subs: Harness) => (harness = subs),
			},
			...extra,
		});
	const watchers = (result: DurableRun) =>
		[...(result.subExecutions as unknown as Harness).stored.entries()].filter(
			([id, entry]) => id !== 'sub-1' && entry.parentExecutionId === 'sub-1',
		);

	let downloads = 0;
	let pollsAtRace = 0;
	beforeEach(() => {
		harness = undefined;
		downloads = 0;
	});

	it('while a video downloads: the next watcher downloads it again; both MP4s, 2 creates', async () => {
		renders({ stopAt: (route) => route === 'download' });
		const result = await run(['a fox', 'a boat']);
		expect(harness?.killed).toEqual(['sub-2']);
		expect(result.items.map((item) => [item.json.status, videoBytes(item).length > 0])).toEqual([
			['succeeded', true],
			['succeeded', true],
		]);
		expect(hostile.counters.creates).toBe(2);
	});

	it('n8n’s start-up race: the watcher is marked crashed while it downloads and goes on; the keeper’s new watcher does the work again, the first one’s end is not taken (n8n 2.41 patches a parent only with the child it waits on)', async () => {
		const tasks = renders({ raceAtDownload: true });
		const result = await run(['a fox', 'a boat']);
		expect(result.items.map((item) => [item.json.status, videoBytes(item).length > 0])).toEqual([
			['succeeded', true],
			['succeeded', true],
		]);
		expect(tasks.size).toBe(2);
		// The first watcher downloaded both, unheeded; the second polled and downloaded both again.
		expect(downloads).toBe(4);
		expect(hostile.counters.polls - pollsAtRace).toBe(2);
		expect(watchers(result).map(([id, entry]) => [id, entry.status])).toEqual([
			['sub-2', 'success'],
			['sub-3', 'success'],
		]);
	});

	it.each([
		['n8n killed', {}],
		[
			'queue mode: the worker lost, the watcher stored as an error and its saved state gone',
			{ workerLost: true as const },
		],
	])(
		'while a poll is in flight, %s: the keeper starts a new watcher; both MP4s, 2 creates',
		async (_title, extra) => {
			const tasks = renders({ stopAt: (route) => route === 'poll' && renderDone(tasks), ...extra });
			const result = await run(['a fox', 'a boat']);
			expect(harness?.killed).toEqual(['sub-2']);
			expect(result.error).toBeUndefined();
			expect(
				result.items.map((item) => [
					item.json.status,
					videoBytes(item).length > 0,
					item.pairedItem,
				]),
			).toEqual([
				['succeeded', true, { item: 0 }],
				['succeeded', true, { item: 1 }],
			]);
			expect(hostile.counters.creates).toBe(2);
			expect(watchers(result).map(([, entry]) => entry.status)).toEqual([
				'workerLost' in extra ? 'error' : 'crashed',
				'success',
			]);
		},
	);

	it('right after the run that settled the wait, before the watcher handed it back: the keeper still finishes it; both MP4s, 2 creates', async () => {
		const tasks = renders();
		let stopped = false;
		const result = await runDurably(
			{ ...WAIT, prompt: '={{ $json.prompt }}' },
			['a fox', 'a boat'],
			{
				credentials: { fastRouterApi: { apiKey: hostile.apiKey, baseUrl: hostile.origins.a } },
				durable: {
					nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
					clock,
					tickPhase: 17_000,
					onResume: (_id: string, subs: Harness) => {
						harness = subs;
						// n8n saved the watch run whose second output holds the settled wait: n8n dies there.
						subs.afterStep = (_executionId, nodeName, task) => {
							if (stopped || !nodeName.endsWith(' · watch') || !task.data?.main[1]?.length) return;
							stopped = true;
							subs.kill();
						};
					},
				},
			},
		);
		expect(harness?.killed).toEqual(['sub-2']);
		expect(result.items.map((item) => [item.json.status, videoBytes(item).length > 0])).toEqual([
			['succeeded', true],
			['succeeded', true],
		]);
		expect(tasks.size).toBe(2);
	});

	it('a run starts no download after its 20 s budget: the rest goes on in the next run at once, after n8n saved this one, without a park', async () => {
		const tasks = renders({ downloadMs: 6_000 });
		const prompts = Array.from({ length: 14 }, (_, index) => `row ${index}`);
		const result = await run(prompts);
		expect(result.items.filter((item) => videoBytes(item).length > 0)).toHaveLength(14);
		expect(tasks.size).toBe(14);
		const renderEnd = Math.max(...[...tasks.values()].map((task) => task.at)) + RENDER;
		const sub2 = (
			result.subExecutions as unknown as { parks: Array<{ executionId: string; at: number }> }
		).parks.filter((park) => park.executionId === 'sub-2');
		expect(sub2.filter((park) => park.at >= renderEnd)).toEqual([]);
		// Ten downloads started at once (REQUESTS_AT_ONCE), their clock past the budget: four were left to a second run.
		const watch = (
			(await result.subExecutions?.read('sub-2')) as {
				resultData: { runData: Record<string, unknown[]> };
			}
		).resultData.runData['Node Under Test · watch'];
		expect(watch.length).toBe(sub2.length + 2);
	});

	it.each([
		['n8n killed', {}],
		['the worker lost (the watcher’s saved state gone)', { workerLost: true as const }],
	])(
		'after a re-create (Retry On Fail) was answered, %s: its new task is waited for, not created a third time; both MP4s',
		async (_title, extra) => {
			// The first poll after the re-create's answer: the keeper has kept the new task by then.
			const tasks = renders({
				failOnce: 'a boat',
				stopAt: (route) => route === 'poll' && tasks.size === 3,
				...extra,
			});
			const result = await run(['a fox', 'a boat'], {
				settings: { retryOnFail: true, maxTries: 3 },
			});
			expect(harness?.killed.length).toBe(1);
			expect(result.items.map((item) => [item.json.status, videoBytes(item).length > 0])).toEqual([
				['succeeded', true],
				['succeeded', true],
			]);
			expect([...tasks.values()].map((task) => task.prompt)).toEqual(['a fox', 'a boat', 'a boat']);
		},
	);

	it.each([
		['n8n killed', {}],
		['the worker lost', { workerLost: true as const }],
	])(
		'while the re-create itself is in flight, %s: it may have reached FastRouter, so it is never sent again; that item says so, the other’s MP4 comes out',
		async (_title, extra) => {
			const tasks = renders({
				failOnce: 'a boat',
				stopAt: (route) => route === 'create' && tasks.size === 3,
				...extra,
			});
			const result = await run(['a fox', 'a boat'], {
				settings: { retryOnFail: true, maxTries: 3 },
				continueOnFail: true,
			});
			expect(harness?.killed.length).toBe(1);
			expect(result.items[0].json.status).toBe('succeeded');
			expect(result.items[1].json.error).toMatch(
				/^Item 2: Not created again: n8n stopped while this item’s new create \(Retry On Fail\) was being sent/,
			);
			// The first create of each row, and the one re-create that was cut off: never a third.
			expect(hostile.counters.creates).toBe(3);
		},
	);
});

describe('Automatic: durable where nobody waits, in process where somebody does', () => {
	const waitedInProcess = (result: DurableRun) =>
		expect(result.subExecutions?.parks ?? []).toEqual([]);
	const quick = {
		...WAIT,
		prompt: '={{ $json.prompt }} [sim:duration=300]',
		options: { pollInterval: 1 },
	};

	it('a manual run (a person watching the editor) waits in process', async () => {
		const result = await runDurably(quick, ['a fox'], {
			mode: 'manual',
			trigger: { type: 'n8n-nodes-base.manualTrigger' },
		});
		waitedInProcess(result);
		expect(videoBytes(result.items[0]).length).toBe(VIDEO);
		expect(result.run.data.resultData.metadata?.FastRouter_wait).toBe(
			'in process (Automatic: a manual run)',
		);
	});

	it.each(['lastNode', 'streaming'])(
		'a webhook answering %s waits in process; Durable chosen there is refused before any create',
		async (responseMode) => {
			const webhook = {
				mode: 'webhook',
				trigger: { type: 'n8n-nodes-base.webhook', parameters: { responseMode } },
			};
			const result = await runDurably(quick, ['a fox'], webhook);
			waitedInProcess(result);
			expect(videoBytes(result.items[0]).length).toBe(VIDEO);
			sim.reset();
			const refused = await runDurably(
				{ ...quick, options: { waitMode: 'durable' } },
				['a fox'],
				webhook,
			);
			expect(refused.error?.message).toMatch(
				/^Wait Mode "Durable" cannot be used here: "Input" (answers its caller when the last node finishes: n8n would answer at the park, without the videos|streams its answer, and n8n ends the stream when the run parks)/,
			);
			expect(sim.counters.createRequests).toBe(0);
		},
	);

	it('a webhook answering from a Respond to Webhook node waits in process; Durable chosen there works (n8n answers after the resume)', async () => {
		const webhook = {
			mode: 'webhook',
			trigger: { type: 'n8n-nodes-base.webhook', parameters: { responseMode: 'responseNode' } },
		};
		waitedInProcess(await runDurably(quick, ['a fox'], webhook));
		const durable = await runDurably(
			{ ...WAIT, options: { waitMode: 'durable' } },
			['a fox'],
			webhook,
		);
		expect(childParks(durable).length).toBeGreaterThan(0);
		expect(videoBytes(durable.items[0]).length).toBe(VIDEO);
	});

	it('a webhook that answered at once waits durably', async () => {
		const result = await runDurably(WAIT, ['a fox'], {
			mode: 'webhook',
			trigger: { type: 'n8n-nodes-base.webhook', parameters: { responseMode: 'onReceived' } },
		});
		expect(childParks(result).length).toBeGreaterThan(0);
		expect(result.run.data.resultData.metadata?.FastRouter_wait).toBe(
			'durable (Automatic: "Input" answered at once) in sub-execution sub-1',
		);
	});

	it('a chat waits in process', async () => {
		const result = await runDurably(quick, ['a fox'], {
			mode: 'webhook',
			trigger: { type: '@n8n/n8n-nodes-langchain.chatTrigger' },
		});
		waitedInProcess(result);
	});

	it('a sub-workflow: durable when its caller parks with it and a schedule started the run, or when nobody waits for it; in process under a webhook', async () => {
		const sub = (
			shouldResume: boolean,
			source: string,
			trigger: { name: string; type: string },
		) => ({
			mode: 'integrated',
			parentExecution: {
				executionId: 'caller-1',
				workflowId: 'caller',
				shouldResume,
				executionContext: { version: 1, establishedAt: 0, source, triggerNode: trigger },
			},
		});
		const schedule = { name: 'Every hour', type: 'n8n-nodes-base.scheduleTrigger' };
		const parks = await runDurably(WAIT, ['a fox'], sub(true, 'trigger', schedule));
		expect(childParks(parks).length).toBeGreaterThan(0);
		expect(parks.run.data.resultData.metadata?.FastRouter_wait).toMatch(
			/^durable \(Automatic: a sub-workflow of a trigger run started by "Every hour"\)/,
		);
		const notWaitedFor = await runDurably(
			WAIT,
			['a fox'],
			sub(false, 'webhook', { name: 'Hook', type: 'n8n-nodes-base.webhook' }),
		);
		expect(notWaitedFor.run.data.resultData.metadata?.FastRouter_wait).toMatch(
			/^durable \(Automatic: a sub-workflow its caller does not wait for\)/,
		);
		const underWebhook = await runDurably(
			quick,
			['a fox'],
			sub(true, 'webhook', { name: 'Hook', type: 'n8n-nodes-base.webhook' }),
		);
		waitedInProcess(underWebhook);
	});

	it('an AI agent’s tool (n8n’s `…Tool` copy of the node) waits in process, even in a run nobody else waits on; Durable is refused there before any create', async () => {
		const tool = new FastRouterVideo();
		tool.description = { ...tool.description, name: 'fastRouterVideoTool' };
		const asTool = { nodeType: tool, ...SCHEDULE };
		waitedInProcess(await runDurably(quick, ['a fox'], asTool));
		sim.reset();
		const refused = await runDurably(
			{ ...quick, options: { waitMode: 'durable' } },
			['a fox'],
			asTool,
		);
		expect(refused.error?.message).toMatch(
			/^Wait Mode "Durable" cannot release an AI agent’s tool call: the agent waits for the answer/,
		);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('Wait Mode "In Process" is obeyed in a run that could wait durably', async () => {
		const result = await runDurably(
			{ ...quick, options: { pollInterval: 1, waitMode: 'inProcess' } },
			['a fox'],
		);
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
		const prompts = Array.from(
			{ length: ROWS },
			(_, index) => `row ${index} [sim:duration=${RENDER}]`,
		);
		const result = await runDurably(
			{ ...WAIT, options: { pollInterval: 65, maxWait: 1800 } },
			prompts,
			{ binaryMode: 'default' },
		);
		const elapsed = Date.now() - started;
		expect(result.items).toHaveLength(ROWS);
		expect(result.items.every((item: INodeExecutionData) => item.json.status === 'succeeded')).toBe(
			true,
		);
		expect(sim.counters.creates).toBe(ROWS);
		expect(elapsed).toBeLessThan(RENDER + 75_000);
		// Every task was polled together at each resume, not at every other one.
		const polls = Object.values(sim.counters.polls);
		expect(Math.max(...polls)).toBeLessThanOrEqual(Math.ceil(RENDER / 65_000) + 1);
		// The watcher (sub-2) parks at every poll; the keeper (sub-1) once, with the wait as handed on.
		const sizes = childParks(result)
			.filter((park) => park.executionId === 'sub-2')
			.map((park) => park.bytes);
		expect(sizes.length).toBeGreaterThanOrEqual(9);
		const keeper = childParks(result)
			.filter((park) => park.executionId === 'sub-1')
			.map((park) => park.bytes);
		expect(keeper).toHaveLength(1);
		expect(keeper[0]).toBeLessThan(2 * sizes[0]);
		// The videos are kept inline in this harness's binary mode: only the parks before the first video count.
		const beforeVideos = sizes.slice(0, -1);
		expect(Math.max(...beforeVideos)).toBeLessThan(2 * sizes[0]);
	});
});

describe('Max Credits per Run and the trace, waiting durably', () => {
	const SIX_CREDITS = { ...WAIT, length: 8 };

	it('20 rows of 6 credits within 50: 8 created and their MP4s out, 12 error items naming the limit, none with a task', async () => {
		const prompts = Array.from({ length: 20 }, (_, index) => `row ${index + 1}`);
		const result = await runDurably({ ...SIX_CREDITS, options: { maxCredits: 50 } }, prompts, {
			continueOnFail: true,
		});
		expect(childParks(result).length).toBeGreaterThan(0);
		expect(sim.counters.creates).toBe(8);
		expect(result.items.slice(0, 8).map((item) => videoBytes(item).length)).toEqual(
			Array(8).fill(VIDEO),
		);
		for (const item of result.items.slice(8)) {
			expect(item.json).toEqual({
				error: expect.stringMatching(
					/^Item \d+: not created: this run's credit limit of 50 would be passed \(48 used by 8 videos\)$/,
				),
			});
		}
		const child = (await result.subExecutions?.read('sub-1')) as {
			resultData: { metadata: Record<string, string> };
		};
		expect(child.resultData.metadata.FastRouter_cost).toBe(
			'8 videos, 48 credits, 12 not created: credit limit',
		);
	});

	it('the wait’s own re-create (Retry On Fail) counts against the limit too', async () => {
		const result = await runDurably(
			{ ...SIX_CREDITS, options: { maxCredits: 12 } },
			['a fox', 'a boat [sim:failonce=Content policy]'],
			{
				continueOnFail: true,
				settings: { retryOnFail: true, maxTries: 3 },
			},
		);
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json.error).toBe(
			"Item 2: not created: this run's credit limit of 12 would be passed (12 used by 2 videos)",
		);
		expect(sim.counters.createsByPrompt).toEqual({
			'a fox': 1,
			'a boat [sim:failonce=Content policy]': 1,
		});
	});

	it('the creates (by the execution) and the polls (by its sub-execution) carry one trace: the execution’s', async () => {
		await runDurably(WAIT, ['a fox', 'a boat'], { executionId: 'durable-run' });
		const traces = sim.counters.traces.map(
			(entry) => /^00-([0-9a-f]{32})-/.exec(entry.traceparent ?? '')?.[1],
		);
		expect(sim.counters.traces.map((entry) => entry.route)).toEqual(
			expect.arrayContaining(['POST /api/v1/videos', 'POST /api/v1/getVideoResponse']),
		);
		expect(traces.every(Boolean)).toBe(true);
		expect(new Set(traces).size).toBe(1);
	});
});

describe('the key', () => {
	it('is in nothing the sub-execution stores, even when FastRouter echoes it', async () => {
		const key = hostile.apiKey;
		hostile.on(CREATE, ({ res }, h) =>
			h.json(res, 200, { ...h.accepted(`task-${key}`), note: `seen ${key}` }),
		);
		hostile.on(POLL, ({ body, res }, h) =>
			h.json(res, 200, { ...h.running(String(body?.taskId)), note: `seen ${key}` }),
		);
		const result = await runDurably(
			{ ...WAIT, prompt: `echo ${key}`, options: { maxWait: 150, includeRawResponse: true } },
			['x'],
			{
				credentials: { fastRouterApi: { apiKey: key, baseUrl: hostile.origins.a } },
				continueOnFail: true,
			},
		);
		const stored = [
			...(result.subExecutions as NonNullable<DurableRun['subExecutions']>).stored.values(),
		]
			.map((entry) => entry.data)
			.join('\n');
		expect(stored.length).toBeGreaterThan(1000);
		expect(stored).not.toContain(key);
		expect(JSON.stringify(result.items)).not.toContain(key);
	});
});

describe('a wait stored by an earlier version resumes after the package is updated', () => {
	// test/fixtures/durable/v2-parked.json: a sub-execution as n8n stored it at its first park, by the
	// version before the keeper (one sub-execution that polled itself). Every later version must read
	// it, or end it naming its tasks (docs/durable-waits.md, "The stored state, and changing it").
	const fixture = () =>
		JSON.parse(
			fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'durable', 'v2-parked.json'), 'utf8'),
		);
	const resume = async (stored: { workflowData: unknown; data: string; waitTill: string }) => {
		happyPath(hostile);
		jest.setSystemTime(new Date(stored.waitTill).getTime());
		return await engine.resumeStored({
			stored,
			nodeTypes: { fastRouterVideoWait: new FastRouterVideoWait() },
			credentialTypes: { fastRouterApi: new FastRouterApi() },
			credentials: { fastRouterApi: { apiKey: hostile.apiKey, baseUrl: hostile.origins.a } },
			clock,
			// The execution that started the wait, still waiting for it in n8n's database.
			getRunExecutionData: async () => ({ resultData: { runData: {} } }),
		});
	};

	it('resumed by this version, each task is polled and both MP4s come out, paired with their rows', async () => {
		const stored = fixture();
		const { run, output } = await resume(stored);
		expect(run.status).toBe('success');
		expect(
			output.map((item: INodeExecutionData) => [
				item.json.status,
				videoBytes(item).length > 0,
				item.pairedItem,
			]),
		).toEqual([
			['succeeded', true, { item: 0 }],
			['succeeded', true, { item: 1 }],
		]);
		// The tasks the fixture's wait had created, each polled once, none created again.
		const tasks = JSON.stringify(stored).match(/task[0-9a-f]{24}/g) ?? [];
		expect(output.map((item: INodeExecutionData) => item.json.taskId)).toEqual([...new Set(tasks)]);
		expect(hostile.counters.creates).toBe(0);
	});

	it('a state this version cannot read (another version of it) ends the wait, naming every task; nothing is polled or created', async () => {
		const stored = fixture();
		const data = flatted.parse(stored.data);
		data.executionData.contextData.flow.fastRouterVideoWait.v = 99;
		const { run } = await resume({ ...stored, data: flatted.stringify(data) });
		expect(run.status).toBe('error');
		const error = run.data.resultData.error;
		expect(error.message).toBe(
			'This durable wait was stored in a form this version of n8n-nodes-fastrouter cannot read (state version 99): the wait ends here',
		);
		const tasks = [...new Set(JSON.stringify(stored).match(/task[0-9a-f]{24}/g) ?? [])];
		expect(tasks).toHaveLength(2);
		expect(error.description).toContain(`Item 1: task ${tasks[0]}`);
		expect(error.description).toContain(`Item 2: task ${tasks[1]}`);
		expect(hostile.counters.polls + hostile.counters.creates).toBe(0);
	});
});
