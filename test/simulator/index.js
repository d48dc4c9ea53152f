// @ts-check
'use strict';

// A FastRouter video API simulator: two real HTTP servers on 127.0.0.1, one for the API and one
// standing for the CDN that serves finished videos. See /work/shared/fastrouter-api.md for the
// contract it follows. Faults are steered per prompt, either from JS (setFault) or from tokens
// inside the prompt text, because an n8n process under test cannot call into this module.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Readable, pipeline } = require('node:stream');
const { fetchImage } = require('./image-fetch');

// A real playable MP4 (ftyp, moov, free, mdat): served as is, then padded to the requested size.
const FIXTURE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tiny.mp4'));
const CHUNK = 64 * 1024;
// Shared and never written to: every padding chunk is a view of it, so a 1 GB body costs one chunk.
const ZEROES = Buffer.alloc(CHUNK);
const MAX_BODY = 1024 * 1024;
const MODEL_RE = /^[a-z0-9][\w.-]*\/[\w.:-]+$/i;

/**
 * @typedef {object} PollErrors
 * @property {number} status HTTP status of the injected error (429, 500, 502...)
 * @property {number} times how many of the task's first polls answer it
 * @property {number} [retryAfter] seconds, sent as Retry-After
 */

/**
 * @typedef {object} Fault
 * @property {number} [durationMs] how long this task takes instead of the simulator's default
 * @property {string} [fail] the generation ends failed with this reason
 * @property {PollErrors} [pollErrors]
 * @property {number | 'drop'} [createError] 429/400/401/402/403/502: refused, nothing created.
 *   500: the task IS created, the answer is a 500. 'drop': created, socket destroyed unanswered.
 * @property {number} [createErrorTimes] how many create requests for this prompt get createError
 *   (or envelopeError). Default: 1 for 429, 500, 502 and 'drop' (transient), unlimited for the rest.
 * @property {number} [createRetryAfter] Retry-After seconds on an injected create 429 (default 1)
 * @property {string} [envelopeError] create answers 200 with a non-SUCCESS envelope, nothing created
 * @property {string} [envelopeCode] the envelope's code, default 'INSUFFICIENT_BALANCE'
 * @property {number} [cutDownload] the first N transfers of the video bytes are cut short
 * @property {number} [vanishAfterPolls] after N polls the task is gone (404)
 * @property {number} [videoBytes] size of this task's video
 */

/**
 * @typedef {object} Task
 * @property {string} taskId
 * @property {string} chatId
 * @property {string} model full `provider/name` id
 * @property {string} provider
 * @property {'video' | 'task'} shape 'video' = Sora video-object answers, 'task' = task-style
 * @property {string} prompt
 * @property {Record<string, unknown>} body the create request body as received
 * @property {number} createdAt ms since epoch (simulator clock)
 * @property {number} durationMs
 * @property {number} videoBytes size requested for this task's video
 * @property {Fault} fault snapshot taken when the task was created
 * @property {number} polls
 * @property {number} transfers video byte transfers started (video host GETs and Sora streams)
 * @property {number} credits
 */

/**
 * @typedef {object} Counters
 * @property {number} creates create requests that created a task
 * @property {Record<string, number>} createsByPrompt create requests past auth, by prompt
 * @property {number} createRequests every POST /api/v1/videos seen, rejected ones included
 * @property {Record<string, number>} polls polls of known tasks, by task id
 * @property {number} downloads GETs on the video host that started streaming
 * @property {number} downloadsCompleted of those, how many sent the whole body
 * @property {number} soraStreams finished Sora polls that started streaming MP4 bytes
 * @property {number} soraStreamsCompleted of those, how many sent the whole body
 * @property {string[]} videoHostAuthHeaders every Authorization value the video host received
 * @property {number} apiAuthFailures 401s given by the API server
 */

/**
 * @typedef {object} SimulatorOptions
 * @property {string} [apiKey] the only key accepted, default 'sim-key'
 * @property {number} [durationMs] create-to-done time of a task, default 3000
 * @property {number} [videoBytes] size of each served video, default 1 MiB
 * @property {number} [port] API server port, 0 (default) picks a free one
 * @property {number} [videoPort] video host port, 0 (default) picks a free one
 * @property {() => number} [now] clock in ms, default Date.now (tests may drive progress with it)
 * @property {(line: string) => void} [log] called with one line per finished request
 */

