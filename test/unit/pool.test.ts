/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { limiter, mapInPool, pollTurns } from '../../nodes/FastRouterVideo/batch/pool';

/**
 * Jobs that end when told to (`release.get(name)?.()`, or `?.(true)` to fail), recording what
 * started and how many ran at once.
 */
function gate() {
	let running = 0;
	let peak = 0;
	const started: string[] = [];
	const release = new Map<string, (fail?: boolean) => void>();
	const run = async <T>(name: string, value: T): Promise<T> => {
		started.push(name);
		running++;
		peak = Math.max(peak, running);
		const fail = await new Promise<boolean | undefined>((resolve) => release.set(name, resolve));
		running--;
		if (fail) throw new Error(`${name} failed`);
		return value;
	};
	/** A limiter's job: ends with its name in capitals. */
	const work = (name: string) => async () => await run(name, name.toUpperCase());
	/** A pool's job for one entry: ends with ten times the entry, named by its index. */
	const item = async (entry: number, index: number) => await run(String(index), entry * 10);
	const tick = async () => await new Promise((resolve) => setImmediate(resolve));
	return { work, item, started, release, tick, peak: () => peak };
}

describe('the item pool (in place of p-limit)', () => {
	it('runs at most N at once, starts the next as one finishes, and keeps the input order', async () => {
		const g = gate();
		const running = mapInPool([1, 2, 3, 4, 5], 2, g.item);
		await g.tick();
		expect(g.started).toEqual(['0', '1']);
		// Finishing out of order: item 1 first frees a lane for item 2.
		g.release.get('1')?.();
		await g.tick();
		expect(g.started).toEqual(['0', '1', '2']);
		for (const index of [2, 0, 3, 4]) {
			await g.tick();
			g.release.get(String(index))?.();
		}
		await g.tick();
		g.release.get('4')?.();
		await expect(running).resolves.toEqual([10, 20, 30, 40, 50]);
		expect(g.peak()).toBe(2);
	});

	it('starts nothing more once the signal is aborted', async () => {
		const g = gate();
		const controller = new AbortController();
		const running = mapInPool([1, 2, 3, 4], 2, g.item, controller.signal);
		await g.tick();
		controller.abort();
		g.release.get('0')?.();
		g.release.get('1')?.();
		const results = await running;
		expect(g.started).toEqual(['0', '1']);
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
		const running = mapInPool([1, 2], 0, g.item);
		await g.tick();
		expect(g.started).toEqual(['0']);
		g.release.get('0')?.();
		await g.tick();
		g.release.get('1')?.();
		await expect(running).resolves.toEqual([10, 20]);
		await expect(mapInPool([], 5, g.item)).resolves.toEqual([]);
	});
});

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
		const run = mapInPool(
			Array.from({ length: 10 }, (_, i) => `item${i}`),
			10,
			async (name) => await limit(g.work(name)),
		);
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

describe('the poll turns (in-process polls give way to the run’s creates)', () => {
	it('holds a poll while a create waits for a slot, lets it go once none waits, and bounds the polls at once', async () => {
		const g = gate();
		const creates = limiter(1);
		const turn = pollTurns(creates, 2);
		const later = Date.now() + 60_000;
		const made = [creates(g.work('create1')), creates(g.work('create2'))];
		const polls = ['poll1', 'poll2', 'poll3'].map(async (name) => await turn(g.work(name), later));
		await g.tick();
		// create2 waits for create1's slot: no poll goes.
		expect(g.started).toEqual(['create1']);
		g.release.get('create1')?.();
		await g.tick();
		await g.tick();
		// create2 now runs and none waits: the polls go, two at once.
		expect(g.started).toEqual(['create1', 'create2', 'poll1', 'poll2']);
		g.release.get('poll1')?.();
		await g.tick();
		expect(g.started).toContain('poll3');
		for (const name of ['create2', 'poll2', 'poll3']) g.release.get(name)?.();
		await expect(Promise.all([...made, ...polls])).resolves.toEqual([
			'CREATE1',
			'CREATE2',
			'POLL1',
			'POLL2',
			'POLL3',
		]);
	});

	it('lets a held poll go by its notAfter even while creates still wait', async () => {
		const g = gate();
		const creates = limiter(1);
		const turn = pollTurns(creates, 2);
		const made = [creates(g.work('create1')), creates(g.work('create2'))];
		const poll = turn(g.work('poll'), Date.now() + 50);
		await g.tick();
		expect(g.started).toEqual(['create1']);
		// The watcher looks every 100 ms: by then the poll's notAfter has passed.
		await new Promise((resolve) => setTimeout(resolve, 250));
		expect(g.started).toEqual(['create1', 'poll']);
		for (const name of ['poll', 'create1']) g.release.get(name)?.();
		await g.tick();
		g.release.get('create2')?.();
		await expect(Promise.all([...made, poll])).resolves.toEqual(['CREATE1', 'CREATE2', 'POLL']);
	});

	it('does not hold a poll when no create waits', async () => {
		const g = gate();
		const turn = pollTurns(limiter(10), 1);
		const poll = turn(g.work('poll'), Date.now() + 60_000);
		await g.tick();
		expect(g.started).toEqual(['poll']);
		g.release.get('poll')?.();
		await expect(poll).resolves.toBe('POLL');
	});
});
