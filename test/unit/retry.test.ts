import {
	createRetry,
	downloadPause,
	DOWNLOAD_ATTEMPTS,
	isRetryable,
	retryAfterMs,
} from '../../nodes/FastRouterVideo/transport/retryPolicy';

const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('what is worth another try', () => {
	it('a poll: no answer, a 429 or a 5xx; never a 2xx, a 3xx or another 4xx', () => {
		expect(
			[undefined, 429, 500, 502, 503, 599].map((status) => isRetryable('poll', status)),
		).toEqual([true, true, true, true, true, true]);
		expect(
			[200, 302, 400, 401, 402, 403, 404, 405].map((status) => isRetryable('poll', status)),
		).toEqual([false, false, false, false, false, false, false, false]);
	});

	it('a create: only a 429, which created nothing; no answer or a 5xx may have created a task', () => {
		expect(isRetryable('create', 429)).toBe(true);
		expect(
			[undefined, 500, 502, 200, 301, 400, 404].map((status) => isRetryable('create', status)),
		).toEqual([false, false, false, false, false, false, false]);
	});

	it('a download: no answer or a 5xx; a video host’s 4xx (429 included) and a redirect not followed are final', () => {
		expect([undefined, 500, 503].map((status) => isRetryable('download', status))).toEqual([
			true,
			true,
			true,
		]);
		expect([302, 403, 404, 410, 429].map((status) => isRetryable('download', status))).toEqual([
			false,
			false,
			false,
			false,
			false,
		]);
	});
});

describe('Retry-After', () => {
	it('reads seconds', () => {
		expect(retryAfterMs('3', NOW)).toBe(3000);
		expect(retryAfterMs('0.5', NOW)).toBe(500);
		expect(retryAfterMs('3600', NOW)).toBe(3_600_000);
	});

	it('reads an HTTP date as the time from now', () => {
		expect(retryAfterMs('Thu, 01 Jan 2026 12:00:30 GMT', NOW)).toBe(30_000);
		expect(retryAfterMs(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
	});

	it('a date already past, or a negative number, asks for no wait', () => {
		expect(retryAfterMs('Thu, 01 Jan 2026 11:59:00 GMT', NOW)).toBe(0);
		expect(retryAfterMs('-5', NOW)).toBe(0);
	});

	it('garbage or nothing is no Retry-After at all', () => {
		expect(retryAfterMs('soon', NOW)).toBeUndefined();
		expect(retryAfterMs('12 parsecs', NOW)).toBeUndefined();
		expect(retryAfterMs('', NOW)).toBeUndefined();
		expect(retryAfterMs(undefined, NOW)).toBeUndefined();
	});
});

describe('a create answered 429', () => {
	const deadline = NOW + 120_000;

	it('is sent again after Retry-After, else after 2 s doubling, at most 3 times', () => {
		expect(createRetry(429, 0, 1000, NOW, deadline)).toEqual({ kind: 'retry', waitMs: 1000 });
		expect([0, 1, 2].map((attempt) => createRetry(429, attempt, undefined, NOW, deadline))).toEqual(
			[
				{ kind: 'retry', waitMs: 2000 },
				{ kind: 'retry', waitMs: 4000 },
				{ kind: 'retry', waitMs: 8000 },
			],
		);
		expect(createRetry(429, 3, 1000, NOW, deadline)).toEqual({ kind: 'report' });
	});

	it('reports a wait longer than 120 s, or longer than what is left, instead of sleeping through it', () => {
		expect(createRetry(429, 0, 121_000, NOW, NOW + 3_600_000)).toEqual({
			kind: 'tooLong',
			waitMs: 121_000,
		});
		expect(createRetry(429, 0, 120_000, NOW, NOW + 3_600_000)).toEqual({
			kind: 'retry',
			waitMs: 120_000,
		});
		expect(createRetry(429, 0, 5000, NOW, NOW + 4000)).toEqual({ kind: 'tooLong', waitMs: 5000 });
		expect(createRetry(429, 0, 4000, NOW, NOW + 4000)).toEqual({ kind: 'retry', waitMs: 4000 });
	});

	it('any other answer is reported: the create is never sent twice', () => {
		for (const status of [200, 400, 500, 502, 503])
			expect(createRetry(status, 0, 1000, NOW, deadline)).toEqual({ kind: 'report' });
	});
});

describe('a download', () => {
	it('is tried 3 times in all, pausing 1 s, then 2 s', () => {
		expect(DOWNLOAD_ATTEMPTS).toBe(3);
		expect([1, 2, 3].map(downloadPause)).toEqual([0, 1000, 2000]);
	});
});
