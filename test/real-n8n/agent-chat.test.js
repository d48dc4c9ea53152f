// @ts-check
'use strict';

// The AI-agent example (examples/ai-agent-video-tool.json) in a real chat: n8n 2.x under
// `n8n start`, the chat trigger's production webhook called the way n8n's chat widget calls it
// (POST <webhook>/chat with action, sessionId and chatInput), a stand-in OpenAI model and the
// FastRouter simulator, whose renders here last longer than a chat waits (n8n's chat gives up after
// about 90 s; MCP clients after 60 s). The agent starts the video with one tool and answers at
// once; a later message in the same session, after the render, gets the link from the other tool.
// Simple Memory carries the task between the messages. Own file, own n8n: the check needs
// `n8n start` (Simple Memory lives in the process that answers the chat, so separate
// `n8n execute` runs cannot share it) and runs on its own with `node --test` in about 2.5 minutes.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { installRealN8n } = require('./install');
const { N8nInstance, packThisPackage } = require('./instance');
const { startFakeLlm } = require('./fake-llm');
const workflows = require('./workflows');
const { sleep } = require('../helpers/sleep');
const { startSimulator } = require('../simulator');

const SIM_KEY = 'sim-key';
const CREDENTIAL = { id: 'fastRouterSim001', name: 'FastRouter (simulator)' };
const OPEN_AI = { id: 'openAiStandIn001', name: 'OpenAI (stand-in)' };
/** Every render in this file: longer than n8n's chat (about 90 s) and MCP clients (60 s) wait. */
const RENDER_MS = 120_000;
/** What "answers at once" means here: a model call, one create, a model call. */
const PROMPT_REPLY_MS = 20_000;
const START_TOOL = 'Start_video';
const STATUS_TOOL = 'Check_video_status';

/** @type {import('../simulator').Simulator} */
let sim;
/** @type {Awaited<ReturnType<typeof startFakeLlm>>} */
let llm;
/** @type {N8nInstance} */
let n8n;
/** @type {string} */
let chatUrl;

/**
 * A module of the build that was packed (`npm run test:n8n` builds first), by its path under dist/.
 * @param {string} file
 * @returns {any}
 */
function built(file) {
	return require(path.join(__dirname, '..', '..', 'dist', 'nodes', 'FastRouterVideo', file));
}

/**
 * One chat message, as n8n's chat widget sends it; the agent's reply and how long it took.
 * @param {string} sessionId
 * @param {string} chatInput
 */
async function say(sessionId, chatInput) {
	const startedAt = Date.now();
	const response = await fetch(chatUrl, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ action: 'sendMessage', sessionId, chatInput }),
	});
	const text = await response.text();
	const ms = Date.now() - startedAt;
	assert.equal(response.status, 200, text.slice(0, 1000));
	const { output } = /** @type {{ output: string }} */ (JSON.parse(text));
	assert.equal(typeof output, 'string', text.slice(0, 1000));
	return { output, ms };
}

/**
 * The tool's answer the stand-in model repeated ("TOOL SAID: …"), as the JSON n8n gave the agent.
 * @param {string} output
 */
function toolAnswer(output) {
	assert.match(output, /^TOOL SAID: /);
	const answer = JSON.parse(output.slice('TOOL SAID: '.length));
	return Array.isArray(answer) ? answer[0] : answer;
}

/** The function definitions the agent offered the model, by name. @param {any} request */
function toolsOffered(request) {
	return Object.fromEntries(
		request.tools.map((/** @type {any} */ tool) => [tool.function.name, tool.function]),
	);
}