/**
 * @typedef {object} Simulator
 * @property {string} baseUrl
 * @property {string} videoBaseUrl
 * @property {string} apiKey
 * @property {Counters} counters live; reset() zeroes it in place
 * @property {Map<string, Task>} tasks
 * @property {import('./image-fetch').ImageFetch[]} imageFetches local image URLs creates named, as fetched
 * @property {(prompt: string, fault: Fault) => void} setFault
 * @property {() => void} clearFaults
 * @property {() => void} reset
 * @property {() => Promise<void>} close
 */

/** @returns {Counters} */
function emptyCounters() {
	return {
		creates: 0,
		createsByPrompt: {},
		createRequests: 0,
		polls: {},
		downloads: 0,
		downloadsCompleted: 0,
		soraStreams: 0,
		soraStreamsCompleted: 0,
		videoHostAuthHeaders: [],
		apiAuthFailures: 0,
	};
}

/** @type {Record<number, [string, string, string]>} status -> [type, code, default message] */
const ERRORS = {
	400: ['invalid_request_error', 'invalid_request', 'Invalid request'],
	401: ['authentication_error', 'invalid_api_key', 'Invalid API key'],
	402: ['insufficient_credits', 'insufficient_credits', 'Insufficient credits'],
	403: ['moderation_error', 'content_blocked', 'Request blocked by moderation'],
	404: ['not_found', 'task_not_found', 'Task not found or expired'],
	413: ['invalid_request_error', 'body_too_large', 'Request body too large'],
	429: ['rate_limit_error', 'rate_limited', 'Rate limit exceeded, please retry later'],
	500: ['server_error', 'internal_error', 'Internal server error'],
	502: ['upstream_error', 'provider_unavailable', 'The model provider is unavailable'],
	503: ['server_error', 'service_unavailable', 'Service unavailable'],
};

/**
 * @param {number} status
 * @param {string} [message]
 */
function errorBody(status, message) {
	const [type, code, fallback] = ERRORS[status] ?? ['server_error', 'error', 'Error'];
	return { error: { message: message ?? fallback, type, code, status } };
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string | number>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} [message]
 * @param {Record<string, string | number>} [headers]
 */
function sendError(res, status, message, headers) {
	sendJson(res, status, errorBody(status, message), headers);
}

/**
 * The size actually served: the fixture alone when there is no room for a padding box.
 * @param {number} requested
 */
function servedSize(requested) {
	return requested < FIXTURE.length + 8 ? FIXTURE.length : requested;
}

/**
 * The padding goes at the END as a top-level `free` box, so moov's chunk offsets into mdat stay
 * valid and players skip it.
 * @param {number} total served size, from servedSize()
 * @returns {Generator<Buffer>}
 */
function* videoPieces(total) {
	yield FIXTURE;
	const pad = total - FIXTURE.length;
	if (pad <= 0) return;
	let header;
	if (pad <= 0xffffffff) {
		header = Buffer.alloc(8);
		header.writeUInt32BE(pad, 0);
		header.write('free', 4, 'latin1');
	} else {
		// Over 4 GiB the 32-bit size no longer fits: size=1 means a 64-bit largesize follows.
		header = Buffer.alloc(16);
		header.writeUInt32BE(1, 0);
		header.write('free', 4, 'latin1');
		header.writeBigUInt64BE(BigInt(pad), 8);
	}
	yield header;
	let zeros = pad - header.length;
	while (zeros > 0) {
		const n = Math.min(zeros, CHUNK);
		yield n === CHUNK ? ZEROES : ZEROES.subarray(0, n);
		zeros -= n;
	}
}

/**
 * @param {number} total
 * @param {number} limit bytes to emit before stopping (for cut downloads)
 * @returns {Generator<Buffer>}
 */
function* videoChunks(total, limit) {
	let left = limit;
	for (const piece of videoPieces(total)) {
		if (left <= 0) return;
		const out = piece.length > left ? piece.subarray(0, left) : piece;
		left -= out.length;
		yield out;
	}
}

/**
 * Turns `[sim:key=value]` / `[sim:key]` tokens in a prompt into a Fault.
 * @param {string} prompt
 * @returns {Fault}
 */
