/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test code runs under jest on Node, never inside n8n: these rules guard the shipped node code */
// Tests of the FastRouter simulator itself, against its real HTTP servers. Other tests trust it to
// answer as FastRouter's API documents describe, so its shapes and faults are pinned here.
import { fork, spawn } from 'node:child_process';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { sleep } from '../helpers/sleep';
import { startSimulator, parsePromptFaults, servedSize, FIXTURE_BYTES } from './index';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
type Options = NonNullable<Parameters<typeof startSimulator>[0]>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const KEY = 'sim-key';
const VEO = 'google/veo3';
const SORA = 'openai/sora-2-pro';
const MiB = 1024 * 1024;

let sims: Sim[] = [];

async function start(options: Options = {}): Promise<Sim> {
	const sim = await startSimulator({ durationMs: 300, videoBytes: 64 * 1024, ...options });
	sims.push(sim);
	return sim;
}

afterEach(async () => {
	await Promise.all(sims.map((s) => s.close()));
	sims = [];
});

const readJson = (res: Response): Promise<Json> => res.json();

function post(sim: Sim, route: string, body: unknown, key: string | null = KEY): Promise<Response> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (key !== null) headers.Authorization = `Bearer ${key}`;
	return fetch(sim.baseUrl + route, {
		method: 'POST',
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

async function create(
	sim: Sim,
	body: Record<string, unknown>,
): Promise<{ res: Response; json: Json }> {
	const res = await post(sim, '/api/v1/videos', body);
	return { res, json: await readJson(res) };
}

function taskIdOf(json: Json): string {
	return json.data?.taskId ?? json.id;
}

async function pollJson(
	sim: Sim,
	taskId: string,
	model: string,
): Promise<{ res: Response; json: Json }> {
	const res = await post(sim, '/api/v1/getVideoResponse', { taskId, model });
	return { res, json: await readJson(res) };
}

/** Reads a body chunk by chunk, keeping only the count (and optionally the bytes). */
async function drain(
	res: Response,
	keep = false,
): Promise<{ bytes: number; error?: unknown; data?: Buffer }> {
	const reader = res.body!.getReader();
	const parts: Buffer[] = [];
	let bytes = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			bytes += value.length;
			if (keep) parts.push(Buffer.from(value));
		}
	} catch (error) {
		return { bytes, error };
	}
	return { bytes, data: keep ? Buffer.concat(parts) : undefined };
}

/** Top-level ISO BMFF boxes (32-bit sizes: the simulator serves nothing larger). */
function boxes(buf: Buffer): { type: string; size: number; offset: number }[] {
	const out = [];
	let offset = 0;
	while (offset < buf.length) {
		let size = buf.readUInt32BE(offset);
		const type = buf.toString('latin1', offset + 4, offset + 8);
		if (size === 0) size = buf.length - offset;
		if (size < 8) throw new Error(`bad box size ${size} at ${offset}`);
		out.push({ type, size, offset });
		offset += size;
	}
	if (offset !== buf.length) throw new Error(`boxes overrun: ${offset} vs ${buf.length}`);
	return out;
}

async function doneTaskStyle(
	sim: Sim,
	prompt: string,
	model = VEO,
): Promise<{ taskId: string; url: string }> {
	const { json } = await create(sim, { model, prompt });
	const taskId = taskIdOf(json);
	for (;;) {
		const { json: p } = await pollJson(sim, taskId, model);
		if (p.data.status === 'succeed') return { taskId, url: p.data.generations[0].url };
		await sleep(10);
	}
}

describe('create', () => {
	test('task-style answer: task id in data.taskId, full model id, provider in usage', async () => {
		const sim = await start();
		const { res, json } = await create(sim, { model: VEO, prompt: 'a robot on Mars', length: 8 });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(json).toEqual({
			chat_id: expect.stringMatching(/^fr_[0-9a-f-]{36}$/),
			model: VEO,
			code: 'SUCCESS',
			message: 'success',
			data: { taskId: expect.stringMatching(/^task[0-9a-f]+$/), status: 'waiting' },
			usage: {
				prompt_tokens: 0,
				completion_tokens: 0,
				total_tokens: 0,
				user_key_credits_used: expect.any(Number),
				credits_used: expect.any(Number),
				provider: 'google',
			},
		});
		expect(json.id).toBeUndefined();
		const task = sim.tasks.get(json.data.taskId)!;
		expect(task).toMatchObject({
			taskId: json.data.taskId,
			model: VEO,
			prompt: 'a robot on Mars',
			body: { length: 8 },
		});
		expect(sim.counters).toMatchObject({
			creates: 1,
			createRequests: 1,
			createsByPrompt: { 'a robot on Mars': 1 },
		});
	});

	test('Sora answers the video object: id at top level, model without provider prefix, seconds as a string', async () => {
		const sim = await start();
		const before = Math.floor(Date.now() / 1000);
		const { res, json } = await create(sim, {
			model: SORA,
			prompt: 'street interview',
			seconds: '8',
			size: '1024x1792',
		});
		expect(res.status).toBe(200);
		expect(json).toEqual({
			id: expect.stringMatching(/^video_[0-9a-f]+$/),
			chat_id: expect.stringMatching(/^fr_[0-9a-f-]{36}$/),
			object: 'video',
			created_at: expect.any(Number),
			status: 'queued',
			completed_at: 0,
			expires_at: 0,
			model: 'sora-2-pro',
			seconds: '8',
			size: '1024x1792',
			usage: {
				api_key_credits_used: 0,
				user_key_credits_used: 4,
				credits_used: 4,
				provider: 'openai',
			},
		});
		expect(json.created_at).toBeGreaterThanOrEqual(before);
		expect(json.data).toBeUndefined();
		expect(sim.tasks.has(json.id)).toBe(true);
	});

	test('Sora echoes an integer seconds as a string', async () => {
		const sim = await start();
		const { json } = await create(sim, { model: SORA, prompt: 'x', seconds: 12, size: '1280x720' });
		expect(json.seconds).toBe('12');
		expect(json.size).toBe('1280x720');
	});

	test('image-only create is accepted; a model without provider, no prompt and no image, or a data URL are 400', async () => {
		const sim = await start();
		const ok = await create(sim, {
			model: 'runway/runway-gen-4-turbo',
			image: 'https://example.com/a.jpg',
		});
		expect(ok.res.status).toBe(200);
		const cases: Record<string, unknown>[] = [
			{ prompt: 'no model' },
			{ model: 'veo3', prompt: 'no provider' },
			{ model: 42, prompt: 'not a string' },
			{ model: VEO },
			{ model: VEO, prompt: '   ' },
			{ model: VEO, image: 'data:image/png;base64,AAAA' },
		];
		for (const body of cases) {
			const { res, json } = await create(sim, body);
			expect(res.status).toBe(400);
			expect(json.error).toMatchObject({
				type: 'invalid_request_error',
				status: 400,
				message: expect.any(String),
			});
		}
		const bad = await post(sim, '/api/v1/videos', '{not json');
		expect(bad.status).toBe(400);
		expect(sim.counters.creates).toBe(1);
		expect(sim.counters.createRequests).toBe(cases.length + 2);
	});
});

