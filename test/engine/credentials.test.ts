import { FastRouterApi } from '../../credentials/FastRouterApi.credentials';
import { runVideoNode, SIM_KEY, testCredential } from '../helpers/node';
import { useSimulator } from '../helpers/simulator';

const sim = useSimulator({ durationMs: 200 });

describe('FastRouter API credentials', () => {
	it('describes an API key (password) and an editable base URL defaulting to FastRouter', () => {
		const credentials = new FastRouterApi();
		const byName = Object.fromEntries(
			credentials.properties.map((property) => [property.name, property]),
		);
		expect(credentials.displayName).toBe('FastRouter API');
		expect(byName.apiKey.typeOptions?.password).toBe(true);
		expect(byName.baseUrl.default).toBe('https://go.fastrouter.ai');
	});

	it('the credential test accepts the right key without creating anything', async () => {
		const result = await testCredential({ apiKey: SIM_KEY, baseUrl: sim.baseUrl });
		expect(result).toEqual({ status: 'OK', message: expect.any(String) });
		expect(sim.counters.createRequests).toBe(0);
		expect(sim.counters.apiAuthFailures).toBe(0);
	});

	it('the credential test refuses a wrong key, without echoing it', async () => {
		const rejected = 'sk-definitely-wrong-9876';
		const result = await testCredential({ apiKey: rejected, baseUrl: `${sim.baseUrl}/` });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/rejected the API key \(401\)/);
		expect(result.message).not.toContain(rejected);
		expect(sim.counters.apiAuthFailures).toBe(1);
		expect(sim.counters.createRequests).toBe(0);
	});

	it('the engine applies the key as a Bearer header to the base URL, and never to the video host', async () => {
		const result = await runVideoNode(sim, {
			operation: 'createAndWait',
			model: 'google/veo3',
			prompt: 'credentials end to end',
			options: { pollInterval: 1 },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(sim.counters.creates).toBe(1);
		expect(sim.counters.apiAuthFailures).toBe(0);
		expect(sim.counters.downloads).toBe(1);
		expect(sim.counters.videoHostAuthHeaders).toEqual([]);
	});
});
