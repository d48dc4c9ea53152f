// @ts-check
'use strict';

// A FastRouter video API simulator: two real HTTP servers on 127.0.0.1, one for the API and one
// standing for the CDN that serves finished videos, answering as FastRouter's video API document
// and its API reference describe. Faults are steered per prompt, either from JS (setFault) or from
// tokens inside the prompt text, because an n8n process under test cannot call into this module.
//
// It speaks both generations of FastRouter's video API, chosen per task:
// - older (the default): `code: "SUCCESS"`, task ids `task…` (Sora: `video_…`), `usage` on the
//   create, polled with POST /api/v1/getVideoResponse {taskId, model} (getAsyncResponse is an alias).
// - newer (`[sim:gen=new]` in the prompt, or the `generation` option): `code: "success"`, ids
//   `fr_…`, `estimate_usage` on the create, polled with GET /api/v1/videos/{taskId} or POST
//   /api/v1/getAsyncResponse {taskId}; getVideoResponse does not know fr_ tasks (404). The finished
//   poll carries the final cost (`usage.credits_used`, `data.credit`, `data.costUsd`) and
//   `fastrouter_assets` with a hosted copy served by the API server at /videos-content/{taskId}.
//   Every newer-generation answer is task-style, whatever the provider.
// Newer-generation tokens: `[sim:cached]` (answer `cached: true`, billed 0, done at once),
// `[sim:expired]` / `[sim:expired=404]` (the provider's link answers 403/404; the hosted copy
// still works), `[sim:noget]` / `[sim:noget=405]` (GET /api/v1/videos/{id} answers a bare 404/405,
// as a server without that route would), `[sim:credits=usage|userkey|data]` (the final figure
// only in usage.credits_used, usage.user_key_credits_used or data.credit), `[sim:hosted=elsewhere]`
// (the hosted copy on the video host's origin) or `[sim:hosted=redirect]` (the API's hosted copy
// redirects there), `[sim:envtask=CODE]` (the create makes the task but the envelope says CODE).
// FastRouter's response cache, as its caching guide describes it: a create with a `cache_key`
// header (at most 128 of [A-Za-z0-9_-:.]) is matched against earlier creates with the same key,
// model, prompt and other fields within its lifetime (`cache.expiration_time`, 60–604800 s, default
// 57600). A hit answers the original task id with `cached: true`, no credit fields in
// `estimate_usage`, creates no task and bills nothing (counters.cacheHits, not counters.creates);
// polls answer the original task's record. A failed original is not served from the cache.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { Readable, pipeline } = require('node:stream');
const { fetchImage } = require('./image-fetch');
const { trickle } = require('./trickle');

// A real playable MP4 (ftyp, moov, free, mdat): served as is, then padded to the requested size.
const FIXTURE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tiny.mp4'));
const CHUNK = 64 * 1024;
// Shared and never written to: every padding chunk is a view of it, so a 1 GB body costs one chunk.
const ZEROES = Buffer.alloc(CHUNK);
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
 * @property {number} [failTimes] only the first N tasks of this prompt fail; later ones succeed
 * @property {PollErrors} [pollErrors]
 * @property {number | 'drop'} [createError] 429/400/401/402/403/502: refused, nothing created.
 *   500: the task IS created, the answer is a 500. 'drop': created, socket destroyed unanswered.
 * @property {number} [createErrorTimes] how many create requests for this prompt get createError
 *   (or envelopeError). Default: 1 for 429, 500, 502 and 'drop' (transient), unlimited for the rest.
 * @property {string} [envelopeError] create answers 200 with a non-SUCCESS envelope, nothing created
 * @property {number} [cutDownload] the first N transfers of the video bytes are cut short
 * @property {number} [vanishAfterPolls] after N polls the task is gone (404)
 * @property {number} [pollHangMs] every poll of the task is answered only after this many ms (a
 *   poll in flight, e.g. while n8n is killed); a client that hangs up meanwhile gets nothing
 * @property {number} [pollHangTimes] only the task's first N polls are held (`pollhangs=N`)
 * @property {number} [videoBytes] size of this task's video
 * @property {number} [trickleMs] the first video transfer takes this long (trickle.js)
 * @property {'older' | 'newer'} [generation] which API generation answers for this task
 * @property {boolean} [cached] newer: the create answers `cached: true`, nothing billed
 * @property {number} [expiredLink] newer: the provider link answers this status (403 or 404)
 * @property {number} [noGetRoute] newer: GET /api/v1/videos/{id} answers this bare status (404/405)
 * @property {'usage' | 'userkey' | 'data'} [creditsIn] newer: the only place of the final figure
 * @property {'api' | 'elsewhere' | 'redirect'} [hostedOn] newer: where the hosted copy lives
 * @property {string} [envelopeTaskCode] the task is created, the create envelope says this code
 * @property {string} [failTop] the task fails, and every poll of it answers as a real `openai/sora-2`
 *   failure did (seen in the wild, July 2026): `code: "failed"`, `data.status: "failed"`, no
 *   generations, no `failMsg`, the reason only in a top-level `error` string
 * @property {string} [endsAs] the task ends with this status word (e.g. `expired`, `cancelled`), no reason given
 * @property {string} [pollCode] polls of the running task carry this envelope `code` (e.g. `processing`) instead of SUCCESS
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
 * @property {number} credits final credits
 * @property {number} estimateCredits newer: the create's estimate (differs from the final figure)
 * @property {'older' | 'newer'} generation
 */