describe('auth', () => {
	test('401 without echoing the key, for create and poll; counted', async () => {
		const sim = await start();
		const givenValue = 'sk-super-secret-123';
		for (const key of [givenValue, null, '']) {
			const res = await post(sim, '/api/v1/videos', { model: VEO, prompt: 'p' }, key);
			const text = await res.text();
			expect(res.status).toBe(401);
			expect(JSON.parse(text)).toEqual({
				error: {
					message: 'Invalid API key',
					type: 'authentication_error',
					code: 'invalid_api_key',
					status: 401,
				},
			});
			expect(text).not.toContain(givenValue);
		}
		const pollRes = await post(
			sim,
			'/api/v1/getVideoResponse',
			{ taskId: 'taskx', model: VEO },
			givenValue,
		);
		expect(pollRes.status).toBe(401);
		expect(await pollRes.text()).not.toContain(givenValue);
		expect(sim.counters).toMatchObject({
			apiAuthFailures: 4,
			createRequests: 3,
			creates: 0,
			createsByPrompt: {},
		});
		expect(sim.tasks.size).toBe(0);
	});

	test('a custom apiKey is the only one accepted', async () => {
		const sim = await start({ apiKey: 'other-key' });
		expect((await post(sim, '/api/v1/videos', { model: VEO, prompt: 'p' })).status).toBe(401);
		expect(
			(await post(sim, '/api/v1/videos', { model: VEO, prompt: 'p' }, 'other-key')).status,
		).toBe(200);
	});
});

