import type { JsonObject } from 'n8n-workflow';

import {
	codeIsTaskState,
	finishedByVideo,
	mergeTask,
	normalizeAnswer,
	unknownStatusWord,
} from '../../nodes/FastRouterVideo/polling/normalize';

// Every answer shape FastRouter gives (both API generations, task envelopes and Sora's video
// object), written out as the API reference and the simulator give them, becomes the same item.

const NOTHING_YET = {
	progress: null,
	videoUrl: null,
	error: null,
	creditsUsed: null,
	provider: null,
	createdAt: null,
	completedAt: null,
	costUsd: null,
	cached: false,
	hostedVideoUrl: null,
	expiresAt: null,
};

const FR_ID = 'fr_01M1Y389KN0KN28AT3733Q505H';
const PROVIDER_URL = 'https://videocdn.example/v.mp4';
const HOSTED_URL = `https://api.fastrouter.ai/videos-content/${FR_ID}`;

function generation(status: string, extra: JsonObject = {}): JsonObject {
	return {
		id: 'taskabc123',
		createdDate: '2025-07-15T08:02:27.000Z',
		updatedDate: '2025-07-15T08:04:34.000Z',
		status,
		failMsg: '',
		url: '',
		mediaType: 'video',
		...extra,
	};
}

describe('the older task envelope (code "SUCCESS", task… ids)', () => {
	it('a create: the task id, queued, what the key is charged and the provider', () => {
		const answer = {
			chat_id: 'fr_123',
			model: 'google/veo3',
			code: 'SUCCESS',
			message: 'success',
			data: { taskId: 'taskabc123', status: 'waiting' },
			usage: {
				prompt_tokens: 0,
				completion_tokens: 0,
				total_tokens: 0,
				user_key_credits_used: 6,
				credits_used: 7,
				provider: 'pollo',
			},
		};
		expect(normalizeAnswer(answer, 'google/veo3')).toEqual({
			...NOTHING_YET,
			taskId: 'taskabc123',
			model: 'google/veo3',
			status: 'queued',
			creditsUsed: 6,
			provider: 'pollo',
		});
	});

	it('a running poll: processing, with the progress the answer gives', () => {
		const answer = {
			code: 'SUCCESS',
			message: 'success',
			data: { taskId: 'taskabc123', status: 'processing', progress: 40, generations: [] },
		};
		expect(normalizeAnswer(answer, 'google/veo3')).toEqual({
			...NOTHING_YET,
			taskId: 'taskabc123',
			model: 'google/veo3',
			status: 'processing',
			progress: 40,
		});
	});

	it('a finished poll: the generation’s status, URL and dates', () => {
		const answer = {
			code: 'SUCCESS',
			message: 'success',
			data: { taskId: 'taskabc123', generations: [generation('succeed', { url: PROVIDER_URL })] },
		};
		expect(normalizeAnswer(answer, 'google/veo3')).toEqual({
			...NOTHING_YET,
			taskId: 'taskabc123',
			model: 'google/veo3',
			status: 'succeeded',
			progress: 100,
			videoUrl: PROVIDER_URL,
			createdAt: '2025-07-15T08:02:27.000Z',
			completedAt: '2025-07-15T08:04:34.000Z',
		});
	});

	it('a failed generation: its reason and code, no video', () => {
		const failed = normalizeAnswer(
			{
				code: 'SUCCESS',
				data: {
					taskId: 'taskabc123',
					status: 'failed',
					generations: [generation('failed', { failMsg: 'Content policy violation' })],
				},
			},
			'google/veo3',
		);
		expect(failed).toMatchObject({
			status: 'failed',
			videoUrl: null,
			error: { message: 'Content policy violation', code: 'generation_failed' },
			completedAt: '2025-07-15T08:04:34.000Z',
		});
		const coded = normalizeAnswer(
			{
				data: { taskId: 't', generations: [generation('fail', { failMsg: '', failCode: 'nsfw' })] },
			},
			'm/x',
		);
		expect(coded.error).toEqual({ message: 'The generation failed', code: 'nsfw' });
	});
});

