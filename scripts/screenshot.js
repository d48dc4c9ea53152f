#!/usr/bin/env node
// `npm run screenshot`: docs/editor.png, the node in the editor of the real n8n the real-n8n check
// installs (test/real-n8n), shown by Debian's Chromium (`apt-get install chromium`) headless.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const { installRealN8n } = require('../test/real-n8n/install');
const { N8nInstance, packThisPackage, REPO } = require('../test/real-n8n/instance');
const { startSimulator } = require('../test/simulator');

const OWNER = { email: 'owner@example.com', firstName: 'Demo', lastName: 'Owner', password: 'Screenshot-Passw0rd' };
const NODE_ID = 'c0ffee00-0000-4000-8000-000000000002';

async function main() {
	const sim = await startSimulator({ apiKey: 'sim-key' });
	const n8n = new N8nInstance(installRealN8n(), packThisPackage(fs.mkdtempSync('/tmp/screenshot-pack-')), 'screenshot');
	try {
		await n8n.importCredentials([
			{ id: 'fastRouterSim001', name: 'FastRouter account', type: 'fastRouterApi', data: { apiKey: 'sim-key', baseUrl: sim.baseUrl } },
		]);
		await n8n.importWorkflow({
			id: 'screenshotWflow1',
			name: 'Product videos',
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { 'When clicking ‘Execute workflow’': { main: [[{ node: 'FastRouter Video', type: 'main', index: 0 }]] } },
			nodes: [
				{ id: 'c0ffee00-0000-4000-8000-000000000001', name: 'When clicking ‘Execute workflow’', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: NODE_ID,
					name: 'FastRouter Video',
					type: 'n8n-nodes-fastrouter.fastRouterVideo',
					typeVersion: 1,
					position: [240, 0],
					parameters: {
						operation: 'createAndWait',
						model: 'bytedance/seedance-pro',
						prompt: 'A ceramic mug on a wooden table, steam rising, slow orbit shot, morning light',
						length: 10,
						resolution: '1080p',
					},
					credentials: { fastRouterApi: { id: 'fastRouterSim001', name: 'FastRouter account' } },
				},
			],
		});
		const { baseUrl } = await n8n.start();
		const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!setup.ok) throw new Error(`owner setup: HTTP ${setup.status} ${await setup.text()}`);
		const auth = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')?.[1];
		if (!auth) throw new Error('owner setup set no n8n-auth cookie');

		const browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		try {
			const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
			await context.addCookies([{ name: 'n8n-auth', value: auth, url: baseUrl }]);
			const page = await context.newPage();
			await page.goto(`${baseUrl}/workflow/screenshotWflow1/${NODE_ID}`, { waitUntil: 'networkidle' });
			await page
				.getByText('costs more credits')
				.first()
				.waitFor({ timeout: 60_000 })
				.catch(async (error) => {
					await page.screenshot({ path: '/tmp/screenshot-failed.png' });
					throw new Error(`the node's panel did not show (see /tmp/screenshot-failed.png): ${error.message}`);
				});
			await page.waitForTimeout(1_500);
			const out = path.join(REPO, 'docs', 'editor.png');
			fs.mkdirSync(path.dirname(out), { recursive: true });
			await page.screenshot({ path: out });
			console.log(`wrote ${out}`);
		} finally {
			await browser.close();
		}
	} finally {
		await n8n.stop();
		n8n.cleanUp();
		await sim.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
