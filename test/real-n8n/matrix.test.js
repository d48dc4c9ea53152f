// @ts-check
'use strict';

// The version matrix of `npm run test:n8n`: the packed package installed as a community package
// into the last n8n 1.x, the first 2.x line and the newest 2.x (test/real-n8n/install.js MATRIX).
// On each: the package loads cleanly, a Create and Wait workflow runs, and image-to-video from a
// binary field works in `n8n start`, whose main process serves the signed binary links. The
// newest also runs every example workflow (real-n8n.test.js).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { installRealN8n, MATRIX } = require('./install');
const { N8nInstance, packThisPackage } = require('./instance');
const workflows = require('./workflows');
const { startSimulator } = require('../simulator');
const { png } = require('../helpers/images');

const SIM_KEY = 'sim-key';
const CREDENTIAL = { id: 'fastRouterSim001', name: 'FastRouter (simulator)' };
const VIDEO_BYTES = 128 * 1024;
const IMAGE = png(320, 180);

/** @type {string} */
let tarball;
/** @type {import('../simulator').Simulator} */
let sim;
/** @type {http.Server} */
let imageHost;
/** @type {string} */
let imageUrl;
/** @type {Array<{ version: string, installS: number, checksS: number }>} */
const timings = [];

before(async () => {
	tarball = packThisPackage(fs.mkdtempSync(path.join(os.tmpdir(), 'real-n8n-pack-')));
	sim = await startSimulator({ apiKey: SIM_KEY, durationMs: 1_500, videoBytes: VIDEO_BYTES });
	// The image a workflow downloads: any web server, here on loopback.
	imageHost = http.createServer((req, res) => {
		if (req.url === '/notes.txt')
			res.writeHead(200, { 'Content-Type': 'text/plain' }).end('not an image');
		else if (req.url === '/frame.png')
			res
				.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': IMAGE.length })
				.end(IMAGE);
		else res.writeHead(404).end();
	});
	await new Promise((resolve) => imageHost.listen(0, '127.0.0.1', () => resolve(undefined)));
	imageUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (imageHost.address()).port}/frame.png`;
});

after(async () => {
	await sim?.close();
	await new Promise((resolve) =>
		imageHost ? imageHost.close(() => resolve(undefined)) : resolve(undefined),
	);
	for (const { version, installS, checksS } of timings) {
		console.log(
			`[real-n8n] n8n ${version}: install ${installS} s (0 when cached), checks ${checksS} s`,
		);
	}
});

/** The run data of one node in an `n8n execute --rawOutput` answer. */
function outputs(/** @type {any} */ run, /** @type {string} */ nodeName) {
	const runs = run.data.resultData.runData[nodeName];
	assert.ok(
		runs,
		`node "${nodeName}" did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ')}`,
	);
	assert.equal(runs[0].executionStatus, 'success', `${nodeName}: ${JSON.stringify(runs[0].error)}`);
	return /** @type {any[][]} */ (runs[0].data.main);
}

/**
 * Imports a workflow. n8n 2.0.x's import:workflow fails on a workflow without a versionId
 * (NOT NULL constraint failed: workflow_entity.versionId); later versions create one themselves.
 * @param {N8nInstance} n8n
 * @param {any} workflow
 */
async function importWorkflow(n8n, workflow) {
	workflow.versionId ??= crypto.randomUUID();
	await n8n.importWorkflow(workflow);
}

/**
 * Activates a workflow: `publish:workflow` on 2.x, `update:workflow --active` where it is missing.
 * @param {N8nInstance} n8n
 * @param {string} id
 */
async function activate(n8n, id) {
	try {
		await n8n.cli(['publish:workflow', `--id=${id}`]);
	} catch {
		await n8n.cli(['update:workflow', `--id=${id}`, '--active=true']);
	}
}

