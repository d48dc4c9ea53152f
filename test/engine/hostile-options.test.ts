import {
	CREATE,
	elapsedSince,
	happyPath,
	POLL,
	runAgainst,
	useHostileServer,
	waitParameters,
} from '../helpers/hostile';
import { cancelAfter } from '../helpers/node';
import { sleep } from '../helpers/sleep';

// The node against a hostile server; the rules are numbered in test/helpers/hostile.ts. Every test
// also checks rule 2, at most one create per item: it counts the creates.
// This file: options that make no sense, size and time limits, and cancel.

const hostile = useHostileServer();

describe('rule 6: every wait is bounded', () => {
	it('Max Video Size stops a video larger than it, declared or not, and keeps no binary', async () => {
		happyPath(hostile);
		hostile.on('b GET /v.mp4', ({ res }, h) =>
			h.mp4(res, { bytes: 3 * 1024 * 1024, declareLength: false }),
		);
		hostile.on('b GET /declared.mp4', ({ res }, h) => h.mp4(res, { bytes: 64 * 1024 * 1024 }));
		const result = await runAgainst(
			hostile,
			waitParameters({ maxVideoSize: 1 }),
			[{ prompt: 'p' }],
			{ continueOnFail: true },
		);
		expect(result.items[0].json.error).toMatch(
			/larger than Max Video Size \(1 MB\); download stopped/,
		);
		expect(result.items[0].binary).toBeUndefined();
		happyPath(hostile, '/declared.mp4');
		const declared = await runAgainst(
			hostile,
			waitParameters({ maxVideoSize: 1 }),
			[{ prompt: 'q' }],
			{ continueOnFail: true },
		);
		expect(declared.items[0].json.error).toMatch(
			/the video is 64 MB, more than Max Video Size \(1 MB\)/,
		);
		expect(hostile.counters.creates).toBe(2);
		// Refused before a byte was read: the download's connection is closed, not left paused.
		const deadline = Date.now() + 3000;
		while (hostile.counters.open.b > 0 && Date.now() < deadline) await sleep(50);
		expect(hostile.counters.open.b).toBe(0);
	});

	it('a download that trickles or stalls ends at Download Timeout', async () => {
		happyPath(hostile);
		hostile.on('b GET /v.mp4', ({ res }, h) =>
			h.mp4(res, { bytes: 100_000, stallAfter: 1000, everyMs: 200 }),
		);
		const started = Date.now();
		const result = await runAgainst(
			hostile,
			waitParameters({ downloadTimeout: 2 }),
			[{ prompt: 'p' }],
			{ continueOnFail: true },
		);
		expect(elapsedSince(started)).toBeLessThan(6000);
		expect(result.items[0].json.error).toMatch(/task-p: the download did not finish in time/);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});

	it('cancel stops a wait on a hung status check at once', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-hung')));
		hostile.on(POLL, ({ res }, h) => h.hang(res));
		const stop = cancelAfter(1500);
		await runAgainst(hostile, waitParameters({ maxWait: 60 }), [{ prompt: 'p' }], {
			onStart: stop.onStart,
		}).catch(() => undefined);
		expect(stop.at()).toBeGreaterThan(0);
		expect(elapsedSince(stop.at())).toBeLessThan(1500);
		expect(hostile.counters.creates).toBe(1);
	});

	it('cancel stops an in-flight download within a second or two', async () => {
		happyPath(hostile);
		hostile.on('b GET /v.mp4', ({ res }, h) => h.mp4(res, { bytes: 100_000, stallAfter: 1000 }));
		const stop = cancelAfter(1500);
		const run = runAgainst(hostile, waitParameters({ maxWait: 30 }), [{ prompt: 'p' }], {
			onStart: stop.onStart,
		});
		const result = await run.catch(() => undefined);
		expect(stop.at()).toBeGreaterThan(0);
		expect(elapsedSince(stop.at())).toBeLessThan(2000);
		expect(result?.items[0]?.binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 7: nonsense options are refused before the first create', () => {
	it.each([
		['pollInterval', 'soon', /"Poll Interval \(Seconds\)" \(pollInterval\) soon is not a number/],
		['pollInterval', '={{ NaN }}', /\(pollInterval\) NaN is not a number/],
		['maxWait', '={{ Infinity }}', /\(maxWait\) Infinity is not a finite number/],
		[
			'maxWait',
			3_000_000,
			/\(maxWait\) 3000000 is longer than a timer can wait \(at most 2147483\)/,
		],
		['maxWait', 0, /\(maxWait\) 0 must be at least 1/],
		['maxConcurrent', 2.5, /"Max Concurrent" \(maxConcurrent\) 2.5 must be a whole number/],
		['maxVideoSize', -5, /\(maxVideoSize\) -5 must be at least 1/],
		['downloadTimeout', '={{ [] }}', /\(downloadTimeout\) \[\] is not a number/],
		['onTimeout', 'retry', /"On Timeout" \(onTimeout\) retry is not one of "error", "output"/],
	])('%s = %p is refused, naming the option and the value', async (name, value, words) => {
		happyPath(hostile);
		const result = await runAgainst(hostile, waitParameters({ [name]: value }), [{ prompt: 'p' }]);
		expect(result.error?.message).toMatch(/^Item 1: /);
		expect(result.error?.message).toMatch(words);
		expect(hostile.counters.creates).toBe(0);
	});

	it.each([
		['create', { operation: 'create', model: 'google/veo3', prompt: 'p' }],
		['createAndWait', { operation: 'createAndWait', model: 'google/veo3', prompt: 'p' }],
		['getStatus', { operation: 'getStatus', model: 'google/veo3', taskId: 't' }],
	])(
		'%s refuses Include Raw Response "yes" (an expression’s word), as every operation reads options the same way',
		async (_operation, parameters) => {
			happyPath(hostile);
			const result = await runAgainst(
				hostile,
				{ ...parameters, options: { includeRawResponse: '={{ "yes" }}' } },
				[{ prompt: 'p' }],
			);
			expect(result.error?.message).toBe(
				'Item 1: "Include Raw Response" (includeRawResponse) yes is not true or false',
			);
			expect(hostile.counters.creates + hostile.counters.polls).toBe(0);
		},
	);

	it('Download Video given as a word by an expression is refused, not read as "on"', async () => {
		happyPath(hostile);
		const result = await runAgainst(hostile, {
			operation: 'getStatus',
			model: 'google/veo3',
			taskId: 't',
			download: '={{ "no" }}',
		});
		expect(result.error?.message).toBe(
			'Item 1: "Download Video" (download) no is not true or false',
		);
		expect(hostile.counters.polls).toBe(0);
	});

	it('Get Status refuses a nonsense Max Video Size before polling', async () => {
		const result = await runAgainst(hostile, {
			operation: 'getStatus',
			model: 'google/veo3',
			taskId: 't',
			options: { maxVideoSize: 'lots' },
		});
		expect(result.error?.message).toMatch(
			/^Item 1: "Max Video Size \(MB\)" \(maxVideoSize\) lots is not a number/,
		);
		expect(hostile.counters.polls).toBe(0);
		expect(hostile.counters.creates).toBe(0);
	});

	it('a Poll Interval under 1 s is raised to 1 s (as the README says), not hundreds of polls a second', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-fast')));
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.running('task-fast')));
		const result = await runAgainst(
			hostile,
			waitParameters({ pollInterval: 0.001, maxWait: 2, onTimeout: 'output' }),
			[{ prompt: 'p' }],
		);
		expect(result.items[0].json.status).toBe('processing');
		expect(hostile.counters.polls).toBeLessThanOrEqual(3);
		expect(hostile.counters.creates).toBe(1);
	});
});
