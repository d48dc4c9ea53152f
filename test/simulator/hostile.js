// @ts-check
'use strict';

// A hostile FastRouter: the same API routes as the simulator, answered the way a broken proxy,
// a misconfigured CDN or a malicious server might — redirects (to another origin, in loops),
// hung and trickling sockets, null/array/HTML/empty/endless bodies, error pages served as video.
// Two loopback origins (127.0.0.1 and 127.0.0.2, both loopback on Linux) make "another host"
// real. Every request is counted: creates (any POST carrying a create body, wherever a redirect
// sent it) and credentials seen, per origin.

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const FIXTURE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tiny.mp4'));

/**
 * @typedef {object} Request
 * @property {'a' | 'b'} origin which server got it: a = the FastRouter base URL, b = elsewhere
 * @property {string} method
 * @property {string} path
 * @property {Record<string, any> | undefined} body the JSON body, when there was one
 * @property {string | undefined} authorization
 * @property {http.IncomingMessage} req
 * @property {http.ServerResponse} res
 */

/**
 * @typedef {(request: Request, h: Hostile) => unknown} Handler
 */

/**
 * @typedef {object} Counters
 * @property {number} creates POSTs carrying a create body (model, no taskId), on any origin and path
 * @property {number} polls
 * @property {{ a: number, b: number }} credentials requests that carried an Authorization header, per origin
 * @property {{ a: number, b: number }} keySeen requests in which the API key appeared anywhere, per origin
 * @property {string[]} log one line per request: origin, method, path, "auth" when it had credentials
 * @property {{ a: number, b: number }} open responses still open, per origin: neither sent whole nor hung up on by the client
 */

/**
 * @typedef {object} Hostile
 * @property {{ a: string, b: string }} origins
 * @property {string} apiKey
 * @property {Counters} counters
 * @property {(route: string, handler: Handler) => void} on  route: "METHOD /path" (any origin) or "a METHOD /path"
 * @property {() => Promise<void>} listen binds both origins on free ports and fills in `origins`
 * @property {() => void} reset
 * @property {() => Promise<void>} close
 * @property {(res: http.ServerResponse, status: number, body: unknown, headers?: Record<string, string | number>) => void} json
 * @property {(res: http.ServerResponse, status: number, contentType: string, text: string | Buffer) => void} raw
 * @property {(res: http.ServerResponse, status: number, location: string) => void} redirect
 * @property {(res: http.ServerResponse) => void} hang headers never sent, socket held open
 * @property {(res: http.ServerResponse, status: number, contentType: string, text: string | Buffer, everyMs?: number) => void} trickle one byte per `everyMs`
 * @property {(res: http.ServerResponse, options?: { bytes?: number, declareLength?: boolean, stallAfter?: number, everyMs?: number }) => void} mp4
 * @property {(taskId: string, url: string) => Record<string, unknown>} finished a task-style finished poll answer
 * @property {(taskId: string, status?: string) => Record<string, unknown>} running a task-style running poll answer
 * @property {(taskId: string) => Record<string, unknown>} accepted a task-style create answer
 */

/**
 * A hostile server already listening.
 * @param {{ apiKey?: string }} [options]
 * @returns {Promise<Hostile>}
 */
async function startHostile(options = {}) {
	const hostile = createHostile(options);
	await hostile.listen();
	return hostile;
}

/**
 * A hostile server not yet listening: `listen()` starts it. Lets a test file hold the object
 * from the start (test/helpers/hostile.ts, useHostileServer).
 * @param {{ apiKey?: string }} [options]
 * @returns {Hostile}
 */
