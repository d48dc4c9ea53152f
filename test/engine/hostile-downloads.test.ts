/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { useBinaryMode } from '../helpers/engine';
import {
	CREATE,
	happyPath,
	type Hostile,
	NEWER_POLL,
	newerFinished,
	newerTask,
	POLL,
	runAgainst,
	useHostileServer,
	waitParameters,
} from '../helpers/hostile';
import { cancelAfter } from '../helpers/node';
import { sleep } from '../helpers/sleep';

// The node against a hostile server; the rules are numbered in test/helpers/hostile.ts. Every test
// also checks rule 2, at most one create per item: it counts the creates.
// This file: what arrives as "the video" is checked: error pages, empty files, cut transfers, and
// the newer API generation's fall-back to the hosted copy; all in n8n's filesystem binary mode
// (its default), where a download that is stopped — by cancel or by a limit — must also leave no
// file behind, while a finished one is stored as a file.

beforeAll(async () => await useBinaryMode('filesystem'));
const hostile = useHostileServer();
const FILESYSTEM = { binaryMode: 'filesystem' } as const;

function filesUnder(dir: string): string[] {
	let found: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) found = found.concat(filesUnder(full));
		else if (statSync(full).size > 0 && !entry.name.endsWith('.metadata')) found.push(full);
	}
	return found;
}

const binaryFiles = () =>
	filesUnder(process.env.N8N_USER_FOLDER as string).filter((file) => file.includes('binary'));

function videoAt(route: string, serve: Parameters<Hostile['mp4']>[1]) {
	hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
	hostile.on(POLL, ({ body, res }, h) =>
		h.json(res, 200, h.finished(String(body?.taskId), `${h.origins.b}${route}`)),
	);
	hostile.on(`b GET ${route}`, ({ res }, h) => h.mp4(res, serve));
}

