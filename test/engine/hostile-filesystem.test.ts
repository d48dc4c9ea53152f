/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { useBinaryMode } from '../helpers/engine';
import { CREATE, type Hostile, POLL, runAgainst, useHostileServer, waitParameters } from '../helpers/hostile';
import { sleep } from '../helpers/sleep';

// The node against a hostile server; the rules are numbered in test/helpers/hostile.ts. Every test
// also checks rule 2, at most one create per item: it counts the creates.
// This file: in n8n's filesystem binary mode (its default), a download that is stopped — by cancel
// or by a limit — must leave no file behind, while a finished one is stored as a file.

beforeAll(async () => await useBinaryMode('filesystem'));
const hostile = useHostileServer();

function filesUnder(dir: string): string[] {
	let found: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) found = found.concat(filesUnder(full));
		else if (statSync(full).size > 0 && !entry.name.endsWith('.metadata')) found.push(full);
	}
	return found;
}

const binaryFiles = () => filesUnder(process.env.N8N_USER_FOLDER as string).filter((file) => file.includes('binary'));

function videoAt(route: string, serve: Parameters<Hostile['mp4']>[1]) {
	hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
	hostile.on(POLL, ({ body, res }, h) => h.json(res, 200, h.finished(String(body?.taskId), `${h.origins.b}${route}`)));
	hostile.on(`b GET ${route}`, ({ res }, h) => h.mp4(res, serve));
}

describe('rule 5: a stored video is a video, in filesystem binary mode too', () => {
	it('a finished download is a file of the video’s size', async () => {
		videoAt('/ok.mp4', { bytes: 300_000 });
		const before = binaryFiles().length;
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'ok' }], { binaryMode: 'filesystem' });
		expect(result.items[0].binary?.data?.id).toMatch(/^filesystem/);
		expect(binaryFiles().length).toBe(before + 1);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a cancelled download and one stopped by Max Video Size leave no file behind', async () => {
		const before = binaryFiles();
		videoAt('/stall.mp4', { bytes: 2_000_000, stallAfter: 600_000 });
		let cancelledAt = 0;
		await runAgainst(hostile, waitParameters({ maxWait: 30 }), [{ prompt: 'cancel' }], {
			binaryMode: 'filesystem',
			onStart: (cancel) =>
				setTimeout(() => {
					cancelledAt = Date.now();
					cancel();
				}, 1800),
		}).catch(() => undefined);
		expect(Date.now() - cancelledAt).toBeLessThan(2000);

		videoAt('/big.mp4', { bytes: 3 * 1024 * 1024, declareLength: false });
		const capped = await runAgainst(hostile, waitParameters({ maxVideoSize: 1 }), [{ prompt: 'big' }], { continueOnFail: true, binaryMode: 'filesystem' });
		expect(capped.items[0].json.error).toMatch(/larger than Max Video Size/);

		await sleep(300);
		expect(binaryFiles()).toEqual(before);
		expect(hostile.counters.creates).toBe(2);
	});
});
