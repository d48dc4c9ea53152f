/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import type { IDataObject } from 'n8n-workflow';

import { FIELDS_FROM_ITEM, runVideoNode } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';
import { sleep } from '../helpers/sleep';

// Items that end without a video: failed items on the error output or failing the node, Max Wait
// (as an error or as output), and cancel.

const sim = useSimulator({ durationMs: 1200, videoBytes: 200 * 1024 });

function waitParameters(options: IDataObject = {}): IDataObject {
	return { operation: 'createAndWait', model: '={{ $json.model }}', ...FIELDS_FROM_ITEM, options: { pollInterval: 1, ...options } };
}

describe('Create and Wait', () => {
	it('with "Continue (using error output)", every failed item — created tasks included — goes to the error output with its id', async () => {
		sim.setFault('fails veo', { fail: 'Veo could not render this' });
		const rows = [
			{ model: 'google/veo3', prompt: 'fine' },
			{ model: 'google/veo3', prompt: 'fails veo' },
			{ model: 'google/veo3', prompt: 'bad resolution', resolution: '4k' },
		];
		const result = await runVideoNode(sim, waitParameters(), rows, { onError: 'continueErrorOutput' });
		expect(result.items.map((item) => item.json.status)).toEqual(['succeeded']);
		const [failed, rejected] = result.errorItems;
		const [failedTask] = [...sim.tasks.values()].filter((task) => task.prompt === 'fails veo');
		expect(failed.json.error).toMatch(/^Item 2: The generation of task \S+ failed: Veo could not render this/);
		expect(failed.json.details).toEqual({ taskId: failedTask.taskId });
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(rejected.json.error).toMatch(/^Item 3: "resolution" 4k is not available/);
		expect(rejected.json.details).toBeUndefined();
		expect(rejected.pairedItem).toEqual({ item: 2 });
		expect(sim.counters.creates).toBe(2);
	});

	it('without Continue On Fail, a failed item fails the node and the error lists every created task', async () => {
		sim.setFault('bad luck', { fail: 'nope' });
		const result = await runVideoNode(sim, waitParameters(), [
			{ model: 'google/veo3', prompt: 'good luck' },
			{ model: 'google/veo3', prompt: 'bad luck' },
		]);
		expect(result.error?.message).toMatch(/^Item 2: The generation of task \S+ failed: nope/);
		const [goodTask] = [...sim.tasks.values()].filter((task) => task.prompt === 'good luck');
		expect(result.error?.description).toContain(goodTask.taskId);
	});

	it('a timeout with onTimeout "output" returns the task id; a later Get Status completes it', async () => {
		// Still running at the one poll Max Wait allows (1 s), done 1.5 s later.
		sim.setFault('slow', { durationMs: 2500 });
		const result = await runVideoNode(sim, waitParameters({ maxWait: 1, onTimeout: 'output' }), [{ model: 'google/veo3', prompt: 'slow' }]);
		expect(result.error).toBeUndefined();
		const item = result.items[0];
		expect(item.json.status).toMatch(/queued|processing/);
		expect(item.binary).toBeUndefined();
		const task = sim.tasks.get(item.json.taskId as string)!;
		await sleep(task.createdAt + task.durationMs - Date.now());
		const later = await runVideoNode(sim, { operation: 'getStatus', model: 'google/veo3', taskId: '={{ $json.taskId }}' }, [item.json]);
		expect(later.items[0].json).toMatchObject({ taskId: item.json.taskId, status: 'succeeded' });
		expect(later.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(sim.counters.creates).toBe(1);
	});

	it('a timeout with the default onTimeout is an error naming the task id', async () => {
		sim.setFault('too slow', { durationMs: 5000 });
		const result = await runVideoNode(sim, waitParameters({ maxWait: 1 }), [{ model: 'google/veo3', prompt: 'too slow' }]);
		const taskId = [...sim.tasks.keys()][0];
		expect(result.error?.message).toMatch(new RegExp(`Task ${taskId} did not finish within 1 s`));
	});

	it('cancelling the execution stops the wait promptly', async () => {
		sim.setFault('forever', { durationMs: 60_000 });
		const started = Date.now();
		let cancelledAt = 0;
		// An interval the cancel must cut short: uncancelled, the first poll comes 2.3 s after the cancel.
		const run = runVideoNode(sim, waitParameters({ pollInterval: 3 }), [{ model: 'google/veo3', prompt: 'forever' }], {
			onStart: (cancel) =>
				setTimeout(() => {
					cancelledAt = Date.now();
					cancel();
				}, 700),
		});
		await run.catch(() => undefined);
		const stoppedAfterCancel = Date.now() - cancelledAt;
		expect(cancelledAt).toBeGreaterThan(started);
		expect(stoppedAfterCancel).toBeLessThan(1500);
		const [task] = sim.tasks.values();
		const pollsSoFar = sim.counters.polls[task.taskId] ?? 0;
		// Past the moment the first poll would have come (the interval after the create), with a margin.
		await sleep(task.createdAt + 3000 + 1000 - Date.now());
		expect(sim.counters.polls[task.taskId] ?? 0).toBe(pollsSoFar);
	});
});