function createHostile(options = {}) {
	const apiKey = options.apiKey ?? 'hostile-secret-key-0123456789';
	/** @type {Counters} */
	const counters = emptyCounters();
	/** @type {Map<string, Handler>} */
	const routes = new Map();
	/** @type {Set<import('node:net').Socket>} */
	const sockets = new Set();
	/** @type {Set<ReturnType<typeof setInterval>>} */
	const timers = new Set();

	/** @type {Hostile} */
	const hostile = {
		origins: { a: '', b: '' },
		apiKey,
		counters,
		on(route, handler) {
			routes.set(route, handler);
		},
		async listen() {
			const hosts = ['127.0.0.1', '127.0.0.2'];
			const ports = await Promise.all(
				servers.map(
					(server, index) =>
						new Promise((resolve, reject) => {
							server.once('error', reject);
							server.listen(0, hosts[index], () => {
								const address = server.address();
								resolve(typeof address === 'object' && address ? address.port : 0);
							});
						}),
				),
			);
			hostile.origins = {
				a: `http://${hosts[0]}:${ports[0]}`,
				b: `http://${hosts[1]}:${ports[1]}`,
			};
		},
		reset() {
			// Responses still open (a test's hung socket) stay counted until they close.
			Object.assign(counters, { ...emptyCounters(), open: counters.open });
			routes.clear();
		},
		async close() {
			for (const timer of timers) clearInterval(timer);
			for (const socket of sockets) socket.destroy();
			await Promise.all(
				servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))),
			);
		},
		json(res, status, body, headers = {}) {
			const text = JSON.stringify(body);
			res.writeHead(status, {
				'Content-Type': 'application/json',
				'Content-Length': Buffer.byteLength(text),
				...headers,
			});
			res.end(text);
		},
		raw(res, status, contentType, text) {
			const body = Buffer.from(text);
			res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
			res.end(body);
		},
		redirect(res, status, location) {
			res.writeHead(status, { Location: location, 'Content-Length': 0 });
			res.end();
		},
		hang() {},
		trickle(res, status, contentType, text, everyMs = 500) {
			const body = Buffer.from(text);
			res.writeHead(status, { 'Content-Type': contentType });
			let at = 0;
			const timer = setInterval(() => {
				if (res.destroyed || at >= body.length) {
					clearInterval(timer);
					timers.delete(timer);
					if (!res.destroyed) res.end();
					return;
				}
				res.write(body.subarray(at, at + 1));
				at++;
			}, everyMs);
			timers.add(timer);
		},
		mp4(res, { bytes = FIXTURE.length, declareLength = true, stallAfter, everyMs } = {}) {
			const padded = Buffer.alloc(Math.max(bytes, FIXTURE.length));
			FIXTURE.copy(padded);
			if (padded.length > FIXTURE.length) {
				padded.writeUInt32BE(padded.length - FIXTURE.length, FIXTURE.length);
				padded.write('free', FIXTURE.length + 4, 'latin1');
			}
			res.writeHead(200, {
				'Content-Type': 'video/mp4',
				...(declareLength ? { 'Content-Length': padded.length } : {}),
			});
			if (stallAfter !== undefined) {
				// Sends the start, then holds the socket (or trickles a byte every `everyMs`).
				res.write(padded.subarray(0, stallAfter));
				if (everyMs) {
					let at = stallAfter;
					const timer = setInterval(() => {
						if (res.destroyed || at >= padded.length) {
							clearInterval(timer);
							timers.delete(timer);
							return;
						}
						res.write(padded.subarray(at, at + 1));
						at++;
					}, everyMs);
					timers.add(timer);
				}
				return;
			}
			// Written in pieces so a size cap can stop it part-way.
			let at = 0;
			const pump = () => {
				while (at < padded.length && !res.destroyed) {
					const ok = res.write(padded.subarray(at, at + 64 * 1024));
					at += 64 * 1024;
					if (!ok) {
						res.once('drain', pump);
						return;
					}
				}
				if (!res.destroyed) res.end();
			};
			pump();
		},
		finished(taskId, url) {
			return {
				code: 'SUCCESS',
				message: 'success',
				data: {
					taskId,
					status: 'succeed',
					generations: [{ id: taskId, status: 'succeed', failMsg: '', url, mediaType: 'video' }],
				},
			};
		},
		running(taskId, status = 'processing') {
			return { code: 'SUCCESS', message: 'success', data: { taskId, status, generations: [] } };
		},
		accepted(taskId) {
			return {
				code: 'SUCCESS',
				message: 'success',
				data: { taskId, status: 'waiting' },
				usage: { user_key_credits_used: 1, credits_used: 1, provider: 'hostile' },
			};
		},
	};

	/**
	 * @param {'a' | 'b'} origin
	 * @returns {http.Server}
	 */
	function makeServer(origin) {
		const server = http.createServer((req, res) => {
			const chunks = /** @type {Buffer[]} */ ([]);
			req.on('data', (chunk) => chunks.push(chunk));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				/** @type {Record<string, any> | undefined} */
				let body;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					body = undefined;
				}
				const url = new URL(req.url ?? '/', 'http://hostile');
				const authorization = req.headers.authorization;
				if (authorization !== undefined) counters.credentials[origin]++;
				const everything = `${JSON.stringify(req.headers)} ${req.url} ${text}`;
				if (everything.includes(apiKey)) counters.keySeen[origin]++;
				const isCreate =
					req.method === 'POST' &&
					!!body &&
					typeof body.model === 'string' &&
					body.taskId === undefined;
				if (isCreate) counters.creates++;
				if (req.method === 'POST' && body?.taskId !== undefined) counters.polls++;
				if (req.method === 'GET' && /^\/api\/v1\/videos\/[^/]+$/.test(url.pathname))
					counters.polls++;
				counters.log.push(
					`${origin} ${req.method} ${url.pathname}${authorization !== undefined ? ' auth' : ''}`,
				);
				counters.open[origin]++;
				res.once('close', () => counters.open[origin]--);
				const route = `${req.method} ${url.pathname}`;
				const handler = routes.get(`${origin} ${route}`) ?? routes.get(route) ?? defaultHandler;
				Promise.resolve()
					.then(() =>
						handler(
							{
								origin,
								method: req.method ?? 'GET',
								path: url.pathname,
								body,
								authorization,
								req,
								res,
							},
							hostile,
						),
					)
					.catch((error) => {
						if (!res.headersSent)
							hostile.json(res, 500, { error: { message: `hostile server: ${String(error)}` } });
					});
			});
		});
		server.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		return server;
	}

	/** @param {Request} request */
	function defaultHandler({ res, path: route, method }) {
		if (method === 'GET' && route.endsWith('.mp4')) hostile.mp4(res);
		else
			hostile.json(res, 404, {
				error: { message: `no route for ${method} ${route}`, status: 404 },
			});
	}

	const servers = [makeServer('a'), makeServer('b')];
	return hostile;
}

/** @returns {Counters} */
function emptyCounters() {
	return {
		creates: 0,
		polls: 0,
		credentials: { a: 0, b: 0 },
		keySeen: { a: 0, b: 0 },
		log: [],
		open: { a: 0, b: 0 },
	};
}

module.exports = { startHostile, createHostile };
