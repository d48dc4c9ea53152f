import type { IDataObject } from 'n8n-workflow';

import { NORMALIZED_KEYS } from '../helpers/expectations';
import { FIELDS_FROM_ITEM, runVideoNode, videoBytes } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';

const sim = useSimulator({ durationMs: 1200, videoBytes: 200 * 1024 });
beforeAll(async () => {
	// The first run of n8n's engine and of the node's code costs a few hundred ms of CPU, which test
	// files running side by side can stretch to seconds: spent here, not in the timed batch below.
	await runVideoNode(sim, waitParameters(), [
		{ model: 'google/veo3', prompt: 'warm-up [sim:duration=0]' },
		{ model: 'openai/sora-2-pro', prompt: 'warm-up [sim:duration=0]' },
	]);
});

const IMAGE = 'https://images.example.com/frame.png';

function waitParameters(options: IDataObject = {}, extra: IDataObject = {}): IDataObject {
	return {
		operation: 'createAndWait',
		model: '={{ $json.model }}',
		...FIELDS_FROM_ITEM,
		options: { pollInterval: 1, ...options },
		...extra,
	};
}

describe('Create and Wait', () => {
	it('a mixed batch of every catalog model, text and image, all come back as MP4 binaries, in about the time of one', async () => {
		const rows = [
			{ model: 'google/veo3', prompt: 'veo text', resolution: '720p' },
			{ model: 'google/veo3', prompt: 'veo image', imageUrl: IMAGE },
			{ model: 'google/veo3-fast', prompt: 'veo fast' },
			{ model: 'openai/sora-2-pro', prompt: 'sora', seconds: 4, size: '1280x720' },
			{ model: 'runway/runway-gen-3-turbo', imageUrl: IMAGE, prompt: 'runway 3' },
			{ model: 'runway/runway-gen-4-turbo', imageUrl: IMAGE, prompt: 'runway 4' },
			{ model: 'bytedance/seedance', prompt: 'seedance text', resolution: '480p' },
			{
				model: 'bytedance/seedance',
				imageUrl: IMAGE,
				prompt: 'seedance image',
				resolution: '1080p',
			},
			{ model: 'bytedance/seedance-pro', prompt: 'seedance pro', resolution: '480p' },
			{ model: 'pollo/pollo-v1-6', prompt: 'pollo', resolution: '480p' },
		];
		const started = Date.now();
		const result = await runVideoNode(sim, waitParameters(), rows);
		const elapsed = Date.now() - started;
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(rows.length);
		result.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(Object.keys(item.json).sort()).toEqual([...NORMALIZED_KEYS].sort());
			expect(item.json).toMatchObject({
				model: rows[index].model,
				status: 'succeeded',
				progress: 100,
				error: null,
			});
			expect(item.json.creditsUsed).toEqual(expect.any(Number));
			expect(item.binary?.data).toMatchObject({
				mimeType: 'video/mp4',
				bytes: 200 * 1024,
				fileName: `${item.json.taskId}.mp4`,
			});
			expect(videoBytes(item).subarray(4, 8).toString()).toBe('ftyp');
		});
		// Sequential waiting would take ten task durations; together it is about one plus a poll.
		expect(elapsed).toBeLessThan(1200 * 4);
		expect(Object.values(sim.counters.createsByPrompt)).toEqual(rows.map(() => 1));
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
	});

	it('rides out 429s and 500s on polls, with one create per item', async () => {
		sim.setFault('rate limited', { pollErrors: { status: 429, times: 2, retryAfter: 1 } });
		sim.setFault('server errors', { pollErrors: { status: 500, times: 2 } });
		const rows = [
			{ model: 'google/veo3', prompt: 'rate limited' },
			{ model: 'pollo/pollo-v1-6', prompt: 'server errors', resolution: '720p' },
			{ model: 'openai/sora-2-pro', prompt: 'calm' },
		];
		const result = await runVideoNode(sim, waitParameters(), rows);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual([
			'succeeded',
			'succeeded',
			'succeeded',
		]);
		expect(sim.counters.createsByPrompt).toEqual({
			'rate limited': 1,
			'server errors': 1,
			calm: 1,
		});
	});

	it('each fault gives its own per-item outcome with Continue On Fail; the other items still succeed', async () => {
		sim.setFault('fails veo', { fail: 'Veo could not render this' });
		sim.setFault('fails sora', { fail: 'Sora moderation' });
		// Still rendering when it vanishes, however late a loaded machine gets to its first poll.
		sim.setFault('vanishes', { vanishAfterPolls: 1, durationMs: 60_000 });
		sim.setFault('cut once', { cutDownload: 1 });
		sim.setFault('cut sora', { cutDownload: 1 });
		sim.setFault('created then 500', { createError: 500 });
		const rows = [
			{ model: 'google/veo3', prompt: 'fine' },
			{ model: 'google/veo3', prompt: 'fails veo' },
			{ model: 'openai/sora-2-pro', prompt: 'fails sora' },
			{ model: 'google/veo3', prompt: 'vanishes' },
			{ model: 'google/veo3', prompt: 'cut once' },
			{ model: 'openai/sora-2-pro', prompt: 'cut sora' },
			{ model: 'google/veo3', prompt: 'created then 500' },
		];
		const result = await runVideoNode(sim, waitParameters(), rows, { continueOnFail: true });
		const [fine, failsVeo, failsSora, vanishes, cutOnce, cutSora, created500] = result.items;
		expect(fine.json.status).toBe('succeeded');
		expect(failsVeo.json.error).toMatch(/generation of task \S+ failed: Veo could not render this/);
		expect(failsVeo.json.taskId).toEqual(expect.any(String));
		expect(failsSora.json.error).toMatch(/failed: Sora moderation/);
		expect(failsSora.json.taskId).toMatch(/^video_/);
		expect(vanishes.json.error).toMatch(/Task not found or expired \(404\)/);
		expect(vanishes.json.taskId).toEqual(expect.any(String));
		// A cut download is simply fetched again: a GET (or Sora's poll) is safe to repeat.
		expect(cutOnce.binary?.data?.bytes).toBe(200 * 1024);
		expect(cutSora.binary?.data?.bytes).toBe(200 * 1024);
		expect(created500.json.error).toMatch(
			/may have been created; not retried to avoid a double charge/,
		);
		expect(result.items.map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
		expect(sim.counters.createsByPrompt).toEqual(
			Object.fromEntries(rows.map((row) => [row.prompt, 1])),
		);
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
	});
});
