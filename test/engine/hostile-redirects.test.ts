import {
	CREATE,
	CREATE_ONLY,
	everythingStored,
	happyPath,
	NEWER_POLL,
	newerFinished,
	newerTask,
	POLL,
	runAgainst,
	useHostileServer,
	waitParameters,
} from '../helpers/hostile';
import { testCredential } from '../helpers/node';

// The node against a hostile server; the rules are numbered in test/helpers/hostile.ts. Every test
// also checks rule 2, at most one create per item: it counts the creates.
// This file: the key goes to FastRouter's origin only: redirects of creates, polls, videos and hosted copies,
// and a server echoing the key back.

const hostile = useHostileServer();

describe('rule 1: the key stays on FastRouter’s origin', () => {
	it.each([301, 302, 303, 307, 308])(
		'a %i to a create is an outcome naming the Location, never followed, never a second POST',
		async (status) => {
			hostile.on(CREATE, ({ res }, h) => h.redirect(res, status, `${h.origins.b}/api/v1/videos`));
			const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'redirected' }]);
			expect(result.error?.message).toContain('Item 1:');
			expect(result.error?.message).toContain(
				`${status} redirect to ${hostile.origins.b}/api/v1/videos`,
			);
			expect(result.error?.message).toMatch(/did not follow.*may have been created; not retried/);
			expect(hostile.counters.creates).toBe(1);
			expect(hostile.counters.credentials.b).toBe(0);
			expect(hostile.counters.keySeen.b).toBe(0);
		},
	);

	it('the credential test does not follow a redirect to another origin with the key', async () => {
		hostile.on(POLL, ({ res }, h) =>
			h.redirect(res, 307, `${h.origins.b}/api/v1/getVideoResponse`),
		);
		await testCredential({ apiKey: hostile.apiKey, baseUrl: hostile.origins.a });
		expect(hostile.counters.credentials).toEqual({ a: 1, b: 0 });
		expect(hostile.counters.keySeen.b).toBe(0);
		expect(hostile.counters.creates).toBe(0);
	});

	it('a redirect loop on a create is one request', async () => {
		hostile.on(CREATE, ({ res }, h) => h.redirect(res, 307, `${h.origins.a}/api/v1/videos`));
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'loop' }], {
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(/^Item 1: .*307 redirect to .*did not follow/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a poll redirected to another origin is followed without the key; the video comes back', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-x')));
		hostile.on(POLL, ({ res }, h) => h.redirect(res, 302, `${h.origins.b}/status/task-x`));
		hostile.on('GET /status/task-x', ({ res }, h) =>
			h.json(res, 200, h.finished('task-x', `${h.origins.b}/v.mp4`)),
		);
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ taskId: 'task-x', status: 'succeeded' });
		expect(result.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.keySeen.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a finished Sora poll redirected to signed storage streams the MP4 from there, without the key', async () => {
		hostile.on(CREATE, ({ res }, h) =>
			h.json(res, 200, { id: 'video_1', object: 'video', status: 'queued' }),
		);
		hostile.on(POLL, ({ res }, h) =>
			h.redirect(res, 307, `${h.origins.b}/signed/video_1.mp4?sig=abc`),
		);
		hostile.on('POST /signed/video_1.mp4', ({ res }, h) => h.mp4(res, { bytes: 50_000 }));
		const result = await runAgainst(hostile, waitParameters({}, { model: 'openai/sora-2-pro' }), [
			{ prompt: 'sora' },
		]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data?.bytes).toBe(50_000);
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a redirect back to FastRouter’s origin after leaving it does not bring the key back; same-origin hops keep it', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-y')));
		hostile.on(POLL, ({ res }, h) =>
			h.redirect(res, 307, `${h.origins.a}/api/v1/getAsyncResponse`),
		);
		hostile.on('POST /api/v1/getAsyncResponse', ({ res, authorization }, h) =>
			authorization
				? h.json(res, 200, h.finished('task-y', `${h.origins.b}/v.mp4`))
				: h.json(res, 401, { error: { message: 'no key' } }),
		);
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'same origin' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('succeeded');
		expect(hostile.counters.log).toContain('a POST /api/v1/getAsyncResponse auth');
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a redirect loop on a poll ends after a bounded number of hops, with the task id', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-loop')));
		hostile.on(POLL, ({ res }, h) => h.redirect(res, 302, `${h.origins.b}/loop`));
		hostile.on('GET /loop', ({ res }, h) => h.redirect(res, 302, `${h.origins.b}/loop`));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'loop' }], {
			continueOnFail: true,
		});
		expect(result.items[0].json).toMatchObject({ taskId: 'task-loop' });
		expect(result.items[0].json.error).toMatch(/more than 5 redirects/);
		expect(
			hostile.counters.log.filter((line) => line.includes('/loop')).length,
		).toBeLessThanOrEqual(5);
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a video URL that redirects to FastRouter’s own origin gets no key there either', async () => {
		happyPath(hostile, '/cdn.mp4');
		hostile.on('b GET /cdn.mp4', ({ res }, h) => h.redirect(res, 302, `${h.origins.a}/stored.mp4`));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(hostile.counters.log).toContain('a GET /stored.mp4');
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 1: the key stays on FastRouter’s origin, in the newer API generation too', () => {
	it('a GET poll redirected to another origin is followed without the key', async () => {
		newerTask(hostile);
		hostile.on(NEWER_POLL, ({ res }, h) => h.redirect(res, 302, `${h.origins.b}/status/fr_01`));
		hostile.on('b GET /status/fr_01', ({ res }, h) =>
			h.json(res, 200, h.finished('fr_01', `${h.origins.b}/v.mp4`)),
		);
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ taskId: 'fr_01', status: 'succeeded' });
		expect(hostile.counters.log).toContain('a GET /api/v1/videos/fr_01 auth');
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('the hosted copy gets the key on FastRouter’s origin only, not where it redirects; a loop there is bounded', async () => {
		newerTask(hostile);
		hostile.on(NEWER_POLL, ({ res }, h) =>
			h.json(
				res,
				200,
				newerFinished(`${h.origins.b}/expired.mp4`, `${h.origins.a}/videos-content/fr_01`),
			),
		);
		hostile.on('b GET /expired.mp4', ({ res }, h) => h.json(res, 403, { error: 'expired' }));
		hostile.on('a GET /videos-content/fr_01', ({ res }, h) =>
			h.redirect(res, 302, `${h.origins.b}/signed/fr_01.mp4`),
		);
		hostile.on('b GET /signed/fr_01.mp4', ({ res }, h) => h.mp4(res, { bytes: 40_000 }));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.items[0].binary?.data?.bytes).toBe(40_000);
		expect(hostile.counters.log).toContain('a GET /videos-content/fr_01 auth');
		expect(hostile.counters.credentials.b).toBe(0);

		hostile.reset();
		newerTask(hostile);
		hostile.on(NEWER_POLL, ({ res }, h) =>
			h.json(
				res,
				200,
				newerFinished(`${h.origins.b}/expired.mp4`, `${h.origins.a}/videos-content/fr_01`),
			),
		);
		hostile.on('b GET /expired.mp4', ({ res }, h) => h.json(res, 403, { error: 'expired' }));
		hostile.on('a GET /videos-content/fr_01', ({ res }, h) =>
			h.redirect(res, 302, `${h.origins.a}/videos-content/fr_01`),
		);
		const looped = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], {
			continueOnFail: true,
		});
		expect(looped.items[0].json.error).toMatch(
			/fr_01: the video host gave no video: more than 5 redirects/,
		);
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 9: no key in anything n8n stores', () => {
	it('a server echoing the key in errors, Location and raw answers: none of it is stored', async () => {
		const key = hostile.apiKey;
		hostile.on(CREATE, ({ body, res }, h) => {
			if (body?.prompt === 'echo error')
				return h.json(res, 500, { error: { message: `bad key ${key}`, detail: key, code: key } });
			if (body?.prompt === 'echo location')
				return h.redirect(res, 302, `${h.origins.b}/steal?key=${key}`);
			if (body?.prompt === 'echo failed') return h.json(res, 200, h.accepted(`failed-${key}`));
			h.json(res, 200, { ...h.accepted(`task-${key}`), echo: { authorization: `Bearer ${key}` } });
		});
		hostile.on(POLL, ({ body, res }, h) =>
			String(body?.taskId).startsWith('failed-')
				? h.json(res, 200, {
						code: 'SUCCESS',
						data: {
							taskId: body?.taskId,
							status: 'failed',
							generations: [{ id: 'g', status: 'failed', failMsg: `refused for ${key}` }],
						},
					})
				: h.json(res, 200, {
						...h.finished(`task-${key}`, `${h.origins.b}/v.mp4`),
						echo: encodeURIComponent(key),
						text: `progress for ${key}`,
					}),
		);
		const items = [
			{ prompt: 'echo error' },
			{ prompt: 'echo location' },
			{ prompt: 'echo raw' },
			{ prompt: 'echo failed' },
		];
		const parameters = waitParameters({ includeRawResponse: true });
		for (const extra of [
			{},
			{ continueOnFail: true },
			{ onError: 'continueErrorOutput' as const },
		]) {
			const result = await runAgainst(hostile, parameters, items, extra);
			const stored = everythingStored(result);
			expect(stored).toContain('[redacted]');
			expect(stored).not.toContain(key);
			expect(stored).not.toContain(encodeURIComponent(key));
		}
		const getStatus = await runAgainst(hostile, {
			operation: 'getStatus',
			model: 'google/veo3',
			taskId: 'x',
			options: { includeRawResponse: true },
		});
		expect(everythingStored(getStatus)).not.toContain(key);
		expect(hostile.counters.keySeen.b).toBe(0);
		expect(hostile.counters.creates).toBe(12);
	});
});