// FASTROUTER_N8N_VERSIONS=1.123.81,2.0.3 runs part of the matrix (e.g. while working on one version).
const only = process.env.FASTROUTER_N8N_VERSIONS?.split(',').map((version) => version.trim());
for (const entry of MATRIX.filter((candidate) => !only || only.includes(candidate.version))) {
	describe(`n8n ${entry.version} (${entry.line})`, () => {
		/** @type {N8nInstance} */
		let n8n;
		let started = 0;

		before(async () => {
			const installStart = Date.now();
			const install = installRealN8n(entry.version);
			const installS = Math.round((Date.now() - installStart) / 1000);
			started = Date.now();
			timings.push({ version: entry.version, installS, checksS: 0 });
			n8n = new N8nInstance(install, tarball, `v${entry.version}`);
			await n8n.importCredentials([
				{ ...CREDENTIAL, type: 'fastRouterApi', data: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
			]);
		});

		after(async () => {
			await n8n?.stop();
			n8n?.cleanUp();
			const timing = timings.find((candidate) => candidate.version === entry.version);
			if (timing) timing.checksS = Math.round((Date.now() - started) / 1000);
		});

		it('loads the package cleanly: an n8n CLI command reports no load error for it', async () => {
			// n8n loads community packages at every CLI start; a missing module is printed, not fatal.
			const { stdout, stderr } = await n8n.cliOutput(['list:workflow']);
			const output = `${stdout}\n${stderr}`;
			assert.doesNotMatch(
				output,
				/Cannot find module|Error loading package|failed to load/i,
				output.slice(-3000),
			);
			assert.doesNotMatch(output, /n8n-nodes-fastrouter/, 'n8n printed nothing about the package');
		});

		it(
			'Create and Wait: sheet rows in, videos as binaries out, bad rows on the error output (n8n execute)',
			{ skip: entry.examples ? 'the newest runs every example in real-n8n.test.js' : false },
			async () => {
				sim.reset();
				const rows = [
					{ prompt: 'A red fox running through fresh snow', file_name: 'fox.mp4' },
					{ prompt: 'A neon city at night', resolution: '4k', file_name: 'city.mp4' },
					{
						prompt: 'Snowy mountains at dawn [sim:poll429=1]',
						resolution: '1080p',
						file_name: 'mountains.mp4',
					},
					{ prompt: 'A boat at sea [sim:fail=Content policy violation]', file_name: 'boat.mp4' },
				];
				const workflow = workflows.forCheck(
					workflows.loadExample('sheets-to-drive.json'),
					`matrixSheets${entry.version.replace(/\./g, '')}`.slice(0, 16),
					CREDENTIAL,
				);
				workflows.standIn(workflow, 'Read prompts', workflows.emit(rows));
				workflows.standIn(workflow, 'Upload to Google Drive', workflows.passThrough);
				workflows.standIn(workflow, 'Log failed rows', workflows.passThrough);
				await importWorkflow(n8n, workflow);

				// The node type is known to this n8n: the workflow runs it.
				const run = await n8n.execute(workflow.id);

				const [main, failures] = outputs(run, 'Generate videos');
				// Before n8n 2.36 an item goes to the error output only when its json is `error` (and
				// `message`) alone, so a failed task, which keeps its id in `details`, stays on the main
				// output there: nothing is lost, but a workflow must check `error` on those versions.
				const [major, minor] = entry.version.split('.').map(Number);
				const failedTaskOnMain = major < 2 || (major === 2 && minor < 36);
				const videos = main.filter((item) => !item.json.error);
				const failedTasks = [...main, ...failures].filter((item) => item.json.details?.taskId);
				assert.deepEqual(
					videos.map((item) => item.pairedItem.item),
					[0, 2],
					JSON.stringify(main.concat(failures).map((item) => item.json)),
				);
				for (const item of videos) {
					assert.equal(item.json.status, 'succeeded');
					assert.equal(item.binary.data.mimeType, 'video/mp4');
					assert.ok(item.binary.data.id, 'stored by reference, not inline');
				}
				assert.equal(failures.length, failedTaskOnMain ? 1 : 2);
				assert.match(failures[0].json.error, /^Item 2: "resolution" 4k is not available/);
				assert.equal(failedTasks.length, 1);
				assert.equal(main.includes(failedTasks[0]), failedTaskOnMain);
				assert.match(
					failedTasks[0].json.error,
					/^Item 4: The generation of task \S+ failed: Content policy violation/,
				);
				const boat = [...sim.tasks.values()].find((task) => task.prompt.startsWith('A boat'));
				assert.equal(
					failedTasks[0].json.details.taskId,
					boat?.taskId,
					'a failed task keeps its id',
				);
				assert.equal(sim.counters.creates, 3);
				assert.ok(Object.values(sim.counters.createsByPrompt).every((count) => count === 1));
			},
		);

		// Durable waits need n8n 2.41 (durable/waitMode.ts): 1.x hands a resumed node its own
		// input instead of its sub-execution's result, 2.0–2.40 cannot end a parent whose
		// sub-execution died. There the node must refuse before it creates anything (a create is
		// paid for), saying why. On 2.41.1, durable.test.js runs durable waits themselves.
		it(
			'Wait Mode "Durable" refuses before anything is created, naming n8n 2.41',
			{ skip: entry.examples ? 'durable.test.js runs durable waits on this version' : false },
			async () => {
				sim.reset();
				const workflow = workflows.manualChain(
					`matrixDurable${entry.version.replace(/\./g, '')}`.slice(0, 16),
					'Durable wait on an older n8n',
					[
						{
							name: 'Rows',
							type: 'n8n-nodes-base.code',
							typeVersion: 2,
							parameters: {
								jsCode: workflows.emit([{ prompt: 'A red fox' }, { prompt: 'A boat at sea' }]),
							},
						},
						{
							name: 'FastRouter Video',
							type: `${n8n.package.manifest.name}.fastRouterVideo`,
							parameters: {
								operation: 'createAndWait',
								model: 'google/veo3',
								prompt: '={{ $json.prompt }}',
								options: { waitMode: 'durable' },
							},
							credentials: { fastRouterApi: CREDENTIAL },
						},
					],
				);
				await importWorkflow(n8n, workflow);

				const run = await n8n.executeFailing(workflow.id);

				const error = run.data.resultData.error;
				assert.equal(run.data.resultData.lastNodeExecuted, 'FastRouter Video');
				assert.match(error.message, /^Wait Mode "Durable" needs n8n 2\.41 or later/);
				assert.match(error.message, /Choose Wait Mode "Automatic" or "In Process"/);
				assert.equal(sim.counters.createRequests, 0);
			},
		);

		describe('image-to-video from a binary field (n8n start serves the signed link)', () => {
			// n8n 2.0.x's CLI cannot activate an imported workflow (its import writes no workflow
			// history, and publishing needs it), so there the webhook's trigger is replaced by a
			// Manual Trigger and the same workflow runs in `n8n execute` — signing links to this
			// n8n's public URL — while `n8n start` serves them. Elsewhere the webhook is called.
			const viaExecute = entry.cliCannotActivate === true;
			const example = () =>
				workflows.forCheck(
					workflows.loadExample('image-binary-to-video.json'),
					'exampleImage0001',
					CREDENTIAL,
				);

			before(async () => {
				if (!viaExecute) {
					const workflow = example();
					await importWorkflow(n8n, workflow);
					await activate(n8n, workflow.id);
				}
				await n8n.start();
				if (!viaExecute) await n8n.waitForWebhook('fastrouter-image');
			});

			/**
			 * Runs the example on one request body: what came back — the MP4, or the error.
			 * @param {{ imageUrl: string, prompt: string }} request
			 * @returns {Promise<{ video?: { mimeType: string, bytes: number }, error?: string }>}
			 */
			async function animate(request) {
				if (!viaExecute) {
					const response = await fetch(`${n8n.baseUrl}/webhook/fastrouter-image`, {
						method: 'POST',
						headers: { 'Content-Type': 'application/json' },
						body: JSON.stringify(request),
					});
					const body = Buffer.from(await response.arrayBuffer());
					if (response.status === 422) return { error: JSON.parse(body.toString()).error };
					assert.equal(response.status, 200, body.toString().slice(0, 1000));
					return {
						video: { mimeType: String(response.headers.get('content-type')), bytes: body.length },
					};
				}
				const workflow = example();
				workflows.manualStartInsteadOf(
					workflow,
					'Image URL in',
					workflows.emit([{ body: request }]),
				);
				workflows.standIn(workflow, 'MP4 out', workflows.passThrough);
				workflows.standIn(workflow, 'Error out', workflows.passThrough);
				await importWorkflow(n8n, workflow);
				const stdout = await n8n.cli(['execute', `--id=${workflow.id}`, '--rawOutput'], {
					WEBHOOK_URL: `${n8n.baseUrl}/`,
				});
				const run = JSON.parse(stdout.slice(stdout.search(/^\{/m)));
				const [videos, failures] = outputs(run, 'Animate image');
				const failed = failures[0] ?? videos.find((item) => item.json.error);
				if (failed) return { error: failed.json.error };
				// The bytes on disk: not every version records `bytes` in the binary's metadata.
				const { mimeType, id } = videos[0].binary.data;
				const file = path.join(n8n.binaryDataFolder, String(id).replace(/^filesystem(-v2)?:/, ''));
				return { video: { mimeType, bytes: fs.statSync(file).size } };
			}

			it('HTTP Request downloads an image; FastRouter fetches it from n8n by its signed link; the MP4 comes back', async () => {
				sim.reset();
				const result = await animate({ imageUrl, prompt: 'The sun sets over the gradient' });
				assert.equal(result.error, undefined);
				assert.match(String(result.video?.mimeType), /video\/mp4/);
				assert.equal(result.video?.bytes, VIDEO_BYTES);

				const [task] = [...sim.tasks.values()];
				assert.equal(sim.counters.creates, 1);
				assert.equal(task.model, 'runway/runway-gen-4-turbo');
				assert.match(
					String(task.body.image),
					new RegExp(`^${n8n.baseUrl}/rest/binary-data/signed\\?token=`),
				);
				// What FastRouter fetched from n8n is the very image the workflow downloaded.
				const [fetched] = sim.imageFetches;
				assert.equal(fetched.status, 200);
				assert.ok(
					fetched.body?.equals(IMAGE),
					`fetched ${fetched.bytes} bytes, ${fetched.contentType}`,
				);
			});

			it('a file that is no JPG or PNG is refused before any create, naming the field', async () => {
				sim.reset();
				const result = await animate({
					imageUrl: imageUrl.replace('frame.png', 'notes.txt'),
					prompt: 'not an image',
				});
				assert.match(
					String(result.error),
					/^Item 1: "imageBinaryPropertyName" data: .*not a JPG or PNG/,
				);
				assert.equal(sim.counters.createRequests, 0);
			});
		});
	});
}
