/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FastRouterApi } from '../../credentials/FastRouterApi.credentials';
import { waitItem, type WaitState } from '../../nodes/FastRouterVideo/durable/waitState';
import { pollState } from '../../nodes/FastRouterVideo/polling/cadence';
import type { NormalizedTask } from '../../nodes/FastRouterVideo/polling/normalize';
import { FastRouterVideoWait } from '../../nodes/FastRouterVideoWait/FastRouterVideoWait.node';
import { POLL, useHostileServer } from '../helpers/hostile';
import { type RunResult, runVideoNode, SIM_KEY, videoBytes } from '../helpers/node';
import { startSimulator, type Simulator } from '../simulator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const engine = require('../helpers/engine') as { runNode: (options: Record<string, unknown>) => Promise<RunResult & { run: { waitTill?: string } }> };

// The steps of a durable wait, each run in n8n's engine on the items a sub-execution carries (the
// sub-execution itself, its stored waits and resumes, are n8n's: test/real-n8n/durable.test.js).

const hostile = useHostileServer();
let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ durationMs: 200, videoBytes: 32 * 1024 });
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const PARENT = 'parent-1';
/** What n8n's database answers for the parent: still waiting, or stopped. */
const waitingParent = async () => ({ resultData: { runData: {} }, waitTill: new Date('2999-12-31') });
const stoppedParent = async () => ({ resultData: { runData: {}, error: { message: 'The execution was cancelled' } } });

async function createTasks(prompts: string[]): Promise<NormalizedTask[]> {
	const result = await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: '={{ $json.prompt }}' }, prompts.map((prompt) => ({ prompt })));
	return result.items.map((item) => item.json as unknown as NormalizedTask);
}

function waiting(task: NormalizedTask, itemIndex: number, extra: Partial<WaitState> = {}): WaitState {
	const now = Date.now();
	return {
		v: 1,
		itemIndex,
		parentExecutionId: PARENT,
		policy: { continueOnFail: false, toErrorOutput: false },
		options: {
			intervalMs: 60_000,
			maxWaitS: 600,
			onTimeout: 'error',
			includeRaw: false,
			delivery: { attach: true, binaryPropertyName: 'data', limits: { maxBytes: 1024 * 1024, timeoutMs: 30_000 } },
		},
		phase: 'waiting',
		created: { itemIndex, taskId: task.taskId as string, status: task.status },
		start: task,
		poll: { ...pollState(now + 600_000, task), nextPollAt: now - 1 },
		...extra,
	};
}