describe('rule 5: a stored video is a video', () => {
	const cases: Array<
		[string, (h: Hostile, res: import('node:http').ServerResponse) => void, RegExp]
	> = [
		[
			'an HTML error page',
			(h, res) =>
				h.raw(
					res,
					200,
					'text/html',
					'<html><title>Access Denied</title><body>Request expired</body></html>',
				),
			/text\/html, \d+ bytes, starting "Access Denied"/,
		],
		[
			'JSON served as the video',
			(h, res) => h.raw(res, 200, 'application/json', '{"error":"expired"}'),
			/application\/json, 19 bytes, starting "\{"error":"expired"\}"/,
		],
		[
			'an error page labelled video/mp4',
			(h, res) =>
				h.raw(res, 200, 'video/mp4', 'Error: the link has expired, please request a new one'),
			/not an MP4 \(video\/mp4, 53 bytes, starting "Error: the link has expired/,
		],
		['an empty file', (h, res) => h.raw(res, 200, 'video/mp4', ''), /an empty file/],
	];

	it.each(cases)(
		'%s fails the item saying what arrived, with no binary',
		async (_name, serve, words) => {
			happyPath(hostile);
			hostile.on('b GET /v.mp4', ({ res }, h) => serve(h, res));
			const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], {
				continueOnFail: true,
				...FILESYSTEM,
			});
			expect(result.items[0].json.error).toMatch(
				/^Item 1: Could not download the video of task task-p: /,
			);
			expect(result.items[0].json.error).toMatch(words);
			expect(result.items[0].json.taskId).toBe('task-p');
			expect(result.items[0].binary).toBeUndefined();
			expect(hostile.counters.creates).toBe(1);
		},
	);

	it('a finished Sora poll whose "video" is an error page fails saying so, with its task id', async () => {
		hostile.on(CREATE, ({ res }, h) =>
			h.json(res, 200, { id: 'video_2', object: 'video', status: 'queued' }),
		);
		hostile.on(POLL, ({ res }, h) =>
			h.raw(
				res,
				200,
				'application/octet-stream',
				'upstream error: quota exceeded for this account',
			),
		);
		const result = await runAgainst(
			hostile,
			waitParameters({}, { model: 'openai/sora-2-pro' }),
			[{ prompt: 'sora' }],
			{ continueOnFail: true, ...FILESYSTEM },
		);
		expect(result.items[0].json.error).toMatch(
			/^Item 1: Could not download the video of task video_2: .*not an MP4 \(application\/octet-stream, 47 bytes, starting "upstream error: quota exceeded/,
		);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});

	it('a download reset part-way is tried again, at most 3 times, and then fails in words', async () => {
		happyPath(hostile);
		hostile.on('b GET /v.mp4', ({ res }, h) => {
			h.mp4(res, { bytes: 200_000, stallAfter: 5_000 });
			setTimeout(() => res.socket?.destroy(), 100);
		});
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], {
			continueOnFail: true,
			...FILESYSTEM,
		});
		expect(result.items[0].json.error).toMatch(
			/^Item 1: Could not download the video of task task-p: the download (broke off|was cut short)/,
		);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.log.filter((line) => line === 'b GET /v.mp4')).toHaveLength(3);
		expect(hostile.counters.creates).toBe(1);
	});

	it('"finished" with no video while Download Video is on is an error', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-empty')));
		hostile.on(POLL, ({ res }, h) =>
			h.json(res, 200, {
				code: 'SUCCESS',
				data: { taskId: 'task-empty', status: 'succeed', generations: [] },
			}),
		);
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], {
			continueOnFail: true,
			...FILESYSTEM,
		});
		expect(result.items[0].json.error).toMatch(
			/task-empty: FastRouter reported the task finished but gave no video/,
		);
		expect(result.items[0].binary).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});

	it('a provider link serving an error page as the video falls back to the hosted copy', async () => {
		newerTask(hostile);
		hostile.on(NEWER_POLL, ({ res }, h) =>
			h.json(
				res,
				200,
				newerFinished(`${h.origins.b}/page.mp4`, `${h.origins.a}/videos-content/fr_01`),
			),
		);
		hostile.on('b GET /page.mp4', ({ res }, h) =>
			h.raw(res, 200, 'text/html', '<html><title>Link expired</title></html>'),
		);
		hostile.on('a GET /videos-content/fr_01', ({ res }, h) => h.mp4(res, { bytes: 30_000 }));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], FILESYSTEM);
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data?.bytes).toBe(30_000);
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 5: a stopped download leaves no file behind', () => {
	it('a finished download is a file of the video’s size', async () => {
		videoAt('/ok.mp4', { bytes: 300_000 });
		const before = binaryFiles().length;
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'ok' }], FILESYSTEM);
		expect(result.items[0].binary?.data?.id).toMatch(/^filesystem/);
		expect(binaryFiles().length).toBe(before + 1);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a cancelled download and one stopped by Max Video Size leave no file behind', async () => {
		const before = binaryFiles();
		videoAt('/stall.mp4', { bytes: 2_000_000, stallAfter: 600_000 });
		const stop = cancelAfter(1800);
		await runAgainst(hostile, waitParameters({ maxWait: 30 }), [{ prompt: 'cancel' }], {
			...FILESYSTEM,
			onStart: stop.onStart,
		}).catch(() => undefined);
		expect(Date.now() - stop.at()).toBeLessThan(2000);

		videoAt('/big.mp4', { bytes: 3 * 1024 * 1024, declareLength: false });
		const capped = await runAgainst(
			hostile,
			waitParameters({ maxVideoSize: 1 }),
			[{ prompt: 'big' }],
			{ continueOnFail: true, ...FILESYSTEM },
		);
		expect(capped.items[0].json.error).toMatch(/larger than Max Video Size/);

		await sleep(300);
		expect(binaryFiles()).toEqual(before);
		expect(hostile.counters.creates).toBe(2);
	});
});
