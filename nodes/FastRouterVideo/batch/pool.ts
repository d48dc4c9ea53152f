import { sleep } from 'n8n-workflow';

/**
 * Runs `work` for every entry with at most `concurrency` running at once; the results keep the
 * input order. Once `signal` is aborted no further entry starts (the running ones see the same
 * signal through n8n's helpers and stop themselves). The first failure rejects the whole run, as
 * Promise.all does, and no further entry starts after it.
 *
 * Our own, not p-limit: n8n 1.x does not provide p-limit to community nodes, and a package that
 * requires it does not load there at all.
 */
export async function mapInPool<T, R>(
	entries: readonly T[],
	concurrency: number,
	work: (entry: T, index: number) => Promise<R>,
	signal?: AbortSignal,
): Promise<R[]> {
	const results = new Array<R>(entries.length);
	const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, entries.length));
	let next = 0;
	let stopped = false;

	const lane = async (): Promise<void> => {
		while (!stopped && !signal?.aborted && next < entries.length) {
			const index = next++;
			let done = false;
			try {
				results[index] = await work(entries[index], index);
				done = true;
			} finally {
				// A failure stops every lane from taking more; Promise.all passes the error on.
				if (!done) stopped = true;
			}
		}
	};

	await Promise.all(Array.from({ length: width }, lane));
	return results;
}

/** Runs `work` once a slot is free. */
export type Limiter = <R>(work: () => Promise<R>) => Promise<R>;

/** A limiter that also says whether calls wait for a slot, and when none does. */
export interface QueueLimiter extends Limiter {
	waiting(): number;
	/** Resolves once no call waits for a slot (at once when none does). */
	noneWaiting(): Promise<void>;
}

/**
 * At most `concurrency` calls of the returned function run at once; the others start in call
 * order as earlier ones end. For one kind of request shared by work that mapInPool runs wider.
 */
export function limiter(concurrency: number): QueueLimiter {
	const width = Math.max(1, Math.floor(concurrency) || 1);
	let running = 0;
	const waiting: Array<() => void> = [];
	let drained: Array<() => void> = [];
	const limit = async <R>(work: () => Promise<R>): Promise<R> => {
		if (running < width) running++;
		// The slot is handed over by the call that ends, already counted.
		else await new Promise<void>((resolve) => waiting.push(resolve));
		try {
			return await work();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else running--;
			if (waiting.length === 0 && drained.length > 0) {
				for (const resolve of drained) resolve();
				drained = [];
			}
		}
	};
	return Object.assign(limit, {
		waiting: () => waiting.length,
		noneWaiting: async () =>
			waiting.length === 0
				? undefined
				: await new Promise<void>((resolve) => drained.push(resolve)),
	});
}

/** Runs one poll when its turn comes, and not later than `notAfter` (ms since epoch) for the creates' sake. */
export type PollTurn = <R>(poll: () => Promise<R>, notAfter: number) => Promise<R>;

/** How often held polls are checked against their `notAfter`. */
const HOLD_TICK_MS = 100;

/**
 * The turns of one run's polls. A create starts a render, and the batch ends with its last render;
 * a poll only looks. When the two share the process's time (1,000 rows: every request one more turn
 * of n8n's HTTP stack), polls that run unbounded beside ten creates take most of it, and the last
 * creates — the batch's end — come seconds late. So a poll waits while any create waits for a slot
 * (never past its `notAfter`: a task is still looked at by its deadline), and at most `width` polls
 * run at once.
 */
export function pollTurns(creates: QueueLimiter, width: number): PollTurn {
	const polls = limiter(width);
	const held = new Set<{ notAfter: number; go: () => void }>();
	let watching = false;
	const watchHeld = async () => {
		watching = true;
		while (held.size > 0) {
			await sleep(HOLD_TICK_MS);
			const now = Date.now();
			for (const entry of held) if (entry.notAfter <= now) entry.go();
		}
		watching = false;
	};
	const hold = async (notAfter: number) =>
		await new Promise<void>((resolve) => {
			const entry = {
				notAfter,
				go: () => {
					held.delete(entry);
					resolve();
				},
			};
			held.add(entry);
			if (!watching) void watchHeld();
			void creates.noneWaiting().then(entry.go);
		});
	return async <R>(poll: () => Promise<R>, notAfter: number): Promise<R> => {
		if (creates.waiting() > 0 && notAfter > Date.now()) await hold(notAfter);
		return await polls(poll);
	};
}