function parsePromptFaults(prompt) {
	/** @type {Fault} */
	const fault = {};
	let retryAfter;
	/** @type {{status: number, times: number} | undefined} */
	let pollErrors;
	for (const m of prompt.matchAll(/\[sim:([a-z0-9]+)(?:=([^\]]*))?\]/gi)) {
		const key = m[1].toLowerCase();
		const value = (m[2] ?? '').trim();
		// Malformed or missing numbers are ignored rather than turned into NaN sizes and durations.
		const n = value === '' ? undefined : Number(value);
		const valid = n !== undefined && Number.isFinite(n) && n >= 0;
		const poll = /^poll(\d{3})$/.exec(key);
		const create = /^create(\d{3})$/.exec(key);
		if (key === 'fail') fault.fail = value || 'Generation failed';
		else if (key === 'envelope') fault.envelopeError = value || 'Insufficient balance';
		else if (key === 'drop' || (key === 'create' && value === 'drop')) fault.createError = 'drop';
		else if (create) fault.createError = Number(create[1]);
		else if (n !== undefined && !valid) continue;
		else if (poll) pollErrors = { status: Number(poll[1]), times: n ?? 1 };
		else if (key === 'cut') fault.cutDownload = n ?? 1;
		else if (key === 'vanish') fault.vanishAfterPolls = n ?? 0;
		else if (n === undefined) continue;
		else if (key === 'duration') fault.durationMs = n;
		else if (key === 'bytes') fault.videoBytes = n;
		else if (key === 'retryafter') retryAfter = n;
		else if (key === 'create') fault.createError = n;
		else if (key === 'createtimes') fault.createErrorTimes = n;
	}
	if (pollErrors) {
		const ra = retryAfter ?? (pollErrors.status === 429 ? 1 : undefined);
		fault.pollErrors = ra ? { ...pollErrors, retryAfter: ra } : pollErrors;
	}
	if (retryAfter !== undefined && fault.createError === 429) fault.createRetryAfter = retryAfter;
	return fault;
}

/**
 * @param {http.IncomingMessage} req
 * @returns {Promise<string | null>} null when the body is too large
 */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const parts = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (/** @type {Buffer} */ chunk) => {
			size += chunk.length;
			if (size > MAX_BODY) tooLarge = true;
			else parts.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? null : Buffer.concat(parts).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * @param {string | null} text
 * @returns {Record<string, unknown> | undefined}
 */
function parseJsonObject(text) {
	if (text === null) return undefined;
	try {
		const value = JSON.parse(text);
		return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/**
 * @param {http.Server} server
 * @param {number} port
 * @returns {Promise<number>}
 */
function listen(server, port) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			const address = server.address();
			resolve(typeof address === 'object' && address ? address.port : port);
		});
	});
}

/**
 * @param {http.Server} server
 * @returns {Promise<void>}
 */
function closeServer(server) {
	return new Promise((resolve) => {
		if (!server.listening) return resolve();
		server.close(() => resolve());
		// close() alone waits for in-flight downloads to finish; the caller wants them gone now.
		server.closeAllConnections();
	});
}

/**
 * @param {SimulatorOptions} [options]
 * @returns {Promise<Simulator>}
 */