describe('Sora’s video object (OpenAI shape)', () => {
	const created = {
		id: 'video_68f0',
		chat_id: 'fr_ee58',
		object: 'video',
		created_at: 1760617844,
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
	};

	it('a create: the id, the full model id it was created with (not the echo), unix dates as ISO', () => {
		expect(normalizeAnswer(created, 'openai/sora-2-pro')).toEqual({
			...NOTHING_YET,
			taskId: 'video_68f0',
			model: 'openai/sora-2-pro',
			status: 'queued',
			creditsUsed: 4,
			provider: 'openai',
			createdAt: '2025-10-16T12:30:44.000Z',
		});
	});

	it('running: in_progress with its progress; completed: done', () => {
		expect(
			normalizeAnswer({ ...created, status: 'in_progress', progress: 82 }, 'openai/sora-2-pro'),
		).toMatchObject({
			status: 'processing',
			progress: 82,
		});
		expect(
			normalizeAnswer(
				{ ...created, status: 'completed', completed_at: 1760618000 },
				'openai/sora-2-pro',
			),
		).toMatchObject({
			status: 'succeeded',
			progress: 100,
			completedAt: '2025-10-16T12:33:20.000Z',
		});
	});

	it('failed: the error object’s message and code', () => {
		const failed = {
			...created,
			status: 'failed',
			error: { message: 'Moderation blocked', code: 'moderation' },
		};
		expect(normalizeAnswer(failed, 'openai/sora-2-pro')).toMatchObject({
			status: 'failed',
			error: { message: 'Moderation blocked', code: 'moderation' },
		});
		expect(normalizeAnswer({ ...created, status: 'failed' }, 'openai/sora-2-pro').error).toEqual({
			message: 'The generation failed',
			code: 'generation_failed',
		});
	});

	it('a finished poll that is the MP4 itself: done now, nothing else known', () => {
		jest.useFakeTimers({ now: new Date('2026-03-04T05:06:07.000Z') });
		try {
			expect(finishedByVideo('video_68f0', 'openai/sora-2-pro')).toEqual({
				...NOTHING_YET,
				taskId: 'video_68f0',
				model: 'openai/sora-2-pro',
				status: 'succeeded',
				progress: 100,
				completedAt: '2026-03-04T05:06:07.000Z',
			});
		} finally {
			jest.useRealTimers();
		}
	});
});

describe('the newer generation (code "success", fr_ ids)', () => {
	it('a create: the fr_ id, processing, the estimate as the credits so far', () => {
		const answer = {
			chat_id: 'fr_9',
			code: 'success',
			message: 'Video generation started',
			data: { taskId: FR_ID, status: 'processing' },
			estimate_usage: { credits_used: 5, provider: 'google' },
		};
		expect(normalizeAnswer(answer, 'google/veo3')).toEqual({
			...NOTHING_YET,
			taskId: FR_ID,
			model: 'google/veo3',
			status: 'processing',
			creditsUsed: 5,
			provider: 'google',
		});
	});

	it('a cached create is marked and costs nothing, whatever the estimate says', () => {
		const answer = {
			code: 'success',
			data: { taskId: FR_ID, status: 'processing' },
			estimate_usage: { credits_used: 5, provider: 'google' },
			cached: true,
		};
		expect(normalizeAnswer(answer, 'google/veo3')).toMatchObject({
			cached: true,
			creditsUsed: 0,
			costUsd: 0,
			provider: 'google',
		});
		expect(
			normalizeAnswer({ code: 'success', data: { taskId: FR_ID, cached: true } }, 'google/veo3'),
		).toMatchObject({ cached: true, creditsUsed: 0 });
	});

	const finished = {
		chat_id: 'fr_9',
		code: 'SUCCESS',
		message: 'success',
		data: {
			costUsd: 0.21,
			credit: 3.5,
			status: 'succeed',
			taskId: FR_ID,
			generations: [generation('succeed', { id: FR_ID, url: PROVIDER_URL })],
		},
		fastrouter_assets: {
			status: 'ready',
			urls: [HOSTED_URL],
			expires_at: 1767225600,
			cached_at: 1764633600,
		},
		usage: { credits_used: 3.5, provider: 'pollo' },
	};

	it('a finished poll: the final credits and cost, the hosted copy and when it expires', () => {
		expect(normalizeAnswer(finished, 'pollo/pollo-v1-6')).toEqual({
			...NOTHING_YET,
			taskId: FR_ID,
			model: 'pollo/pollo-v1-6',
			status: 'succeeded',
			progress: 100,
			videoUrl: PROVIDER_URL,
			creditsUsed: 3.5,
			costUsd: 0.21,
			provider: 'pollo',
			createdAt: '2025-07-15T08:02:27.000Z',
			completedAt: '2025-07-15T08:04:34.000Z',
			hostedVideoUrl: HOSTED_URL,
			expiresAt: '2026-01-01T00:00:00.000Z',
		});
	});

	it.each([
		[
			'usage.credits_used',
			{
				usage: { credits_used: 2.5, provider: 'pollo' },
				data: { ...finished.data, credit: undefined },
			},
		],
		[
			'usage.user_key_credits_used',
			{
				usage: { user_key_credits_used: 2.5, provider: 'pollo' },
				data: { ...finished.data, credit: undefined },
			},
		],
		['data.credit', { usage: { provider: 'pollo' }, data: { ...finished.data, credit: 2.5 } }],
		[
			'data.credit, with no usage at all',
			{ usage: undefined, data: { ...finished.data, credit: 2.5 } },
		],
	])('the final credits are read from %s', (_where, change) => {
		expect(
			normalizeAnswer({ ...finished, ...change } as JsonObject, 'pollo/pollo-v1-6').creditsUsed,
		).toBe(2.5);
	});

	it('"completed" is done too, in any case', () => {
		const data = {
			taskId: FR_ID,
			status: 'COMPLETED',
			generations: [generation('completed', { url: PROVIDER_URL })],
		};
		expect(normalizeAnswer({ code: 'SUCCESS', data }, 'google/veo3')).toMatchObject({
			status: 'succeeded',
			videoUrl: PROVIDER_URL,
		});
	});

	it('an expiry given in milliseconds is read as milliseconds', () => {
		const assets = { ...finished.fastrouter_assets, expires_at: 1767225600000 };
		expect(
			normalizeAnswer({ ...finished, fastrouter_assets: assets }, 'google/veo3').expiresAt,
		).toBe('2026-01-01T00:00:00.000Z');
	});
});

