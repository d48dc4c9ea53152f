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

/**
 * At most `concurrency` calls of the returned function run at once; the others start in call
 * order as earlier ones end. For one kind of request shared by work that mapInPool runs wider.
 */
export function limiter(concurrency: number): Limiter {
	const width = Math.max(1, Math.floor(concurrency) || 1);
	let running = 0;
	const waiting: Array<() => void> = [];
	return async <R>(work: () => Promise<R>): Promise<R> => {
		if (running < width) running++;
		// The slot is handed over by the call that ends, already counted.
		else await new Promise<void>((resolve) => waiting.push(resolve));
		try {
			return await work();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else running--;
		}
	};
}
