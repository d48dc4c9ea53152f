/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { CREATE, happyPath, type Hostile, NEWER_POLL, newerFinished, newerTask, POLL, runAgainst, useHostileServer, waitParameters } from '../helpers/hostile';

// The node against a hostile server; the rules are numbered in test/helpers/hostile.ts. Every test
// also checks rule 2, at most one create per item: it counts the creates.
// This file: what arrives as "the video" is checked: error pages, empty files, cut transfers, and
// the newer API generation's fall-back to the hosted copy.

const hostile = useHostileServer();

describe('rule 5: a stored video is a video', () => {
	const cases: Array<[string, (h: Hostile, res: import('node:http').ServerResponse) => void, RegExp]> = [
		['an HTML error page', (h, res) => h.raw(res, 200, 'text/html', '<html><title>Access Denied</title><body>Request expired</body></html>'), /text\/html, \d+ bytes, starting "Access Denied"/],
		['JSON served as the video', (h, res) => h.raw(res, 200, 'application/json', '{"error":"expired"}'), /application\/json, 19 bytes, starting "\{"error":"expired"\}"/],
		['an error page labelled video/mp4', (h, res) => h.raw(res, 200, 'video/mp4', 'Error: the link has expired, please request a new one'), /not an MP4 \(video\/mp4, 53 bytes, starting "Error: the link has expired/],
		['an empty file', (h, res) => h.raw(res, 200, 'video/mp4', ''), /an empty file/],
	];

	it.each(cases)('%s fails the item saying what arrived, with no binary', async (_name, serve, words) => {
		happyPath(hostile);
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
		happyPath(hostile);
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

	it('a provider link serving an error page as the video falls back to the hosted copy', async () => {
		newerTask(hostile);
		hostile.on(NEWER_POLL, ({ res }, h) => h.json(res, 200, newerFinished(`${h.origins.b}/page.mp4`, `${h.origins.a}/videos-content/fr_01`)));
		hostile.on('b GET /page.mp4', ({ res }, h) => h.raw(res, 200, 'text/html', '<html><title>Link expired</title></html>'));
		hostile.on('a GET /videos-content/fr_01', ({ res }, h) => h.mp4(res, { bytes: 30_000 }));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data?.bytes).toBe(30_000);
		expect(hostile.counters.creates).toBe(1);
	});
});
