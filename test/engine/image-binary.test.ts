import type { IDataObject } from 'n8n-workflow';

import * as images from '../helpers/images';
import { runVideoNode } from '../helpers/node';
import { startSignedLinkServer } from '../helpers/signed-links';
import { useSimulator } from '../helpers/simulator';

const sim = useSimulator({ durationMs: 600, videoBytes: 64 * 1024 });
let n8n: Awaited<ReturnType<typeof startSignedLinkServer>>;
beforeAll(async () => {
	n8n = await startSignedLinkServer();
});
afterAll(async () => await n8n.close());

// Binaries stored by n8n's BinaryDataService (filesystem mode), as in a production n8n: only
// stored binaries can be signed.
const FILESYSTEM = { binaryMode: 'filesystem' as const };

function fromBinary(operation = 'createAndWait', extra: IDataObject = {}): IDataObject {
	return {
		operation,
		model: 'runway/runway-gen-4-turbo',
		imageSource: 'binary',
		imageBinaryPropertyName: 'photo',
		prompt: '={{ $json.prompt }}',
		...(operation === 'createAndWait'
			? { download: false, options: { pollInterval: 1, maxWait: 30 } }
			: {}),
		...extra,
	};
}

const file = (data: Buffer, fileName: string, mimeType: string) => ({
	photo: { data, fileName, mimeType },
});