/**
 * @typedef {object} Counters
 * @property {number} creates create requests that created a task
 * @property {Record<string, number>} createsByPrompt create requests past auth, by prompt
 * @property {number} createRequests every POST /api/v1/videos seen, rejected ones included
 * @property {Record<string, number>} polls polls of known tasks, by task id
 * @property {number} downloads video GETs that started streaming (video host and hosted copies)
 * @property {number} downloadsCompleted of those, how many sent the whole body
 * @property {number} soraStreams finished Sora polls that started streaming MP4 bytes
 * @property {number} soraStreamsCompleted of those, how many sent the whole body
 * @property {string[]} videoHostAuthHeaders every Authorization value the video host received
 * @property {number} hostedDownloads GETs of the API server's hosted copies that started streaming
 * @property {string[]} hostedAuthHeaders every Authorization value the hosted copies received
 * @property {Record<string, number>} pollRoutes polls of known tasks by route ('GET videos', 'POST getAsyncResponse', 'POST getVideoResponse')
 * @property {Record<string, number>} apiRequests every API request by route, ids as `{id}`, answered or not
 * @property {Array<{ route: string, traceparent?: string, spanId?: string, spanName?: string }>} traces every API request's trace headers, by route (ids as `{id}`)
 * @property {number} videoHostTraceHeaders requests to the video host that carried a trace header
 * @property {number} apiAuthFailures 401s given by the API server
 * @property {number} cacheHits creates answered from the response cache (no task created, nothing billed)
 * @property {number} pollsHeld polls held back by `[sim:pollhang=ms]`, in all
 * @property {number} pollsInFlight of those, how many are held right now (neither answered nor hung up on)
 * @property {number} tricklesStarted video transfers slowed by `[sim:trickle=ms]`, in all
 * @property {number} downloadsTrickling of those, how many are under way right now
 * @property {Record<string, true>} trickling the tasks whose slowed transfer is under way right now
 */

/**
 * @typedef {object} SimulatorOptions
 * @property {string} [apiKey] the only key accepted, default 'sim-key'
 * @property {number} [durationMs] create-to-done time of a task, default 3000
 * @property {number} [videoBytes] size of each served video, default 1 MiB
 * @property {number} [port] API server port, 0 (default) picks a free one
 * @property {number} [videoPort] video host port, 0 (default) picks a free one
 * @property {string} [hostname] the host name its URLs (base URL, video and hosted copy links) give,
 *   default '127.0.0.1'; it listens on 127.0.0.1 whatever it is. 'localhost' puts its videos on a
 *   name that n8n's SSRF allow-list (N8N_SSRF_ALLOWED_HOSTNAMES) can allow while 127.0.0.1 stays blocked
 * @property {() => number} [now] clock in ms, default Date.now (tests may drive progress with it)
 * @property {(line: string) => void} [log] called with one line per finished request
 * @property {'older' | 'newer' | 'alternate'} [generation] the API generation of tasks whose
 *   prompt names none; 'alternate' switches at every create. Default 'older'.
 */