async function runStep(step: 'poll' | 'wait' | 'finish', states: WaitState[], options: IDataObject = {}) {
	return await engine.runNode({
		nodeType: new FastRouterVideoWait(),
		credentialTypes: { fastRouterApi: new FastRouterApi() },
		credentials: { fastRouterApi: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
		parameters: { step },
		items: states.map((state) => waitItem(state).json),
		getRunExecutionData: waitingParent,
		...options,
	});
}

function statesOf(items: Array<{ json: IDataObject }>): WaitState[] {
	return items.map((item) => (item.json.details as IDataObject).fastRouterVideoWait as unknown as WaitState);
}

describe('the poll step', () => {
	it('polls the due tasks, downloads a finished video, and routes everything to finish once all are settled', async () => {
		const [fox, boat] = await createTasks(['a fox', 'a boat']);
		await sleep(300);
		const result = await runStep('poll', [waiting(fox, 0), waiting(boat, 1)]);
		expect(result.errorItems).toEqual([]);
		const states = statesOf(result.items);
		expect(states.map((state) => [state.phase, state.outcome?.kind])).toEqual([
			['settled', 'output'],
			['settled', 'output'],
		]);
		expect(states[0].outcome).toMatchObject({ json: { taskId: fox.taskId, status: 'succeeded' } });
		expect(result.items.map((item: INodeExecutionData) => videoBytes(item).length)).toEqual([32 * 1024, 32 * 1024]);
		// Every item stays readable as what it is, should n8n hand it back early: an error item naming its task.
		expect(result.items[0].json).toEqual({ error: expect.stringContaining(`task ${fox.taskId} finished`), details: expect.objectContaining({ taskId: fox.taskId }) });
		expect(result.items.map((item: INodeExecutionData) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('leaves a task that is not due alone, and sends every item to wait while one still runs', async () => {
		const [fox, boat] = await createTasks(['a fox', 'a boat [sim:duration=60000]']);
		await sleep(300);
		const later = Date.now() + 60_000;
		const result = await runStep('poll', [waiting(fox, 0), waiting(boat, 1), waiting(boat, 2, { poll: { ...pollState(later, boat), nextPollAt: later } })]);
		expect(result.items).toEqual([]);
		const states = statesOf(result.errorItems);
		expect(states.map((state) => state.phase)).toEqual(['settled', 'waiting', 'waiting']);
		expect(states[1].poll?.nextPollAt).toBeGreaterThan(Date.now() + 55_000);
		expect(states[1].poll?.latest).toMatchObject({ taskId: boat.taskId, status: expect.stringMatching(/^(queued|processing)$/) });
		// The third was not due: not polled.
		expect(sim.counters.polls[boat.taskId as string]).toBe(1);
		expect(result.errorItems[1].json.error).toMatch(new RegExp(`durable wait for task ${boat.taskId} was cut short.*Get Status`));
	});

	it('applies Max Wait and On Timeout itself', async () => {
		const [slow] = await createTasks(['slow [sim:duration=60000]']);
		const past = Date.now() - 1;
		const timedOut = (onTimeout: 'error' | 'output', itemIndex: number) =>
			waiting(slow, itemIndex, { poll: { ...pollState(past, slow), nextPollAt: past }, options: { ...waiting(slow, 0).options, onTimeout, maxWaitS: 60 } });
		const states = statesOf((await runStep('poll', [timedOut('error', 0), timedOut('output', 1)])).items);
		expect(states[0].outcome).toMatchObject({ kind: 'failed', failure: { taskId: slow.taskId, message: expect.stringMatching(/did not finish within 60 s \(last status: (queued|processing)/) } });
		expect(states[1].outcome).toMatchObject({ kind: 'output', json: { taskId: slow.taskId } });
	});

	it('with Retry On Fail, creates a failed generation anew, once per try left, and settles it failed after that', async () => {
		const [failing] = await createTasks(['a boat [sim:fail=Content policy]']);
		await sleep(300);
		const request = { model: 'google/veo3', body: { model: 'google/veo3', prompt: 'a boat [sim:fail=Content policy]' } };
		const retried = statesOf((await runStep('poll', [waiting(failing, 0, { retry: { triesLeft: 1, request } })])).errorItems);
		expect(retried[0]).toMatchObject({ phase: 'waiting', retry: { triesLeft: 0 } });
		expect(retried[0].start?.taskId).not.toBe(failing.taskId);
		expect(sim.counters.createsByPrompt).toEqual({ 'a boat [sim:fail=Content policy]': 2 });
		await sleep(300);
		const due = { ...retried[0], poll: { ...(retried[0].poll as NonNullable<WaitState['poll']>), nextPollAt: Date.now() - 1 } };
		const settled = statesOf((await runStep('poll', [due])).items);
		expect(settled[0].outcome).toMatchObject({ kind: 'failed', failure: { message: expect.stringMatching(/^The generation of task .* failed: Content policy/) } });
		expect(sim.counters.createsByPrompt).toEqual({ 'a boat [sim:fail=Content policy]': 2 });
	});

	it('stops polling once the execution that started the wait was stopped: nothing keeps polling an orphan', async () => {
		const [fox] = await createTasks(['a fox [sim:duration=60000]']);
		const result = await runStep('poll', [waiting(fox, 0)], { getRunExecutionData: stoppedParent });
		expect(sim.counters.polls).toEqual({});
		expect(statesOf(result.items)[0].outcome).toMatchObject({ kind: 'failed', failure: { message: `The execution that started this wait (${PARENT}) was stopped; task ${fox.taskId} was left on FastRouter` } });
	});

	it('stores nothing of the key a server echoes: the items n8n keeps with the sub-execution are redacted', async () => {
		const key = hostile.apiKey;
		hostile.on(POLL, ({ body, res }, h) => h.json(res, 200, { ...h.running(String(body?.taskId)), note: `seen ${key}` }));
		const task = { taskId: `task-${key}`, model: 'google/veo3', status: 'queued' } as unknown as NormalizedTask;
		const result = await engine.runNode({
			nodeType: new FastRouterVideoWait(),
			credentialTypes: { fastRouterApi: new FastRouterApi() },
			credentials: { fastRouterApi: { apiKey: key, baseUrl: hostile.origins.a } },
			parameters: { step: 'poll' },
			items: [waitItem({ ...waiting(task, 0), options: { ...waiting(task, 0).options, includeRaw: true }, raw: { echoed: key } }).json],
			getRunExecutionData: waitingParent,
		});
		expect(result.errorItems).toHaveLength(1);
		// The input here is made up with the key in it; what the step stored of its run is not.
		const stepRun = (result.run as unknown as { data: { resultData: { runData: IDataObject } } }).data.resultData.runData['Node Under Test'];
		expect(JSON.stringify(stepRun)).not.toContain(key);
		expect(JSON.stringify(result.errorItems)).toContain('[redacted]');
	});

	it('refuses items that are not a durable wait’s: the step does nothing on its own', async () => {
		const result = await engine.runNode({
			nodeType: new FastRouterVideoWait(),
			credentialTypes: { fastRouterApi: new FastRouterApi() },
			credentials: { fastRouterApi: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
			parameters: { step: 'poll' },
			items: [{ taskId: 'task123', model: 'google/veo3' }],
		});
		expect(result.error?.message).toMatch(/internal step of FastRouter Video’s durable wait/);
		expect(sim.counters.polls).toEqual({});
	});
});

describe('the wait step', () => {
	it('stores the wait until the earliest next poll and passes the items on', async () => {
		const [fox, boat] = await createTasks(['a fox', 'a boat']);
		const soon = Date.now() + 61_000;
		const states = [waiting(fox, 0, { poll: { ...pollState(soon + 600_000, fox), nextPollAt: soon + 30_000 } }), waiting(boat, 1, { poll: { ...pollState(soon + 600_000, boat), nextPollAt: soon } })];
		const result = await runStep('wait', states);
		expect(result.status).toBe('waiting');
		expect(new Date(result.run.waitTill as unknown as Date).getTime()).toBe(soon);
		expect(statesOf(result.items)).toEqual(states);
	});
});

describe('the finish step', () => {
	function settled(task: NormalizedTask, itemIndex: number, outcome: WaitState['outcome'], policy = { continueOnFail: true, toErrorOutput: true }): WaitState {
		return { ...waiting(task, itemIndex), phase: 'settled', outcome, policy };
	}

	it('gives one item per input item, in order: videos, and failures as the node’s On Error says', async () => {
		const [fox, boat] = await createTasks(['a fox', 'a boat']);
		const failure = { itemIndex: 1, taskId: boat.taskId, message: `The generation of task ${boat.taskId} failed: Content policy` };
		const binaries = [{ data: { data: Buffer.from('not checked here'), fileName: 'fox.mp4', mimeType: 'video/mp4' } }];
		const result = await runStep('finish', [settled(fox, 0, { kind: 'output', json: { ...fox, status: 'succeeded' } }), settled(boat, 1, { kind: 'failed', failure })], { binaries });
		expect(result.items.map((item: INodeExecutionData) => item.json.taskId ?? (item.json.details as IDataObject | undefined)?.taskId)).toEqual([fox.taskId, boat.taskId]);
		expect(result.items[0].json).not.toHaveProperty('details');
		expect(result.items[0].binary?.data.fileName).toBe('fox.mp4');
		expect(result.items[1].json).toEqual({ error: `Item 2: ${failure.message}`, details: { taskId: boat.taskId } });
	});

	it('without Continue On Fail, fails as the node’s error naming every task the wait created', async () => {
		const [fox, boat] = await createTasks(['a fox', 'a boat']);
		const stop = { continueOnFail: false, toErrorOutput: false };
		const failure = { itemIndex: 1, taskId: boat.taskId, message: `The generation of task ${boat.taskId} failed: Content policy` };
		const result = await runStep('finish', [settled(fox, 0, { kind: 'output', json: { ...fox } }, stop), settled(boat, 1, { kind: 'failed', failure }, stop)]);
		expect(result.error?.message).toBe(`Item 2: ${failure.message}`);
		expect(result.error?.description).toContain(`Item 1: ${fox.taskId}`);
	});
});

describe('Wait Mode "Durable", started in this engine (which runs no sub-executions)', () => {
	it('creates each task once, and when the sub-execution cannot start, fails naming every task it created', async () => {
		const result = await runVideoNode(sim, { operation: 'createAndWait', model: 'google/veo3', prompt: '={{ $json.prompt }}', options: { waitMode: 'durable' } }, [{ prompt: 'a fox' }, { prompt: 'a boat' }]);
		expect(result.error?.message).toMatch(/^Item 1: The durable wait could not start: not available in tests/);
		const ids = [...sim.tasks.keys()];
		for (const id of ids) expect(`${result.error?.message} ${result.error?.description}`).toContain(id);
		expect(sim.counters.creates).toBe(2);
		expect(sim.counters.polls).toEqual({});
	});

	it('with nothing left to wait for, gives the failures themselves, under Continue On Fail', async () => {
		sim.setFault('broke', { createError: 402 });
		const result = await runVideoNode(sim, { operation: 'createAndWait', model: 'google/veo3', prompt: '={{ $json.prompt }}', options: { waitMode: 'durable' } }, [{ prompt: 'broke' }, { prompt: 'broke' }], { continueOnFail: true });
		expect(result.items.map((item) => item.json.error)).toEqual([expect.stringMatching(/^Item 1: Not enough FastRouter credits/), expect.stringMatching(/^Item 2: Not enough FastRouter credits/)]);
		expect(sim.counters.creates).toBe(0);
	});

	it('refuses bad options before anything is created, as in process', async () => {
		const result = await runVideoNode(sim, { operation: 'createAndWait', model: 'google/veo3', prompt: 'p', options: { waitMode: 'later' } });
		expect(result.error?.message).toMatch(/^Item 1: "Wait Mode" \(waitMode\) later is not one of "inProcess", "durable"/);
		expect(sim.counters.createRequests).toBe(0);
	});
});
