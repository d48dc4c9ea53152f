import { sleep } from 'n8n-workflow';

/**
 * Waits and reads that end on time, whatever the socket does. n8n's helpers offer no deadline for
 * a credentialed request (their abort signal is the execution's cancel signal), and `sleep` cannot
 * be cancelled on every n8n version, so one short-ticking watcher ends them instead: a request
 * that never answers, a body that trickles or never ends, a download that stalls.
 */

const TICK_MS = 100;

/** Why a watch ended something: the run was cancelled, the deadline passed, or no data came for too long. */
export type StopReason = 'cancelled' | 'deadline' | 'idle';

interface WatchLimits {
	/** ms since epoch */
	deadline: number;
	/** No activity (`touch`) for this long stops it. */
	idleMs?: number;
	signal?: AbortSignal;
}

interface Watch {
	/** Data arrived: the idle limit counts from now. */
	touch(): void;
	/** Finished on its own: `onStop` will not be called. */
	end(): void;
	readonly ended: boolean;
}

/**
 * The one watcher: calls `onStop` once, with the first limit that is reached, unless `end()` came
 * first. Every deadline, idle limit and cancel check of the node goes through it.
 */
export function watch(limits: WatchLimits, onStop: (reason: StopReason) => void): Watch {
	let lastActivity = Date.now();
	let ended = false;
	const reached = (): StopReason | undefined => {
		const now = Date.now();
		if (limits.signal?.aborted) return 'cancelled';
		if (now >= limits.deadline) return 'deadline';
		if (limits.idleMs !== undefined && now - lastActivity >= limits.idleMs) return 'idle';
		return undefined;
	};
	void (async () => {
		while (!ended) {
			await sleep(Math.min(TICK_MS, Math.max(1, limits.deadline - Date.now())));
			const reason = ended ? undefined : reached();
			if (reason) {
				ended = true;
				onStop(reason);
			}
		}
	})();
	return {
		touch: () => (lastActivity = Date.now()),
		end: () => (ended = true),
		get ended() {
			return ended;
		},
	};
}

type Timed<T> = { ok: true; value: T } | { ok: false };

/**
 * The value of `promise`, or `{ ok: false }` once `deadline` (ms since epoch) has passed or the
 * run is cancelled. A value that arrives too late goes to `lateValue` so its socket can be closed.
 */
export async function beforeDeadline<T>(
	promise: Promise<T>,
	deadline: number,
	lateValue?: (value: T) => void,
	signal?: AbortSignal,
): Promise<Timed<T>> {
	let gaveUp = false;
	let giveUp: (timed: Timed<T>) => void = () => undefined;
	const stopped = new Promise<Timed<T>>((resolve) => (giveUp = resolve));
	// Also ends on cancel: n8n versions that do not abort the request itself still stop waiting.
	const watcher = watch({ deadline, signal }, () => {
		gaveUp = true;
		giveUp({ ok: false });
	});
	const answered = promise.then(
		(value): Timed<T> => {
			watcher.end();
			if (gaveUp) lateValue?.(value);
			return { ok: true, value };
		},
		(error: unknown) => {
			watcher.end();
			throw error;
		},
	);
	return await Promise.race([answered, stopped]);
}
