// Both generations of FastRouter's video API, through n8n's engine against the simulator: the older
// one (code "SUCCESS", task… ids, getVideoResponse) and the newer one (code "success", fr_ ids,
// estimate_usage, GET /api/v1/videos/{id} or getAsyncResponse, fastrouter_assets).
import type { IDataObject } from 'n8n-workflow';

import { NORMALIZED_KEYS } from '../helpers/expectations';
import { FIELDS_FROM_ITEM, runVideoNode, SIM_KEY, videoBytes } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';
import { sleep } from '../helpers/sleep';

const sim = useSimulator({ durationMs: 600, videoBytes: 48 * 1024 });

const IMAGE = 'https://images.example.com/frame.png';
const NEW = '[sim:gen=new]';

function fromRows(operation: string, options: IDataObject = {}): IDataObject {
	return {
		operation,
		model: '={{ $json.model }}',
		...FIELDS_FROM_ITEM,
		...(operation === 'createAndWait' ? { options: { pollInterval: 1, ...options } } : {}),
	};
}

function taskOf(prompt: string) {
	const task = [...sim.tasks.values()].find((candidate) => candidate.prompt === prompt);
	if (!task) throw new Error(`no task for ${prompt}`);
	return task;
}

async function createOne(model: string, prompt: string): Promise<string> {
	const created = await runVideoNode(sim, { operation: 'create', model, prompt });
	expect(created.error).toBeUndefined();
	return created.items[0].json.taskId as string;
}

const getStatus = async (taskId: string, model = 'google/veo3', extra: IDataObject = {}) =>
	await runVideoNode(sim, { operation: 'getStatus', model, taskId, ...extra });

describe('Create', () => {
	it('the newer answer (code "success", fr_ id, estimate_usage) is a created task, not an error', async () => {
		const result = await runVideoNode(sim, fromRows('create'), [
			{ model: 'google/veo3', prompt: `newer ${NEW}` },
			{ model: 'google/veo3', prompt: 'older' },
		]);
		expect(result.error).toBeUndefined();
		const [newer, older] = result.items.map((item) => item.json);
		expect(Object.keys(newer).sort()).toEqual([...NORMALIZED_KEYS].sort());
		expect(Object.keys(older).sort()).toEqual([...NORMALIZED_KEYS].sort());
		expect(newer).toMatchObject({
			taskId: taskOf(`newer ${NEW}`).taskId,
			status: 'processing',
			creditsUsed: taskOf(`newer ${NEW}`).estimateCredits,
			costUsd: null,
			cached: false,
			hostedVideoUrl: null,
			expiresAt: null,
			error: null,
		});
		expect(newer.taskId).toMatch(/^fr_[0-9A-Z]{26}$/);
		expect(older).toMatchObject({
			taskId: taskOf('older').taskId,
			status: 'queued',
			creditsUsed: taskOf('older').credits,
			cached: false,
		});
		expect(sim.counters.creates).toBe(2);
	});

	it.each([
		['older, upper-case FAILED', 'FAILED', ''],
		['newer, lower-case failed', 'failed', ` ${NEW}`],
	])(
		'a 2xx create whose envelope says failure but names a task (%s): an error item that carries the id',
		async (_name, code, gen) => {
			const prompt = `broken start [sim:envtask=${code}]${gen}`;
			const result = await runVideoNode(
				sim,
				fromRows('create'),
				[{ model: 'google/veo3', prompt }],
				{ continueOnFail: true },
			);
			const { taskId } = taskOf(prompt);
			expect(result.items[0].json).toEqual({
				error: expect.stringMatching(
					new RegExp(
						`^Item 1: FastRouter created task ${taskId} but answered: FastRouter answered ${code}`,
					),
				),
				taskId,
			});
			expect(sim.counters.createsByPrompt[prompt]).toBe(1);
		},
	);

	it('without Continue On Fail, such an item fails the node naming its task, and lists the batch’s other tasks', async () => {
		const bad = `second [sim:envtask=failed] ${NEW}`;
		const result = await runVideoNode(sim, fromRows('createAndWait'), [
			{ model: 'google/veo3', prompt: `first ${NEW}` },
			{ model: 'google/veo3', prompt: bad },
		]);
		expect(result.error?.message).toContain(
			`Item 2: FastRouter created task ${taskOf(bad).taskId}`,
		);
		expect(result.error?.description).toContain(taskOf(`first ${NEW}`).taskId);
		expect(sim.counters.creates).toBe(2);
	});

	it('a cached newer answer is marked, and not billed', async () => {
		const prompt = `again ${NEW} [sim:cached]`;
		const created = await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt });
		expect(created.items[0].json).toMatchObject({ cached: true, creditsUsed: 0 });
		const done = await getStatus(created.items[0].json.taskId as string);
		expect(done.items[0].json).toMatchObject({ status: 'succeeded', cached: true, creditsUsed: 0 });
		expect(done.items[0].binary?.data?.mimeType).toBe('video/mp4');
	});
});

