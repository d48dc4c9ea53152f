// @ts-check
'use strict';

// The n8n editor, as a user meets the node: Debian's Chromium (playwright-core) against a real
// n8n with this package installed as a community package. Finding the node in the panel, adding
// it, the fields each model shows, the cost notices, the canvas subtitle, the AI Agent's tool, and a
// manual run that shows the video in the node's output.
// With FASTROUTER_SCREENSHOTS=<folder> (`npm run screenshot` sets docs/) it also saves the
// README's screenshots from the same steps.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { installRealN8n } = require('./install');
const { N8nInstance, packThisPackage } = require('./instance');
const { Editor } = require('./editor');
const { startSimulator } = require('../simulator');
const { sleep } = require('../helpers/sleep');

const SCREENSHOTS = process.env.FASTROUTER_SCREENSHOTS
	? path.resolve(process.env.FASTROUTER_SCREENSHOTS)
	: undefined;
const CREDENTIAL = { id: 'fastRouterSim001', name: 'FastRouter account' };
const TRIGGER = 'When clicking ‘Execute workflow’';
const NODE = 'FastRouter Video';
/** The panel shows the description whole: it must stay one short line. */
const MAX_PANEL_DESCRIPTION = 200;

/** What the provider's document gives each model, written out by hand (video fields, in the panel's order). */
const MODEL_FIELDS = {
	'Pollo V1.6': ['prompt', 'length', 'resolution', 'aspectRatio', 'seed'],
	'Runway Gen-3 Turbo': ['prompt', 'imageSource', 'imageUrl', 'length', 'aspectRatio', 'seed'],
	'OpenAI Sora 2 Pro': ['prompt', 'seconds', 'size'],
};

/** @param {string} name */
function shot(name) {
	return SCREENSHOTS ? path.join(SCREENSHOTS, name) : undefined;
}

/** The parameters between the model and the download switch: the video request's own fields. */
function videoFields(/** @type {string[]} */ shown) {
	const from = shown.indexOf('model');
	const to = shown.indexOf('download');
	assert.ok(from >= 0 && to > from, `model and download are shown: ${shown.join(', ')}`);
	return shown.slice(from + 1, to);
}

