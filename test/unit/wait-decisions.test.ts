import {
	firstPoll,
	lastErrorOf,
	type PollDecision,
	nextPoll,
	type Poll,
	type PollPolicy,
	pollState,
	STATUS_MAX_WAIT_MS,
	STATUS_POLICY,
	waitPolicy,
} from '../../nodes/FastRouterVideo/polling/cadence';
import { isRetryable } from '../../nodes/FastRouterVideo/transport/retryPolicy';
import type { ApiFailure } from '../../nodes/FastRouterVideo/errors/failure';

/**
 * The poll loop's decisions, run against a fake clock: each sleep moves the clock on by what was
 * asked, each poll takes `pollMs`, and the answers are given in order. No timer, no server.
 */

type Task = { status: string; progress: number | null };

const T0 = 1_000_000;

function running(progress: number | null = null): Poll<Task> {
	return { kind: 'status', task: { status: 'processing', progress } };
}
function succeeded(): Poll<Task> {
	return { kind: 'status', task: { status: 'succeeded', progress: 100 } };
}
function unknownWord(word: string): Poll<Task> {
	return { kind: 'status', task: { status: 'queued', progress: null }, unknownStatus: word };
}
function failure(
	statusCode: number | undefined,
	message: string,
	extra: Partial<ApiFailure> = {},
): ApiFailure {
	return {
		message,
		description: '',
		statusCode,
		retryable: isRetryable('poll', statusCode),
		...extra,
	};
}
function failing(
	statusCode: number | undefined,
	message = `HTTP ${statusCode}`,
	extra: Partial<ApiFailure> = {},
): Poll<Task> {
	return { kind: 'failure', failure: failure(statusCode, message, extra) };
}
/** An answer the node cannot use (HTML with 200): retried, but counted. */
function htmlPage(): Poll<Task> {
	return failing(
		undefined,
		'FastRouter answered the status check (HTTP 200) with an HTML page instead of a task status',
		{ persistent: true },
	);
}

function drive(
	policy: PollPolicy,
	deadline: number,
	answers: Array<Poll<Task>>,
	pollMs = 0,
	start: Task = { status: 'queued', progress: null },
) {
	let now = T0;
	const sleeps: number[] = [];
	let step: PollDecision<Task> = firstPoll(policy, pollState(deadline, start), now);
	let polls = 0;
	while (step.kind === 'sleep') {
		sleeps.push(step.ms);
		now += step.ms;
		const answer = answers[polls++];
		if (!answer)
			throw new Error(`poll ${polls} at +${now - T0} ms has no answer: the loop should have ended`);
		now += pollMs;
		step = nextPoll(policy, step.state, answer, now);
	}
	return { end: step, sleeps, polls, elapsed: now - T0 };
}

