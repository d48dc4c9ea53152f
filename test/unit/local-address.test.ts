import { isLocalUrl } from '../../nodes/FastRouterVideo/validation/localAddress';

// Where FastRouter, on the internet, cannot fetch a signed image link from.
describe('local addresses', () => {
	it.each([
		'http://localhost:5678/rest',
		'http://127.0.0.1:5678/',
		'http://[::1]:5678/',
		'http://[::ffff:127.0.0.1]/',
		'http://10.0.0.5/',
		'http://172.20.1.1/',
		'http://192.168.1.10:5678/',
		'http://169.254.169.254/',
		'http://100.64.0.1/',
		'http://0.0.0.0:5678/',
		'http://[fd12:3456::1]/',
		'http://[fe80::1]/',
		'http://n8n:5678/',
		'http://n8n.local/',
		'http://n8n.internal/',
		'http://n8n.localhost/',
	])('%s is local', (url) => expect(isLocalUrl(url)).toBe(true));

	it.each([
		'https://n8n.example.com/rest',
		'https://203.0.113.7/',
		'http://172.32.0.1/',
		'http://[2001:db8::1]/',
		'https://my-n8n.app.n8n.cloud/',
	])('%s is public', (url) => expect(isLocalUrl(url)).toBe(false));
});