describe('Get Status', () => {
	it('polls an fr_ task with GET /api/v1/videos/{id}, with the final cost and the hosted copy', async () => {
		const taskId = await createOne('google/veo3', `status ${NEW}`);
		const running = await getStatus(taskId);
		expect(running.items[0].json).toMatchObject({
			taskId,
			status: expect.stringMatching(/queued|processing/),
			hostedVideoUrl: null,
		});
		await sleep(700);
		const done = await getStatus(taskId);
		const item = done.items[0];
		const task = sim.tasks.get(taskId)!;
		expect(Object.keys(item.json).sort()).toEqual([...NORMALIZED_KEYS].sort());
		expect(item.json).toMatchObject({
			taskId,
			status: 'succeeded',
			videoUrl: `${sim.videoBaseUrl}/videos/${taskId}.mp4`,
			hostedVideoUrl: `${sim.baseUrl}/videos-content/${taskId}`,
			creditsUsed: task.credits,
			costUsd: expect.any(Number),
			cached: false,
		});
		expect(Date.parse(item.json.expiresAt as string)).toBeGreaterThan(
			Date.now() + 29 * 24 * 3600 * 1000,
		);
		expect(videoBytes(item).subarray(4, 8).toString()).toBe('ftyp');
		expect(sim.counters.pollRoutes).toEqual({ 'GET videos': 2 });
		// The provider link worked: the hosted copy was not needed, and the CDN never saw the key.
		expect(sim.counters.hostedDownloads).toBe(0);
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
	});

	it.each([
		['404 without FastRouter’s error body', '[sim:noget]'],
		['405', '[sim:noget=405]'],
	])(
		'when GET /api/v1/videos/{id} answers %s, the task is polled with POST getAsyncResponse',
		async (_name, token) => {
			const taskId = await createOne('google/veo3', `no get ${NEW} ${token}`);
			await sleep(700);
			const done = await getStatus(taskId);
			expect(done.error).toBeUndefined();
			expect(done.items[0].json).toMatchObject({ taskId, status: 'succeeded' });
			expect(sim.counters.pollRoutes).toEqual({ 'POST getAsyncResponse': 1 });
		},
	);

	it('a 404 with FastRouter’s error body is a real "task not found": reported, no other route tried', async () => {
		const result = await getStatus('fr_01M1Y389KN0KN28AT3733Q505H');
		expect(result.error?.message).toMatch(
			/Task not found or expired \(404\).*fr_01M1Y389KN0KN28AT3733Q505H/,
		);
		expect(sim.counters.apiRequests).toEqual({ 'GET /api/v1/videos/{id}': 1 });
	});

	it('older ids are polled with the model, on getVideoResponse', async () => {
		const taskId = await createOne('google/veo3', 'older status');
		await sleep(700);
		// A model id from a sheet, in another case: the older route needs it exactly as created.
		const done = await getStatus(taskId, '={{ " GOOGLE/VEO3 " }}');
		expect(done.items[0].json).toMatchObject({
			taskId,
			status: 'succeeded',
			hostedVideoUrl: null,
			expiresAt: null,
			costUsd: null,
		});
		expect(sim.counters.pollRoutes).toEqual({ 'POST getVideoResponse': 1 });
	});

	it('a task finished long ago (provider link expired): the MP4 comes from the hosted copy, the key only on the Base URL origin', async () => {
		const taskId = await createOne('google/veo3', `yesterday ${NEW} [sim:expired]`);
		await sleep(700);
		const done = await getStatus(taskId);
		expect(done.error).toBeUndefined();
		expect(done.items[0].binary?.data).toMatchObject({
			mimeType: 'video/mp4',
			bytes: 48 * 1024,
			fileName: `${taskId}.mp4`,
		});
		expect(sim.counters.hostedDownloads).toBe(1);
		expect(sim.counters.hostedAuthHeaders).toEqual([`Bearer ${SIM_KEY}`]);
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
	});

	it.each([
		['on another origin', '[sim:hosted=elsewhere]'],
		['that redirects to another origin', '[sim:hosted=redirect]'],
	])('a hosted copy %s is fetched without the key there', async (_name, token) => {
		const taskId = await createOne('google/veo3', `elsewhere ${NEW} [sim:expired=404] ${token}`);
		await sleep(700);
		const done = await getStatus(taskId);
		expect(done.error).toBeUndefined();
		expect(done.items[0].binary?.data?.bytes).toBe(48 * 1024);
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
		expect(sim.counters.downloadsCompleted).toBe(1);
	});

	it('an expired provider link without a hosted copy (older answer) is a clear error with the task id', async () => {
		const taskId = await createOne('google/veo3', 'old and expired [sim:expired]');
		await sleep(700);
		const done = await getStatus(taskId);
		expect(done.error?.message).toMatch(
			/Could not download the video of task \S+: the video host answered HTTP 403/,
		);
		expect(done.error?.message).toContain(taskId);
	});
});

