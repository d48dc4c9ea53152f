// @ts-check
'use strict';

// The one route of an n8n main process that signed binary links need: GET
// /rest/binary-data/signed?token=…, without login. It does what n8n's BinaryDataController does
// there, with n8n-core's own BinaryDataService (the one the engine tests store binaries in): the
// token's signature and expiry are checked, then the stored file is streamed with its mime type.
// In a real n8n (`n8n start`) the controller itself serves it; see the real-n8n check.

const http = require('node:http');
const path = require('node:path');
const { pipeline } = require('node:stream');

const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] }));
const { BinaryDataService, FileNotFoundError } = require('n8n-core');

/**
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 *   `url` is the instance URL to give the engine (its restApiUrl is `${url}rest`)
 */
async function startSignedLinkServer() {
	const server = http.createServer(async (req, res) => {
		const finish = (/** @type {number} */ status, /** @type {string} */ text = '') => {
			res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
		};
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (req.method !== 'GET' || url.pathname !== '/rest/binary-data/signed') return finish(404);
		const service = Container.get(BinaryDataService);
		try {
			const id = service.validateSignedToken(url.searchParams.get('token') ?? '');
			const metadata = await service.getMetadata(id);
			const stream = await service.getAsStream(id);
			res.writeHead(200, {
				'Content-Type': metadata.mimeType ?? 'application/octet-stream',
				'Content-Length': String(metadata.fileSize),
				'Content-Disposition': 'attachment',
			});
			pipeline(stream, res, () => {});
		} catch (error) {
			if (error instanceof FileNotFoundError) return finish(404);
			finish(400, /** @type {Error} */ (error).message);
		}
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}/`,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

module.exports = { startSignedLinkServer };
