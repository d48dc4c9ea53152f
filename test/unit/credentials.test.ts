import { FastRouterApi } from '../../credentials/FastRouterApi.credentials';

describe('FastRouter API credentials', () => {
	it('describes an API key (password) and an editable base URL defaulting to FastRouter', () => {
		const credentials = new FastRouterApi();
		const byName = Object.fromEntries(credentials.properties.map((property) => [property.name, property]));
		expect(credentials.displayName).toBe('FastRouter API');
		expect(byName.apiKey.typeOptions?.password).toBe(true);
		expect(byName.baseUrl.default).toBe('https://go.fastrouter.ai');
	});
});