describe('the n8n editor (real browser)', () => {
	/** @type {import('../simulator').Simulator} */
	let sim;
	/** @type {N8nInstance} */
	let n8n;
	/** @type {Editor} */
	let editor;
	/** @type {string} */
	let workflowId;

	before(async () => {
		sim = await startSimulator({ apiKey: 'sim-key' });
		n8n = new N8nInstance(
			installRealN8n(),
			packThisPackage(fs.mkdtempSync(path.join(os.tmpdir(), 'editor-pack-'))),
			'editor',
		);
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'fastRouterApi', data: { apiKey: 'sim-key', baseUrl: sim.baseUrl } },
		]);
		const { baseUrl } = await n8n.start();
		editor = await Editor.open(baseUrl);
		workflowId = await editor.createWorkflow({
			name: 'Product videos',
			nodes: [
				{
					id: 'c0ffee00-0000-4000-8000-000000000001',
					name: TRIGGER,
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'c0ffee00-0000-4000-8000-000000000002',
					name: 'AI Agent',
					type: '@n8n/n8n-nodes-langchain.agent',
					typeVersion: 3.1,
					position: [0, 360],
					parameters: { promptType: 'define', text: 'Make a video', options: {} },
				},
			],
			connections: {},
		});
		await editor.openWorkflow(workflowId, 2);
		if (SCREENSHOTS) fs.mkdirSync(SCREENSHOTS, { recursive: true });
	});

	after(async () => {
		await editor?.close();
		await n8n?.stop();
		n8n?.cleanUp();
		await sim?.close();
	});

	it('the node panel lists the node for its name and its aliases, under one short line', async () => {
		await editor.openNodePanel(TRIGGER);
		for (const query of ['FastRouter', 'sora', 'seedance', 'text to video']) {
			const found = await editor.search(query);
			const entry = found.find((item) => item.name === NODE);
			assert.ok(
				entry,
				`"${query}" lists ${NODE}; it listed: ${found.map((item) => item.name).join(', ') || 'nothing'}`,
			);
			assert.ok(
				entry.description.length > 0 && entry.description.length <= MAX_PANEL_DESCRIPTION,
				entry.description,
			);
			assert.doesNotMatch(entry.description, /\n/);
		}
		// The durable wait's steps are a node type of the package too, hidden from the panel.
		const all = await editor.search('FastRouter');
		assert.deepEqual(
			all.filter((item) => /FastRouter/.test(item.name)).map((item) => item.name),
			[NODE],
		);
		await editor.screenshot(shot('node-panel.png'));
	});

	it('adding it from the panel opens it with Create and Wait and the first model’s fields', async () => {
		await editor.addFromPanel(NODE, 'Generate a video and wait for it');
		const shown = await editor.shownParameters();
		assert.equal(shown[0], 'operation', 'the regular node has no tool description field');
		assert.deepEqual(videoFields(shown), [
			'prompt',
			'imageSource',
			'imageUrl',
			'length',
			'resolution',
			'aspectRatio',
			'seed',
			'generateAudio',
		]);
	});

	it('Image Source "Binary Field" swaps Image URL for the input binary field', async () => {
		await editor.choose('imageSource', 'Binary Field');
		const fields = videoFields(await editor.shownParameters());
		assert.deepEqual(fields.slice(0, 3), ['prompt', 'imageSource', 'imageBinaryPropertyName']);
		assert.ok(!fields.includes('imageUrl'), fields.join(', '));
		await editor.choose('imageSource', 'URL');
		assert.deepEqual(videoFields(await editor.shownParameters()).slice(0, 3), [
			'prompt',
			'imageSource',
			'imageUrl',
		]);
	});

	for (const [model, fields] of Object.entries(MODEL_FIELDS)) {
		it(`${model}: exactly its fields, and a notice only when a dearer value is picked`, async () => {
			await editor.choose('model', model);
			assert.deepEqual(videoFields(await editor.shownParameters()), fields);
			const duration = fields.includes('seconds') ? 'seconds' : 'length';
			const [cheapest, dearer] =
				duration === 'seconds' ? ['4 seconds', '12 seconds'] : ['5 seconds', '10 seconds'];
			await editor.choose(duration, cheapest);
			if (fields.includes('resolution')) await editor.choose('resolution', '480p');
			assert.deepEqual(await editor.notices(), []);
			await editor.choose(duration, dearer);
			const expected = [`${dearer} costs more credits than ${cheapest}`];
			if (fields.includes('resolution')) {
				await editor.choose('resolution', '1080p');
				expected.push('1080p costs more credits than 480p');
			}
			assert.deepEqual(await editor.notices(), expected);
		});
	}

	it('the canvas subtitle names the operation and the model in words', async () => {
		await editor.choose('model', 'ByteDance Seedance 1.0 Pro');
		await editor.page
			.locator('[data-test-id="parameter-input-prompt"] textarea')
			.fill('A ceramic mug on a wooden table, steam rising, slow orbit shot, morning light');
		await editor.choose('length', '10 seconds');
		await editor.choose('resolution', '1080p');
		assert.deepEqual(await editor.notices(), [
			'10 seconds costs more credits than 5 seconds',
			'1080p costs more credits than 480p',
		]);
		await editor.screenshot(shot('editor.png'));
		await editor.closeNodePanel();
		assert.match(await editor.canvasText(NODE), /Create and Wait: ByteDance Seedance 1\.0 Pro/);
	});

	it('the AI Agent’s tools list "FastRouter Video Tool", whose description for the agent is the model catalog', async () => {
		await editor.openNodePanel('AI Agent', 'ai_tool');
		const found = await editor.search('FastRouter');
		const entry = found.find((item) => item.name === `${NODE} Tool`);
		assert.ok(
			entry,
			`the tools list FastRouter Video Tool; they listed: ${found.map((item) => item.name).join(', ') || 'nothing'}`,
		);
		assert.deepEqual(
			found.filter((item) => /FastRouter/.test(item.name)).map((item) => item.name),
			[`${NODE} Tool`],
			'no tool of the durable wait’s steps',
		);
		assert.ok(entry.description.length <= MAX_PANEL_DESCRIPTION, entry.description);
		await editor.page
			.locator('[data-test-id="node-creator-item-name"]', { hasText: `${NODE} Tool` })
			.first()
			.click();
		await editor.page.locator('[data-test-id="parameter-input-toolDescription"]').waitFor();
		const forTheAgent = await editor.page
			.locator('[data-test-id="parameter-input-toolDescription"] textarea')
			.inputValue();
		for (const model of [
			'google/veo3',
			'openai/sora-2-pro',
			'runway/runway-gen-3-turbo',
			'pollo/pollo-v1-6',
		]) {
			assert.match(forTheAgent, new RegExp(`- ${model.replace(/[/.]/g, '\\$&')} \\(`));
		}
		assert.match(forTheAgent, /openai\/sora-2-pro .*seconds 4\|8\|12/);
		await editor.closeNodePanel();
	});

	it('a manual run from the editor waits in process (Wait Mode Automatic) and shows the MP4 in the node’s output', async () => {
		const creates = sim.counters.creates;
		const id = await editor.createWorkflow({
			name: 'One video, run by hand',
			nodes: [
				{
					id: 'c0ffee00-0000-4000-8000-000000000011',
					name: TRIGGER,
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'c0ffee00-0000-4000-8000-000000000012',
					name: NODE,
					type: `${n8n.package.manifest.name}.fastRouterVideo`,
					typeVersion: 1,
					position: [220, 0],
					// Wait Mode left unset: Automatic, the default.
					parameters: {
						operation: 'createAndWait',
						model: 'google/veo3',
						prompt: 'A red fox in fresh snow, slow pan',
						options: {},
					},
					credentials: { fastRouterApi: CREDENTIAL },
				},
			],
			connections: { [TRIGGER]: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		});
		try {
			await editor.openWorkflow(id, 2);
			const run = await editor.executeWorkflow(NODE);

			// What n8n stored for the run the editor started (the editor's owner session reads it).
			n8n.session = `n8n-auth=${editor.auth}`;
			const execution = await n8n.finished(run.executionId, 30_000);
			const failure = execution.data.resultData.error?.message;
			assert.equal(
				run.status,
				'success',
				`the canvas marks ${NODE} as run (n8n stored: ${execution.status} ${failure ?? ''})`,
			);
			assert.equal(execution.status, 'success', failure);
			assert.equal(execution.mode, 'manual');
			assert.equal(
				/** @type {any} */ (execution).customData?.FastRouter_wait,
				'in process (Automatic: a manual run)',
			);
			const stored = execution.data.resultData.runData[NODE][0].data.main[0];
			assert.equal(stored.length, 1);
			const { taskId } = stored[0].json;
			assert.equal(stored[0].json.status, 'succeeded');
			assert.equal(stored[0].binary?.data?.mimeType, 'video/mp4');
			assert.equal(stored[0].binary.data.fileName, `${taskId}.mp4`);
			assert.equal(sim.counters.creates - creates, 1, 'exactly one create');

			// What the user sees on opening the node: the item, and the MP4 in the Binary view.
			await editor.openNode(NODE);
			const rows = await editor.outputTable();
			assert.equal(rows.length, 1);
			assert.equal(rows[0].taskId, taskId);
			assert.equal(rows[0].status, 'succeeded');
			const cards = await editor.outputBinaryCards();
			assert.deepEqual(
				cards.map(({ property, fields }) => ({
					property,
					fileName: fields['File Name'],
					mimeType: fields['Mime Type'],
				})),
				[{ property: 'data', fileName: `${taskId}.mp4`, mimeType: 'video/mp4' }],
			);
			// "View" plays it: the browser reads the video n8n stored with this execution.
			const video = await editor.viewBinaryVideo(0);
			const source = new URL(video.src);
			assert.equal(source.pathname, '/rest/binary-data');
			assert.match(
				source.searchParams.get('id') ?? '',
				new RegExp(`/executions/${run.executionId}/binary_data/`),
			);
			assert.equal(source.searchParams.get('fileName'), `${taskId}.mp4`);
			assert.ok(video.width > 0 && video.duration > 0, `a video track: ${JSON.stringify(video)}`);
			await editor.closeNodePanel();
		} catch (error) {
			const file = path.join(
				fs.mkdtempSync(path.join(os.tmpdir(), 'editor-manual-run-')),
				'failure.png',
			);
			await editor.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
			/** @type {Error} */ (error).message += `\n(screenshot: ${file})`;
			throw error;
		}
	});
	it('a durable wait parked: the node’s output says what it waits for, the videos and how many were done, and links its sub-execution', async () => {
		const id = await editor.createWorkflow({
			name: 'One video, waiting durably',
			nodes: [
				{
					id: 'c0ffee00-0000-4000-8000-000000000021',
					name: TRIGGER,
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'c0ffee00-0000-4000-8000-000000000022',
					name: NODE,
					type: `${n8n.package.manifest.name}.fastRouterVideo`,
					typeVersion: 1,
					position: [220, 0],
					// Durable chosen: a manual run waits in process under Automatic. A 20-minute render: parked for the whole check.
					parameters: {
						operation: 'createAndWait',
						model: 'google/veo3',
						prompt: 'A glacier calving, slow [sim:duration=1200000]',
						options: { waitMode: 'durable' },
					},
					credentials: { fastRouterApi: CREDENTIAL },
				},
			],
			connections: { [TRIGGER]: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		});
		try {
			await editor.openWorkflow(id, 2);
			const executionId = await editor.startWorkflow();
			n8n.session = `n8n-auth=${editor.auth}`;
			let execution = await n8n.execution(executionId);
			for (let tries = 0; execution.status !== 'waiting' && tries < 30; tries++) {
				await sleep(1000);
				execution = await n8n.execution(executionId);
			}
			assert.equal(execution.status, 'waiting', execution.data.resultData.error?.message);
			const nodeRun = execution.data.resultData.runData[NODE][0];
			assert.equal(nodeRun.executionStatus, 'waiting');
			const subExecution = nodeRun.metadata.subExecution.executionId;

			// The run as the editor that started it shows it: n8n's "Waiting for input" with the node's own text.
			await editor.openNode(NODE);
			const shown = await editor.outputWhileWaiting();
			assert.deepEqual(shown.hints, [
				`Waiting durably for 1 video; when it parked: 0/1 done, 1 waiting. Live progress: sub-execution ${subExecution} (“View sub-execution”). Created: 1 video, 4 credits`,
			]);
			assert.equal(shown.subExecutionLink, `View sub-execution ${subExecution}`);
			assert.equal(
				shown.text,
				'FastRouter Video is waiting durably for its videos (Wait Mode: Durable): n8n keeps this execution stored, without holding a worker, while FastRouter renders them. ' +
					'Its sub-execution (the keeper) has a sub-execution of its own (a watcher) poll FastRouter, and starts another should n8n stop it; once no video is left to wait for (done, failed or past Max Wait), the keeper hands them to this node and the workflow goes on with them. ' +
					'How many videos there are and how many were done when it parked: the note on this node’s output. ' +
					'The live progress: the watcher — “View sub-execution” on this node’s output opens the keeper, whose round step links to it; or this workflow’s executions (custom data FastRouter_videos).',
			);
			await editor.screenshot(
				SCREENSHOTS ? path.join(SCREENSHOTS, 'durable-waiting.png') : undefined,
			);
			await editor.closeNodePanel();

			// The same execution opened from the Executions tab: n8n 2.41.1 drops the waiting node's run
			// from an execution it loads (its workflows store deletes runData[lastNodeExecuted] when the
			// execution has a waitTill), so the node is only marked waiting on the canvas, its output
			// is empty, and the sub-execution is found in the list, with its custom data. Pinned here so
			// that an n8n that shows it there too is noticed.
			await editor.openExecution(id, executionId, 2);
			assert.match((await editor.canvasNode(NODE).getAttribute('class')) ?? '', /\bwaiting\b/);
			await editor.openNode(NODE);
			await editor
				.outputPanel()
				.getByText('No output data', { exact: true })
				.waitFor({ timeout: 15_000 });
			await editor.closeNodePanel();
			assert.equal(
				/** @type {any} */ (execution).customData?.FastRouter_wait,
				`durable (chosen) in sub-execution ${subExecution}`,
			);
			assert.equal((await n8n.execution(subExecution)).status, 'waiting');
		} catch (error) {
			const file = path.join(
				fs.mkdtempSync(path.join(os.tmpdir(), 'editor-durable-wait-')),
				'failure.png',
			);
			await editor.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
			/** @type {Error} */ (error).message += `\n(screenshot: ${file})`;
			throw error;
		}
	});
});