describe('failure envelopes', () => {
	it('a create envelope that says failure but names a task still gives its id (it exists, and is paid for)', () => {
		for (const code of ['FAILED', 'failed']) {
			const answer = {
				code,
				message: `Task failed to start (${code})`,
				data: { taskId: 'task9', status: 'waiting' },
			};
			expect(normalizeAnswer(answer, 'google/veo3').taskId).toBe('task9');
		}
	});

	it('an envelope with no task, or an HTTP error body, gives no task id', () => {
		expect(
			normalizeAnswer(
				{ code: 'INSUFFICIENT_BALANCE', message: 'Insufficient balance', data: null },
				'google/veo3',
			).taskId,
		).toBeNull();
		const error = {
			error: {
				message: 'Rate limit exceeded',
				type: 'rate_limit_error',
				code: 'rate_limited',
				status: 429,
			},
		};
		expect(normalizeAnswer(error, 'google/veo3')).toMatchObject({ taskId: null, error: null });
	});
});

describe('failures as real answers give them (FastRouter’s words wherever they are)', () => {
	it('a top-level error string, as a real openai/sora-2 failure answered (July 2026)', () => {
		const answer = {
			code: 'failed',
			data: { taskId: 'task7', status: 'failed', generations: [] },
			error: 'openai submit: upstream status 400',
		};
		expect(codeIsTaskState(answer)).toBe(true);
		expect(normalizeAnswer(answer, 'openai/sora-2')).toMatchObject({
			taskId: 'task7',
			status: 'failed',
			error: { message: 'openai submit: upstream status 400', code: 'generation_failed' },
		});
	});

	it('failMsg in the generation or in the task; an error object; the failed envelope’s message; the code alone as the status', () => {
		const failed = (data: JsonObject, extra: JsonObject = {}) =>
			normalizeAnswer({ code: 'SUCCESS', data: { taskId: 't', ...data }, ...extra }, 'm/x').error
				?.message;
		expect(
			failed({
				status: 'failed',
				generations: [generation('failed', { failMsg: 'in the generation' })],
			}),
		).toBe('in the generation');
		expect(failed({ status: 'failed', failMsg: 'in the task', generations: [] })).toBe(
			'in the task',
		);
		expect(failed({ status: 'failed' }, { error: { message: 'an error object', code: 'x' } })).toBe(
			'an error object',
		);
		expect(failed({ status: 'failed', error: 'in the task’s error' })).toBe('in the task’s error');
		const byCode = normalizeAnswer(
			{ code: 'failed', message: 'quota of the provider', data: { taskId: 't' } },
			'm/x',
		);
		expect(byCode).toMatchObject({ status: 'failed', error: { message: 'quota of the provider' } });
		expect(unknownStatusWord({ code: 'failed', data: { taskId: 't' } })).toBeUndefined();
	});

	it('an ending word is told as what it is, naming the task; a reason given is kept', () => {
		expect(
			normalizeAnswer({ data: { taskId: 't1', status: 'expired', generations: [] } }, 'm/x'),
		).toMatchObject({
			status: 'failed',
			error: {
				message: 'Task t1 expired before a video was made (FastRouter’s status "expired")',
				code: 'task_expired',
			},
		});
		expect(
			normalizeAnswer(
				{ id: 'video_1', object: 'video', status: 'cancelled', error: 'by the user' },
				'openai/sora-2',
			).error,
		).toEqual({
			message:
				'Task video_1 was cancelled before a video was made (FastRouter’s status "cancelled"): by the user',
			code: 'task_cancelled',
		});
	});

	it('code "processing" in a poll is the task’s state; "error" and success codes are not', () => {
		const running = {
			code: 'processing',
			message: 'processing',
			data: { taskId: 't', status: 'processing' },
		};
		expect(codeIsTaskState(running)).toBe(true);
		expect(normalizeAnswer(running, 'm/x')).toMatchObject({ status: 'processing', error: null });
		expect(
			codeIsTaskState({ code: 'ERROR', message: 'Task not found', data: { taskId: 't' } }),
		).toBe(false);
		expect(codeIsTaskState({ code: 'SUCCESS', data: { taskId: 't' } })).toBe(false);
		expect(codeIsTaskState({ code: 'failed', data: null })).toBe(false);
	});
});

