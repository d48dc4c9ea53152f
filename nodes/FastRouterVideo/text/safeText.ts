/**
 * Text that leaves the node — error messages, descriptions, output items — passes through here.
 *
 * n8n replaces the message of a NodeApiError or NodeOperationError that contains a Node error code
 * anywhere in it (ECONNRESET, ETIMEDOUT, …) with generic advice, one of which recommends Retry On
 * Fail: a second charge for a create. So codes are spelled out in words before n8n sees them, and
 * the API key is cut out of everything.
 */

/** The codes n8n rewrites (n8n-workflow's NodeError table), in words a user can act on. */
const CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ENOTFOUND: 'host name not found',
	ETIMEDOUT: 'connection timed out',
	ERRADDRINUSE: 'address in use',
	EADDRNOTAVAIL: 'address not available',
	ECONNABORTED: 'connection aborted',
	EHOSTUNREACH: 'host unreachable',
	EAI_AGAIN: 'name lookup failed',
	ENOENT: 'no such file',
	EISDIR: 'is a directory',
	ENOTDIR: 'not a directory',
	EACCES: 'access denied',
	EEXIST: 'already exists',
	EPERM: 'not permitted',
	GETADDRINFO: 'address lookup failed',
};

const CODE_PATTERN = new RegExp(`\\b(${Object.keys(CODE_WORDS).join('|')})\\b`, 'g');
// n8n matches case-insensitively inside words too ("superpermission" holds EPERM).
const ANYWHERE = new RegExp(Object.keys(CODE_WORDS).join('|'), 'gi');
const WORD_JOINER = '\u2060';

/** The words for a Node error code, or the code itself when n8n would leave it alone. */
export function codeInWords(code: string): string {
	return CODE_WORDS[code.toUpperCase()] ?? code;
}

/** Text n8n will show as written: codes become words, other look-alikes are broken invisibly. */
function keepWording(text: string): string {
	return text
		.replace(CODE_PATTERN, (code) => CODE_WORDS[code])
		.replace(ANYWHERE, (match) => `${match[0]}${WORD_JOINER}${match.slice(1)}`);
}

/** The forms a key can take when a server echoes it back: as sent, and URL-encoded. */
function secretForms(secret: string): string[] {
	if (secret.length < 4) return [];
	return [...new Set([secret, encodeURIComponent(secret)])];
}

export function redactText(text: string, secret: string): string {
	let result = text;
	for (const form of secretForms(secret)) result = result.split(form).join('[redacted]');
	return result;
}

/**
 * Any JSON-like value with the key cut out of every string, keys included: a copy where the key
 * occurs, the value itself where it does not (n8n stores an object it sees twice once, so a durable
 * wait's unchanged state costs nothing when stored again).
 */
export function redactDeep<T>(value: T, secret: string): T {
	const forms = secretForms(secret);
	if (forms.length === 0 || !mentions(value, forms)) return value;
	const walk = (node: unknown): unknown => {
		if (typeof node === 'string') return redactText(node, secret);
		if (Array.isArray(node)) return node.map(walk);
		if (node && typeof node === 'object' && !Buffer.isBuffer(node)) {
			return Object.fromEntries(
				Object.entries(node).map(([key, inner]) => [redactText(key, secret), walk(inner)]),
			);
		}
		return node;
	};
	return walk(value) as T;
}

/** Whether any string in the value, keys included, holds one of the forms. */
function mentions(value: unknown, forms: string[]): boolean {
	if (typeof value === 'string') return forms.some((form) => value.includes(form));
	if (Array.isArray(value)) return value.some((inner) => mentions(inner, forms));
	if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
		return Object.entries(value).some(
			([key, inner]) => mentions(key, forms) || mentions(inner, forms),
		);
	}
	return false;
}

/** Both at once: what every error text goes through. */
export function safeText(text: string, secret: string): string {
	return keepWording(redactText(text, secret));
}
