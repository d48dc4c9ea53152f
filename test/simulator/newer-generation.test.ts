// The simulator's newer API generation, over plain HTTP: the node's tests trust these shapes to be
// the ones FastRouter's current API reference documents, so they are pinned here.
import { useSimulator } from '../helpers/simulator';
import { sleep } from '../helpers/sleep';
import { parsePromptFaults, startSimulator } from './index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const AUTH = { Authorization: 'Bearer sim-key', 'Content-Type': 'application/json' };
const sim = useSimulator({ durationMs: 150, videoBytes: 64 * 1024 });

async function post(path: string, body: unknown): Promise<{ status: number; json: Json }> {
	const res = await fetch(sim.baseUrl + path, {
		method: 'POST',
		headers: AUTH,
		body: JSON.stringify(body),
	});
	return { status: res.status, json: await res.json() };
}

async function getVideo(taskId: string): Promise<Response> {
	return await fetch(`${sim.baseUrl}/api/v1/videos/${taskId}`, { headers: AUTH });
}

test('tokens parse into the newer-generation faults', () => {
	expect(
		parsePromptFaults(
			'x [sim:gen=new] [sim:cached] [sim:expired=404] [sim:noget=405] [sim:credits=data] [sim:hosted=redirect] [sim:envtask=FAILED]',
		),
	).toEqual({
		generation: 'newer',
		cached: true,
		expiredLink: 404,
		noGetRoute: 405,
		creditsIn: 'data',
		hostedOn: 'redirect',
		envelopeTaskCode: 'FAILED',
	});
	expect(parsePromptFaults('[sim:gen=old] [sim:expired] [sim:noget]')).toEqual({
		generation: 'older',
		expiredLink: 403,
		noGetRoute: 404,
	});
});

test('the newer create answer: lower-case code, fr_ id, estimate_usage; older remains the default', async () => {
	const newer = await post('/api/v1/videos', { model: 'google/veo3', prompt: 'a [sim:gen=new]' });
	expect(newer).toEqual({
		status: 200,
		json: {
			chat_id: expect.stringMatching(/^fr_/),
			code: 'success',
			message: 'Video generation started',
			data: { taskId: expect.stringMatching(/^fr_[0-9A-Z]{26}$/), status: 'processing' },
			estimate_usage: { credits_used: expect.any(Number), provider: 'google' },
		},
	});
	const older = await post('/api/v1/videos', { model: 'google/veo3', prompt: 'b' });
	expect(older.json).toMatchObject({
		code: 'SUCCESS',
		data: { taskId: expect.stringMatching(/^task/) },
		usage: expect.any(Object),
	});
});

test('an fr_ task is polled by GET /api/v1/videos/{id} and getAsyncResponse, not by getVideoResponse', async () => {
	const { json } = await post('/api/v1/videos', {
		model: 'google/veo3',
		prompt: 'c [sim:gen=new]',
	});
	const taskId = json.data.taskId;
	expect((await post('/api/v1/getVideoResponse', { taskId, model: 'google/veo3' })).status).toBe(
		404,
	);
	await sleep(200);
	const got = await getVideo(taskId);
	const finished = (await got.json()) as Json;
	expect(finished).toEqual({
		chat_id: json.chat_id,
		code: 'SUCCESS',
		message: 'success',
		data: {
			costUsd: expect.any(Number),
			credit: expect.any(Number),
			status: 'succeed',
			taskId,
			generations: [
				expect.objectContaining({
					status: 'succeed',
					url: `${sim.videoBaseUrl}/videos/${taskId}.mp4`,
				}),
			],
		},
		fastrouter_assets: {
			status: 'ready',
			urls: [`${sim.baseUrl}/videos-content/${taskId}`],
			expires_at: expect.any(Number),
			cached_at: expect.any(Number),
		},
		usage: { credits_used: finished.data.credit, provider: 'google' },
	});
	expect((await post('/api/v1/getAsyncResponse', { taskId })).json).toEqual(finished);
	const hosted = await fetch(finished.fastrouter_assets.urls[0]);
	expect(hosted.status).toBe(200);
	expect((await hosted.arrayBuffer()).byteLength).toBe(64 * 1024);
	expect(sim.counters.pollRoutes).toEqual({ 'GET videos': 1, 'POST getAsyncResponse': 1 });
});

test('an expired provider link answers 403 while the hosted copy still serves; a missing GET route answers bare', async () => {
	const { json } = await post('/api/v1/videos', {
		model: 'google/veo3',
		prompt: 'd [sim:gen=new] [sim:expired] [sim:noget=405]',
	});
	const taskId = json.data.taskId;
	await sleep(200);
	const bare = await getVideo(taskId);
	expect(bare.status).toBe(405);
	expect(bare.headers.get('content-type')).toMatch(/^text\/plain/);
	await bare.text();
	const finished = (await post('/api/v1/getAsyncResponse', { taskId })).json;
	const cdn = await fetch(finished.data.generations[0].url);
	expect(cdn.status).toBe(403);
	await cdn.text();
	const hosted = await fetch(finished.fastrouter_assets.urls[0]);
	expect(hosted.status).toBe(200);
	await hosted.arrayBuffer();
});

test('cached: true on the create and the poll, billed 0, done at once', async () => {
	const { json } = await post('/api/v1/videos', {
		model: 'google/veo3',
		prompt: 'e [sim:gen=new] [sim:cached]',
	});
	expect(json).toMatchObject({ cached: true, estimate_usage: { credits_used: 0 } });
	const polled = (await post('/api/v1/getAsyncResponse', { taskId: json.data.taskId })).json;
	expect(polled).toMatchObject({
		cached: true,
		data: { status: 'succeed', credit: 0 },
		usage: { credits_used: 0 },
	});
});

test('the generation option: alternate switches at every create', async () => {
	const alternating = await startSimulator({ generation: 'alternate', durationMs: 50 });
	try {
		const ids: string[] = [];
		for (const prompt of ['1', '2', '3']) {
			const res = await fetch(`${alternating.baseUrl}/api/v1/videos`, {
				method: 'POST',
				headers: AUTH,
				body: JSON.stringify({ model: 'google/veo3', prompt }),
			});
			ids.push(((await res.json()) as Json).data.taskId);
		}
		expect(ids.map((id) => id.startsWith('fr_'))).toEqual([false, true, false]);
	} finally {
		await alternating.close();
	}
});
