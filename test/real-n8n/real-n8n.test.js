// @ts-check
'use strict';

// `npm run test:n8n`: this package, packed and installed as a community package into a real
// n8n 2.x, running the workflows in examples/ against the FastRouter simulator — in one process
// (`n8n execute`, `n8n start`) and in queue mode (main + worker + Redis). The AI-agent example
// runs in a chat of its own: agent-chat.test.js.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { installRealN8n } = require('./install');
const { N8nInstance, packThisPackage } = require('./instance');
const { startRedis } = require('./redis');
const workflows = require('./workflows');
const { startSimulator } = require('../simulator');
const { startHostile } = require('../simulator/hostile');
const { NORMALIZED_KEYS } = require('../helpers/expectations');

const SIM_KEY = 'sim-key';
const CREDENTIAL = { id: 'fastRouterSim001', name: 'FastRouter (simulator)' };
const VIDEO_BYTES = 256 * 1024;
/** Longer than one durable wait's minute: a caller answered at a park would get no video. */
const CALLER_RENDER_MS = 70_000;

/** @type {ReturnType<typeof installRealN8n>} */
let install;
/** @type {string} */
let tarball;
/** @type {import('../simulator').Simulator} */
let sim;

before(async () => {
	install = installRealN8n();
	tarball = packThisPackage(fs.mkdtempSync(path.join(os.tmpdir(), 'real-n8n-pack-')));
	sim = await startSimulator({ apiKey: SIM_KEY, durationMs: 1_500, videoBytes: VIDEO_BYTES });
});

