/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { limiter, mapInPool } from '../../nodes/FastRouterVideo/batch/pool';

/** Work that ends when told to, recording what started and how many ran at once. */
function gate() {
	let running = 0;
	let peak = 0;
	const started: string[] = [];
	const release = new Map<string, (fail?: boolean) => void>();
	const work = (name: string) => async () => {
		started.push(name);
		running++;
		peak = Math.max(peak, running);
		const fail = await new Promise<boolean | undefined>((resolve) => release.set(name, resolve));
		running--;
		if (fail) throw new Error(`${name} failed`);
		return name.toUpperCase();
	};
	const tick = async () => await new Promise((resolve) => setImmediate(resolve));
	return { work, started, release, tick, peak: () => peak };
}

describe('the create limit (one limiter shared by every item of a run)', () => {
	it('runs at most N at once, the others in call order as slots free up, and passes results and failures on', async () => {
		const g = gate();
		const limit = limiter(2);
		const calls = ['a', 'b', 'c', 'd'].map((name) => limit(g.work(name)));
		await g.tick();
		expect(g.started).toEqual(['a', 'b']);
		g.release.get('b')?.(true);
		await expect(calls[1]).rejects.toThrow('b failed');
		await g.tick();
		// A failure frees its slot too: the next in line starts.
		expect(g.started).toEqual(['a', 'b', 'c']);
		g.release.get('a')?.();
		await g.tick();
		expect(g.started).toEqual(['a', 'b', 'c', 'd']);
		g.release.get('c')?.();
		g.release.get('d')?.();
		await expect(Promise.all([calls[0], calls[2], calls[3]])).resolves.toEqual(['A', 'C', 'D']);
		expect(g.peak()).toBe(2);
	});

	it('bounds the creates of a pool that runs more items at once than that', async () => {
		const g = gate();
		const limit = limiter(3);
		// Like Create and Wait: 10 items at once, each one create through the limit, then more work.
		const run = mapInPool(Array.from({ length: 10 }, (_, i) => `item${i}`), 10, async (name) => await limit(g.work(name)));
		await g.tick();
		expect(g.started).toEqual(['item0', 'item1', 'item2']);
		for (let i = 0; i < 10; i++) {
			g.release.get(`item${i}`)?.();
			await g.tick();
		}
		await expect(run).resolves.toHaveLength(10);
		expect(g.peak()).toBe(3);
	});

	it('treats a width below 1 as 1', async () => {
		const g = gate();
		const limit = limiter(0);
		const calls = [limit(g.work('a')), limit(g.work('b'))];
		await g.tick();
		expect(g.started).toEqual(['a']);
		g.release.get('a')?.();
		await g.tick();
		g.release.get('b')?.();
		await expect(Promise.all(calls)).resolves.toEqual(['A', 'B']);
	});
});