describe('Create and Wait', () => {
	it('three newer-generation rows: three creates, three videos, each with its fr_ id', async () => {
		const rows = [1, 2, 3].map((n) => ({ model: 'google/veo3-fast', prompt: `row ${n} ${NEW}` }));
		const result = await runVideoNode(sim, fromRows('createAndWait'), rows);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.taskId)).toEqual(
			rows.map((row) => taskOf(row.prompt).taskId),
		);
		expect(
			result.items.every(
				(item) =>
					/^fr_/.test(item.json.taskId as string) && item.binary?.data?.mimeType === 'video/mp4',
			),
		).toBe(true);
		expect(sim.counters.createsByPrompt).toEqual(
			Object.fromEntries(rows.map((row) => [row.prompt, 1])),
		);
	});

	it.each([
		['usage.credits_used', '[sim:credits=usage]'],
		['usage.user_key_credits_used', '[sim:credits=userkey]'],
		['data.credit', '[sim:credits=data]'],
	])('the final credits come from %s, replacing the estimate', async (_name, token) => {
		const prompt = `credits ${NEW} ${token}`;
		const result = await runVideoNode(sim, fromRows('createAndWait'), [
			{ model: 'google/veo3', prompt },
		]);
		const task = taskOf(prompt);
		expect(task.estimateCredits).not.toBe(task.credits);
		expect(result.items[0].json).toMatchObject({ status: 'succeeded', creditsUsed: task.credits });
	});

	it('a run whose GET poll route is missing finds that out once and then polls with POST', async () => {
		const result = await runVideoNode(sim, fromRows('createAndWait'), [
			{ model: 'google/veo3', prompt: `no get ${NEW} [sim:noget]` },
		]);
		expect(result.items[0].json.status).toBe('succeeded');
		expect(sim.counters.apiRequests['GET /api/v1/videos/{id}']).toBe(1);
		expect(sim.counters.pollRoutes['POST getAsyncResponse']).toBeGreaterThanOrEqual(1);
	});

	it('a mixed batch — both generations, several models, text and image — every item a video with its own id and figures', async () => {
		const rows = [
			{ model: 'google/veo3', prompt: 'veo older', resolution: '720p' },
			{ model: 'google/veo3-fast', prompt: `veo fast newer ${NEW}` },
			{ model: 'openai/sora-2-pro', prompt: 'sora older', seconds: 4 },
			{ model: 'openai/sora-2-pro', prompt: `sora newer ${NEW}`, seconds: 8 },
			{
				model: 'kling-ai/kling-v1-6',
				prompt: `kling newer ${NEW}`,
				imageUrl: IMAGE,
				mode: 'pro',
				length: 5,
			},
			{
				model: 'minimax/minimax-hailuo-02',
				prompt: `hailuo newer ${NEW} [sim:expired]`,
				imageUrl: IMAGE,
				resolution: '768P',
			},
			{ model: 'pollo/pollo-v1-6', prompt: 'pollo older', resolution: '480p' },
			{ model: 'BYTEDANCE/Seedance-1-5-Pro', prompt: `seedance 1.5 newer ${NEW}` },
		];
		const result = await runVideoNode(sim, fromRows('createAndWait'), rows);
		expect(result.error).toBeUndefined();
		result.items.forEach((item, index) => {
			const row = rows[index];
			const task = taskOf(row.prompt);
			const newer = row.prompt.includes(NEW);
			expect(Object.keys(item.json).sort()).toEqual([...NORMALIZED_KEYS].sort());
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({
				taskId: task.taskId,
				model: row.model.toLowerCase(),
				status: 'succeeded',
				creditsUsed: task.credits,
				cached: false,
				hostedVideoUrl: newer ? `${sim.baseUrl}/videos-content/${task.taskId}` : null,
			});
			expect(typeof item.json.costUsd).toBe(newer ? 'number' : 'object');
			expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', bytes: 48 * 1024 });
			expect(task.generation).toBe(newer ? 'newer' : 'older');
		});
		expect(Object.values(sim.counters.createsByPrompt)).toEqual(rows.map(() => 1));
		expect(sim.counters.hostedDownloads).toBe(1); // the expired Hailuo link only
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
	});
});
