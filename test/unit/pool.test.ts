/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { mapInPool } from '../../nodes/FastRouterVideo/batch/pool';

/** A job that finishes when told to, recording how many run at once. */
function gate() {
	let running = 0;
	let peak = 0;
	const started: number[] = [];
	const release = new Map<number, () => void>();
	const work = async (entry: number, index: number) => {
		started.push(index);
		running++;
		peak = Math.max(peak, running);
		await new Promise<void>((resolve) => release.set(index, resolve));
		running--;
		return entry * 10;
	};
	const tick = async () => await new Promise((resolve) => setImmediate(resolve));
	return { work, started, release, tick, peak: () => peak };
}

describe('the item pool (in place of p-limit)', () => {
	it('runs at most N at once, starts the next as one finishes, and keeps the input order', async () => {
		const g = gate();
		const running = mapInPool([1, 2, 3, 4, 5], 2, g.work);
		await g.tick();
		expect(g.started).toEqual([0, 1]);
		// Finishing out of order: item 1 first frees a lane for item 2.
		g.release.get(1)?.();
		await g.tick();
		expect(g.started).toEqual([0, 1, 2]);
		for (const index of [2, 0, 3, 4]) {
			await g.tick();
			g.release.get(index)?.();
		}
		await g.tick();
		g.release.get(4)?.();
		await expect(running).resolves.toEqual([10, 20, 30, 40, 50]);
		expect(g.peak()).toBe(2);
	});

	it('starts nothing more once the signal is aborted', async () => {
		const g = gate();
		const controller = new AbortController();
		const running = mapInPool([1, 2, 3, 4], 2, g.work, controller.signal);
		await g.tick();
		controller.abort();
		g.release.get(0)?.();
		g.release.get(1)?.();
		const results = await running;
		expect(g.started).toEqual([0, 1]);
		expect(results.filter((value) => value !== undefined)).toEqual([10, 20]);
	});

	it('rejects with the first failure and starts no further entry', async () => {
		const started: number[] = [];
		const run = mapInPool([0, 1, 2, 3], 1, async (_entry, index) => {
			started.push(index);
			if (index === 1) throw new Error('boom');
			return index;
		});
		await expect(run).rejects.toThrow('boom');
		expect(started).toEqual([0, 1]);
	});

	it('treats a concurrency below 1 as 1 and handles an empty batch', async () => {
		const g = gate();
		const running = mapInPool([1, 2], 0, g.work);
		await g.tick();
		expect(g.started).toEqual([0]);
		g.release.get(0)?.();
		await g.tick();
		g.release.get(1)?.();
		await expect(running).resolves.toEqual([10, 20]);
		await expect(mapInPool([], 5, g.work)).resolves.toEqual([]);
	});
});
