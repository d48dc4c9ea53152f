import { sleep } from 'n8n-workflow';

/**
 * Waits that must end on time. n8n's helpers offer no deadline for a credentialed request (their
 * abort signal is the execution's cancel signal), and `sleep` cannot be cancelled on every n8n
 * version, so a short-ticking watch ends the wait instead: whatever the socket does, the caller
 * gets its answer by the deadline.
 */

const TICK_MS = 100;

export type Timed<T> = { ok: true; value: T } | { ok: false };

/**
 * The value of `promise`, or `{ ok: false }` once `deadline` (ms since epoch) has passed. A value
 * that arrives too late goes to `lateValue` so its socket can be closed.
 */
export async function beforeDeadline<T>(
	promise: Promise<T>,
	deadline: number,
	lateValue?: (value: T) => void,
	signal?: AbortSignal,
): Promise<Timed<T>> {
	let settled = false;
	let gaveUp = false;
	const answered = promise.then(
		(value): Timed<T> => {
			settled = true;
			if (gaveUp) lateValue?.(value);
			return { ok: true, value };
		},
		(error: unknown) => {
			settled = true;
			throw error;
		},
	);
	const watch = (async (): Promise<Timed<T>> => {
		// Also ends on cancel: n8n versions that do not abort the request itself still stop waiting.
		while (!settled && Date.now() < deadline && !signal?.aborted) await sleep(Math.min(TICK_MS, Math.max(1, deadline - Date.now())));
		if (!settled) gaveUp = true;
		return { ok: false };
	})();
	return await Promise.race([answered, watch]);
}

/** Runs `check` every tick until `isDone()`: the one timer a streamed body needs. */
export async function watchUntil(isDone: () => boolean, check: () => void): Promise<void> {
	while (!isDone()) {
		await sleep(TICK_MS);
		if (!isDone()) check();
	}
}

/** Seconds, for messages: 1.5 s reads better than 1500 ms, and 2 s better than 2.0 s. */
export function seconds(ms: number): string {
	// Tenths, so a limit measured a few ms after it was set (1998 ms) still reads as set (2 s).
	return `${Math.round(ms / 100) / 10} s`;
}
