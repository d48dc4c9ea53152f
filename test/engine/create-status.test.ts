import { NORMALIZED_KEYS } from '../helpers/expectations';
import { runVideoNode, videoBytes } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';
import { sleep } from '../helpers/sleep';

/** Create and Get Status, each on its own and one after the other. */

const sim = useSimulator({ durationMs: 300, videoBytes: 64 * 1024 });

describe('Create', () => {
	it('normalizes both answer shapes to the same keys', async () => {
		const result = await runVideoNode(
			sim,
			{ operation: 'create', model: '={{ $json.model }}', prompt: '={{ $json.prompt }}' },
			[
				{ model: 'google/veo3', prompt: 'task style' },
				{ model: 'openai/sora-2-pro', prompt: 'video object' },
			],
		);
		expect(result.error).toBeUndefined();
		const [veo, sora] = result.items.map((item) => item.json);
		expect(Object.keys(veo).sort()).toEqual([...NORMALIZED_KEYS].sort());
		expect(Object.keys(sora).sort()).toEqual([...NORMALIZED_KEYS].sort());
		expect(veo).toMatchObject({
			model: 'google/veo3',
			status: 'queued',
			creditsUsed: expect.any(Number),
			provider: expect.any(String),
			videoUrl: null,
			error: null,
		});
		// Sora echoes "sora-2-pro"; the output keeps the full id the task was created with.
		expect(sora).toMatchObject({
			model: 'openai/sora-2-pro',
			status: 'queued',
			creditsUsed: expect.any(Number),
			provider: 'openai',
			error: null,
		});
		expect(sora.taskId).toMatch(/^video_/);
		expect(sora.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(veo.taskId).toBe([...sim.tasks.keys()][0]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('adds the raw answer when asked', async () => {
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'raw',
			options: { includeRawResponse: true },
		});
		expect((result.items[0].json.raw as { create: { code: string } }).create.code).toBe('SUCCESS');
	});

	it('a 500 after the task was made is reported, never retried: one create', async () => {
		sim.setFault('costly', { createError: 500 });
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'costly',
		});
		expect(result.error?.message).toMatch(
			/may have been created; not retried to avoid a double charge/,
		);
		expect(sim.counters.createsByPrompt).toEqual({ costly: 1 });
	});

	it('a dropped connection after sending is reported, never retried: one create', async () => {
		sim.setFault('dropped', { createError: 'drop' });
		const result = await runVideoNode(
			sim,
			{ operation: 'create', model: 'google/veo3', prompt: 'dropped' },
			[{}],
			{ continueOnFail: true },
		);
		expect(result.items[0].json.error).toMatch(/may have been created; not retried/);
		expect(sim.counters.createsByPrompt).toEqual({ dropped: 1 });
	});

	it('a 429 on create (nothing created) is retried after Retry-After and succeeds once', async () => {
		sim.setFault('busy', { createError: 429, createErrorTimes: 1 });
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'busy',
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.taskId).toEqual(expect.any(String));
		expect(sim.counters.createsByPrompt).toEqual({ busy: 2 });
		expect(sim.counters.creates).toBe(1);
	});

	it.each([
		[402, /Not enough FastRouter credits \(402\)/],
		[403, /Blocked by FastRouter moderation \(403\)/],
		[400, /FastRouter refused the request \(400\)/],
		[502, /provider is unavailable \(502\)/],
	])('a %s on create gives a clear error', async (status, message) => {
		sim.setFault(`status ${status}`, { createError: status });
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: `status ${status}`,
		});
		expect(result.error?.message).toMatch(/^Item 1: /);
		expect(result.error?.message).toMatch(message);
		expect(sim.counters.createsByPrompt).toEqual({ [`status ${status}`]: 1 });
	});

	it('an error envelope with HTTP 200 is an error with its message', async () => {
		sim.setFault('broke', { envelopeError: 'Insufficient balance for this model' });
		const result = await runVideoNode(sim, {
			operation: 'create',
			model: 'google/veo3',
			prompt: 'broke',
		});
		expect(result.error?.message).toMatch(/Insufficient balance for this model/);
	});

	it('a wrong key says so, without printing the key', async () => {
		const rejected = 'sk-wrong-1234567890';
		const result = await runVideoNode(
			sim,
			{ operation: 'create', model: 'google/veo3', prompt: 'p' },
			[{}],
			{ apiKey: rejected },
		);
		expect(result.error?.message).toMatch(/rejected the API key \(401\)/);
		expect(JSON.stringify(result)).not.toContain(rejected);
		expect(sim.counters.creates).toBe(0);
	});

	it('with Continue On Fail, a failed create is an error item and the rest of the batch goes on', async () => {
		sim.setFault('refused', { createError: 403 });
		const result = await runVideoNode(
			sim,
			{ operation: 'create', model: 'google/veo3', prompt: '={{ $json.prompt }}' },
			[{ prompt: 'fine' }, { prompt: 'refused' }, { prompt: 'also fine' }],
			{ continueOnFail: true },
		);
		expect(result.items.map((item) => typeof item.json.error)).toEqual([
			'object',
			'string',
			'object',
		]);
		expect(result.items[1].json.error).toMatch(/^Item 2: Blocked by FastRouter moderation/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(sim.counters.creates).toBe(2);
	});

	it('sends one request, the create, to the base URL with the key, and returns without polling', async () => {
		await runVideoNode(sim, { operation: 'create', model: 'google/veo3', prompt: 'p' });
		expect(sim.counters.creates).toBe(1); // the simulator accepted the Bearer key
		expect(sim.counters.apiRequests).toEqual({ 'POST /api/v1/videos': 1 });
	});
});

