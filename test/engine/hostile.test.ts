/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { elapsedSince, everythingStored, type Hostile, runAgainst, startHostile, waitParameters } from '../helpers/hostile';
import { testCredential } from '../helpers/node';

// The node against a server that answers the way a broken proxy, a misconfigured CDN or a hostile
// host might. Every test counts creates: at most one per item, whatever the answer.

let hostile: Hostile;
beforeAll(async () => {
	hostile = await startHostile();
});
afterAll(async () => await hostile.close());
beforeEach(() => hostile.reset());

const CREATE = 'POST /api/v1/videos';
const POLL = 'POST /api/v1/getVideoResponse';
const CREATE_ONLY = { operation: 'create', model: 'google/veo3', prompt: '={{ $json.prompt }}' };

/** A create that answers a task id (per prompt), polls that finish with a video on origin b. */
function happyPath(videoPath = '/v.mp4') {
	hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
	hostile.on(POLL, ({ body, res }, h) => h.json(res, 200, h.finished(String(body?.taskId), `${h.origins.b}${videoPath}`)));
}

describe('rule 1: the key stays on FastRouter’s origin', () => {
	it.each([301, 302, 303, 307, 308])('a %i to a create is an outcome naming the Location, never followed, never a second POST', async (status) => {
		hostile.on(CREATE, ({ res }, h) => h.redirect(res, status, `${h.origins.b}/api/v1/videos`));
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'redirected' }]);
		expect(result.error?.message).toContain('Item 1:');
		expect(result.error?.message).toContain(`${status} redirect to ${hostile.origins.b}/api/v1/videos`);
		expect(result.error?.message).toMatch(/did not follow.*may have been created; not retried/);
		expect(hostile.counters.creates).toBe(1);
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.keySeen.b).toBe(0);
	});

	it('the credential test does not follow a redirect to another origin with the key', async () => {
		hostile.on(POLL, ({ res }, h) => h.redirect(res, 307, `${h.origins.b}/api/v1/getVideoResponse`));
		await testCredential({ apiKey: hostile.apiKey, baseUrl: hostile.origins.a });
		expect(hostile.counters.credentials).toEqual({ a: 1, b: 0 });
		expect(hostile.counters.keySeen.b).toBe(0);
		expect(hostile.counters.creates).toBe(0);
	});

	it('a redirect loop on a create is one request', async () => {
		hostile.on(CREATE, ({ res }, h) => h.redirect(res, 307, `${h.origins.a}/api/v1/videos`));
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'loop' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/^Item 1: .*307 redirect to .*did not follow/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a poll redirected to another origin is followed without the key; the video comes back', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-x')));
		hostile.on(POLL, ({ res }, h) => h.redirect(res, 302, `${h.origins.b}/status/task-x`));
		hostile.on('GET /status/task-x', ({ res }, h) => h.json(res, 200, h.finished('task-x', `${h.origins.b}/v.mp4`)));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ taskId: 'task-x', status: 'succeeded' });
		expect(result.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.keySeen.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a finished Sora poll redirected to signed storage streams the MP4 from there, without the key', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, { id: 'video_1', object: 'video', status: 'queued' }));
		hostile.on(POLL, ({ res }, h) => h.redirect(res, 307, `${h.origins.b}/signed/video_1.mp4?sig=abc`));
		hostile.on('POST /signed/video_1.mp4', ({ res }, h) => h.mp4(res, { bytes: 50_000 }));
		const result = await runAgainst(hostile, waitParameters({}, { model: 'openai/sora-2-pro' }), [{ prompt: 'sora' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data?.bytes).toBe(50_000);
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a redirect back to FastRouter’s origin after leaving it does not bring the key back; same-origin hops keep it', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-y')));
		hostile.on(POLL, ({ res }, h) => h.redirect(res, 307, `${h.origins.a}/api/v1/getAsyncResponse`));
		hostile.on('POST /api/v1/getAsyncResponse', ({ res, authorization }, h) =>
			authorization ? h.json(res, 200, h.finished('task-y', `${h.origins.b}/v.mp4`)) : h.json(res, 401, { error: { message: 'no key' } }),
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
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'loop' }], { continueOnFail: true });
		expect(result.items[0].json).toMatchObject({ taskId: 'task-loop' });
		expect(result.items[0].json.error).toMatch(/more than 5 redirects/);
		expect(hostile.counters.log.filter((line) => line.includes('/loop')).length).toBeLessThanOrEqual(5);
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a video URL that redirects to FastRRouter’s own origin gets no key there either', async () => {
		happyPath('/cdn.mp4');
		hostile.on('b GET /cdn.mp4', ({ res }, h) => h.redirect(res, 302, `${h.origins.a}/stored.mp4`));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(hostile.counters.log).toContain('a GET /stored.mp4');
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('the newer API generation’s requests follow the same rules', () => {
	const GET_POLL = 'GET /api/v1/videos/fr_01';
	function newerTask() {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, { code: 'success', message: 'Video generation started', data: { taskId: 'fr_01', status: 'processing' } }));
	}
	function finishedWith(providerUrl: string, hostedUrl: string) {
		return {
			code: 'SUCCESS',
			data: { taskId: 'fr_01', status: 'succeed', generations: [{ id: 'g1', status: 'succeed', url: providerUrl, mediaType: 'video' }] },
			fastrouter_assets: { status: 'ready', urls: [hostedUrl] },
		};
	}

	it('a GET poll redirected to another origin is followed without the key', async () => {
		newerTask();
		hostile.on(GET_POLL, ({ res }, h) => h.redirect(res, 302, `${h.origins.b}/status/fr_01`));
		hostile.on('b GET /status/fr_01', ({ res }, h) => h.json(res, 200, h.finished('fr_01', `${h.origins.b}/v.mp4`)));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ taskId: 'fr_01', status: 'succeeded' });
		expect(hostile.counters.log).toContain('a GET /api/v1/videos/fr_01 auth');
		expect(hostile.counters.credentials.b).toBe(0);
		expect(hostile.counters.creates).toBe(1);
	});

	it('the hosted copy gets the key on FastRouter’s origin only, not where it redirects; a loop there is bounded', async () => {
		newerTask();
		hostile.on(GET_POLL, ({ res }, h) => h.json(res, 200, finishedWith(`${h.origins.b}/expired.mp4`, `${h.origins.a}/videos-content/fr_01`)));
		hostile.on('b GET /expired.mp4', ({ res }, h) => h.json(res, 403, { error: 'expired' }));
		hostile.on('a GET /videos-content/fr_01', ({ res }, h) => h.redirect(res, 302, `${h.origins.b}/signed/fr_01.mp4`));
		hostile.on('b GET /signed/fr_01.mp4', ({ res }, h) => h.mp4(res, { bytes: 40_000 }));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.items[0].binary?.data?.bytes).toBe(40_000);
		expect(hostile.counters.log).toContain('a GET /videos-content/fr_01 auth');
		expect(hostile.counters.credentials.b).toBe(0);

		hostile.reset();
		newerTask();
		hostile.on(GET_POLL, ({ res }, h) => h.json(res, 200, finishedWith(`${h.origins.b}/expired.mp4`, `${h.origins.a}/videos-content/fr_01`)));
		hostile.on('b GET /expired.mp4', ({ res }, h) => h.json(res, 403, { error: 'expired' }));
		hostile.on('a GET /videos-content/fr_01', ({ res }, h) => h.redirect(res, 302, `${h.origins.a}/videos-content/fr_01`));
		const looped = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], { continueOnFail: true });
		expect(looped.items[0].json.error).toMatch(/fr_01: the video host gave no video: more than 5 redirects/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a provider link serving an error page as the video falls back to the hosted copy', async () => {
		newerTask();
		hostile.on(GET_POLL, ({ res }, h) => h.json(res, 200, finishedWith(`${h.origins.b}/page.mp4`, `${h.origins.a}/videos-content/fr_01`)));
		hostile.on('b GET /page.mp4', ({ res }, h) => h.raw(res, 200, 'text/html', '<html><title>Link expired</title></html>'));
		hostile.on('a GET /videos-content/fr_01', ({ res }, h) => h.mp4(res, { bytes: 30_000 }));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data?.bytes).toBe(30_000);
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 3: the user reads what the node wrote', () => {
	function resetAfterCreate() {
		hostile.on(CREATE, ({ req }) => req.socket.destroy());
	}

	it('a connection reset after a create keeps item, "may have been created" in the node error and the stored execution error', async () => {
		resetAfterCreate();
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'reset' }]);
		for (const error of [result.error, result.run?.data.resultData.error]) {
			expect(error?.message).toMatch(/^Item 1: .*connection reset.*may have been created; not retried to avoid a double charge/);
			expect(error?.message).not.toMatch(/ECONNRESET|closed unexpectedly|Retry on Fail/i);
		}
		expect(hostile.counters.creates).toBe(1);
	});

	it('the same with Continue On Fail and on the error output', async () => {
		resetAfterCreate();
		const regular = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'reset' }], { continueOnFail: true });
		expect(regular.items[0].json.error).toMatch(/^Item 1: .*may have been created/);
		const errorOutput = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'reset' }], { onError: 'continueErrorOutput' });
		expect(errorOutput.errorItems[0].json.error).toMatch(/^Item 1: .*may have been created/);
		expect(hostile.counters.creates).toBe(2);
	});

	it('a server text holding ETIMEDOUT does not turn into n8n’s "consider Retry on Fail" advice', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 500, { error: { message: 'upstream ETIMEDOUT while creating', code: 'ETIMEDOUT' } }));
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'timeout text' }]);
		expect(result.error?.message).toMatch(/^Item 1: FastRouter server error \(500\): upstream .*may have been created/);
		expect(result.error?.message).not.toMatch(/Retry on Fail/i);
		expect(result.error?.httpCode).toBe('500');
		expect(hostile.counters.creates).toBe(1);
	});

	it('a poll failing with resets until Max Wait names the item, the task id and the last error', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-reset')));
		hostile.on(POLL, ({ req }) => req.socket.destroy());
		const result = await runAgainst(hostile, waitParameters({ maxWait: 2 }), [{ prompt: 'p' }]);
		for (const error of [result.error, result.run?.data.resultData.error]) {
			expect(error?.message).toMatch(/^Item 1: Task task-reset did not finish within 2 s \(last status: queued.*last error: .*connection reset/);
		}
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 4: no answer can fail the batch', () => {
	const bodies: Array<[string, string, string, RegExp]> = [
		['null', 'application/json', 'null', /JSON null/],
		['array', 'application/json', '[1,2]', /a JSON array/],
		['string', 'application/json', '"ok"', /a JSON string/],
		['invalid', 'application/json', '{"data": {', /not JSON.*\{"data": \{/],
		['html', 'text/html', '<html><title>502 Bad Gateway</title></html>', /an HTML page \("502 Bad Gateway"\)/],
		['empty', 'application/json', '', /an empty answer/],
		['huge', 'application/json', `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`, /larger than 1 MB/],
	];

	it('each garbage create answer is its own item’s outcome, saying what came back; the good item finishes', async () => {
		hostile.on(CREATE, ({ body, res }, h) => {
			const found = bodies.find(([name]) => name === body?.prompt);
			if (found) return h.raw(res, 200, found[1], found[2]);
			h.json(res, 200, h.accepted('task-good'));
		});
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.finished('task-good', `${h.origins.b}/v.mp4`)));
		const items = [...bodies.map(([name]) => ({ prompt: name })), { prompt: 'good' }];
		const result = await runAgainst(hostile, waitParameters(), items, { continueOnFail: true });
		bodies.forEach(([, , , words], index) => {
			expect(result.items[index].json.error).toMatch(new RegExp(`^Item ${index + 1}: FastRouter accepted the create`));
			expect(result.items[index].json.error).toMatch(words);
			expect(result.items[index].json.error).toMatch(/may have been created/);
		});
		expect(result.items[bodies.length].json.status).toBe('succeeded');
		expect(hostile.counters.creates).toBe(items.length);
	});

	it('a create answer without a task id says what came instead', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, { code: 'SUCCESS', message: 'queued upstream', data: {} }));
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'no id' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/returned no task ID; it answered "\{"code":"SUCCESS","message":"queued upstream","data":\{\}\}"/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('garbage poll answers end that item with its task id; the other item finishes', async () => {
		hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
		hostile.on(POLL, ({ body, res }, h) =>
			body?.taskId === 'task-bad' ? h.raw(res, 200, 'text/html', '<html><title>Captive portal</title></html>') : h.json(res, 200, h.finished(String(body?.taskId), `${h.origins.b}/v.mp4`)),
		);
		const result = await runAgainst(hostile, waitParameters({ maxWait: 10 }), [{ prompt: 'bad' }, { prompt: 'good' }], { continueOnFail: true });
		expect(result.items[0].json).toMatchObject({ taskId: 'task-bad' });
		expect(result.items[0].json.error).toMatch(/^Item 1: FastRouter answered the status check \(HTTP 200\) with an HTML page \("Captive portal"\).*task-bad/);
		expect(result.items[1].json.status).toBe('succeeded');
		expect(hostile.counters.creates).toBe(2);
	});

	it('without Continue On Fail, the error still lists the other item’s created task', async () => {
		hostile.on(CREATE, ({ body, res }, h) => (body?.prompt === 'bad' ? h.raw(res, 200, 'application/json', 'null') : h.json(res, 200, h.accepted('task-kept'))));
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.finished('task-kept', `${h.origins.b}/v.mp4`)));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'good' }, { prompt: 'bad' }]);
		expect(result.error?.message).toMatch(/^Item 2: .*JSON null/);
		expect(result.error?.description).toContain('Item 1: task-kept');
		expect(hostile.counters.creates).toBe(2);
	});
});

