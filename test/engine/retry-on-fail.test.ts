import { runVideoNode, videoBytes } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';

// n8n's Retry On Fail calls the node again, in the same execution, with the same items. The node
// remembers what earlier tries created: a task that exists and has not failed is re-attached, a
// create that may have made a task is never sent again, and only an item whose generation failed
// (or that nothing was created for) is created anew.

const sim = useSimulator({ durationMs: 300, videoBytes: 64 * 1024 });

// n8n reads a waitBetweenTries of 0 as its default, 1000 ms: 1 ms keeps the tries back to back.
const RETRY = { settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 1 } };
const WAIT = {
	operation: 'createAndWait',
	model: 'google/veo3',
	prompt: '={{ $json.prompt }}',
	options: { pollInterval: 1 },
};

describe('Retry On Fail, Create and Wait', () => {
	it('the second row’s generation fails once: the retry re-attaches the first, creates the second anew, and both videos come out', async () => {
		const rows = [{ prompt: 'a fox' }, { prompt: 'a boat [sim:failonce=Content policy]' }];
		const result = await runVideoNode(sim, WAIT, rows, RETRY);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(result.items.map((item) => videoBytes(item).length)).toEqual([64 * 1024, 64 * 1024]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(sim.counters.createsByPrompt).toEqual({
			'a fox': 1,
			'a boat [sim:failonce=Content policy]': 2,
		});
		// The first row's one task, fetched on each of the two tries.
		expect(result.items[0].json.taskId).toBe(
			[...sim.tasks.values()].find((task) => task.prompt === 'a fox')?.taskId,
		);
	});

	it('the second row’s create answer is lost after the task was made: every try fails, nothing is sent twice', async () => {
		sim.setFault('a boat', { createError: 'drop', createErrorTimes: Infinity });
		const result = await runVideoNode(
			sim,
			WAIT,
			[{ prompt: 'a fox' }, { prompt: 'a boat' }],
			RETRY,
		);
		expect(result.error?.message).toMatch(
			/^Item 2: .*may have been created; not retried to avoid a double charge/,
		);
		expect(result.error?.description).toMatch(
			/Retry On Fail did not send it again: the earlier try's create \(model google\/veo3, prompt "a boat"\) may have made a task/,
		);
		const fox = [...sim.tasks.values()].find((task) => task.prompt === 'a fox');
		expect(result.error?.description).toContain(`Item 1: ${fox?.taskId}`);
		expect(sim.counters.createsByPrompt).toEqual({ 'a fox': 1, 'a boat': 1 });
		// Three tries: the first row's task was waited for and fetched on each.
		expect(sim.counters.downloads).toBe(3);
	});

	it('a create refused before anything was made (402) is sent again by each try', async () => {
		sim.setFault('broke', { createError: 402 });
		const result = await runVideoNode(sim, WAIT, [{ prompt: 'broke' }], RETRY);
		expect(result.error?.message).toMatch(/^Item 1: Not enough FastRouter credits \(402\)/);
		expect(sim.counters.createsByPrompt).toEqual({ broke: 3 });
		expect(sim.counters.creates).toBe(0);
	});

	it('a timed-out task is re-attached by the retry and waited for again, not created again', async () => {
		const result = await runVideoNode(
			sim,
			{ ...WAIT, options: { pollInterval: 1, maxWait: 1 } },
			[{ prompt: 'slow [sim:duration=2500]' }],
			RETRY,
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('succeeded');
		expect(sim.counters.createsByPrompt).toEqual({ 'slow [sim:duration=2500]': 1 });
	});

	it('nothing is remembered across runs: a second run of the same items creates again', async () => {
		const create = { operation: 'create', model: 'google/veo3', prompt: '={{ $json.prompt }}' };
		await runVideoNode(sim, create, [{ prompt: 'a fox' }], RETRY);
		await runVideoNode(sim, create, [{ prompt: 'a fox' }], RETRY);
		expect(sim.counters.createsByPrompt).toEqual({ 'a fox': 2 });
	});
});

describe('Retry On Fail, Create', () => {
	it('a lost create answer fails every try and is sent once; the other row’s task is re-attached, not created again', async () => {
		sim.setFault('a boat', { createError: 'drop', createErrorTimes: Infinity });
		const result = await runVideoNode(
			sim,
			{ operation: 'create', model: 'google/veo3', prompt: '={{ $json.prompt }}' },
			[{ prompt: 'a fox' }, { prompt: 'a boat' }],
			RETRY,
		);
		expect(result.error?.message).toMatch(/^Item 2: .*may have been created/);
		expect(sim.counters.createsByPrompt).toEqual({ 'a fox': 1, 'a boat': 1 });
		expect(sim.counters.createRequests).toBe(2);
	});
});