/**
 * @typedef {object} Simulator
 * @property {string} baseUrl the API server's address; '' until listen()
 * @property {string} videoBaseUrl the video host's address; '' until listen()
 * @property {string} apiKey
 * @property {Counters} counters live; reset() zeroes it in place
 * @property {Map<string, Task>} tasks
 * @property {import('./image-fetch').ImageFetch[]} imageFetches local image URLs creates named, as fetched
 * @property {(prompt: string, fault: Fault) => void} setFault
 * @property {() => void} reset
 * @property {() => Promise<void>} listen binds both servers and fills in baseUrl and videoBaseUrl
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
		hostedDownloads: 0,
		hostedAuthHeaders: [],
		pollRoutes: {},
		apiRequests: {},
		traces: [],
		videoHostTraceHeaders: 0,
		cacheHits: 0,
		pollsHeld: 0,
		pollsInFlight: 0,
		tricklesStarted: 0,
		downloadsTrickling: 0,
		trickling: {},
	};
}

/** @type {Record<number, [string, string, string]>} status -> [type, code, default message] */
const ERRORS = {
	400: ['invalid_request_error', 'invalid_request', 'Invalid request'],
	401: ['authentication_error', 'invalid_api_key', 'Invalid API key'],
	402: ['insufficient_credits', 'insufficient_credits', 'Insufficient credits'],
	403: ['moderation_error', 'content_blocked', 'Request blocked by moderation'],
	404: ['not_found', 'task_not_found', 'Task not found or expired'],
	429: ['rate_limit_error', 'rate_limited', 'Rate limit exceeded, please retry later'],
	500: ['server_error', 'internal_error', 'Internal server error'],
	502: ['upstream_error', 'provider_unavailable', 'The model provider is unavailable'],
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

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-like id body, as FastRouter's fr_ ids look.
 * @param {number} length
 */
function crockford(length) {
	return Array.from(crypto.randomBytes(length), (byte) => CROCKFORD[byte % 32]).join('');
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
	// A 32-bit box size: videos up to 4 GiB (writeUInt32BE throws beyond).
	const header = Buffer.alloc(8);
	header.writeUInt32BE(pad, 0);
	header.write('free', 4, 'latin1');
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
 * Turns `[sim:key=value]` / `[sim:key]` tokens in a prompt into a Fault: `fail=reason`,
 * `failonce=reason` (only the prompt's first task fails), `create429` (or any status: the create
 * is refused), `createdrop` (the task is made, the connection dropped unanswered), `poll500=N`,
 * `cut=N`, `vanish=N`, `duration=ms`, `bytes=N`, `pollhang=ms` (every poll answers after ms),
 * `pollhangs=N` (only the first N polls are held), `trickle=ms` (the first video transfer takes
 * ms, trickle.js), `failtop=reason`, `ends=word`, `pollcode=word` (the answers seen in the wild,
 * see Fault), and the newer-generation tokens above.
 * @param {string} prompt
 * @returns {Fault}
 */
function parsePromptFaults(prompt) {
	/** @type {Fault} */
	const fault = {};
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
		if (key === 'gen') {
			if (/^new(er)?$/i.test(value)) fault.generation = 'newer';
			else if (/^old(er)?$/i.test(value)) fault.generation = 'older';
		} else if (key === 'cached') fault.cached = true;
		else if (key === 'credits' && /^(usage|userkey|data)$/.test(value)) {
			fault.creditsIn = /** @type {'usage' | 'userkey' | 'data'} */ (value);
		} else if (key === 'hosted' && /^(api|elsewhere|redirect)$/.test(value)) {
			fault.hostedOn = /** @type {'api' | 'elsewhere' | 'redirect'} */ (value);
		} else if (key === 'envtask') fault.envelopeTaskCode = value || 'failed';
		else if (key === 'expired') fault.expiredLink = value === '404' ? 404 : 403;
		else if (key === 'noget') fault.noGetRoute = value === '405' ? 405 : 404;
		else if (key === 'fail') fault.fail = value || 'Generation failed';
		else if (key === 'failtop') fault.failTop = value || 'openai submit: upstream status 400';
		else if (key === 'ends') fault.endsAs = value || 'expired';
		else if (key === 'pollcode') fault.pollCode = value || 'processing';
		else if (key === 'failonce')
			Object.assign(fault, { fail: value || 'Generation failed', failTimes: 1 });
		else if (key === 'createdrop') fault.createError = 'drop';
		else if (create) fault.createError = Number(create[1]);
		else if (n !== undefined && !valid) continue;
		else if (poll) pollErrors = { status: Number(poll[1]), times: n ?? 1 };
		else if (key === 'cut') fault.cutDownload = n ?? 1;
		else if (key === 'vanish') fault.vanishAfterPolls = n ?? 0;
		else if (n === undefined) continue;
		else if (key === 'duration') fault.durationMs = n;
		else if (key === 'bytes') fault.videoBytes = n;
		else if (key === 'pollhang') fault.pollHangMs = n;
		else if (key === 'trickle') fault.trickleMs = n;
		else if (key === 'pollhangs') fault.pollHangTimes = n;
	}
	if (pollErrors)
		fault.pollErrors = pollErrors.status === 429 ? { ...pollErrors, retryAfter: 1 } : pollErrors;
	return fault;
}

/**
 * @param {http.IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const parts = [];
		req.on('data', (/** @type {Buffer} */ chunk) => parts.push(chunk));
		req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * @param {string} text
 * @returns {Record<string, unknown> | undefined}
 */