describe('poll', () => {
	// Polled every 20 ms of the simulator's clock, which the test moves: a loaded machine's late
	// first poll cannot skip the queued phase.
	const T0 = 1_000_000;

	test('task-style moves waiting -> processing -> succeed over the configured duration', async () => {
		let clock = T0;
		const sim = await start({ durationMs: 400, now: () => clock });
		const { json } = await create(sim, { model: VEO, prompt: 'timeline' });
		const taskId = taskIdOf(json);
		const seen: string[] = [];
		let last: Json;
		let polls = 0;
		while (clock - T0 < 2000) {
			const { res, json: p } = await pollJson(sim, taskId, VEO);
			polls++;
			expect(res.status).toBe(200);
			last = p;
			if (seen[seen.length - 1] !== p.data.status) seen.push(p.data.status);
			if (p.data.status === 'succeed') break;
			expect(p).toEqual({
				code: 'SUCCESS',
				message: 'success',
				data: { taskId, status: p.data.status, generations: [] },
			});
			clock += 20;
		}
		expect(seen).toEqual(['waiting', 'processing', 'succeed']);
		expect(clock - T0).toBe(400);
		expect(last.data.generations).toEqual([
			{
				id: taskId,
				createdDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				updatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				status: 'succeed',
				failMsg: '',
				url: `${sim.videoBaseUrl}/videos/${taskId}.mp4`,
				mediaType: 'video',
			},
		]);
		expect(sim.counters.polls).toEqual({ [taskId]: polls });
	});

	test('Sora moves queued -> in_progress with rising progress, then streams the MP4 itself', async () => {
		const videoBytes = 3 * MiB + 5;
		let clock = T0;
		const sim = await start({ durationMs: 400, videoBytes, now: () => clock });
		const { json } = await create(sim, {
			model: SORA,
			prompt: 'sora timeline',
			seconds: '4',
			size: '720x1280',
		});
		const taskId = taskIdOf(json);
		const statuses: string[] = [];
		const progress: number[] = [];
		let finished: Response | undefined;
		while (clock - T0 < 2000) {
			const res = await post(sim, '/api/v1/getVideoResponse', { taskId, model: SORA });
			expect(res.status).toBe(200);
			if (res.headers.get('content-type') === 'video/mp4') {
				finished = res;
				break;
			}
			const p = await readJson(res);
			expect(p).toMatchObject({
				id: taskId,
				object: 'video',
				model: 'sora-2-pro',
				seconds: '4',
				size: '720x1280',
			});
			if (statuses[statuses.length - 1] !== p.status) statuses.push(p.status);
			progress.push(p.progress);
			clock += 20;
		}
		expect(statuses).toEqual(['queued', 'in_progress']);
		expect(progress.length).toBeGreaterThan(3);
		expect(progress).toEqual([...progress].sort((a, b) => a - b));
		expect(progress[progress.length - 1]).toBeGreaterThan(progress[0]);
		expect(Math.max(...progress)).toBeLessThan(100);
		expect(finished).toBeDefined();
		expect(clock - T0).toBe(400);
		expect(Number(finished!.headers.get('content-length'))).toBe(videoBytes);
		const { bytes, data } = await drain(finished!, true);
		expect(bytes).toBe(videoBytes);
		expect(data!.toString('latin1', 4, 8)).toBe('ftyp');
		expect(boxes(data!).map((b) => b.type)[0]).toBe('ftyp');
		expect(sim.counters).toMatchObject({ soraStreams: 1, soraStreamsCompleted: 1, downloads: 0 });
	});

	test('phase boundaries follow the clock exactly (20% queued, then processing until 100%)', async () => {
		let clock = 1_000_000;
		const sim = await start({ durationMs: 1000, now: () => clock });
		const veo = taskIdOf((await create(sim, { model: VEO, prompt: 'clock' })).json);
		const sora = taskIdOf((await create(sim, { model: SORA, prompt: 'clock' })).json);
		const expectations: [number, string, string, number][] = [
			[0, 'waiting', 'queued', 0],
			[199, 'waiting', 'queued', 19],
			[200, 'processing', 'in_progress', 20],
			[823, 'processing', 'in_progress', 82],
			[999, 'processing', 'in_progress', 99],
		];
		for (const [elapsed, taskStatus, soraStatus, pct] of expectations) {
			clock = 1_000_000 + elapsed;
			expect((await pollJson(sim, veo, VEO)).json.data.status).toBe(taskStatus);
			const s = (await pollJson(sim, sora, SORA)).json;
			expect([s.status, s.progress]).toEqual([soraStatus, pct]);
		}
		clock = 1_001_000;
		const done = (await pollJson(sim, veo, VEO)).json;
		expect(done.data.status).toBe('succeed');
		expect(done.data.generations[0].createdDate).toBe(new Date(1_000_000).toISOString());
		expect(done.data.generations[0].updatedDate).toBe(new Date(1_001_000).toISOString());
		const soraDone = await post(sim, '/api/v1/getVideoResponse', { taskId: sora, model: SORA });
		expect(soraDone.headers.get('content-type')).toBe('video/mp4');
		await soraDone.arrayBuffer();
	});

	test('getAsyncResponse is an alias', async () => {
		const sim = await start();
		const taskId = taskIdOf((await create(sim, { model: VEO, prompt: 'alias' })).json);
		const res = await post(sim, '/api/v1/getAsyncResponse', { taskId, model: VEO });
		expect(res.status).toBe(200);
		expect((await readJson(res)).data.taskId).toBe(taskId);
		expect(sim.counters.polls).toEqual({ [taskId]: 1 });
	});

	test('unknown task 404, model mismatch or missing taskId 400; unknown ids are not counted', async () => {
		const sim = await start();
		const taskId = taskIdOf((await create(sim, { model: VEO, prompt: 'mismatch' })).json);
		const unknown = await pollJson(sim, 'task-nope', VEO);
		expect(unknown.res.status).toBe(404);
		expect(unknown.json).toEqual({
			error: {
				message: 'Task not found or expired',
				type: 'not_found',
				code: 'task_not_found',
				status: 404,
			},
		});
		for (const model of ['google/veo3-fast', 'veo3', undefined]) {
			const res = await post(sim, '/api/v1/getVideoResponse', { taskId, model });
			expect(res.status).toBe(400);
			expect((await readJson(res)).error.status).toBe(400);
		}
		expect((await post(sim, '/api/v1/getVideoResponse', { model: VEO })).status).toBe(400);
		expect(sim.counters.polls).toEqual({ [taskId]: 3 });
	});

	test('failed generation, task-style: status failed, failMsg, empty url; the video host has nothing', async () => {
		const sim = await start();
		sim.setFault('bad scene', { fail: 'Content policy violation', durationMs: 50 });
		const taskId = taskIdOf((await create(sim, { model: VEO, prompt: 'bad scene' })).json);
		await sleep(80);
		const { json } = await pollJson(sim, taskId, VEO);
		expect(json.code).toBe('SUCCESS');
		expect(json.data.status).toBe('failed');
		expect(json.data.generations).toEqual([
			expect.objectContaining({
				id: taskId,
				status: 'failed',
				failMsg: 'Content policy violation',
				url: '',
			}),
		]);
		const video = await fetch(`${sim.videoBaseUrl}/videos/${taskId}.mp4`);
		expect(video.status).toBe(404);
		await video.arrayBuffer();
	});

	test('failed generation, Sora: video object with status failed and an error object', async () => {
		const sim = await start();
		sim.setFault('bad sora', { fail: 'Moderation blocked', durationMs: 0 });
		const taskId = taskIdOf((await create(sim, { model: SORA, prompt: 'bad sora' })).json);
		const { res, json } = await pollJson(sim, taskId, SORA);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(json).toMatchObject({
			id: taskId,
			object: 'video',
			status: 'failed',
			model: 'sora-2-pro',
			error: { message: 'Moderation blocked', code: 'generation_failed' },
		});
		expect(sim.counters.soraStreams).toBe(0);
	});

	test('answers seen in the wild: a top-level error string (Sora too), an ending status word, code "processing" while running', async () => {
		const sim = await start({ durationMs: 0 });
		const soraId = taskIdOf(
			(
				await create(sim, {
					model: SORA,
					prompt: 'wild [sim:failtop=openai submit: upstream status 400]',
				})
			).json,
		);
		expect((await pollJson(sim, soraId, SORA)).json).toEqual({
			code: 'failed',
			data: { taskId: soraId, status: 'failed', generations: [] },
			error: 'openai submit: upstream status 400',
		});
		const newerId = taskIdOf(
			(await create(sim, { model: VEO, prompt: 'gone [sim:ends=expired] [sim:gen=new]' })).json,
		);
		const expired: Json = await (
			await fetch(`${sim.baseUrl}/api/v1/videos/${newerId}`, {
				headers: { Authorization: `Bearer ${KEY}` },
			})
		).json();
		expect(expired.data).toMatchObject({
			taskId: newerId,
			status: 'expired',
			generations: [expect.objectContaining({ status: 'expired', failMsg: '' })],
		});
		const soraGone = taskIdOf(
			(await create(sim, { model: SORA, prompt: 'gone [sim:ends=cancelled]' })).json,
		);
		expect((await pollJson(sim, soraGone, SORA)).json).toMatchObject({
			id: soraGone,
			object: 'video',
			status: 'cancelled',
			error: null,
		});
		const runningId = taskIdOf(
			(
				await create(sim, {
					model: VEO,
					prompt: 'slow [sim:pollcode=processing] [sim:duration=60000]',
				})
			).json,
		);
		expect((await pollJson(sim, runningId, VEO)).json).toMatchObject({
			code: 'processing',
			data: { taskId: runningId, status: 'waiting' },
		});
		expect(parsePromptFaults('[sim:failtop][sim:ends][sim:pollcode]')).toEqual({
			failTop: 'openai submit: upstream status 400',
			endsAs: 'expired',
			pollCode: 'processing',
		});
	});
});

