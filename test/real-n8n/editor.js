// @ts-check
'use strict';

// The n8n editor as a user drives it: Debian's Chromium, run by playwright-core, against a real
// n8n (`n8n start`) logged in as its owner. Only what a user can see or click is used.

const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling out, which this machine refuses.
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const OWNER = { email: 'owner@example.com', firstName: 'Demo', lastName: 'Owner', password: 'Editor-Check-Passw0rd' };

/**
 * Sets up the instance's owner and returns the session cookie the editor runs with.
 * @param {string} baseUrl
 */
async function ownerSession(baseUrl) {
	const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!setup.ok) throw new Error(`owner setup: HTTP ${setup.status} ${await setup.text()}`);
	const auth = /n8n-auth=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')?.[1];
	if (!auth) throw new Error('owner setup set no n8n-auth cookie');
	return auth;
}

class Editor {
	/**
	 * @param {string} baseUrl a running `n8n start`
	 */
	static async open(baseUrl) {
		const auth = await ownerSession(baseUrl);
		const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
		await context.addCookies([{ name: 'n8n-auth', value: auth, url: baseUrl }]);
		const page = await context.newPage();
		return new Editor(baseUrl, auth, browser, page);
	}

	/**
	 * @param {string} baseUrl
	 * @param {string} auth
	 * @param {import('playwright-core').Browser} browser
	 * @param {import('playwright-core').Page} page
	 */
	constructor(baseUrl, auth, browser, page) {
		this.baseUrl = baseUrl;
		this.auth = auth;
		this.browser = browser;
		this.page = page;
	}

	/**
	 * Saves a workflow through the editor's own REST API and returns its id.
	 * @param {object} workflow
	 * @returns {Promise<string>}
	 */
	async createWorkflow(workflow) {
		const response = await fetch(`${this.baseUrl}/rest/workflows`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', cookie: `n8n-auth=${this.auth}` },
			body: JSON.stringify({ settings: { executionOrder: 'v1' }, ...workflow }),
		});
		const body = /** @type {any} */ (await response.json());
		if (!response.ok) throw new Error(`create workflow: HTTP ${response.status} ${JSON.stringify(body)}`);
		return body.data.id;
	}

	/**
	 * Opens a workflow on the canvas and waits until its nodes are drawn.
	 * @param {string} id
	 * @param {number} nodeCount
	 */
	async openWorkflow(id, nodeCount) {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`, { waitUntil: 'networkidle' });
		await this.page.locator('[data-test-id="canvas-node"]').nth(nodeCount - 1).waitFor({ timeout: 60_000 });
	}

	/**
	 * Opens the node panel from a node's "+": its main output ("What happens next?"), or one of
	 * its AI inputs such as `ai_tool` (the AI Agent's tools).
	 * @param {string} nodeName
	 * @param {string} [connectionType]
	 */
	async openNodePanel(nodeName, connectionType = 'main') {
		const node = this.page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
		const handle =
			connectionType === 'main'
				? node.locator('[data-test-id="canvas-node-output-handle"]')
				: node.locator(`[data-connection-type="${connectionType}"]`);
		await handle.locator('[data-test-id="canvas-handle-plus"]').click();
		await this.searchBar().waitFor();
	}

	searchBar() {
		return this.page.locator('[data-test-id="node-creator-search-bar"]');
	}

	/**
	 * Types into the panel's search and returns what it lists: each entry's name and the line under it.
	 * @param {string} text
	 * @returns {Promise<Array<{ name: string, description: string }>>}
	 */
	async search(text) {
		await this.searchBar().fill(text);
		const first = this.page.locator('[data-test-id="item-iterator-item"]').first();
		await first.waitFor({ timeout: 10_000 }).catch(() => undefined);
		// The list filters as you type; let it settle on the whole word.
		await this.page.waitForTimeout(500);
		const entries = this.page.locator('[data-test-id="item-iterator-item"]');
		const found = [];
		for (const entry of await entries.all()) {
			const name = (await entry.locator('[data-test-id="node-creator-item-name"]').allInnerTexts())[0] ?? '';
			const description = (await entry.locator('[data-test-id="node-creator-item-description"]').allInnerTexts())[0] ?? '';
			found.push({ name: name.trim(), description: description.trim() });
		}
		return found;
	}

	/**
	 * Clicks a listed node, then one of its actions; the node's panel (NDV) opens.
	 * @param {string} name
	 * @param {string} action
	 */
	async addFromPanel(name, action) {
		await this.page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${name}$`) }).first().click();
		await this.page.getByText(action, { exact: true }).click();
		await this.page.locator('[data-test-id="ndv"]').waitFor();
		await this.page.locator('[data-test-id="parameter-input-model"]').waitFor();
	}

	/**
	 * Picks an option in a dropdown of the open node panel, by its label.
	 * @param {string} parameter
	 * @param {string} label
	 */
	async choose(parameter, label) {
		await this.page.locator(`[data-test-id="parameter-input-${parameter}"]`).click();
		await this.page
			.locator('[data-test-id="parameter-input-item"]', { hasText: new RegExp(`^${escape(label)}`) })
			.filter({ visible: true })
			.first()
			.click();
		await this.page.waitForTimeout(300);
	}

	/** @returns {Promise<string[]>} the parameters shown in the open node panel, top to bottom */
	async shownParameters() {
		return await this.page.$$eval('[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]', (elements) =>
			elements
				.map((element) => /** @type {string} */ (element.getAttribute('data-test-id')).slice('parameter-input-'.length))
				.filter((name) => name !== 'field' && name !== 'item'),
		);
	}

	/** @returns {Promise<string[]>} the notices shown among the parameters */
	async notices() {
		const texts = await this.page.locator('[data-test-id="node-parameters"] .notice').allInnerTexts();
		return texts.map((text) => text.trim()).filter(Boolean);
	}

	async closeNodePanel() {
		await this.page.locator('[data-test-id="ndv-close-button"]').click();
		await this.page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
	}

	/**
	 * What the canvas shows on a node: its name and subtitle lines.
	 * @param {string} nodeName
	 */
	async canvasText(nodeName) {
		return await this.page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).innerText();
	}

	/** @param {string | undefined} file */
	async screenshot(file) {
		if (file) await this.page.screenshot({ path: file });
	}

	async close() {
		await this.browser.close();
	}
}

/** @param {string} text */
function escape(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = { Editor };
