// @ts-check
'use strict';

// An OpenAI-compatible Chat Completions stand-in for the AI-agent checks: it records what n8n's
// agent sends (the tools, their descriptions and parameter schemas, the conversation with what its
// memory holds) and plays a scripted model, steered by the user's message:
// - `CALL: {json}` calls the first tool with those arguments, `CALL <tool>: {json}` the tool of that
//   name;
// - `CHECK <tool>` calls that tool with the taskId and model of the last task named earlier in the
//   conversation, as a model would read them back from its memory (and says it knows of none when
//   the conversation names none);
// - the turn after a tool answered repeats the tool's answer as the final reply ("TOOL SAID: …").

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
	if (Array.isArray(message?.content))
		return message.content.map((/** @type {any} */ part) => part.text ?? '').join('');
	return '';
}

/**
 * The taskId and model of the last task named in these messages (a tool's JSON answer, or a reply
 * that repeats one), newest first.
 * @param {any[]} messages
 */
function lastTask(messages) {
	for (const message of [...messages].reverse()) {
		const text = textOf(message);
		const taskId = /\\?"taskId\\?"\s*:\s*\\?"([^"\\]+)/.exec(text);
		const model = /\\?"model\\?"\s*:\s*\\?"([^"\\]+)/.exec(text);
		if (taskId) return { taskId: taskId[1], model: model?.[1] ?? '' };
	}
	return undefined;
}

let calls = 0;

/**
 * @param {string} name
 * @param {string} args JSON text
 * @returns {Reply}
 */
function toolCall(name, args) {
	return {
		role: 'assistant',
		content: null,
		tool_calls: [{ id: `call_${++calls}`, type: 'function', function: { name, arguments: args } }],
	};
}

/**
 * @typedef {{ id: string, type: string, function: { name: string, arguments: string } }} ToolCall
 * @typedef {{ role: string, content: string | null, tool_calls?: ToolCall[] }} Reply
 */

/**
 * @param {any} body the chat completion request
 * @returns {Reply}
 */
function reply(body) {
	const messages = /** @type {any[]} */ (body.messages ?? []);
	const last = messages.at(-1);
	if (last?.role === 'tool') {
		return { role: 'assistant', content: `TOOL SAID: ${textOf(last)}` };
	}
	const user = [...messages].reverse().find((message) => message.role === 'user');
	const tools = /** @type {any[]} */ (body.tools ?? []).map((tool) => tool.function);
	const call = /CALL(?:\s+([\w-]+))?:\s*(\{[\s\S]*\})/.exec(textOf(user));
	if (call) {
		const tool = call[1] ? tools.find((candidate) => candidate.name === call[1]) : tools[0];
		if (!tool)
			return {
				role: 'assistant',
				content: `No tool ${call[1] ?? ''} among: ${tools.map((t) => t.name).join(', ')}`,
			};
		return toolCall(tool.name, call[2]);
	}
	const check = /CHECK\s+([\w-]+)/.exec(textOf(user));
	if (check) {
		if (!tools.some((tool) => tool.name === check[1]))
			return { role: 'assistant', content: `No tool ${check[1]}` };
		const task = lastTask(messages.slice(0, messages.lastIndexOf(user)));
		if (!task)
			return { role: 'assistant', content: 'I know of no video task in this conversation.' };
		return toolCall(check[1], JSON.stringify(task));
	}
	return { role: 'assistant', content: 'Nothing to do.' };
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
		const base = {
			id: `chatcmpl-${requests.length}`,
			created: Math.floor(Date.now() / 1000),
			model: body.model,
		};
		if (body.stream) {
			res.writeHead(200, { 'Content-Type': 'text/event-stream' });
			const delta = message.tool_calls
				? {
						role: 'assistant',
						tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })),
					}
				: { role: 'assistant', content: message.content };
			res.write(
				`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`,
			);
			res.write(
				`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n`,
			);
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
