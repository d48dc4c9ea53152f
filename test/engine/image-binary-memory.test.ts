import { runVideoNode } from '../helpers/node';
import { startSimulator, type Simulator } from '../simulator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { png } = require('../helpers/images') as { png: (width: number, height: number) => Buffer };

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ durationMs: 300 });
});
afterAll(async () => await sim.close());

// n8n's "default" binary data mode keeps binaries inline, in memory (the engine's default here,
// and n8n 1.x's default): n8n cannot sign a link to such a binary.
describe('image from a binary field, binaries kept in memory', () => {
	it('is refused before any create, saying which binary data mode to set', async () => {
		const result = await runVideoNode(
			sim,
			{ operation: 'createAndWait', model: 'google/veo3', imageSource: 'binary', imageBinaryPropertyName: 'data', prompt: 'p' },
			[{}],
			{ binaries: [{ data: { data: png(96, 54), fileName: 'frame.png', mimeType: 'image/png' } }] },
		);
		expect(result.error?.message).toBe(
			'Item 1: "imageSource" binary: this n8n keeps binary data in memory, and n8n signs links only to stored binary data. Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database, s3), or choose Image Source "URL" and give a public image URL',
		);
		expect(sim.counters.createRequests).toBe(0);
	});
});