describe('Get Status', () => {
	async function create(model: string, prompt: string) {
		const created = await runVideoNode(sim, { operation: 'create', model, prompt });
		return created.items[0].json.taskId as string;
	}

	it('reports a running task-style task, then the finished one with its video as binary', async () => {
		const taskId = await create('google/veo3', 'status veo');
		const running = await runVideoNode(sim, {
			operation: 'getStatus',
			model: 'google/veo3',
			taskId,
		});
		expect(running.items[0].json).toMatchObject({
			taskId,
			status: expect.stringMatching(/queued|processing/),
			videoUrl: null,
		});
		expect(running.items[0].binary).toBeUndefined();
		await sleep(400);
		const done = await runVideoNode(sim, { operation: 'getStatus', model: 'google/veo3', taskId });
		const item = done.items[0];
		expect(item.json).toMatchObject({
			taskId,
			status: 'succeeded',
			progress: 100,
			videoUrl: `${sim.videoBaseUrl}/videos/${taskId}.mp4`,
		});
		expect(item.json.completedAt).toMatch(/^\d{4}-/);
		expect(item.binary?.data).toMatchObject({
			mimeType: 'video/mp4',
			fileName: `${taskId}.mp4`,
			bytes: 64 * 1024,
		});
		expect(videoBytes(item).subarray(4, 8).toString()).toBe('ftyp');
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
	});

	it('reads Sora’s finished poll, which is the MP4 itself, by its content type', async () => {
		const taskId = await create('openai/sora-2-pro', 'status sora');
		const running = await runVideoNode(
			sim,
			{ operation: 'getStatus', model: 'openai/sora-2-pro', taskId: '={{ $json.taskId }}' },
			[{ taskId }],
		);
		expect(running.items[0].json).toMatchObject({
			status: expect.stringMatching(/queued|processing/),
			progress: expect.any(Number),
		});
		await sleep(400);
		const done = await runVideoNode(sim, {
			operation: 'getStatus',
			model: 'openai/sora-2-pro',
			taskId,
			binaryPropertyName: 'video',
		});
		const item = done.items[0];
		expect(Object.keys(item.json).sort()).toEqual([...NORMALIZED_KEYS].sort());
		expect(item.json).toMatchObject({
			taskId,
			model: 'openai/sora-2-pro',
			status: 'succeeded',
			progress: 100,
		});
		expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4', bytes: 64 * 1024 });
		expect(videoBytes(item, 'video').subarray(4, 8).toString()).toBe('ftyp');
	});

	it('with download off, reports the finished task without binary', async () => {
		const taskId = await create('google/veo3', 'no download');
		await sleep(400);
		const done = await runVideoNode(sim, {
			operation: 'getStatus',
			model: 'google/veo3',
			taskId,
			download: false,
		});
		expect(done.items[0].json.status).toBe('succeeded');
		expect(done.items[0].binary).toBeUndefined();
		expect(sim.counters.downloads).toBe(0);
	});

	it('normalizes a failed generation with the provider’s reason, for both shapes', async () => {
		sim.setFault('doomed veo', { fail: 'Content policy violation' });
		sim.setFault('doomed sora', { fail: 'Sora refused the scene' });
		const veo = await create('google/veo3', 'doomed veo');
		const sora = await create('openai/sora-2-pro', 'doomed sora');
		await sleep(400);
		const result = await runVideoNode(
			sim,
			{ operation: 'getStatus', model: '={{ $json.model }}', taskId: '={{ $json.taskId }}' },
			[
				{ model: 'google/veo3', taskId: veo },
				{ model: 'openai/sora-2-pro', taskId: sora },
			],
		);
		expect(result.items.map((item) => item.json.status)).toEqual(['failed', 'failed']);
		expect(result.items[0].json.error).toEqual({
			message: 'Content policy violation',
			code: expect.any(String),
		});
		expect(result.items[1].json.error).toEqual({
			message: 'Sora refused the scene',
			code: expect.any(String),
		});
	});

	it('an unknown task is a clear 404 naming the task', async () => {
		const result = await runVideoNode(sim, {
			operation: 'getStatus',
			model: 'google/veo3',
			taskId: 'task-nope',
		});
		expect(result.error?.message).toMatch(/Task not found or expired \(404\).*task-nope/);
	});

	it('a task ID that is not text or a number (an object, a list, null from an expression) is refused, naming the item, the field and the value: nothing is sent', async () => {
		const parameters = { operation: 'getStatus', model: 'google/veo3', taskId: '={{ $json.id }}' };
		const rows = [{ id: { taskId: 'task_abc' } }, { id: ['task_abc'] }, { id: null }];
		const result = await runVideoNode(sim, parameters, rows, { continueOnFail: true });
		expect(result.items.map((item) => item.json.error)).toEqual([
			'Item 1: "Task ID" (taskId) {"taskId":"task_abc"} is an object, not a task ID (allowed: the taskId Create returned, as text or a whole number)',
			'Item 2: "Task ID" (taskId) ["task_abc"] is a list, not a task ID (allowed: the taskId Create returned, as text or a whole number)',
			'Item 3: "Task ID" (taskId) is null (allowed: the taskId Create returned, as text or a whole number)',
		]);
		// Without Continue On Fail, one bad item stops the batch before any item's poll.
		const stopped = await runVideoNode(sim, parameters, [
			{ id: 'task_fine' },
			{ id: { taskId: 'task_abc' } },
		]);
		expect(stopped.error?.message).toBe(
			'Item 2: "Task ID" (taskId) {"taskId":"task_abc"} is an object, not a task ID (allowed: the taskId Create returned, as text or a whole number)',
		);
		expect(sim.counters.apiRequests).toEqual({});
	});

	it('reads FastRouter’s words where real answers put them: a top-level error string, an ending status word', async () => {
		const wild = await create(
			'openai/sora-2-pro',
			'wild [sim:failtop=openai submit: upstream status 400] [sim:duration=0]',
		);
		const gone = await create(
			'google/veo3',
			'gone [sim:ends=expired] [sim:duration=0] [sim:gen=new]',
		);
		const result = await runVideoNode(
			sim,
			{ operation: 'getStatus', model: '={{ $json.model }}', taskId: '={{ $json.taskId }}' },
			[
				{ model: 'openai/sora-2-pro', taskId: wild },
				{ model: 'google/veo3', taskId: gone },
			],
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.status, item.json.error])).toEqual([
			['failed', { message: 'openai submit: upstream status 400', code: 'generation_failed' }],
			[
				'failed',
				{
					message: `Task ${gone} expired before a video was made (FastRouter’s status "expired")`,
					code: 'task_expired',
				},
			],
		]);
	});

	it('one poll per item, retried only on a transient error', async () => {
		sim.setFault('flaky status', { pollErrors: { status: 500, times: 1 } });
		const taskId = await create('google/veo3', 'flaky status');
		const result = await runVideoNode(sim, {
			operation: 'getStatus',
			model: 'google/veo3',
			taskId,
		});
		expect(result.error).toBeUndefined();
		expect(sim.counters.polls[taskId]).toBe(2);
	});
});