async function startSimulator(options = {}) {
	const apiKey = options.apiKey ?? 'sim-key';
	const defaultDuration = options.durationMs ?? 3000;
	const defaultBytes = options.videoBytes ?? 1024 * 1024;
	const now = options.now ?? Date.now;
	const log = options.log;

	const counters = emptyCounters();
	/** @type {Map<string, Task>} */
	const tasks = new Map();
	/** @type {Map<string, Fault>} */
	const faults = new Map();
	/** @type {Map<string, number>} injected create errors given so far, by prompt */
	const createFaultHits = new Map();

	/** @param {string} prompt */
	function faultFor(prompt) {
		return { ...parsePromptFaults(prompt), ...faults.get(prompt) };
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	function authorized(req, res) {
		const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
		if (match && match[1].trim() === apiKey) return true;
		counters.apiAuthFailures++;
		sendError(res, 401, 'Invalid API key');
		return false;
	}

	/** @param {Task} task */
	function phase(task) {
		const elapsed = now() - task.createdAt;
		const fraction = task.durationMs > 0 ? elapsed / task.durationMs : 1;
		if (fraction >= 1) return { state: task.fault.fail ? 'failed' : 'done', progress: 100 };
		const progress = Math.max(0, Math.min(99, Math.floor(fraction * 100)));
		return { state: fraction < 0.2 ? 'queued' : 'processing', progress };
	}

	/**
	 * @param {Task} task
	 * @param {string} status
	 * @param {number} progress
	 * @param {boolean} initial the create answer carries the task's real credits
	 */
	function videoObject(task, status, progress, initial) {
		const sent = task.body;
		/** @type {Record<string, unknown>} */
		const body = {
			id: task.taskId,
			chat_id: task.chatId,
			object: 'video',
			created_at: Math.floor(task.createdAt / 1000),
			status,
			completed_at: 0,
			expires_at: 0,
			model: task.model.slice(task.model.indexOf('/') + 1),
		};
		if (!initial) body.progress = progress;
		body.seconds = String(sent.seconds ?? '4');
		body.size = String(sent.size ?? '720x1280');
		body.usage = {
			api_key_credits_used: 0,
			user_key_credits_used: initial ? task.credits : 0,
			credits_used: initial ? task.credits : 0,
			provider: task.provider,
		};
		return body;
	}

	/**
	 * Streams the task's video. Shared by the video host and Sora's finished poll.
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {Task} task
	 * @param {'downloads' | 'soraStreams'} counter
	 */
	function streamVideo(req, res, task, counter) {
		const total = servedSize(task.videoBytes);
		res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': total });
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		counters[counter]++;
		task.transfers++;
		const cut = (task.fault.cutDownload ?? 0) >= task.transfers;
		if (!cut) {
			const source = Readable.from(videoChunks(total, total), { objectMode: false, highWaterMark: CHUNK });
			pipeline(source, res, (err) => {
				if (!err) {
					if (counter === 'downloads') counters.downloadsCompleted++;
					else counters.soraStreamsCompleted++;
				}
			});
			return;
		}
		// The full Content-Length was promised; send half, then hang up, like a dropped CDN link.
		const source = Readable.from(videoChunks(total, Math.floor(total / 2)), {
			objectMode: false,
			highWaterMark: CHUNK,
		});
		res.on('close', () => source.destroy());
		source.on('end', () => res.socket?.end());
		source.pipe(res, { end: false });
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async function handleCreate(req, res) {
		counters.createRequests++;
		if (!authorized(req, res)) return;
		const text = await readBody(req);
		if (text === null) return sendError(res, 413);
		const body = parseJsonObject(text);
		if (!body) return sendError(res, 400, 'Request body must be a JSON object');
		const prompt = typeof body.prompt === 'string' ? body.prompt : '';
		counters.createsByPrompt[prompt] = (counters.createsByPrompt[prompt] ?? 0) + 1;

		const model = body.model;
		if (typeof model !== 'string' || !MODEL_RE.test(model)) {
			return sendError(res, 400, 'Invalid or missing model: expected "provider/model"');
		}
		const image = typeof body.image === 'string' ? body.image : '';
		if (!prompt.trim() && !image) return sendError(res, 400, 'Either prompt or image is required');
		if (image && !/^https?:\/\//i.test(image)) {
			return sendError(res, 400, 'image must be an http(s) URL; base64 and data URLs are not supported');
		}
		if (image) {
			const fetched = await fetchImage(image);
			if (fetched) imageFetches.push(fetched);
			if (fetched?.problem) return sendError(res, 400, fetched.problem);
		}

		const fault = faultFor(prompt);
		const injected = fault.createError ?? (fault.envelopeError !== undefined ? 'envelope' : undefined);
		let createError;
		if (injected !== undefined) {
			const transient = injected === 429 || injected === 500 || injected === 502 || injected === 'drop';
			const times = fault.createErrorTimes ?? (transient ? 1 : Infinity);
			const hits = createFaultHits.get(prompt) ?? 0;
			if (hits < times) {
				createFaultHits.set(prompt, hits + 1);
				createError = injected;
			}
		}
		if (createError === 'envelope') {
			return sendJson(res, 200, {
				code: fault.envelopeCode ?? 'INSUFFICIENT_BALANCE',
				message: fault.envelopeError,
				data: null,
			});
		}
		if (typeof createError === 'number' && createError !== 500) {
			if (createError === 401) counters.apiAuthFailures++;
			const headers = createError === 429 ? { 'Retry-After': fault.createRetryAfter ?? 1 } : undefined;
			return sendError(res, createError, undefined, headers);
		}

		const provider = model.slice(0, model.indexOf('/'));
		const shape = model.toLowerCase().startsWith('openai/') ? 'video' : 'task';
		const seconds = Number(body.seconds ?? body.length) || (shape === 'video' ? 4 : 5);
		/** @type {Task} */
		const task = {
			taskId: shape === 'video' ? `video_${crypto.randomBytes(24).toString('hex')}` : `task${crypto.randomBytes(12).toString('hex')}`,
			chatId: `fr_${crypto.randomUUID()}`,
			model,
			provider,
			shape,
			prompt,
			body,
			createdAt: now(),
			durationMs: fault.durationMs ?? defaultDuration,
			videoBytes: fault.videoBytes ?? defaultBytes,
			fault,
			polls: 0,
			transfers: 0,
			credits: Math.max(1, Math.round(seconds * (shape === 'video' ? 0.5 : 0.75))),
		};
		tasks.set(task.taskId, task);
		counters.creates++;

		if (createError === 'drop') {
			req.socket.destroy();
			return;
		}
		if (createError === 500) return sendError(res, 500);
		if (shape === 'video') return sendJson(res, 200, videoObject(task, 'queued', 0, true));
		sendJson(res, 200, {
			chat_id: task.chatId,
			model,
			code: 'SUCCESS',
			message: 'success',
			data: { taskId: task.taskId, status: 'waiting' },
			usage: {
				prompt_tokens: 0,
				completion_tokens: 0,
				total_tokens: 0,
				user_key_credits_used: task.credits,
				credits_used: task.credits,
				provider,
			},
		});
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async function handlePoll(req, res) {
		if (!authorized(req, res)) return;
		const text = await readBody(req);
		if (text === null) return sendError(res, 413);
		const body = parseJsonObject(text);
		if (!body) return sendError(res, 400, 'Request body must be a JSON object');
		if (typeof body.taskId !== 'string' || !body.taskId) return sendError(res, 400, 'taskId is required');
		const task = tasks.get(body.taskId);
		if (!task) return sendError(res, 404);
		task.polls++;
		counters.polls[task.taskId] = (counters.polls[task.taskId] ?? 0) + 1;
		const { fault } = task;
		if (fault.vanishAfterPolls !== undefined && task.polls > fault.vanishAfterPolls) {
			return sendError(res, 404);
		}
		if (fault.pollErrors && task.polls <= fault.pollErrors.times) {
			const { status, retryAfter } = fault.pollErrors;
			return sendError(res, status, undefined, retryAfter !== undefined ? { 'Retry-After': retryAfter } : undefined);
		}
		if (body.model !== task.model) {
			return sendError(res, 400, 'model does not match the task (send the full "provider/model" id it was created with)');
		}

		const { state, progress } = phase(task);
		if (task.shape === 'video') {
			if (state === 'done') return streamVideo(req, res, task, 'soraStreams');
			if (state === 'failed') {
				const failed = videoObject(task, 'failed', progress, false);
				failed.completed_at = Math.floor((task.createdAt + task.durationMs) / 1000);
				failed.error = { message: fault.fail, code: 'generation_failed' };
				return sendJson(res, 200, failed);
			}
			return sendJson(res, 200, videoObject(task, state === 'queued' ? 'queued' : 'in_progress', progress, false));
		}

		if (state === 'queued' || state === 'processing') {
			const status = state === 'queued' ? 'waiting' : 'processing';
			return sendJson(res, 200, { code: 'SUCCESS', message: 'success', data: { taskId: task.taskId, status, generations: [] } });
		}
		const ok = state === 'done';
		sendJson(res, 200, {
			code: 'SUCCESS',
			message: 'success',
			data: {
				taskId: task.taskId,
				status: ok ? 'succeed' : 'failed',
				generations: [
					{
						id: task.taskId,
						createdDate: new Date(task.createdAt).toISOString(),
						updatedDate: new Date(task.createdAt + task.durationMs).toISOString(),
						status: ok ? 'succeed' : 'failed',
						failMsg: ok ? '' : fault.fail,
						url: ok ? `${sim.videoBaseUrl}/videos/${task.taskId}.mp4` : '',
						mediaType: 'video',
					},
				],
			},
		});
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async function handleApi(req, res) {
		const url = new URL(req.url ?? '/', 'http://sim');
		const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
		if (route === 'POST /api/v1/videos') return handleCreate(req, res);
		if (route === 'POST /api/v1/getVideoResponse' || route === 'POST /api/v1/getAsyncResponse') {
			return handlePoll(req, res);
		}
		if (route === 'GET /__sim/counters') return sendJson(res, 200, counters);
		if (route === 'POST /__sim/reset') {
			reset();
			return sendJson(res, 200, { ok: true });
		}
		sendJson(res, 404, {
			error: { message: `No route for ${req.method} ${url.pathname}`, type: 'not_found', code: 'route_not_found', status: 404 },
		});
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	function handleVideoHost(req, res) {
		if (req.headers.authorization !== undefined) counters.videoHostAuthHeaders.push(req.headers.authorization);
		const url = new URL(req.url ?? '/', 'http://sim');
		const match = /^\/videos\/([^/]+)\.mp4$/.exec(url.pathname);
		const task = match ? tasks.get(decodeURIComponent(match[1])) : undefined;
		if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 404, 'Not found');
		// A CDN only has the file once the generation succeeded.
		if (!task || phase(task).state !== 'done') return sendError(res, 404, 'Video not found');
		streamVideo(req, res, task, 'downloads');
	}

	/**
	 * @param {string} name
	 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => unknown} handler
	 */
	function makeServer(name, handler) {
		const server = http.createServer((req, res) => {
			const started = Date.now();
			if (log) {
				res.on('close', () => {
					const outcome = res.headersSent ? String(res.statusCode) : 'dropped';
					const aborted = res.headersSent && !res.writableFinished ? ' (cut/aborted)' : '';
					log(`${name} ${req.method} ${req.url} ${outcome}${aborted} ${Date.now() - started}ms`);
				});
			}
			Promise.resolve()
				.then(() => handler(req, res))
				.catch((/** @type {unknown} */ err) => {
					if (!res.headersSent && !res.destroyed) sendError(res, 500, `Simulator error: ${String(err)}`);
					else res.destroy();
				});
		});
		// Node's 5 s default races clients that reuse an idle socket just as the server drops it,
		// which would fail a create at random (and creates must not be retried). Real fronts
		// (load balancers, CDNs) keep idle connections for about a minute.
		server.keepAliveTimeout = 65_000;
		return server;
	}

	/** @type {import('./image-fetch').ImageFetch[]} every local image URL a create named, fetched */
	const imageFetches = [];

	function clearFaults() {
		faults.clear();
		createFaultHits.clear();
	}

	function reset() {
		const fresh = emptyCounters();
		// Zeroed in place: tests and the script hold on to this very object.
		for (const key of /** @type {(keyof Counters)[]} */ (Object.keys(fresh))) {
			/** @type {Record<string, unknown>} */ (counters)[key] = fresh[key];
		}
		tasks.clear();
		imageFetches.length = 0;
		clearFaults();
	}

	const apiServer = makeServer('api', handleApi);
	const videoServer = makeServer('video', handleVideoHost);
	const apiPort = await listen(apiServer, options.port ?? 0);
	let videoPort;
	try {
		videoPort = await listen(videoServer, options.videoPort ?? 0);
	} catch (err) {
		await closeServer(apiServer);
		throw err;
	}

	/** @type {Promise<void> | undefined} */
	let closing;
	/** @type {Simulator} */
	const sim = {
		baseUrl: `http://127.0.0.1:${apiPort}`,
		videoBaseUrl: `http://127.0.0.1:${videoPort}`,
		apiKey,
		counters,
		tasks,
		imageFetches,
		setFault(prompt, fault) {
			faults.set(prompt, { ...fault });
			createFaultHits.delete(prompt);
		},
		clearFaults,
		reset,
		close() {
			closing ??= Promise.all([closeServer(apiServer), closeServer(videoServer)]).then(() => undefined);
			return closing;
		},
	};
	return sim;
}

module.exports = { startSimulator, parsePromptFaults, servedSize, FIXTURE_BYTES: FIXTURE.length };