before(async () => {
	const install = installRealN8n();
	const tarball = packThisPackage(fs.mkdtempSync(path.join(os.tmpdir(), 'real-n8n-pack-')));
	sim = await startSimulator({ apiKey: SIM_KEY, durationMs: RENDER_MS, videoBytes: 64 * 1024 });
	llm = await startFakeLlm();
	n8n = new N8nInstance(install, tarball, 'agent-chat');
	await n8n.importCredentials([
		{ ...CREDENTIAL, type: 'fastRouterApi', data: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
		{ ...OPEN_AI, type: 'openAiApi', data: { apiKey: 'stand-in', url: llm.url } },
	]);
	const workflow = workflows.forCheck(
		workflows.loadExample('ai-agent-video-tool.json'),
		'exampleAgent0001',
		CREDENTIAL,
	);
	workflows.nodeNamed(workflow, 'OpenAI Chat Model').credentials.openAiApi = OPEN_AI;
	// The example's chat is for the editor's chat panel; a published chat answers outside the
	// editor only when made public, as this check calls it.
	const trigger = workflows.nodeNamed(workflow, 'When chat message received');
	trigger.parameters.public = true;
	await n8n.importWorkflow(workflow);
	await n8n.cli(['publish:workflow', `--id=${workflow.id}`]);
	await n8n.start();
	await n8n.waitForWebhook(`${trigger.webhookId}/chat`);
	chatUrl = `${n8n.baseUrl}/webhook/${trigger.webhookId}/chat`;
});

after(async () => {
	await n8n?.stop();
	n8n?.cleanUp();
	await llm?.close();
	await sim?.close();
});

describe('the AI-agent example in a chat (n8n start): start now, link later', () => {
	it('a render longer than the chat waits: the first message is answered in seconds with the task, a later one gets the video; one create', async () => {
		sim.reset();
		const sessionId = 'chat-kite';
		const asked = {
			model: 'google/veo3-fast',
			prompt: 'A kite over a beach at sunset',
			length: 8,
			resolution: '1080p',
		};

		// 1. "Make me a video": the agent starts it and answers at once.
		const firstRequest = llm.requests.length;
		const first = await say(
			sessionId,
			`Make me a video of a kite. CALL ${START_TOOL}: ${JSON.stringify(asked)}`,
		);
		console.log(`[agent-chat] first reply after ${first.ms} ms`);
		assert.ok(first.ms < PROMPT_REPLY_MS, `the first reply took ${first.ms} ms`);
		const tasks = [...sim.tasks.values()];
		assert.equal(tasks.length, 1);
		const [task] = tasks;
		assert.deepEqual(
			{
				model: task.model,
				prompt: task.prompt,
				length: task.body.length,
				resolution: task.body.resolution,
			},
			asked,
		);
		const started = toolAnswer(first.output);
		assert.equal(started.taskId, task.taskId, 'the reply names the task');
		assert.equal(started.model, 'google/veo3-fast');
		assert.match(started.status, /^(queued|processing)$/);
		assert.equal(started.videoUrl, null);
		assert.ok(
			Date.now() < task.createdAt + RENDER_MS,
			'answered while the video was still rendering',
		);

		// What the agent was told about each tool: the texts of their operations, the catalog with Create.
		const offered = toolsOffered(llm.requests[firstRequest]);
		assert.deepEqual(Object.keys(offered).sort(), [STATUS_TOOL, START_TOOL]);
		const { agentToolDescription } = built('descriptions/tool');
		assert.equal(offered[START_TOOL].description, agentToolDescription('create'));
		assert.equal(offered[STATUS_TOOL].description, agentToolDescription('getStatus'));
		assert.match(offered[START_TOOL].description, /Returns at once, before the video exists/);
		assert.match(
			offered[STATUS_TOOL].description,
			/videoUrl \(link to the finished MP4 when succeeded\)/,
		);
		for (const { id } of built('catalog').MODELS) {
			assert.ok(
				offered[START_TOOL].description.includes(`- ${id} (`),
				`the agent is told about ${id}`,
			);
		}
		const panelLine = new (built('FastRouterVideo.node').FastRouterVideo)().description.description;
		assert.ok(
			!offered[START_TOOL].description.includes(panelLine),
			'the panel line is not what the agent reads',
		);
		assert.deepEqual(Object.keys(offered[START_TOOL].parameters.properties).sort(), [
			'length',
			'model',
			'prompt',
			'resolution',
		]);
		assert.deepEqual([...offered[START_TOOL].parameters.required].sort(), [
			'length',
			'model',
			'prompt',
			'resolution',
		]);
		assert.equal(offered[START_TOOL].parameters.properties.length.type, 'number');
		assert.deepEqual(Object.keys(offered[STATUS_TOOL].parameters.properties).sort(), [
			'model',
			'taskId',
		]);

		// 2. "Is it ready?" at once: one look, not yet.
		const secondRequest = llm.requests.length;
		const early = await say(sessionId, `Is it ready? CHECK ${STATUS_TOOL}`);
		console.log(`[agent-chat] "not yet" reply after ${early.ms} ms`);
		assert.ok(early.ms < PROMPT_REPLY_MS, `the early check took ${early.ms} ms`);
		const notYet = toolAnswer(early.output);
		assert.equal(notYet.taskId, task.taskId);
		assert.match(notYet.status, /^(queued|processing)$/);
		assert.equal(notYet.videoUrl, null);
		// The task came back from the chat's memory: the earlier turn is in what the model received.
		/** @type {string[]} */
		const remembered = llm.requests[secondRequest].messages.map((/** @type {any} */ message) =>
			JSON.stringify(message.content),
		);
		assert.ok(
			remembered.some((text) => text.includes('Make me a video of a kite')),
			'the first message is in the memory',
		);
		assert.ok(
			remembered.some((text) => text.includes(task.taskId)),
			'the task id is in the memory',
		);

		// 3. After the render: the link.
		await sleep(Math.max(0, task.createdAt + RENDER_MS + 1_000 - Date.now()));
		const later = await say(sessionId, `Is my kite video ready now? CHECK ${STATUS_TOOL}`);
		console.log(`[agent-chat] video reply after ${later.ms} ms`);
		const done = toolAnswer(later.output);
		assert.equal(done.taskId, task.taskId);
		assert.equal(done.status, 'succeeded');
		assert.ok(
			done.videoUrl.startsWith(sim.videoBaseUrl) && done.videoUrl.includes(task.taskId),
			done.videoUrl,
		);

		// One video made; each "is it ready?" was one look, with the model the older poll route needs.
		assert.equal(sim.counters.createRequests, 1);
		assert.equal(sim.counters.creates, 1);
		assert.equal(sim.counters.polls[task.taskId], 2);
		assert.equal(sim.counters.downloads, 0, 'the agent passes on the link, nothing is downloaded');
	});

	it('a value the model does not take goes back to the agent, before any create', async () => {
		sim.reset();
		const bad = {
			model: 'google/veo3-fast',
			prompt: 'A kite over a lake',
			length: 5,
			resolution: '',
		};
		const { output } = await say(
			'chat-bad-length',
			`Make this. CALL ${START_TOOL}: ${JSON.stringify(bad)}`,
		);
		assert.match(
			output,
			/TOOL SAID: .*Item 1: \\"length\\" 5 is not available for google\/veo3-fast .*8 is the only value/,
		);
		assert.equal(sim.counters.createRequests, 0);
	});
});