describe('video host', () => {
	test('serves the finished video without auth, records any Authorization it receives', async () => {
		const sim = await start({ durationMs: 0, videoBytes: 100_000 });
		const { taskId, url } = await doneTaskStyle(sim, 'download me');
		expect(url.startsWith(sim.videoBaseUrl)).toBe(true);

		const plain = await fetch(url);
		expect(plain.status).toBe(200);
		expect(plain.headers.get('content-type')).toBe('video/mp4');
		expect(plain.headers.get('content-length')).toBe('100000');
		const first = await drain(plain, true);
		expect(first.bytes).toBe(100_000);
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);

		const leaky = await fetch(url, { headers: { Authorization: 'Bearer sim-key' } });
		const second = await drain(leaky, true);
		expect(sim.counters.videoHostAuthHeaders).toEqual(['Bearer sim-key']);
		// Deterministic bytes: every download of every size is the same content.
		const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
		expect(hash(second.data!)).toBe(hash(first.data!));

		const missing = await fetch(`${sim.videoBaseUrl}/videos/task-nope.mp4`);
		expect(missing.status).toBe(404);
		await missing.arrayBuffer();
		expect(sim.counters).toMatchObject({ downloads: 2, downloadsCompleted: 2 });
		expect(sim.tasks.get(taskId)!.transfers).toBe(2);
	});

	test('a task still running has no video yet', async () => {
		const sim = await start({ durationMs: 5000 });
		const taskId = taskIdOf((await create(sim, { model: VEO, prompt: 'slow' })).json);
		const res = await fetch(`${sim.videoBaseUrl}/videos/${taskId}.mp4`);
		expect(res.status).toBe(404);
		await res.arrayBuffer();
		expect(sim.counters.downloads).toBe(0);
	});
});