function parseJsonObject(text) {
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
function listenOn(server, port) {
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
 * A create's place in the response cache: no key without a `cache_key` header; a problem for a
 * header or lifetime FastRouter would refuse.
 * @param {http.IncomingMessage} req
 * @param {Record<string, unknown>} body
 * @returns {{ key?: string, lifetimeS: number, problem?: string }}
 */
function cacheLookup(req, body) {
	const header = req.headers.cache_key;
	if (header === undefined) return { lifetimeS: 0 };
	const namespace = String(header);
	if (!/^[A-Za-z0-9_\-:.]{1,128}$/.test(namespace))
		return { lifetimeS: 0, problem: 'Invalid cache_key header' };
	const { model, cache: settings, ...fields } = body;
	const lifetime =
		/** @type {{ expiration_time?: unknown } | undefined} */ (settings)?.expiration_time ?? 57_600;
	if (typeof lifetime !== 'number' || lifetime < 60 || lifetime > 604_800) {
		return { lifetimeS: 0, problem: 'cache.expiration_time must be between 60 and 604800 seconds' };
	}
	const sorted = Object.keys(fields)
		.sort()
		.map((name) => [name, fields[name]]);
	return {
		key: JSON.stringify([namespace, String(model).toLowerCase(), sorted]),
		lifetimeS: lifetime,
	};
}

/**
 * A simulator already listening.
 * @param {SimulatorOptions} [options]
 * @returns {Promise<Simulator>}
 */
async function startSimulator(options = {}) {
	const sim = createSimulator(options);
	await sim.listen();
	return sim;
}

/**
 * A simulator not yet listening: `listen()` starts it. Lets a test file hold the object from the
 * start (test/helpers/simulator.ts, useSimulator), as the hostile server's createHostile does.
 * @param {SimulatorOptions} [options]
 * @returns {Simulator}
 */
function createSimulator(options = {}) {
	const apiKey = options.apiKey ?? 'sim-key';
	const defaultDuration = options.durationMs ?? 3000;
	const defaultBytes = options.videoBytes ?? 1024 * 1024;
	const now = options.now ?? Date.now;
	const log = options.log;
	const defaultGeneration = options.generation ?? 'older';
	const hostname = options.hostname ?? '127.0.0.1';
	let alternation = 0;

	const counters = emptyCounters();
	/** @type {Map<string, Task>} */
	const tasks = new Map();
	/** @type {Map<string, Fault>} */
	const faults = new Map();
	/** @type {Map<string, number>} injected create errors given so far, by prompt */
	const createFaultHits = new Map();
	/** @type {Map<string, { taskId: string, expiresAt: number }>} the response cache, by lookup key */
	const cache = new Map();
	/** @type {Map<string, number>} tasks created so far, by prompt (for `failTimes`) */
	const tasksByPrompt = new Map();

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
		const { fail, failTop, endsAs } = task.fault;
		if (fraction >= 1)
			return { state: fail || failTop || endsAs ? 'failed' : 'done', progress: 100 };
		const progress = Math.max(0, Math.min(99, Math.floor(fraction * 100)));
		return { state: fraction < 0.2 ? 'queued' : 'processing', progress };
	}

	/**
	 * The poll answer of a task that ended by `failTop` or `endsAs`, in every shape and generation
	 * alike (the wild failure was Sora's, answered as a task envelope); undefined for any other task.
	 * @param {Task} task
	 */
	function wildEnding(task) {
		const { failTop, endsAs } = task.fault;
		if (failTop)
			return {
				code: 'failed',
				data: { taskId: task.taskId, status: 'failed', generations: [] },
				error: failTop,
			};
		if (!endsAs) return undefined;
		if (task.shape === 'video') return { ...videoObject(task, endsAs, 100, false), error: null };
		const generation = {
			id: task.taskId,
			status: endsAs,
			url: '',
			failMsg: '',
			mediaType: 'video',
			createdDate: new Date(task.createdAt).toISOString(),
		};
		return {
			code: 'SUCCESS',
			message: 'success',
			data: { taskId: task.taskId, status: endsAs, generations: [generation] },
		};
	}

	/**
	 * The envelope `code` of a running task's poll: SUCCESS, or what `[sim:pollcode=word]` says.
	 * @param {Task} task
	 */
	function runningCode(task) {
		return task.fault.pollCode ?? 'SUCCESS';
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
	 * @param {http.ServerResponse} res
	 * @param {Task} task
	 * @param {'downloads' | 'soraStreams'} counter
	 */
	function streamVideo(res, task, counter) {
		const total = servedSize(task.videoBytes);
		res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': total });
		counters[counter]++;
		task.transfers++;
		const cut = (task.fault.cutDownload ?? 0) >= task.transfers;
		if (!cut && task.fault.trickleMs && task.transfers === 1) {
			counters.tricklesStarted++;
			counters.downloadsTrickling++;
			counters.trickling[task.taskId] = true;
			trickle(res, videoChunks(total, total), task.fault.trickleMs, (completed) => {
				counters.downloadsTrickling--;
				delete counters.trickling[task.taskId];
				if (completed && counter === 'downloads') counters.downloadsCompleted++;
				else if (completed) counters.soraStreamsCompleted++;
			});
			return;
		}
		if (!cut) {
			const source = Readable.from(videoChunks(total, total), {
				objectMode: false,
				highWaterMark: CHUNK,
			});
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
			return sendError(
				res,
				400,
				'image must be an http(s) URL; base64 and data URLs are not supported',
			);
		}
		if (image) {
			const fetched = await fetchImage(image);
			if (fetched) imageFetches.push(fetched);
			if (fetched?.problem) return sendError(res, 400, fetched.problem);
		}

		const lookup = cacheLookup(req, body);
		if (lookup.problem) return sendError(res, 400, lookup.problem);
		const hit = lookup.key ? cache.get(lookup.key) : undefined;
		const original = hit && hit.expiresAt > now() ? tasks.get(hit.taskId) : undefined;
		if (original && phase(original).state !== 'failed') {
			counters.cacheHits++;
			return sendJson(res, 200, {
				chat_id: `fr_${crypto.randomUUID()}`,
				code: 'success',
				message: 'Video generation started',
				data: { taskId: original.taskId, status: 'processing' },
				estimate_usage: { provider: original.provider },
				cached: true,
			});
		}

		const fault = faultFor(prompt);
		const injected =
			fault.createError ?? (fault.envelopeError !== undefined ? 'envelope' : undefined);
		let createError;
		if (injected !== undefined) {
			const transient =
				injected === 429 || injected === 500 || injected === 502 || injected === 'drop';
			const times = fault.createErrorTimes ?? (transient ? 1 : Infinity);
			const hits = createFaultHits.get(prompt) ?? 0;
			if (hits < times) {
				createFaultHits.set(prompt, hits + 1);
				createError = injected;
			}
		}
		if (createError === 'envelope') {
			return sendJson(res, 200, {
				code: 'INSUFFICIENT_BALANCE',
				message: fault.envelopeError,
				data: null,
			});
		}
		if (typeof createError === 'number' && createError !== 500) {
			if (createError === 401) counters.apiAuthFailures++;
			const headers = createError === 429 ? { 'Retry-After': 1 } : undefined;
			return sendError(res, createError, undefined, headers);
		}

		const made = (tasksByPrompt.get(prompt) ?? 0) + 1;
		tasksByPrompt.set(prompt, made);
		if (fault.failTimes !== undefined && made > fault.failTimes) delete fault.fail;
		const provider = model.slice(0, model.indexOf('/'));
		/** @type {'older' | 'newer'} */
		const generation =
			fault.generation ??
			(defaultGeneration === 'alternate'
				? alternation++ % 2 === 0
					? 'older'
					: 'newer'
				: defaultGeneration);
		const newer = generation === 'newer';
		const shape = !newer && model.toLowerCase().startsWith('openai/') ? 'video' : 'task';
		const seconds = Number(body.seconds ?? body.length) || (shape === 'video' ? 4 : 5);
		const credits = fault.cached
			? 0
			: Math.max(1, Math.round(seconds * (shape === 'video' ? 0.5 : 0.75)));
		/** @type {Task} */
		const task = {
			taskId: newer
				? `fr_${crockford(26)}`
				: shape === 'video'
					? `video_${crypto.randomBytes(24).toString('hex')}`
					: `task${crypto.randomBytes(12).toString('hex')}`,
			chatId: `fr_${crypto.randomUUID()}`,
			model,
			provider,
			shape,
			prompt,
			body,
			createdAt: now(),
			durationMs: fault.cached ? 0 : (fault.durationMs ?? defaultDuration),
			videoBytes: fault.videoBytes ?? defaultBytes,
			fault,
			polls: 0,
			transfers: 0,
			credits,
			// Deliberately not the final figure, so a test can tell which one an output holds.
			estimateCredits: fault.cached ? 0 : credits + 1,
			generation,
		};
		tasks.set(task.taskId, task);
		counters.creates++;
		if (lookup.key)
			cache.set(lookup.key, { taskId: task.taskId, expiresAt: now() + lookup.lifetimeS * 1000 });

		if (createError === 'drop') {
			req.socket.destroy();
			return;
		}
		if (createError === 500) return sendError(res, 500);
		if (shape === 'video') return sendJson(res, 200, videoObject(task, 'queued', 0, true));
		if (newer) {
			return sendJson(res, 200, {
				chat_id: task.chatId,
				code: fault.envelopeTaskCode ?? 'success',
				message: fault.envelopeTaskCode
					? `Task failed to start (${fault.envelopeTaskCode})`
					: 'Video generation started',
				data: { taskId: task.taskId, status: 'processing' },
				estimate_usage: { credits_used: task.estimateCredits, provider },
				...(fault.cached ? { cached: true } : {}),
			});
		}
		sendJson(res, 200, {
			chat_id: task.chatId,
			model,
			code: fault.envelopeTaskCode ?? 'SUCCESS',
			message: fault.envelopeTaskCode
				? `Task failed to start (${fault.envelopeTaskCode})`
				: 'success',
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
	 * The newer generation's poll answer (GET /api/v1/videos/{id}, POST getAsyncResponse).
	 * @param {Task} task
	 */
	function newerPollAnswer(task) {
		const { state } = phase(task);
		if (state === 'failed' && wildEnding(task))
			return { chat_id: task.chatId, ...wildEnding(task) };
		if (state === 'queued' || state === 'processing') {
			return {
				chat_id: task.chatId,
				code: runningCode(task),
				message: 'success',
				data: {
					taskId: task.taskId,
					status: state === 'queued' ? 'waiting' : 'processing',
					generations: [],
				},
			};
		}
		const ok = state === 'done';
		const where = task.fault.creditsIn;
		const credits = ok ? task.credits : 0;
		/** @type {Record<string, unknown>} */
		const data = {
			costUsd: Math.round(credits * 6) / 100,
			...(where === undefined || where === 'data' ? { credit: credits } : {}),
			status: ok ? 'succeed' : 'failed',
			taskId: task.taskId,
			generations: [
				{
					id: task.taskId,
					status: ok ? 'succeed' : 'failed',
					url: ok ? `${sim.videoBaseUrl}/videos/${task.taskId}.mp4` : '',
					failMsg: ok ? '' : task.fault.fail,
					mediaType: 'video',
					createdDate: new Date(task.createdAt).toISOString(),
					updatedDate: new Date(task.createdAt + task.durationMs).toISOString(),
				},
			],
		};
		/** @type {Record<string, unknown>} */
		const usage = { provider: task.provider };
		if (where === undefined || where === 'usage') usage.credits_used = credits;
		if (where === 'userkey') usage.user_key_credits_used = credits;
		const doneAt = Math.floor((task.createdAt + task.durationMs) / 1000);
		return {
			chat_id: task.chatId,
			code: 'SUCCESS',
			message: 'success',
			data,
			...(ok
				? {
						fastrouter_assets: {
							status: 'ready',
							urls: [hostedUrl(task)],
							expires_at: doneAt + 30 * 24 * 3600,
							cached_at: doneAt,
						},
					}
				: {}),
			usage,
			...(task.fault.cached ? { cached: true } : {}),
		};
	}

	/** @param {Task} task */
	function hostedUrl(task) {
		const id = encodeURIComponent(task.taskId);
		return task.fault.hostedOn === 'elsewhere'
			? `${sim.videoBaseUrl}/hosted/${id}.mp4`
			: `${sim.baseUrl}/videos-content/${id}`;
	}

	/**
	 * What every poll route checks first: the task, its faults. Returns the task, or undefined
	 * when an answer was already sent.
	 * @param {http.ServerResponse} res
	 * @param {string} taskId
	 * @param {string} route
	 */
	function pollableTask(res, taskId, route) {
		const task = tasks.get(taskId);
		if (!task) {
			sendError(res, 404);
			return undefined;
		}
		task.polls++;
		counters.polls[task.taskId] = (counters.polls[task.taskId] ?? 0) + 1;
		counters.pollRoutes[route] = (counters.pollRoutes[route] ?? 0) + 1;
		const { fault } = task;
		if (fault.vanishAfterPolls !== undefined && task.polls > fault.vanishAfterPolls) {
			sendError(res, 404);
			return undefined;
		}
		if (fault.pollErrors && task.polls <= fault.pollErrors.times) {
			const { status, retryAfter } = fault.pollErrors;
			sendError(
				res,
				status,
				undefined,
				retryAfter !== undefined ? { 'Retry-After': retryAfter } : undefined,
			);
			return undefined;
		}
		return task;
	}

	/** @type {Set<http.ServerResponse>} polls held back right now (`[sim:pollhang=ms]`) */
	const heldPolls = new Set();

	/**
	 * `[sim:pollhang=ms]`: the poll's answer waits `ms`. Resolves true when it may be sent, false
	 * when the client hung up first (a killed n8n): nothing is sent then.
	 * @param {http.ServerResponse} res
	 * @param {Task} task
	 * @returns {Promise<boolean>}
	 */
	function holdPoll(res, task) {
		const ms = task.fault.pollHangMs;
		if (!ms || task.polls > (task.fault.pollHangTimes ?? Infinity)) return Promise.resolve(true);
		counters.pollsHeld++;
		heldPolls.add(res);
		counters.pollsInFlight = heldPolls.size;
		return new Promise((resolve) => {
			const release = (/** @type {boolean} */ answer) => {
				clearTimeout(timer);
				res.off('close', hungUp);
				heldPolls.delete(res);
				counters.pollsInFlight = heldPolls.size;
				resolve(answer);
			};
			const hungUp = () => release(false);
			const timer = setTimeout(() => release(!res.destroyed), ms);
			res.on('close', hungUp);
		});
	}

	/**
	 * GET /api/v1/videos/{taskId}: the newer generation's recommended poll.
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} taskId
	 */
	async function handleGetVideo(req, res, taskId) {
		if (!authorized(req, res)) return;
		const known = tasks.get(taskId);
		if (known?.fault.noGetRoute) {
			// As a server without this route answers: no FastRouter error body.
			const status = known.fault.noGetRoute;
			res.writeHead(status, {
				'Content-Type': 'text/plain; charset=utf-8',
				...(status === 405 ? { Allow: 'POST' } : {}),
			});
			res.end(status === 405 ? 'Method Not Allowed' : 'Not Found');
			return;
		}
		if (known && known.generation !== 'newer') return sendError(res, 404);
		const task = pollableTask(res, taskId, 'GET videos');
		if (task && (await holdPoll(res, task))) sendJson(res, 200, newerPollAnswer(task));
	}

	/**
	 * The hosted copy FastRouter keeps of a finished newer-generation video, on the API's origin.
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} taskId
	 */
	function handleHosted(req, res, taskId) {
		if (req.headers.authorization !== undefined)
			counters.hostedAuthHeaders.push(req.headers.authorization);
		const task = tasks.get(taskId);
		if (!task || task.generation !== 'newer' || phase(task).state !== 'done')
			return sendError(res, 404, 'Video not found');
		if (task.fault.hostedOn === 'redirect') {
			res.writeHead(302, {
				Location: `${sim.videoBaseUrl}/hosted/${encodeURIComponent(taskId)}.mp4`,
				'Content-Length': 0,
			});
			res.end();
			return;
		}
		counters.hostedDownloads++;
		streamVideo(res, task, 'downloads');
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async function handlePoll(
		req,
		res,
		/** @type {'getVideoResponse' | 'getAsyncResponse'} */ route,
	) {
		if (!authorized(req, res)) return;
		const text = await readBody(req);
		const body = parseJsonObject(text);
		if (!body) return sendError(res, 400, 'Request body must be a JSON object');
		if (typeof body.taskId !== 'string' || !body.taskId)
			return sendError(res, 400, 'taskId is required');
		const known = tasks.get(body.taskId);
		// The older route knows only older tasks; getAsyncResponse knows both, fr_ ones without a model.
		if (known?.generation === 'newer' && route === 'getVideoResponse') return sendError(res, 404);
		const task = pollableTask(res, body.taskId, `POST ${route}`);
		if (!task || !(await holdPoll(res, task))) return;
		const { fault } = task;
		if (task.generation === 'newer') return sendJson(res, 200, newerPollAnswer(task));
		if (body.model !== task.model) {
			return sendError(
				res,
				400,
				'model does not match the task (send the full "provider/model" id it was created with)',
			);
		}

		const { state, progress } = phase(task);
		if (state === 'failed' && wildEnding(task)) return sendJson(res, 200, wildEnding(task));
		if (task.shape === 'video') {
			if (state === 'done') return streamVideo(res, task, 'soraStreams');
			if (state === 'failed') {
				const failed = videoObject(task, 'failed', progress, false);
				failed.completed_at = Math.floor((task.createdAt + task.durationMs) / 1000);
				failed.error = { message: fault.fail, code: 'generation_failed' };
				return sendJson(res, 200, failed);
			}
			return sendJson(
				res,
				200,
				videoObject(task, state === 'queued' ? 'queued' : 'in_progress', progress, false),
			);
		}

		if (state === 'queued' || state === 'processing') {
			const status = state === 'queued' ? 'waiting' : 'processing';
			return sendJson(res, 200, {
				code: runningCode(task),
				message: 'success',
				data: { taskId: task.taskId, status, generations: [] },
			});
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
		const routeKey = route.replace(
			/^(GET \/api\/v1\/videos|\w+ \/videos-content)\/[^/]+$/,
			'$1/{id}',
		);
		counters.apiRequests[routeKey] = (counters.apiRequests[routeKey] ?? 0) + 1;
		const header = (/** @type {string} */ name) =>
			typeof req.headers[name] === 'string' ? /** @type {string} */ (req.headers[name]) : undefined;
		counters.traces.push({
			route: routeKey,
			traceparent: header('traceparent'),
			spanId: header('x-span-id'),
			spanName: header('x-span-name'),
		});
		if (route === 'POST /api/v1/videos') return handleCreate(req, res);
		if (route === 'POST /api/v1/getVideoResponse') return handlePoll(req, res, 'getVideoResponse');
		if (route === 'POST /api/v1/getAsyncResponse') return handlePoll(req, res, 'getAsyncResponse');
		const getVideo = /^GET \/api\/v1\/videos\/([^/]+)$/.exec(route);
		if (getVideo) return handleGetVideo(req, res, decodeURIComponent(getVideo[1]));
		const hosted = /^GET \/videos-content\/([^/]+)$/.exec(route);
		if (hosted) return handleHosted(req, res, decodeURIComponent(hosted[1]));
		sendJson(res, 404, {
			error: {
				message: `No route for ${req.method} ${url.pathname}`,
				type: 'not_found',
				code: 'route_not_found',
				status: 404,
			},
		});
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	function handleVideoHost(req, res) {
		if (req.headers.authorization !== undefined)
			counters.videoHostAuthHeaders.push(req.headers.authorization);
		if (req.headers.traceparent !== undefined || req.headers['x-span-name'] !== undefined)
			counters.videoHostTraceHeaders++;
		const url = new URL(req.url ?? '/', 'http://sim');
		const match = /^\/(videos|hosted)\/([^/]+)\.mp4$/.exec(url.pathname);
		const task = match ? tasks.get(decodeURIComponent(match[2])) : undefined;
		if (req.method !== 'GET') return sendError(res, 404, 'Not found');
		// A CDN only has the file once the generation succeeded.
		if (!task || phase(task).state !== 'done') return sendError(res, 404, 'Video not found');
		// The provider's signed link has expired; a hosted copy (/hosted/) has not.
		if (match?.[1] === 'videos' && task.fault.expiredLink) {
			res.writeHead(task.fault.expiredLink, { 'Content-Type': 'application/xml' });
			res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
			return;
		}
		if (match?.[1] === 'hosted' && task.generation !== 'newer')
			return sendError(res, 404, 'Video not found');
		streamVideo(res, task, 'downloads');
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
					if (!res.headersSent && !res.destroyed)
						sendError(res, 500, `Simulator error: ${String(err)}`);
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
		// Zeroed in place: tests hold on to this very object.
		for (const key of /** @type {(keyof Counters)[]} */ (Object.keys(fresh))) {
			/** @type {Record<string, unknown>} */ (counters)[key] = fresh[key];
		}
		tasks.clear();
		cache.clear();
		tasksByPrompt.clear();
		imageFetches.length = 0;
		clearFaults();
	}

	const apiServer = makeServer('api', handleApi);
	const videoServer = makeServer('video', handleVideoHost);

	/** @type {Promise<void> | undefined} */
	let closing;
	/** @type {Simulator} */
	const sim = {
		baseUrl: '',
		videoBaseUrl: '',
		apiKey,
		counters,
		tasks,
		imageFetches,
		setFault(prompt, fault) {
			faults.set(prompt, { ...fault });
			createFaultHits.delete(prompt);
		},
		reset,
		async listen() {
			const apiPort = await listenOn(apiServer, options.port ?? 0);
			let videoPort;
			try {
				videoPort = await listenOn(videoServer, options.videoPort ?? 0);
			} catch (err) {
				await closeServer(apiServer);
				throw err;
			}
			sim.baseUrl = `http://${hostname}:${apiPort}`;
			sim.videoBaseUrl = `http://${hostname}:${videoPort}`;
		},
		close() {
			closing ??= Promise.all([closeServer(apiServer), closeServer(videoServer)]).then(
				() => undefined,
			);
			return closing;
		},
	};
	return sim;
}

module.exports = {
	startSimulator,
	createSimulator,
	parsePromptFaults,
	servedSize,
	FIXTURE_BYTES: FIXTURE.length,
};