after(async () => {
	await sim?.close();
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

/** @param {any} item */
function assertNormalizedVideo(item) {
	assert.deepEqual(Object.keys(item.json).sort(), [...NORMALIZED_KEYS].sort());
	assert.equal(item.json.status, 'succeeded');
	assert.ok(item.json.videoUrl.startsWith(sim.videoBaseUrl), item.json.videoUrl);
	assert.equal(item.binary.data.mimeType, 'video/mp4');
	assert.match(item.binary.data.fileName, /\.mp4$/);
}

/**
 * The bytes behind a binary entry in filesystem mode: a real MP4 of the simulator's size.
 * @param {N8nInstance} n8n
 * @param {any} binary
 */
function assertMp4OnDisk(n8n, binary) {
	assert.match(binary.id, /^filesystem(-v2)?:/, 'binary data is stored by reference, not inline');
	const file = path.join(n8n.binaryDataFolder, binary.id.replace(/^filesystem(-v2)?:/, ''));
	const bytes = fs.readFileSync(file);
	assert.equal(bytes.length, VIDEO_BYTES);
	assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
}

describe('real n8n, one process', () => {
	/** @type {N8nInstance} */
	let n8n;

	before(async () => {
		n8n = new N8nInstance(install, tarball, 'regular');
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'fastRouterApi', data: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
		]);
	});

	after(async () => {
		await n8n?.stop();
		n8n?.cleanUp();
	});

	it('loads the packed package as a community node, with no dev or peer dependencies installed', () => {
		const manifest = n8n.package.manifest;
		assert.equal(manifest.devDependencies, undefined);
		assert.equal(manifest.peerDependencies, undefined);
		const installed = fs.readdirSync(path.join(n8n.package.packageDir));
		assert.deepEqual(
			installed.sort(),
			['LICENSE', 'README.md', 'dist', 'index.js', 'package.json'].sort(),
		);
		// The package's own entry point gives the node and credential classes, with n8n-workflow
		// resolved as n8n resolves it for community packages (its own copy, through NODE_PATH).
		const exported = execFileSync(
			install.node,
			[
				'-e',
				'const p = require(process.argv[1]); console.log(JSON.stringify(Object.entries(p).map(([k, C]) => [k, new C().description?.name ?? new C().name])))',
				n8n.package.packageDir,
			],
			{
				env: { ...process.env, NODE_PATH: path.join(path.dirname(install.n8nBin), '..', '..') },
				encoding: 'utf8',
			},
		);
		assert.deepEqual(JSON.parse(exported), [
			['FastRouterVideo', 'fastRouterVideo'],
			['FastRouterVideoWait', 'fastRouterVideoWait'],
			['FastRouterApi', 'fastRouterApi'],
		]);
	});

	it('Google Sheets rows → Create and Wait → Google Drive: videos as binary, bad rows on the error output', async () => {
		sim.reset();
		const rows = [
			{ prompt: 'A red fox running through fresh snow', file_name: 'fox.mp4' },
			// FastRouter's newer API generation (fr_ id, hosted copy), its provider link already expired.
			{
				prompt: 'Timelapse of clouds over a valley [sim:gen=new] [sim:expired]',
				resolution: '1080p',
				file_name: 'clouds.mp4',
			},
			{ prompt: 'A neon city at night', resolution: '4k', file_name: 'city.mp4' },
			{ prompt: 'A boat at sea [sim:fail=Content policy violation]', file_name: 'boat.mp4' },
			{ prompt: 'Snowy mountains at dawn [sim:poll429=2]', file_name: 'mountains.mp4' },
		];
		const workflow = workflows.forCheck(
			workflows.loadExample('sheets-to-drive.json'),
			'exampleSheets001',
			CREDENTIAL,
		);
		workflows.standIn(workflow, 'Read prompts', workflows.emit(rows));
		workflows.standIn(workflow, 'Upload to Google Drive', workflows.passThrough);
		workflows.standIn(workflow, 'Log failed rows', workflows.passThrough);
		await n8n.importWorkflow(workflow);

		const run = await n8n.execute(workflow.id);

		const [videos, failures] = outputs(run, 'Generate videos');
		assert.deepEqual(
			videos.map((item) => item.pairedItem.item),
			[0, 1, 4],
			JSON.stringify({
				videos: videos.map((item) => item.json),
				failures: failures.map((item) => item.json),
			}),
		);
		for (const item of videos) {
			assertNormalizedVideo(item);
			assert.equal(item.json.model, 'google/veo3-fast');
			assertMp4OnDisk(n8n, item.binary.data);
		}
		const clouds = videos[1].json;
		assert.match(clouds.taskId, /^fr_/);
		assert.equal(clouds.hostedVideoUrl, `${sim.baseUrl}/videos-content/${clouds.taskId}`);
		assert.equal(typeof clouds.costUsd, 'number');
		assert.equal(
			clouds.creditsUsed,
			sim.tasks.get(clouds.taskId)?.credits,
			'the final figure, not the estimate',
		);
		// The MP4 came from the hosted copy, on the Base URL's origin: the only place the key goes.
		assert.equal(sim.counters.hostedDownloads, 1);
		assert.deepEqual(sim.counters.hostedAuthHeaders, [`Bearer ${SIM_KEY}`]);
		assert.ok(
			videos
				.filter((item) => item !== videos[1])
				.every((item) => item.json.hostedVideoUrl === null),
		);
		const requested = [...sim.tasks.values()].map((task) => task.body.resolution);
		assert.deepEqual(requested.sort(), ['1080p', '720p', '720p', '720p']);

		// The error output carries the sheet row itself, so it can be written back where it came from.
		assert.equal(failures.length, 2);
		const [rejected, failed] = failures;
		assert.match(
			rejected.json.error,
			/^Item 3: "resolution" 4k is not available for google\/veo3-fast .*\(allowed: 720p, 1080p\)/,
		);
		assert.equal(rejected.json.file_name, 'city.mp4');
		assert.equal(rejected.json.details, undefined, 'rejected before any task was created');
		assert.match(
			failed.json.error,
			/^Item 4: The generation of task \S+ failed: Content policy violation/,
		);
		assert.equal(failed.json.file_name, 'boat.mp4');
		const boat = [...sim.tasks.values()].find((task) => task.prompt.startsWith('A boat'));
		assert.deepEqual(
			failed.json.details,
			{ taskId: boat?.taskId },
			'a failed task is reported with its id',
		);

		const uploaded = outputs(run, 'Upload to Google Drive')[0];
		assert.equal(uploaded.length, 3);
		assert.ok(uploaded.every((item) => item.binary?.data?.mimeType === 'video/mp4'));
		assert.equal(outputs(run, 'Log failed rows')[0].length, 2);

		// Four rows reached FastRouter, each exactly once; the video host never saw the API key.
		assert.equal(sim.counters.creates, 4);
		assert.ok(Object.values(sim.counters.createsByPrompt).every((count) => count === 1));
		assert.deepEqual(sim.counters.videoHostAuthHeaders, []);
	});

	it('Schedule → Create → later Get Status: the task id carries over and the Sora video comes back', async () => {
		sim.reset();
		const workflow = workflows.forCheck(
			workflows.loadExample('schedule-create-then-status.json'),
			'exampleSchedule1',
			CREDENTIAL,
		);
		// `n8n execute` starts from a Manual Trigger; the schedule's own item is empty anyway.
		workflows.manualStartInsteadOf(workflow, 'Every morning', workflows.emit([{}]));
		workflows.nodeNamed(workflow, 'Later').parameters = { amount: 3, unit: 'seconds' };
		await n8n.importWorkflow(workflow);

		const run = await n8n.execute(workflow.id);

		const [created] = outputs(run, 'Start video');
		assert.equal(created.length, 1);
		assert.ok(created[0].json.taskId);
		assert.equal(created[0].json.model, 'openai/sora-2-pro');
		assert.equal(created[0].binary, undefined, 'Create does not wait for the video');

		const [ready, notReady] = outputs(run, 'Ready?');
		assert.equal(notReady.length, 0);
		assert.equal(ready.length, 1);
		assert.equal(ready[0].json.taskId, created[0].json.taskId);
		assert.equal(ready[0].json.status, 'succeeded');
		assert.equal(ready[0].binary.data.mimeType, 'video/mp4');
		assertMp4OnDisk(n8n, ready[0].binary.data);

		assert.equal(sim.counters.creates, 1);
		assert.equal([...sim.tasks.values()][0].body.seconds, '8');
		assert.deepEqual(sim.counters.videoHostAuthHeaders, []);
	});

	it('a create whose connection is reset: the error n8n stores keeps the item, "may have been created" and no key', async () => {
		const hostile = await startHostile();
		try {
			hostile.on('POST /api/v1/videos', ({ req }) => req.socket.destroy());
			const credential = { id: 'fastRouterHostile1', name: 'FastRouter (hostile)' };
			await n8n.importCredentials([
				{
					...credential,
					type: 'fastRouterApi',
					data: { apiKey: hostile.apiKey, baseUrl: hostile.origins.a },
				},
			]);
			const workflow = workflows.manualChain(
				'hostileReset0001',
				'Create on a resetting connection',
				[
					{
						name: 'Start video',
						type: `${n8n.package.manifest.name}.fastRouterVideo`,
						parameters: { operation: 'create', model: 'google/veo3', prompt: 'A paid video' },
						credentials: { fastRouterApi: credential },
					},
				],
			);
			await n8n.importWorkflow(workflow);

			const run = await n8n.executeFailing(workflow.id);

			const stored = [
				run.data.resultData.error,
				run.data.resultData.runData['Start video'][0].error,
			];
			for (const error of stored) {
				assert.match(
					error.message,
					/^Item 1: .*connection reset.*may have been created; not retried to avoid a double charge/,
				);
				assert.doesNotMatch(error.message, /ECONNRESET|closed unexpectedly|Retry on Fail/i);
			}
			assert.ok(
				!JSON.stringify(run).includes(hostile.apiKey),
				'the API key is nowhere in the stored run',
			);
			assert.equal(hostile.counters.creates, 1);
		} finally {
			await hostile.close();
		}
	});

	it("n8n's SSRF protection on: an allowed host gives its MP4, a blocked one is never sent and says so", async () => {
		// One `n8n execute` with the protection on and one simulator under two names: `localhost`,
		// allowed by N8N_SSRF_ALLOWED_HOSTNAMES, and 127.0.0.1, which nothing allows (n8n checks an
		// IP address in a URL against N8N_SSRF_ALLOWED_IP_RANGES only). The simulator's video links
		// name localhost too, so the allowed item's download passes the same check.
		const ssrfKey = 'ssrf-check-key-4c1d';
		const ssrfSim = await startSimulator({
			apiKey: ssrfKey,
			durationMs: 1_500,
			videoBytes: VIDEO_BYTES,
			hostname: 'localhost',
		});
		try {
			const allowed = { id: 'fastRouterSsrfOk1', name: 'FastRouter (localhost, allowed)' };
			const blocked = { id: 'fastRouterSsrfNo1', name: 'FastRouter (127.0.0.1, not allowed)' };
			const blockedBaseUrl = ssrfSim.baseUrl.replace('localhost', '127.0.0.1');
			await n8n.importCredentials([
				{ ...allowed, type: 'fastRouterApi', data: { apiKey: ssrfKey, baseUrl: ssrfSim.baseUrl } },
				{ ...blocked, type: 'fastRouterApi', data: { apiKey: ssrfKey, baseUrl: blockedBaseUrl } },
			]);
			const type = `${n8n.package.manifest.name}.fastRouterVideo`;
			/** @param {string} prompt */
			const createAndWait = (prompt) => ({
				operation: 'createAndWait',
				model: 'google/veo3',
				prompt,
				options: { pollInterval: 1 },
			});
			const workflow = workflows.manualChain('ssrfProtection01', "Behind n8n's SSRF protection", [
				{
					name: 'Allowed',
					type,
					parameters: createAndWait('Allowed by name'),
					credentials: { fastRouterApi: allowed },
				},
				{
					name: 'Blocked',
					type,
					parameters: createAndWait('Never sent'),
					credentials: { fastRouterApi: blocked },
				},
			]);
			await n8n.importWorkflow(workflow);

			const run = await n8n.executeFailing(workflow.id, {
				N8N_SSRF_PROTECTION_ENABLED: 'true',
				N8N_SSRF_ALLOWED_HOSTNAMES: 'localhost',
			});

			const [[video]] = run.data.resultData.runData.Allowed[0].data.main;
			assert.equal(video.json.status, 'succeeded');
			assert.ok(video.json.videoUrl.startsWith(ssrfSim.videoBaseUrl), video.json.videoUrl);
			assert.equal(video.binary.data.mimeType, 'video/mp4');
			assertMp4OnDisk(n8n, video.binary.data);

			const refusal = `Item 1: n8n's SSRF protection blocked the request to ${new URL(blockedBaseUrl).host} (a restricted IP address) before sending it; allow it in N8N_SSRF_ALLOWED_IP_RANGES`;
			const stored = [run.data.resultData.error, run.data.resultData.runData.Blocked[0].error];
			for (const error of stored) {
				assert.equal(error.message, refusal);
				assert.match(
					error.description,
					/^Nothing was sent to FastRouter, so no task was created or billed/,
				);
				assert.doesNotMatch(
					`${error.message} ${error.description}`,
					/may have been created|double charge/,
				);
			}
			assert.ok(!JSON.stringify(run).includes(ssrfKey), 'the API key is nowhere in the stored run');
			// The allowed item's create, once; the blocked one never reached the simulator.
			assert.deepEqual(ssrfSim.counters.createsByPrompt, { 'Allowed by name': 1 });
			assert.equal(ssrfSim.counters.createRequests, 1);
			assert.equal(ssrfSim.counters.downloads, 1);
		} finally {
			await ssrfSim.close();
		}
	});

	describe('webhook: prompt in, MP4 out (n8n start)', () => {
		/** Max Credits per Run: 20 rows of 6-credit creates (Veo 3, 8 s) within 50, Continue On Fail. */
		const CREDIT_LIMIT_ID = 'creditLimit00001';

		before(async () => {
			const workflow = workflows.forCheck(
				workflows.loadExample('webhook-prompt-to-mp4.json'),
				'exampleWebhook01',
				CREDENTIAL,
			);
			await n8n.importWorkflow(workflow);
			await n8n.importWorkflow(
				workflows.manualChain(CREDIT_LIMIT_ID, 'Twenty rows within 50 credits', [
					{
						name: 'Rows',
						type: 'n8n-nodes-base.code',
						typeVersion: 2,
						parameters: {
							jsCode:
								'return Array.from({ length: 20 }, (_, i) => ({ json: { prompt: `credit row ${i + 1}` } }));',
						},
					},
					{
						name: 'Start videos',
						type: `${n8n.package.manifest.name}.fastRouterVideo`,
						onError: 'continueRegularOutput',
						parameters: {
							operation: 'create',
							model: 'google/veo3',
							prompt: '={{ $json.prompt }}',
							length: 8,
							options: { maxCredits: 50 },
						},
						credentials: { fastRouterApi: CREDENTIAL },
					},
				]),
			);
			await n8n.cli(['publish:workflow', `--id=${workflow.id}`]);
			await n8n.start();
			await n8n.waitForWebhook('fastrouter-video');
		});

		it('answers a prompt with the MP4 itself, after a render longer than a durable wait’s minute (Wait Mode untouched: it waits in process for its caller)', async () => {
			sim.reset();
			const started = Date.now();
			const response = await fetch(`${n8n.baseUrl}/webhook/fastrouter-video`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({
					prompt: `A paper plane over a city [sim:duration=${CALLER_RENDER_MS}]`,
				}),
			});
			const body = Buffer.from(await response.arrayBuffer());
			assert.equal(response.status, 200, body.toString().slice(0, 500));
			assert.ok(Date.now() - started >= CALLER_RENDER_MS, 'the answer came after the render');
			assert.match(String(response.headers.get('content-type')), /video\/mp4/);
			assert.equal(body.length, VIDEO_BYTES);
			assert.equal(body.subarray(4, 8).toString('latin1'), 'ftyp');
			assert.equal(sim.counters.creates, 1);
			assert.equal([...sim.tasks.values()][0].model, 'google/veo3-fast');
			assert.deepEqual(sim.counters.videoHostAuthHeaders, []);
		});

		it('Max Credits per Run: 8 of 20 rows made; the cost in the stored execution’s custom data and as a hint on the node’s output', async () => {
			sim.reset();
			const id = await n8n.runFromEditor(CREDIT_LIMIT_ID, 'Start');
			const execution = await n8n.finished(id);
			assert.equal(execution.status, 'success');
			assert.equal(sim.counters.creates, 8);
			const [nodeRun] = execution.data.resultData.runData['Start videos'];
			const items = nodeRun.data.main[0].map((/** @type {any} */ item) => item.json);
			assert.deepEqual(
				items.slice(8).map((/** @type {any} */ item) => item.error),
				Array.from(
					{ length: 12 },
					(_, i) =>
						`Item ${i + 9}: not created: this run's credit limit of 50 would be passed (48 used by 8 videos)`,
				),
			);
			assert.equal(
				execution.customData?.FastRouter_cost,
				'8 videos, 48 credits, 12 not created: credit limit',
			);
			assert.deepEqual(
				nodeRun.hints.map((/** @type {any} */ hint) => hint.message),
				['8 videos, 48 credits, 12 not created: credit limit'],
			);
		});

		it('answers a request its model cannot take with 422 naming the field, before any create', async () => {
			sim.reset();
			const response = await fetch(`${n8n.baseUrl}/webhook/fastrouter-video`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ model: 'openai/sora-2-pro', prompt: '' }),
			});
			const body = /** @type {{ error: string }} */ (await response.json());
			assert.equal(response.status, 422);
			assert.match(body.error, /^Item 1: .*prompt/i);
			assert.equal(sim.counters.creates, 0);
		});
	});
});

