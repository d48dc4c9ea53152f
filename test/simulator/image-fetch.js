// @ts-check
'use strict';

// FastRouter fetches the image URL a create names, and refuses the create (400, nothing created)
// when it cannot get the image or it is no JPG or PNG. The simulator does the same for URLs on
// this machine — an n8n's signed binary link, a test server — the only ones it can reach here;
// other URLs are taken on trust.

const IMAGE_FETCH_TIMEOUT_MS = 10_000;

/** @param {string} url */
function isLoopback(url) {
	try {
		const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
		return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
	} catch {
		return false;
	}
}

/** @param {Buffer} bytes @returns {'png' | 'jpeg' | undefined} */
function imageType(bytes) {
	if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
		return 'png';
	if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
	return undefined;
}

/**
 * @typedef {object} ImageFetch
 * @property {string} url
 * @property {number} [status] the image host's HTTP status
 * @property {number} bytes
 * @property {string} [contentType]
 * @property {Buffer} [body]
 * @property {string} [problem] why the create is refused
 */

/**
 * @param {string} url
 * @returns {Promise<ImageFetch | undefined>} undefined when the URL is not fetched (not local)
 */
async function fetchImage(url) {
	if (!isLoopback(url)) return undefined;
	try {
		const response = await fetch(url, {
			signal: AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS),
			redirect: 'follow',
		});
		const body = Buffer.from(await response.arrayBuffer());
		const fetched = {
			url,
			status: response.status,
			bytes: body.length,
			contentType: response.headers.get('content-type') ?? undefined,
			body,
		};
		if (!response.ok)
			return { ...fetched, problem: `could not fetch image: HTTP ${response.status}` };
		if (!imageType(body)) return { ...fetched, problem: 'image is not a JPG or PNG' };
		return fetched;
	} catch (error) {
		const cause = /** @type {{ cause?: { code?: string }, message?: string }} */ (error);
		return {
			url,
			bytes: 0,
			problem: `could not fetch image: ${cause.cause?.code ?? cause.message}`,
		};
	}
}

module.exports = { fetchImage };
