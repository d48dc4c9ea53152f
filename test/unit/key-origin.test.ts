import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { originOf, sendFollowing } from '../../nodes/FastRouterVideo/transport/exchange';

/**
 * Which requests carry the API key. `originOf` turns an address that is not a URL into
 * `undefined` (its parse error is caught); that value must never count as the key's origin, or a
 * request told to go without the key (a video URL from the provider) would be sent with it.
 */

const BASE = 'https://go.fastrouter.ai';

/** Records each request as n8n would receive it: with the credential, or plain. */
function fakeContext(): { ctx: IExecuteFunctions; sent: Array<{ url: string; withKey: boolean }> } {
	const sent: Array<{ url: string; withKey: boolean }> = [];
	const answer = { statusCode: 200, headers: {}, body: undefined };
	const ctx = {
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequestWithAuthentication: async (
				_credentialType: string,
				options: IHttpRequestOptions,
			) => {
				sent.push({ url: options.url, withKey: true });
				return answer;
			},
			httpRequest: async (options: IHttpRequestOptions) => {
				sent.push({ url: options.url, withKey: false });
				return answer;
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

async function send(url: string, keyOrigin: string | undefined) {
	const { ctx, sent } = fakeContext();
	await sendFollowing(ctx, { method: 'GET', url }, keyOrigin, Date.now() + 5000, 5000);
	return sent;
}

describe('the API key goes to the Base URL’s origin only', () => {
	it('to the Base URL’s origin', async () => {
		expect(await send(`${BASE}/api/v1/videos/fr_1`, originOf(BASE))).toEqual([
			{ url: `${BASE}/api/v1/videos/fr_1`, withKey: true },
		]);
	});

	it('not to another origin', async () => {
		expect(await send('https://cdn.example.com/v.mp4', originOf(BASE))).toEqual([
			{ url: 'https://cdn.example.com/v.mp4', withKey: false },
		]);
	});

	it('not with a request that must go without it, even to an address that is not a URL', async () => {
		for (const url of ['/videos/v.mp4', 'cdn.example.com/v.mp4', 'not a url']) {
			expect(await send(url, undefined)).toEqual([{ url, withKey: false }]);
		}
	});
});

describe('the run’s credential, read once', () => {
	it('goes to n8n’s credentialed helper with every request that carries the key, and nowhere else', async () => {
		const credential = {
			id: 'c1',
			name: 'FastRouter',
			type: 'fastRouterApi',
			data: { apiKey: 'k', baseUrl: BASE },
		};
		const handed: unknown[] = [];
		const answer = { statusCode: 200, headers: {}, body: undefined };
		const ctx = {
			getExecutionCancelSignal: () => undefined,
			helpers: {
				httpRequestWithAuthentication: async (
					_type: string,
					_options: IHttpRequestOptions,
					extra?: unknown,
				) => {
					handed.push(extra);
					return answer;
				},
				httpRequest: async (_options: IHttpRequestOptions, extra?: unknown) => {
					handed.push(extra ?? 'plain');
					return answer;
				},
			},
		} as unknown as IExecuteFunctions;
		await sendFollowing(
			ctx,
			{ method: 'GET', url: `${BASE}/api/v1/videos/fr_1`, credential },
			originOf(BASE),
			Date.now() + 5000,
			5000,
		);
		await sendFollowing(
			ctx,
			{ method: 'GET', url: 'https://cdn.example.com/v.mp4', credential },
			originOf(BASE),
			Date.now() + 5000,
			5000,
		);
		// n8n applies it without reading the credential again; the other origin gets a plain request.
		expect(handed).toEqual([{ credentialsDecrypted: credential }, 'plain']);
	});
});