describe('rule 5: a stored video is a video', () => {
	const cases: Array<[string, (h: Hostile, res: import('node:http').ServerResponse) => void, RegExp]> = [
		['an HTML error page', (h, res) => h.raw(res, 200, 'text/html', '<html><title>Access Denied</title><body>Request expired</body></html>'), /text\/html, \d+ bytes, starting "Access Denied"/],
		['JSON served as the video', (h, res) => h.raw(res, 200, 'application/json', '{"error":"expired"}'), /application\/json, 19 bytes, starting "\{"error":"expired"\}"/],
		['an error page labelled video/mp4', (h, res) => h.raw(res, 200, 'video/mp4', 'Error: the link has expired, please request a new one'), /not an MP4 \(video\/mp4, 53 bytes, starting "Error: the link has expired/],
		['an empty file', (h, res) => h.raw(res, 200, 'video/mp4', ''), /an empty file/],
	];

	it.each(cases)('%s fails the item saying what arrived, with no binary', async (_name, serve, words) => {
		happyPath();
		hostile.on('b GET /v.mp4', ({ res }, h) => serve(h, res));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/^Item 1: Could not download the video of task task-p: /);
		expect(result.items[0].json.error).toMatch(words);
		expect(result.items[0].json.taskId).toBe('task-p');
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});

	it('a finished Sora poll whose "video" is an error page fails saying so, with its task id', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, { id: 'video_2', object: 'video', status: 'queued' }));
		hostile.on(POLL, ({ res }, h) => h.raw(res, 200, 'application/octet-stream', 'upstream error: quota exceeded for this account'));
		const result = await runAgainst(hostile, waitParameters({}, { model: 'openai/sora-2-pro' }), [{ prompt: 'sora' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/^Item 1: Could not download the video of task video_2: .*not an MP4 \(application\/octet-stream, 47 bytes, starting "upstream error: quota exceeded/);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});

	it('a download reset part-way is tried again, at most 3 times, and then fails in words', async () => {
		happyPath();
		hostile.on('b GET /v.mp4', ({ res }, h) => {
			h.mp4(res, { bytes: 200_000, stallAfter: 5_000 });
			setTimeout(() => res.socket?.destroy(), 100);
		});
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/^Item 1: Could not download the video of task task-p: the download (broke off|was cut short)/);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.log.filter((line) => line === 'b GET /v.mp4')).toHaveLength(3);
		expect(hostile.counters.creates).toBe(1);
	});

	it('"finished" with no video while Download Video is on is an error', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-empty')));
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, { code: 'SUCCESS', data: { taskId: 'task-empty', status: 'succeed', generations: [] } }));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/task-empty: FastRouter reported the task finished but gave no video/);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 6: every wait is bounded', () => {
	it('a hung create socket ends at Max Wait as "may have been created", one create', async () => {
		hostile.on(CREATE, ({ res }, h) => h.hang(res));
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 2 }), [{ prompt: 'hung' }], { continueOnFail: true });
		expect(elapsedSince(started)).toBeLessThan(4000);
		expect(result.items[0].json.error).toMatch(/^Item 1: .*no answer arrived within 2 s.*may have been created; not retried/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a create answer trickling a byte at a time ends at Max Wait', async () => {
		hostile.on(CREATE, ({ res }, h) => h.trickle(res, 200, 'application/json', JSON.stringify(h.accepted('task-slow')), 300));
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 2 }), [{ prompt: 'trickle' }], { continueOnFail: true });
		expect(elapsedSince(started)).toBeLessThan(4000);
		expect(result.items[0].json.error).toMatch(/still arriving when the time ran out.*may have been created/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('hung and trickling polls end at Max Wait with the task id and the last error', async () => {
		hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
		hostile.on(POLL, ({ body, res }, h) =>
			body?.taskId === 'task-hung' ? h.hang(res) : h.trickle(res, 200, 'application/json', JSON.stringify(h.running('task-trickle')), 300),
		);
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 2 }), [{ prompt: 'hung' }, { prompt: 'trickle' }], { continueOnFail: true });
		expect(elapsedSince(started)).toBeLessThan(5000);
		expect(result.items[0].json.error).toMatch(/Task task-hung did not finish within 2 s \(last status: queued; last error: .*no answer arrived/);
		expect(result.items[1].json.error).toMatch(/Task task-trickle did not finish within 2 s .*last error: .*still arriving/);
		expect(hostile.counters.creates).toBe(2);
	});

	it('a Retry-After longer than what is left of Max Wait is reported, not slept through', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-ra')));
		hostile.on(POLL, ({ res }, h) => h.json(res, 429, { error: { message: 'slow down' } }, { 'Retry-After': 3600 }));
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 30 }), [{ prompt: 'p' }], { continueOnFail: true });
		expect(elapsedSince(started)).toBeLessThan(4000);
		expect(result.items[0].json.error).toMatch(/Task task-ra did not finish.*asked to wait 3600 s \(Retry-After\), more than the/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a create 429 with a long Retry-After is reported at once; nothing was created', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 429, { error: { message: 'budget exhausted' } }, { 'Retry-After': 7200 }));
		const started = Date.now();
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'p' }], { continueOnFail: true });
		expect(elapsedSince(started)).toBeLessThan(2000);
		expect(result.items[0].json.error).toMatch(/Rate limited by FastRouter \(429\): FastRouter asked to wait 7200 s/);
		expect(result.items[0].json.error).not.toMatch(/may have been created/);
		expect(hostile.counters.creates).toBe(1);
	});

	it('Max Video Size stops a video larger than it, declared or not, and keeps no binary', async () => {
		happyPath();
		hostile.on('b GET /v.mp4', ({ res }, h) => h.mp4(res, { bytes: 3 * 1024 * 1024, declareLength: false }));
		hostile.on('b GET /declared.mp4', ({ res }, h) => h.mp4(res, { bytes: 3 * 1024 * 1024 }));
		const result = await runAgainst(hostile, waitParameters({ maxVideoSize: 1 }), [{ prompt: 'p' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/larger than Max Video Size \(1 MB\); download stopped/);
		expect(result.items[0].binary).toBeUndefined();
		happyPath('/declared.mp4');
		const declared = await runAgainst(hostile, waitParameters({ maxVideoSize: 1 }), [{ prompt: 'q' }], { continueOnFail: true });
		expect(declared.items[0].json.error).toMatch(/the video is 3 MB, more than Max Video Size \(1 MB\)/);
		expect(hostile.counters.creates).toBe(2);
	});

	it('a download that trickles or stalls ends at Download Timeout', async () => {
		happyPath();
		hostile.on('b GET /v.mp4', ({ res }, h) => h.mp4(res, { bytes: 100_000, stallAfter: 1000, everyMs: 200 }));
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ downloadTimeout: 2 }), [{ prompt: 'p' }], { continueOnFail: true });
		expect(elapsedSince(started)).toBeLessThan(6000);
		expect(result.items[0].json.error).toMatch(/task-p: the download did not finish in time/);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});

	it('cancel stops a wait on a hung status check at once', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-hung')));
		hostile.on(POLL, ({ res }, h) => h.hang(res));
		let cancelledAt = 0;
		await runAgainst(hostile, waitParameters({ maxWait: 60 }), [{ prompt: 'p' }], {
			onStart: (cancel) =>
				setTimeout(() => {
					cancelledAt = Date.now();
					cancel();
				}, 1500),
		}).catch(() => undefined);
		expect(cancelledAt).toBeGreaterThan(0);
		expect(elapsedSince(cancelledAt)).toBeLessThan(1500);
		expect(hostile.counters.creates).toBe(1);
	});

	it('cancel stops an in-flight download within a second or two', async () => {
		happyPath();
		hostile.on('b GET /v.mp4', ({ res }, h) => h.mp4(res, { bytes: 100_000, stallAfter: 1000 }));
		let cancelledAt = 0;
		const run = runAgainst(hostile, waitParameters({ maxWait: 30 }), [{ prompt: 'p' }], {
			onStart: (cancel) =>
				setTimeout(() => {
					cancelledAt = Date.now();
					cancel();
				}, 1500),
		});
		const result = await run.catch(() => undefined);
		expect(cancelledAt).toBeGreaterThan(0);
		expect(elapsedSince(cancelledAt)).toBeLessThan(2000);
		expect(result?.items[0]?.binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 7: options that make no sense are refused before the first create', () => {
	it.each([
		['pollInterval', 'soon', /"Poll Interval \(Seconds\)" \(pollInterval\) "soon" is not a number/],
		['pollInterval', '={{ NaN }}', /\(pollInterval\) NaN is not a number/],
		['maxWait', '={{ Infinity }}', /\(maxWait\) Infinity is not a finite number/],
		['maxWait', 3_000_000, /\(maxWait\) 3000000 is longer than a timer can wait \(at most 2147483\)/],
		['maxWait', 0, /\(maxWait\) 0 must be at least 1/],
		['maxConcurrent', 2.5, /"Max Concurrent" \(maxConcurrent\) 2.5 must be a whole number/],
		['maxVideoSize', -5, /\(maxVideoSize\) -5 must be at least 1/],
		['downloadTimeout', '={{ [] }}', /\(downloadTimeout\) \[\] is not a number/],
		['onTimeout', 'retry', /"On Timeout" \(onTimeout\) "retry" is not one of "error", "output"/],
	])('%s = %p is refused, naming the option and the value', async (name, value, words) => {
		happyPath();
		const result = await runAgainst(hostile, waitParameters({ [name]: value }), [{ prompt: 'p' }]);
		expect(result.error?.message).toMatch(/^Item 1: /);
		expect(result.error?.message).toMatch(words);
		expect(hostile.counters.creates).toBe(0);
	});

	it('Get Status refuses a nonsense Max Video Size before polling', async () => {
		const result = await runAgainst(hostile, { operation: 'getStatus', model: 'google/veo3', taskId: 't', options: { maxVideoSize: 'lots' } });
		expect(result.error?.message).toMatch(/^Item 1: "Max Video Size \(MB\)" \(maxVideoSize\) "lots" is not a number/);
		expect(hostile.counters.polls).toBe(0);
		expect(hostile.counters.creates).toBe(0);
	});

	it('a Poll Interval under 1 s is raised to 1 s (as the README says), not hundreds of polls a second', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-fast')));
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.running('task-fast')));
		const result = await runAgainst(hostile, waitParameters({ pollInterval: 0.001, maxWait: 2, onTimeout: 'output' }), [{ prompt: 'p' }]);
		expect(result.items[0].json.status).toBe('processing');
		expect(hostile.counters.polls).toBeLessThanOrEqual(3);
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 8: say what really happened', () => {
	it('a status word the node does not know is reported with the word, after a few polls', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-odd')));
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.running('task-odd', 'moderating')));
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 60 }), [{ prompt: 'p' }], { continueOnFail: true });
		expect(elapsedSince(started)).toBeLessThan(6000);
		expect(result.items[0].json.error).toMatch(/^Item 1: FastRouter reported the status "moderating", which this node does not know \(task task-odd\)/);
		expect(hostile.counters.polls).toBe(3);
		expect(hostile.counters.creates).toBe(1);
	});

	it('Get Status reports an unknown status word at once, with the task id', async () => {
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.running('task-odd', 'on_hold')));
		const result = await runAgainst(hostile, { operation: 'getStatus', model: 'google/veo3', taskId: 'task-odd' }, [{}], { continueOnFail: true });
		expect(result.items[0].json).toMatchObject({ taskId: 'task-odd' });
		expect(result.items[0].json.error).toMatch(/"on_hold", which this node does not know/);
		expect(hostile.counters.creates).toBe(0);
	});

	it('a timeout says the last status and the last error seen', async () => {
		let polls = 0;
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-t')));
		hostile.on(POLL, ({ res }, h) => (++polls === 1 ? h.json(res, 200, { ...h.running('task-t'), data: { taskId: 'task-t', status: 'processing', progress: 40 } }) : h.json(res, 502, { error: { message: 'provider down' } })));
		const result = await runAgainst(hostile, waitParameters({ maxWait: 3 }), [{ prompt: 'p' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/did not finish within 3 s \(last status: processing, 40%; last error: The model’s provider is unavailable \(502\): provider down\)/);
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 9: the key in no field n8n stores', () => {
	it('a server echoing the key in errors, Location and raw answers: none of it is stored', async () => {
		const key = hostile.apiKey;
		hostile.on(CREATE, ({ body, res }, h) => {
			if (body?.prompt === 'echo error') return h.json(res, 500, { error: { message: `bad key ${key}`, detail: key, code: key } });
			if (body?.prompt === 'echo location') return h.redirect(res, 302, `${h.origins.b}/steal?key=${key}`);
			if (body?.prompt === 'echo failed') return h.json(res, 200, h.accepted(`failed-${key}`));
			h.json(res, 200, { ...h.accepted(`task-${key}`), echo: { authorization: `Bearer ${key}` } });
		});
		hostile.on(POLL, ({ body, res }, h) =>
			String(body?.taskId).startsWith('failed-')
				? h.json(res, 200, { code: 'SUCCESS', data: { taskId: body?.taskId, status: 'failed', generations: [{ id: 'g', status: 'failed', failMsg: `refused for ${key}` }] } })
				: h.json(res, 200, { ...h.finished(`task-${key}`, `${h.origins.b}/v.mp4`), echo: encodeURIComponent(key), text: `progress for ${key}` }),
		);
		const items = [{ prompt: 'echo error' }, { prompt: 'echo location' }, { prompt: 'echo raw' }, { prompt: 'echo failed' }];
		const parameters = waitParameters({ includeRawResponse: true });
		for (const extra of [{}, { continueOnFail: true }, { onError: 'continueErrorOutput' as const }]) {
			const result = await runAgainst(hostile, parameters, items, extra);
			const stored = everythingStored(result);
			expect(stored).toContain('[redacted]');
			expect(stored).not.toContain(key);
			expect(stored).not.toContain(encodeURIComponent(key));
		}
		const getStatus = await runAgainst(hostile, { operation: 'getStatus', model: 'google/veo3', taskId: 'x', options: { includeRawResponse: true } });
		expect(everythingStored(getStatus)).not.toContain(key);
		expect(hostile.counters.keySeen.b).toBe(0);
		expect(hostile.counters.creates).toBe(12);
	});
});


