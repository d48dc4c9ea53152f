// @ts-check
'use strict';

// An OpenAI-compatible Chat Completions stand-in for the AI-agent check: it records what n8n's
// agent sends (the tools and their parameter schemas) and plays a scripted model. The user's
// message carries the tool arguments as JSON after "CALL:"; the first turn calls the first tool
// with them, the turn after the tool answered repeats the tool's answer as the final reply.

const http = require('node:http');

/** @param {http.IncomingMessage} req */
function readJson(req) {
	return new Promise((resolve, reject) => {
		let text = '';
		req.on('data', (chunk) => (text += chunk));
		req.on('end', () => {
			try {
				resolve(JSON.parse(text || '{}'));
			} catch (error) {
				reject(error);
			}
		});
	});
}

/** @param {any} message */
function textOf(message) {
	if (typeof message?.content === 'string') return message.content;
	if (Array.isArray(message?.content)) return message.content.map((/** @type {any} */ part) => part.text ?? '').join('');
	return '';
}

/** @param {any} body the chat completion request */
function reply(body) {
	const messages = /** @type {any[]} */ (body.messages ?? []);
	const last = messages.at(-1);
	if (last?.role === 'tool') {
		return { role: 'assistant', content: `TOOL SAID: ${textOf(last)}` };
	}
	const user = [...messages].reverse().find((message) => message.role === 'user');
	const call = /CALL:\s*(\{[\s\S]*\})/.exec(textOf(user));
	const tool = body.tools?.[0]?.function;
	if (!call || !tool) return { role: 'assistant', content: 'Nothing to do.' };
	return {
		role: 'assistant',
		content: null,
		tool_calls: [{ id: `call_${messages.length}`, type: 'function', function: { name: tool.name, arguments: call[1] } }],
	};
}

async function startFakeLlm() {
	/** @type {any[]} */
	const requests = [];
	const server = http.createServer(async (req, res) => {
		if (req.method === 'GET' && req.url?.endsWith('/models')) {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4.1-mini', object: 'model' }] }));
			return;
		}
		const body = await readJson(req);
		requests.push(body);
		const message = reply(body);
		const finish = message.tool_calls ? 'tool_calls' : 'stop';
		const base = { id: `chatcmpl-${requests.length}`, created: Math.floor(Date.now() / 1000), model: body.model };
		if (body.stream) {
			res.writeHead(200, { 'Content-Type': 'text/event-stream' });
			const delta = message.tool_calls
				? { role: 'assistant', tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) }
				: { role: 'assistant', content: message.content };
			res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
			res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n`);
			res.end('data: [DONE]\n\n');
			return;
		}
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(
			JSON.stringify({
				...base,
				object: 'chat.completion',
				choices: [{ index: 0, message, finish_reason: finish }],
				usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
			}),
		);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

module.exports = { startFakeLlm };