describe('real n8n, queue mode: main + worker + Redis', () => {
	/** @type {N8nInstance} */
	let n8n;
	/** @type {Awaited<ReturnType<typeof startRedis>>} */
	let redis;

	before(async () => {
		redis = await startRedis();
		n8n = new N8nInstance(install, tarball, 'queue');
		// Main and worker share the user folder (and its sqlite database); binary data goes to the
		// database, n8n's queue-mode default, because the worker's files are not main's.
		Object.assign(n8n.env, {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		});
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'fastRouterApi', data: { apiKey: SIM_KEY, baseUrl: sim.baseUrl } },
		]);
		const workflow = workflows.forCheck(
			workflows.loadExample('webhook-prompt-to-mp4.json'),
			'exampleWebhook01',
			CREDENTIAL,
		);
		await n8n.importWorkflow(workflow);
		await n8n.cli(['publish:workflow', `--id=${workflow.id}`]);
		await n8n.startWorker({});
		await n8n.start();
		await n8n.waitForWebhook('fastrouter-video');
	});

	after(async () => {
		await n8n?.stop();
		await redis?.stop();
		n8n?.cleanUp();
	});

	it('the worker runs the webhook example to completion and main answers with the MP4', async () => {
		sim.reset();
		const prompts = ['A lighthouse in a storm', 'A hummingbird in slow motion [sim:poll500=1]'];
		const responses = await Promise.all(
			prompts.map((prompt) =>
				fetch(`${n8n.baseUrl}/webhook/fastrouter-video`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ prompt }),
				}),
			),
		);
		for (const response of responses) {
			const body = Buffer.from(await response.arrayBuffer());
			assert.equal(response.status, 200, body.toString().slice(0, 500));
			assert.match(String(response.headers.get('content-type')), /video\/mp4/);
			assert.equal(body.length, VIDEO_BYTES);
			assert.equal(body.subarray(4, 8).toString('latin1'), 'ftyp');
		}

		// Main only queued the executions; the worker ran both (it logs the end after the answer left).
		const enqueued = await n8n.waitForLog('main', /Enqueued execution (\d+)/g, 2);
		const finished = await n8n.waitForLog('worker', /Worker finished execution (\d+)/g, 2);
		assert.deepEqual(finished.sort(), enqueued.sort());
		assert.doesNotMatch(
			n8n.log('main'),
			/FastRouter Item \d+ task/,
			'the node ran on the worker, not on main',
		);
		assert.match(n8n.log('worker'), /FastRouter Item 1 task \S+: succeeded 100%/);

		assert.equal(sim.counters.creates, 2);
		assert.ok(Object.values(sim.counters.createsByPrompt).every((count) => count === 1));
		assert.deepEqual(sim.counters.videoHostAuthHeaders, []);
	});
});