describe('status words', () => {
	it.each([
		['waiting', 'queued'],
		['pending', 'queued'],
		['submitted', 'queued'],
		['running', 'processing'],
		['generating', 'processing'],
		['SUCCEED', 'succeeded'],
		['success', 'succeeded'],
		['done', 'succeeded'],
		['error', 'failed'],
		['cancelled', 'failed'],
		['canceled', 'failed'],
		['expired', 'failed'],
		['timed_out', 'failed'],
		['THROTTLED', 'queued'],
		['Queueing', 'queued'],
		['IN_QUEUE', 'queued'],
	])('%s reads as %s, and is known', (word, status) => {
		const answer = { data: { taskId: 't', status: word } };
		expect(normalizeAnswer(answer, 'm/x').status).toBe(status);
		expect(unknownStatusWord(answer)).toBeUndefined();
	});

	it('a word the node does not know is named, in either shape; no word at all is "(none)"', () => {
		expect(
			unknownStatusWord({
				code: 'SUCCESS',
				data: { taskId: 't', status: 'moderating', generations: [] },
			}),
		).toBe('moderating');
		expect(unknownStatusWord({ id: 'video_1', object: 'video', status: 'on_hold' })).toBe(
			'on_hold',
		);
		expect(unknownStatusWord({ code: 'SUCCESS', data: { taskId: 't', generations: [] } })).toBe(
			'(none)',
		);
		expect(unknownStatusWord({ data: { status: '' } })).toBe('(none)');
		// The generation's own status counts: one known word is enough.
		expect(
			unknownStatusWord({ data: { status: 'archived', generations: [{ status: 'succeed' }] } }),
		).toBeUndefined();
		// Read as queued, so a caller that ignores the word keeps waiting instead of failing.
		expect(normalizeAnswer({ data: { taskId: 't', status: 'moderating' } }, 'm/x').status).toBe(
			'queued',
		);
	});
});

describe('a create and a later poll, merged', () => {
	const created = normalizeAnswer(
		{
			code: 'SUCCESS',
			data: { taskId: 'task1', status: 'waiting' },
			usage: { user_key_credits_used: 6, provider: 'google' },
		},
		'google/veo3',
	);

	it('the create’s credits stand while running (Sora’s running polls say 0) and when a finish names none', () => {
		const running = normalizeAnswer(
			{
				id: 'task1',
				object: 'video',
				status: 'in_progress',
				progress: 10,
				usage: { user_key_credits_used: 0 },
			},
			'google/veo3',
		);
		expect(mergeTask(created, running)).toMatchObject({
			status: 'processing',
			progress: 10,
			creditsUsed: 6,
			provider: 'google',
		});
		const done = normalizeAnswer(
			{ data: { taskId: 'task1', generations: [generation('succeed', { url: PROVIDER_URL })] } },
			'google/veo3',
		);
		expect(mergeTask(created, done)).toMatchObject({
			status: 'succeeded',
			creditsUsed: 6,
			provider: 'google',
			createdAt: '2025-07-15T08:02:27.000Z',
		});
	});

	it('a finished poll’s final figure replaces the estimate; a cached create stays unbilled', () => {
		const estimated = normalizeAnswer(
			{
				code: 'success',
				data: { taskId: FR_ID },
				estimate_usage: { credits_used: 5, provider: 'google' },
			},
			'google/veo3',
		);
		const done = normalizeAnswer(
			{
				data: { taskId: FR_ID, costUsd: 0.2, generations: [generation('succeed')] },
				usage: { credits_used: 4 },
				fastrouter_assets: { urls: [HOSTED_URL] },
			},
			'google/veo3',
		);
		expect(mergeTask(estimated, done)).toMatchObject({
			creditsUsed: 4,
			costUsd: 0.2,
			provider: 'google',
			hostedVideoUrl: HOSTED_URL,
		});
		const cached = normalizeAnswer(
			{
				code: 'success',
				data: { taskId: FR_ID },
				estimate_usage: { credits_used: 5 },
				cached: true,
			},
			'google/veo3',
		);
		const cachedDone = normalizeAnswer(
			{ data: { taskId: FR_ID, generations: [generation('succeed')] } },
			'google/veo3',
		);
		expect(mergeTask(cached, cachedDone)).toMatchObject({ cached: true, creditsUsed: 0 });
	});
});