describe('the wait (Create and Wait)', () => {
	it('polls a running task every interval, the first one interval after the create, until it is done', () => {
		const { end, sleeps } = drive(waitPolicy(5000), T0 + 60_000, [
			running(10),
			running(50),
			succeeded(),
		]);
		expect(sleeps).toEqual([5000, 5000, 5000]);
		expect(end).toEqual({ kind: 'answered', task: { status: 'succeeded', progress: 100 } });
	});

	it('never polls more often than every second, whatever interval it is given', () => {
		expect(drive(waitPolicy(200), T0 + 60_000, [running(), succeeded()]).sleeps).toEqual([
			1000, 1000,
		]);
		expect(drive(waitPolicy(0), T0 + 60_000, [failing(500), succeeded()]).sleeps).toEqual([
			1000, 1000,
		]);
	});

	it('backs off from the interval, doubling up to 60 s, and an answer starts it over', () => {
		const answers = [
			...Array.from({ length: 6 }, () => failing(500)),
			running(),
			failing(502),
			succeeded(),
		];
		const { end, sleeps } = drive(waitPolicy(5000), T0 + 600_000, answers);
		expect(sleeps).toEqual([5000, 5000, 10_000, 20_000, 40_000, 60_000, 60_000, 5000, 5000]);
		expect(end.kind).toBe('answered');
	});

	it('waits as long as Retry-After asks, and the backoff still doubles behind it', () => {
		const { sleeps } = drive(waitPolicy(5000), T0 + 600_000, [
			failing(429, 'slow down', { retryAfterMs: 7000 }),
			failing(503),
			succeeded(),
		]);
		expect(sleeps).toEqual([5000, 7000, 10_000]);
	});

	it('a Retry-After longer than what is left ends the wait at once, keeping the 429, and says so', () => {
		const rateLimited = failing(429, 'Rate limited by FastRouter (429): slow down', {
			retryAfterMs: 3_600_000,
		});
		const { end, sleeps, elapsed } = drive(
			waitPolicy(5000),
			T0 + 20_000,
			[running(30), rateLimited],
			0,
		);
		expect(sleeps).toEqual([5000, 5000]);
		expect(elapsed).toBe(10_000);
		expect(end).toEqual({
			kind: 'timeout',
			task: { status: 'processing', progress: 30 },
			lastFailure: (rateLimited as { failure: ApiFailure }).failure,
			refusedWait: { askedMs: 3_600_000, leftMs: 10_000 },
		});
		expect(lastErrorOf(end as Extract<PollDecision<Task>, { kind: 'timeout' }>)).toBe(
			'Rate limited by FastRouter (429): slow down; FastRouter asked to wait 3600 s (Retry-After), more than the 10 s left',
		);
	});

	it('3 unusable answers in a row end it with the last of them; a usable answer in between resets the count', () => {
		const { end, polls } = drive(waitPolicy(1000), T0 + 600_000, [
			htmlPage(),
			unknownWord('moderating'),
			running(5),
			htmlPage(),
			htmlPage(),
			htmlPage(),
		]);
		expect(polls).toBe(6);
		expect(end).toMatchObject({
			kind: 'failed',
			failure: { persistent: true },
			task: { status: 'processing', progress: 5 },
		});
	});

	it('3 unknown status words in a row end it naming the word, with the state answered before the third', () => {
		const { end, polls } = drive(waitPolicy(1000), T0 + 600_000, [
			running(20),
			unknownWord('moderating'),
			unknownWord('checking'),
			unknownWord('moderating'),
		]);
		expect(polls).toBe(4);
		expect(end).toMatchObject({
			kind: 'failed',
			failure: {
				message: 'FastRouter reported the status "moderating", which this node does not know',
			},
			task: { status: 'queued', progress: null },
		});
	});

	it('a failure no retry helps (404, 401, an error envelope) ends it at once with the latest state', () => {
		for (const status of [400, 401, 403, 404, 200]) {
			const { end, polls } = drive(waitPolicy(1000), T0 + 600_000, [
				running(60),
				failing(status, `HTTP ${status}`),
			]);
			expect(polls).toBe(2);
			expect(end).toMatchObject({
				kind: 'failed',
				failure: { statusCode: status },
				task: { progress: 60 },
			});
		}
	});

	it('at the deadline: the last pause is cut to what is left, the task looked at once more, then a timeout with its latest state', () => {
		const { end, sleeps, polls } = drive(
			waitPolicy(5000),
			T0 + 12_000,
			[running(10), running(20), running(30)],
			0,
		);
		expect(sleeps).toEqual([5000, 5000, 2000]);
		expect(polls).toBe(3);
		expect(end).toEqual({ kind: 'timeout', task: { status: 'processing', progress: 30 } });
	});

	it('a slow answer counts against the deadline too', () => {
		const { end, sleeps } = drive(waitPolicy(5000), T0 + 12_000, [running(10), running(20)], 4000);
		expect(sleeps).toEqual([5000, 3000]);
		expect(end).toMatchObject({ kind: 'timeout', task: { progress: 20 } });
	});

	it('keeps the last failure it saw at a timeout, even after answers that came later', () => {
		const providerDown = failing(502, 'The model’s provider is unavailable (502): provider down');
		const { end } = drive(waitPolicy(1000), T0 + 3000, [providerDown, running(40), running(40)], 0);
		expect(end).toEqual({
			kind: 'timeout',
			task: { status: 'processing', progress: 40 },
			lastFailure: (providerDown as { failure: ApiFailure }).failure,
		});
		expect(lastErrorOf(end as Extract<PollDecision<Task>, { kind: 'timeout' }>)).toBe(
			'The model’s provider is unavailable (502): provider down',
		);
	});

	it('a deadline already passed ends it before any poll, with the task as created', () => {
		const step = firstPoll(waitPolicy(5000), pollState(T0, { status: 'queued', progress: 0 }), T0);
		expect(step).toEqual({ kind: 'timeout', task: { status: 'queued', progress: 0 } });
	});
});

describe('one look (Get Status)', () => {
	const deadline = T0 + STATUS_MAX_WAIT_MS;

	it('polls at once and ends at the first status, whatever it is', () => {
		expect(drive(STATUS_POLICY, deadline, [running(10)])).toMatchObject({
			sleeps: [0],
			polls: 1,
			end: { kind: 'answered', task: { progress: 10 } },
		});
		expect(drive(STATUS_POLICY, deadline, [unknownWord('moderating')])).toMatchObject({
			polls: 1,
			end: { kind: 'answered' },
		});
	});

	it('tries a blip again after 1 s, then 2 s: 3 polls in all, ending with the last failure', () => {
		const { end, sleeps } = drive(STATUS_POLICY, deadline, [
			failing(503, 'first'),
			failing(500, 'second'),
			failing(502, 'third'),
		]);
		expect(sleeps).toEqual([0, 1000, 2000]);
		expect(end).toMatchObject({ kind: 'failed', failure: { message: 'third' } });
		expect(
			drive(STATUS_POLICY, deadline, [failing(429, 'limited', { retryAfterMs: 1500 }), succeeded()])
				.sleeps,
		).toEqual([0, 1500]);
	});

	it('does not retry what a retry cannot fix', () => {
		expect(
			drive(STATUS_POLICY, deadline, [failing(404, 'Task not found or expired (404)')]),
		).toMatchObject({ polls: 1, end: { kind: 'failed', failure: { statusCode: 404 } } });
	});

	it('stops, with the failure, when a pause would pass its deadline: no last look', () => {
		const { end, polls } = drive(
			STATUS_POLICY,
			deadline,
			[failing(503, 'slow and failing')],
			STATUS_MAX_WAIT_MS - 500,
		);
		expect(polls).toBe(1);
		expect(end).toMatchObject({ kind: 'timeout', lastFailure: { message: 'slow and failing' } });
		const asked = drive(STATUS_POLICY, deadline, [
			failing(429, 'limited', { retryAfterMs: 3_600_000 }),
		]);
		expect(asked).toMatchObject({
			polls: 1,
			end: { kind: 'timeout', lastFailure: { message: 'limited' } },
		});
	});
});