describe('video bytes', () => {
	test('a 10 MiB video is exactly 10 MiB: the fixture, then one zero-filled free box at the end', async () => {
		const size = 10 * MiB;
		const sim = await start({ durationMs: 0, videoBytes: size });
		const { url } = await doneTaskStyle(sim, 'ten');
		const { bytes, data } = await drain(await fetch(url), true);
		expect(bytes).toBe(size);
		const list = boxes(data!);
		expect(list.map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat', 'free']);
		expect(list.reduce((sum, b) => sum + b.size, 0)).toBe(size);
		const pad = list[list.length - 1];
		expect(pad.offset).toBe(FIXTURE_BYTES);
		expect(pad.size).toBe(size - FIXTURE_BYTES);
		expect(data!.subarray(pad.offset + 8).every((b) => b === 0)).toBe(true);
		// moov comes before mdat, so a player can start before the whole file is there.
		expect(list.findIndex((b) => b.type === 'moov')).toBeLessThan(
			list.findIndex((b) => b.type === 'mdat'),
		);
	});

	test('sizes too small for a padding box serve the bare fixture; the smallest padded size is fixture + 8', async () => {
		expect(servedSize(0)).toBe(FIXTURE_BYTES);
		expect(servedSize(FIXTURE_BYTES + 7)).toBe(FIXTURE_BYTES);
		expect(servedSize(FIXTURE_BYTES + 8)).toBe(FIXTURE_BYTES + 8);
		const sim = await start({ durationMs: 0 });
		sim.setFault('tiny', { videoBytes: 100 });
		sim.setFault('eight', { videoBytes: FIXTURE_BYTES + 8 });
		const tiny = await drain(await fetch((await doneTaskStyle(sim, 'tiny')).url), true);
		expect(tiny.bytes).toBe(FIXTURE_BYTES);
		expect(boxes(tiny.data!).map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
		const eight = await drain(await fetch((await doneTaskStyle(sim, 'eight')).url), true);
		expect(boxes(eight.data!).slice(-1)[0]).toEqual({
			type: 'free',
			size: 8,
			offset: FIXTURE_BYTES,
		});
	});

	test('streaming 200 MiB does not grow the simulator process memory by more than 30 MB', async () => {
		const child = fork(path.join(__dirname, 'memory-probe.js'), [], {
			execArgv: [],
			env: { ...process.env, SIM_VIDEO_BYTES: String(200 * MiB) },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		const messages: Json[] = [];
		const next = (type: string) =>
			new Promise<Json>((resolve, reject) => {
				const found = messages.find((m) => m.type === type);
				if (found) return resolve(found);
				const onMessage = (m: Json) => {
					if (m.type === type) {
						child.off('message', onMessage);
						resolve(m);
					}
				};
				child.on('message', onMessage);
				child.once('exit', (code) => reject(new Error(`probe exited ${code}`)));
			});
		child.on('message', (m) => messages.push(m));
		try {
			const ready = await next('ready');
			const headers = {
				Authorization: `Bearer ${ready.apiKey}`,
				'Content-Type': 'application/json',
			};
			const created = await readJson(
				await fetch(`${ready.baseUrl}/api/v1/videos`, {
					method: 'POST',
					headers,
					body: JSON.stringify({ model: VEO, prompt: 'big' }),
				}),
			);
			const polled = await readJson(
				await fetch(`${ready.baseUrl}/api/v1/getVideoResponse`, {
					method: 'POST',
					headers,
					body: JSON.stringify({ taskId: created.data.taskId, model: VEO }),
				}),
			);
			child.send({ type: 'start' });
			await sleep(20);
			const { bytes, error } = await drain(await fetch(polled.data.generations[0].url));
			expect(error).toBeUndefined();
			expect(bytes).toBe(200 * MiB);
			child.send({ type: 'report' });
			const report = await next('report');
			expect(report.peakDelta).toBeLessThan(30 * 1e6);
		} finally {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill();
			await exited;
		}
	});

	test('close() ends in-flight downloads promptly', async () => {
		const sim = await start({ durationMs: 0, videoBytes: 1024 * MiB });
		const { url } = await doneTaskStyle(sim, 'huge');
		const res = await fetch(url);
		expect(res.headers.get('content-length')).toBe(String(1024 * MiB));
		const reader = res.body!.getReader();
		await reader.read();
		const t = Date.now();
		await sim.close();
		expect(Date.now() - t).toBeLessThan(1000);
		await expect(
			(async () => {
				for (;;) if ((await reader.read()).done) break;
			})(),
		).rejects.toThrow();
	});
});

describe('faults', () => {
	test('poll 429 with Retry-After for the first N polls, then normal; all polls counted', async () => {
		const sim = await start({ durationMs: 0 });
		sim.setFault('limited', { pollErrors: { status: 429, times: 2, retryAfter: 3 } });
		const taskId = taskIdOf((await create(sim, { model: VEO, prompt: 'limited' })).json);
		for (let i = 0; i < 2; i++) {
			const { res, json } = await pollJson(sim, taskId, VEO);
			expect(res.status).toBe(429);
			expect(res.headers.get('retry-after')).toBe('3');
			expect(json.error).toMatchObject({
				type: 'rate_limit_error',
				code: 'rate_limited',
				status: 429,
			});
		}
		const ok = await pollJson(sim, taskId, VEO);
		expect(ok.res.status).toBe(200);
		expect(ok.json.data.status).toBe('succeed');
		expect(sim.counters.polls).toEqual({ [taskId]: 3 });
	});

	test.each([500, 502])(
		'poll %i for the first N polls, then normal, no Retry-After',
		async (status) => {
			const sim = await start({ durationMs: 0 });
			sim.setFault('flaky', { pollErrors: { status, times: 2 } });
			const taskId = taskIdOf((await create(sim, { model: SORA, prompt: 'flaky' })).json);
			for (let i = 0; i < 2; i++) {
				const { res, json } = await pollJson(sim, taskId, SORA);
				expect(res.status).toBe(status);
				expect(res.headers.get('retry-after')).toBeNull();
				expect(json.error.status).toBe(status);
			}
			const ok = await post(sim, '/api/v1/getVideoResponse', { taskId, model: SORA });
			expect(ok.status).toBe(200);
			expect(ok.headers.get('content-type')).toBe('video/mp4');
			await ok.arrayBuffer();
			expect(sim.counters.polls[taskId]).toBe(3);
		},
	);

	test('create 429: Retry-After 1, nothing created; by default only the first request is refused', async () => {
		const sim = await start();
		sim.setFault('busy', { createError: 429 });
		const first = await create(sim, { model: VEO, prompt: 'busy' });
		expect(first.res.status).toBe(429);
		expect(first.res.headers.get('retry-after')).toBe('1');
		expect(first.json.error).toMatchObject({ type: 'rate_limit_error', status: 429 });
		expect(sim.counters).toMatchObject({ creates: 0, createsByPrompt: { busy: 1 } });
		expect(sim.tasks.size).toBe(0);
		const second = await create(sim, { model: VEO, prompt: 'busy' });
		expect(second.res.status).toBe(200);
		expect(sim.counters).toMatchObject({
			creates: 1,
			createsByPrompt: { busy: 2 },
			createRequests: 2,
		});
	});

	test('createErrorTimes decides how many creates are refused', async () => {
		const sim = await start();
		sim.setFault('p', { createError: 429, createErrorTimes: 2 });
		const statuses = [];
		for (let i = 0; i < 3; i++) {
			const { res } = await create(sim, { model: VEO, prompt: 'p' });
			statuses.push(res.status);
		}
		expect(statuses).toEqual([429, 429, 200]);
	});

	test('create 500 after creating: the task exists, runs and is pollable', async () => {
		const sim = await start({ durationMs: 0 });
		sim.setFault('oops', { createError: 500 });
		const { res, json } = await create(sim, { model: VEO, prompt: 'oops' });
		expect(res.status).toBe(500);
		expect(json).toEqual({ error: expect.objectContaining({ type: 'server_error', status: 500 }) });
		expect(sim.counters).toMatchObject({ creates: 1, createsByPrompt: { oops: 1 } });
		const [task] = [...sim.tasks.values()];
		expect(task.prompt).toBe('oops');
		const polled = await pollJson(sim, task.taskId, VEO);
		expect(polled.json.data.status).toBe('succeed');
	});

	test('drop: the task is created, then the connection dies without an answer', async () => {
		const sim = await start();
		sim.setFault('dropped', { createError: 'drop' });
		await expect(post(sim, '/api/v1/videos', { model: VEO, prompt: 'dropped' })).rejects.toThrow();
		expect(sim.counters).toMatchObject({ creates: 1, createsByPrompt: { dropped: 1 } });
		expect(sim.tasks.size).toBe(1);
	});

	test('envelope error: HTTP 200 with a non-SUCCESS code and null data, nothing created, every time', async () => {
		const sim = await start();
		sim.setFault('broke', { envelopeError: 'Insufficient balance, please top up' });
		for (let i = 0; i < 2; i++) {
			const { res, json } = await create(sim, { model: VEO, prompt: 'broke' });
			expect(res.status).toBe(200);
			expect(json).toEqual({
				code: 'INSUFFICIENT_BALANCE',
				message: 'Insufficient balance, please top up',
				data: null,
			});
		}
		expect(sim.counters).toMatchObject({ creates: 0, createsByPrompt: { broke: 2 } });
	});

	test.each([
		[400, 'invalid_request_error'],
		[401, 'authentication_error'],
		[402, 'insufficient_credits'],
		[403, 'moderation_error'],
		[502, 'upstream_error'],
	])('create error %i: contract error body, nothing created', async (status, type) => {
		const sim = await start();
		sim.setFault('err', { createError: status });
		const { res, json } = await create(sim, { model: VEO, prompt: 'err' });
		expect(res.status).toBe(status);
		expect(json).toEqual({
			error: { message: expect.any(String), type, code: expect.any(String), status },
		});
		expect(sim.counters.creates).toBe(0);
		expect(sim.tasks.size).toBe(0);
	});

	test('cut download: full Content-Length promised, fewer bytes sent, the next download is whole', async () => {
		const sim = await start({ durationMs: 0, videoBytes: 2 * MiB });
		sim.setFault('cut', { cutDownload: 1 });
		const { url } = await doneTaskStyle(sim, 'cut');
		const res = await fetch(url);
		expect(res.headers.get('content-length')).toBe(String(2 * MiB));
		const cut = await drain(res);
		expect(cut.error).toBeDefined();
		expect(cut.bytes).toBeGreaterThan(0);
		expect(cut.bytes).toBeLessThan(2 * MiB);
		const whole = await drain(await fetch(url));
		expect(whole.error).toBeUndefined();
		expect(whole.bytes).toBe(2 * MiB);
		expect(sim.counters).toMatchObject({ downloads: 2, downloadsCompleted: 1 });
	});

	test("cut applies to Sora's streamed poll answer too", async () => {
		const sim = await start({ durationMs: 0, videoBytes: MiB });
		sim.setFault('cut sora', { cutDownload: 1 });
		const taskId = taskIdOf((await create(sim, { model: SORA, prompt: 'cut sora' })).json);
		const cut = await drain(await post(sim, '/api/v1/getVideoResponse', { taskId, model: SORA }));
		expect(cut.error).toBeDefined();
		expect(cut.bytes).toBeLessThan(MiB);
		const whole = await drain(await post(sim, '/api/v1/getVideoResponse', { taskId, model: SORA }));
		expect(whole.bytes).toBe(MiB);
		expect(sim.counters).toMatchObject({ soraStreams: 2, soraStreamsCompleted: 1 });
	});

	test('vanish: after N polls the task answers 404', async () => {
		const sim = await start();
		sim.setFault('ghost', { vanishAfterPolls: 1 });
		const taskId = taskIdOf((await create(sim, { model: VEO, prompt: 'ghost' })).json);
		expect((await pollJson(sim, taskId, VEO)).res.status).toBe(200);
		const gone = await pollJson(sim, taskId, VEO);
		expect(gone.res.status).toBe(404);
		expect(gone.json.error.code).toBe('task_not_found');
		expect(sim.counters.polls[taskId]).toBe(2);
	});

	test('durationMs per prompt makes one task slow while others finish', async () => {
		const sim = await start({ durationMs: 0 });
		sim.setFault('slow', { durationMs: 60_000 });
		const slow = taskIdOf((await create(sim, { model: VEO, prompt: 'slow' })).json);
		const fast = taskIdOf((await create(sim, { model: VEO, prompt: 'fast' })).json);
		expect((await pollJson(sim, slow, VEO)).json.data.status).toBe('waiting');
		expect((await pollJson(sim, fast, VEO)).json.data.status).toBe('succeed');
	});

	test('reset clears faults, tasks and counters: in the same counters object, as a fresh simulator has them', async () => {
		const sim = await start({ durationMs: 0 });
		const fresh = await start();
		sim.setFault('x', { createError: 403 });
		expect((await create(sim, { model: VEO, prompt: 'x' })).res.status).toBe(403);
		expect(
			(await post(sim, '/api/v1/videos', { model: VEO, prompt: 'p' }, 'wrong-key')).status,
		).toBe(401);
		const { url } = await doneTaskStyle(sim, 'counted');
		await drain(await fetch(url));
		const counters = sim.counters;
		sim.reset();
		expect(sim.counters).toBe(counters);
		expect(counters).toEqual(fresh.counters);
		expect(sim.tasks.size).toBe(0);
		expect((await create(sim, { model: VEO, prompt: 'x' })).res.status).toBe(200);
	});
});

describe('prompt tokens', () => {
	test('parse into the same faults', () => {
		expect(parsePromptFaults('plain prompt')).toEqual({});
		expect(
			parsePromptFaults(
				'a cat [sim:fail=Content policy] [sim:duration=2000] [sim:cut=1] [sim:vanish=3] [sim:bytes=1000000]',
			),
		).toEqual({
			fail: 'Content policy',
			durationMs: 2000,
			cutDownload: 1,
			vanishAfterPolls: 3,
			videoBytes: 1000000,
		});
		expect(parsePromptFaults('[sim:poll429=2]')).toEqual({
			pollErrors: { status: 429, times: 2, retryAfter: 1 },
		});
		expect(parsePromptFaults('[sim:poll500=2]')).toEqual({ pollErrors: { status: 500, times: 2 } });
		expect(parsePromptFaults('[sim:create500]')).toEqual({ createError: 500 });
		expect(parsePromptFaults('[SIM:create402]')).toEqual({ createError: 402 });
		expect(parsePromptFaults('[sim:bytes=lots][sim:duration=]')).toEqual({});
	});

	test('steer a run end to end from the prompt text; an explicit setFault for the prompt wins', async () => {
		const sim = await start({ durationMs: 10_000 });
		const prompt = 'a cat [sim:poll429=1] [sim:duration=0] [sim:bytes=20000]';
		const taskId = taskIdOf((await create(sim, { model: VEO, prompt })).json);
		const limited = await pollJson(sim, taskId, VEO);
		expect(limited.res.status).toBe(429);
		expect(limited.res.headers.get('retry-after')).toBe('1');
		const done = await pollJson(sim, taskId, VEO);
		expect(done.json.data.status).toBe('succeed');
		const { bytes } = await drain(await fetch(done.json.data.generations[0].url));
		expect(bytes).toBe(20000);

		const failing = 'a dog [sim:fail=Content policy] [sim:duration=0]';
		sim.setFault(failing, { fail: 'Overridden reason' });
		const failedId = taskIdOf((await create(sim, { model: VEO, prompt: failing })).json);
		expect((await pollJson(sim, failedId, VEO)).json.data.generations[0].failMsg).toBe(
			'Overridden reason',
		);

		const created500 = await create(sim, { model: VEO, prompt: 'x [sim:create500]' });
		expect(created500.res.status).toBe(500);
		expect(sim.counters.creates).toBe(3);
	});

	test('[sim:pollhang=ms] holds every poll that long, counted in flight; a client that hangs up is let go', async () => {
		expect(parsePromptFaults('[sim:pollhang=5000]')).toEqual({ pollHangMs: 5000 });
		const sim = await start({ durationMs: 0 });
		const taskId = taskIdOf(
			(await create(sim, { model: VEO, prompt: 'slow answers [sim:pollhang=400]' })).json,
		);
		const started = Date.now();
		const held = pollJson(sim, taskId, VEO);
		await sleep(100);
		expect(sim.counters.pollsInFlight).toBe(1);
		const { json } = await held;
		expect(Date.now() - started).toBeGreaterThanOrEqual(390);
		expect(json.data.status).toBe('succeed');
		expect(sim.counters).toMatchObject({ pollsHeld: 1, pollsInFlight: 0 });

		const aborted = new AbortController();
		const answered = post(sim, '/api/v1/getVideoResponse', { taskId, model: VEO });
		const hungUp = fetch(`${sim.baseUrl}/api/v1/getVideoResponse`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
			body: JSON.stringify({ taskId, model: VEO }),
			signal: aborted.signal,
		}).then(
			() => 'answered',
			() => 'hung up',
		);
		await sleep(100);
		expect(sim.counters.pollsInFlight).toBe(2);
		aborted.abort();
		expect(await hungUp).toBe('hung up');
		await sleep(50);
		expect(sim.counters.pollsInFlight).toBe(1);
		expect((await answered).status).toBe(200);
		expect(sim.counters).toMatchObject({ pollsHeld: 3, pollsInFlight: 0 });
	});

	test('[sim:trickle=ms] spreads the first video transfer over ms, counted while under way; the next transfer is not slowed', async () => {
		expect(parsePromptFaults('[sim:trickle=40000]')).toEqual({ trickleMs: 40000 });
		const sim = await start({ durationMs: 0 });
		const taskId = taskIdOf(
			(await create(sim, { model: VEO, prompt: 'slow bytes [sim:trickle=1500]' })).json,
		);
		const url = (await pollJson(sim, taskId, VEO)).json.data.generations[0].url;
		const started = Date.now();
		const first = fetch(url).then((res) => drain(res, true));
		await sleep(300);
		expect(sim.counters).toMatchObject({
			tricklesStarted: 1,
			downloadsTrickling: 1,
			trickling: { [taskId]: true },
		});
		const { bytes, data } = await first;
		expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
		expect(bytes).toBe(64 * 1024);
		expect(data?.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(sim.counters).toMatchObject({
			downloadsTrickling: 0,
			trickling: {},
			downloadsCompleted: 1,
		});

		const again = Date.now();
		expect((await drain(await fetch(url))).bytes).toBe(64 * 1024);
		expect(Date.now() - again).toBeLessThan(1000);
		expect(sim.counters).toMatchObject({ tricklesStarted: 1, downloadsCompleted: 2 });

		// A client that hangs up mid-trickle is let go.
		const cutId = taskIdOf(
			(await create(sim, { model: VEO, prompt: 'cut off [sim:trickle=5000]' })).json,
		);
		const cutUrl = (await pollJson(sim, cutId, VEO)).json.data.generations[0].url;
		const aborted = new AbortController();
		const cut = fetch(cutUrl, { signal: aborted.signal }).then((res) => drain(res));
		await sleep(700);
		expect(sim.counters.downloadsTrickling).toBe(1);
		aborted.abort();
		await cut.catch(() => undefined);
		await sleep(600);
		expect(sim.counters).toMatchObject({
			downloadsTrickling: 0,
			trickling: {},
			downloadsCompleted: 2,
		});
	});

	test('[sim:pollhangs=N] holds only the first N polls', async () => {
		expect(parsePromptFaults('[sim:pollhang=5000] [sim:pollhangs=1]')).toEqual({
			pollHangMs: 5000,
			pollHangTimes: 1,
		});
		const sim = await start({ durationMs: 0 });
		const taskId = taskIdOf(
			(
				await create(sim, {
					model: VEO,
					prompt: 'one slow answer [sim:pollhang=400] [sim:pollhangs=1]',
				})
			).json,
		);
		let started = Date.now();
		await pollJson(sim, taskId, VEO);
		expect(Date.now() - started).toBeGreaterThanOrEqual(390);
		started = Date.now();
		expect((await pollJson(sim, taskId, VEO)).json.data.status).toBe('succeed');
		expect(Date.now() - started).toBeLessThan(300);
		expect(sim.counters.pollsHeld).toBe(1);
	});
});

describe('unknown routes', () => {
	test('are 404 JSON', async () => {
		const sim = await start();
		for (const [method, route] of [
			['GET', '/api/v1/videos'],
			['GET', '/api/v1/models'],
			['POST', '/nope'],
		]) {
			const r = await fetch(sim.baseUrl + route, {
				method,
				headers: { Authorization: `Bearer ${KEY}` },
			});
			expect(r.status).toBe(404);
			expect((await readJson(r)).error.status).toBe(404);
		}
	});
});

describe('scripts/simulator.js', () => {
	test('prints its base URL and key, answers a create and logs it, stops on SIGINT', async () => {
		const child = spawn(
			process.execPath,
			[path.join(__dirname, '..', '..', 'scripts', 'simulator.js')],
			{
				env: {
					...process.env,
					SIM_API_KEY: 'script-key',
					SIM_DURATION_MS: '0',
					SIM_VIDEO_BYTES: '50000',
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
		try {
			let baseUrl: string | undefined;
			for (let i = 0; i < 100 && !baseUrl; i++) {
				await sleep(50);
				baseUrl = /API base URL : (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
			}
			expect(baseUrl).toEqual(expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/));
			const res = await fetch(`${baseUrl}/api/v1/videos`, {
				method: 'POST',
				headers: { Authorization: 'Bearer script-key', 'Content-Type': 'application/json' },
				body: JSON.stringify({ model: VEO, prompt: 'from script' }),
			});
			expect(res.status).toBe(200);
			await res.arrayBuffer();
			expect(output).toContain('script-key');
			for (let i = 0; i < 20 && !/api POST \/api\/v1\/videos 200/.test(output); i++)
				await sleep(50);
			expect(output).toMatch(/api POST \/api\/v1\/videos 200/);
		} finally {
			child.kill('SIGINT');
		}
		expect(await exited).toBe(0);
	});
});