describe('image-to-video from a binary field', () => {
	it('sends a signed link to the stored image; FastRouter (the simulator) fetches exactly those bytes and the video is made', async () => {
		const photo = images.png(96, 54);
		const frame = images.jpeg(1280, 720);
		const result = await runVideoNode(
			sim,
			fromBinary(),
			[{ prompt: 'the PNG' }, { prompt: 'the JPG' }],
			{
				...FILESYSTEM,
				instanceUrl: n8n.url,
				binaries: [file(photo, 'frame.png', 'image/png'), file(frame, 'frame.jpg', 'image/jpeg')],
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);

		const tasks = [...sim.tasks.values()].sort((a, b) => a.prompt.localeCompare(b.prompt));
		expect(tasks.map((task) => task.prompt)).toEqual(['the JPG', 'the PNG']);
		for (const task of tasks) {
			expect(String(task.body.image)).toMatch(
				new RegExp(`^${n8n.url}rest/binary-data/signed\\?token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`),
			);
		}
		const fetched = new Map(sim.imageFetches.map((entry) => [entry.url, entry]));
		expect(fetched.get(String(tasks[1].body.image))?.body?.equals(photo)).toBe(true);
		expect(fetched.get(String(tasks[0].body.image))?.body?.equals(frame)).toBe(true);
		expect(fetched.get(String(tasks[1].body.image))?.contentType).toBe('image/png');
	});

	it('the link outlives Max Wait (plus a margin) and no longer', async () => {
		const result = await runVideoNode(
			sim,
			fromBinary('createAndWait', { options: { maxWait: 120, pollInterval: 1 } }),
			[{ prompt: 'lifetime' }],
			{
				...FILESYSTEM,
				instanceUrl: n8n.url,
				binaries: [file(images.png(64, 64), 'square.png', 'image/png')],
			},
		);
		expect(result.error).toBeUndefined();
		const token = String([...sim.tasks.values()][0].body.image).split('token=')[1];
		const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
		expect(claims.exp - claims.iat).toBe(120 + 600);
	});

	it('Create (no wait) signs the link for a day', async () => {
		const result = await runVideoNode(sim, fromBinary('create'), [{ prompt: 'create only' }], {
			...FILESYSTEM,
			instanceUrl: n8n.url,
			binaries: [file(images.png(64, 64), 'square.png', 'image/png')],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.taskId).toEqual(expect.any(String));
		const token = String([...sim.tasks.values()][0].body.image).split('token=')[1];
		const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
		expect(claims.exp - claims.iat).toBe(24 * 60 * 60);
	});

	it('a model known only in part (its fields pass through) takes the image from binary too', async () => {
		const result = await runVideoNode(
			sim,
			fromBinary('create', { model: 'google/veo2' }),
			[{ prompt: 'veo 2' }],
			{
				...FILESYSTEM,
				instanceUrl: n8n.url,
				binaries: [file(images.png(64, 48), 'frame.png', 'image/png')],
			},
		);
		expect(result.error).toBeUndefined();
		const [task] = [...sim.tasks.values()];
		expect(task.model).toBe('google/veo2');
		expect(String(task.body.image)).toMatch(/\/rest\/binary-data\/signed\?token=/);
		expect(sim.imageFetches[0]?.status).toBe(200);
	});

	it('refuses, before any create, what FastRouter would refuse: not a JPG/PNG by its bytes, a ratio beyond 1:4–4:1, no such field', async () => {
		const rows = [
			{ prompt: 'gif named png' },
			{ prompt: 'too wide' },
			{ prompt: 'too tall' },
			{ prompt: 'no field' },
			{ prompt: 'fine' },
		];
		const result = await runVideoNode(sim, fromBinary(), rows, {
			...FILESYSTEM,
			instanceUrl: n8n.url,
			continueOnFail: true,
			binaries: [
				file(images.GIF, 'looks-like.png', 'image/png'),
				file(images.png(250, 50), 'banner.png', 'image/png'),
				file(images.jpeg(20, 100), 'strip.jpg', 'image/jpeg'),
				{ other: { data: images.png(10, 10), fileName: 'x.png', mimeType: 'image/png' } },
				file(images.png(200, 50), 'exactly-4-to-1.png', 'image/png'),
			],
		});
		const errors = result.items.map((item) => item.json.error);
		expect(errors[0]).toBe(
			'Item 1: "imageBinaryPropertyName" photo: looks-like.png is a GIF file, not a JPG or PNG (allowed: JPG, PNG)',
		);
		expect(errors[1]).toBe(
			'Item 2: "imageBinaryPropertyName" photo: banner.png is a PNG of 250×50 pixels, aspect ratio 5:1 (allowed: between 1:4 and 4:1)',
		);
		expect(errors[2]).toBe(
			'Item 3: "imageBinaryPropertyName" photo: strip.jpg is a JPG of 20×100 pixels, aspect ratio 1:5 (allowed: between 1:4 and 4:1)',
		);
		expect(errors[3]).toBe(
			'Item 4: "imageBinaryPropertyName" photo: the item has no binary field "photo" (it has: other)',
		);
		expect(errors[4]).toBeNull();
		expect(result.items[4].json.status).toBe('succeeded');
		// Only the good item reached FastRouter; the refused ones were never sent or signed for it.
		expect(sim.counters.createRequests).toBe(1);
		expect(sim.imageFetches).toHaveLength(1);
	});

	it('refuses before any create when FastRouter could not reach the link: this n8n at a local address, FastRouter remote', async () => {
		// A remote FastRouter that nothing here could reach: a create sent to it would fail differently.
		const result = await runVideoNode(sim, fromBinary(), [{ prompt: 'local n8n' }], {
			...FILESYSTEM,
			instanceUrl: 'http://localhost:5678/',
			baseUrl: 'https://api.fastrouter.invalid',
			binaries: [file(images.png(96, 54), 'frame.png', 'image/png')],
		});
		expect(result.error?.message).toBe(
			'Item 1: "imageSource" binary: FastRouter would fetch the image from this n8n at http://localhost:5678, a local address it cannot reach. Set WEBHOOK_URL to this n8n\'s public URL (the address its webhooks use, e.g. https://n8n.example.com/), or choose Image Source "URL" and give a public image URL',
		);
		expect(result.error?.message).not.toMatch(/token=/);
	});

	it('a link the simulator cannot fetch, or that serves no image, is refused by FastRouter (400) with nothing created', async () => {
		const made = await runVideoNode(
			sim,
			{
				operation: 'createAndWait',
				model: 'google/veo3',
				prompt: 'a video, not an image',
				download: false,
				options: { pollInterval: 1 },
			},
			[{}],
			FILESYSTEM,
		);
		const videoUrl = String(made.items[0].json.videoUrl);
		const createsBefore = sim.counters.creates;
		const result = await runVideoNode(
			sim,
			{
				operation: 'create',
				model: 'runway/runway-gen-4-turbo',
				imageUrl: '={{ $json.imageUrl }}',
				prompt: '={{ $json.prompt }}',
			},
			[
				{ prompt: 'dead link', imageUrl: `${n8n.url}rest/binary-data/signed?token=not-a-token` },
				{ prompt: 'not an image', imageUrl: videoUrl },
			],
			{ ...FILESYSTEM, continueOnFail: true },
		);
		expect(result.items[0].json.error).toBe(
			'Item 1: FastRouter refused the request (400): could not fetch image: HTTP 400',
		);
		expect(result.items[1].json.error).toBe(
			'Item 2: FastRouter refused the request (400): image is not a JPG or PNG',
		);
		expect(sim.counters.creates).toBe(createsBefore);
	});
});
