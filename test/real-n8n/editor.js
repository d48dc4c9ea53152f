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
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Editor-Check-Passw0rd',
};

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
		const context = await browser.newContext({
			viewport: { width: 1440, height: 900 },
			deviceScaleFactor: 1,
		});
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
		if (!response.ok)
			throw new Error(`create workflow: HTTP ${response.status} ${JSON.stringify(body)}`);
		return body.data.id;
	}

	/**
	 * Opens a workflow on the canvas and waits until its nodes are drawn.
	 * @param {string} id
	 * @param {number} nodeCount
	 */
	async openWorkflow(id, nodeCount) {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`, { waitUntil: 'networkidle' });
		await this.page
			.locator('[data-test-id="canvas-node"]')
			.nth(nodeCount - 1)
			.waitFor({ timeout: 60_000 });
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
			const name =
				(await entry.locator('[data-test-id="node-creator-item-name"]').allInnerTexts())[0] ?? '';
			const description =
				(
					await entry.locator('[data-test-id="node-creator-item-description"]').allInnerTexts()
				)[0] ?? '';
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
		await this.page
			.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${name}$`) })
			.first()
			.click();
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
			.locator('[data-test-id="parameter-input-item"]', {
				hasText: new RegExp(`^${escape(label)}`),
			})
			.filter({ visible: true })
			.first()
			.click();
		await this.page.waitForTimeout(300);
	}

	/** @returns {Promise<string[]>} the parameters shown in the open node panel, top to bottom */
	async shownParameters() {
		return await this.page.$$eval(
			'[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]',
			(elements) =>
				elements
					.map((element) =>
						/** @type {string} */ (element.getAttribute('data-test-id')).slice(
							'parameter-input-'.length,
						),
					)
					.filter((name) => name !== 'field' && name !== 'item'),
		);
	}

	/** @returns {Promise<string[]>} the notices shown among the parameters */
	async notices() {
		const texts = await this.page
			.locator('[data-test-id="node-parameters"] .notice')
			.allInnerTexts();
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
		return await this.canvasNode(nodeName).innerText();
	}

	/** @param {string} nodeName */
	canvasNode(nodeName) {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	}

	/**
	 * Clicks the canvas's "Execute workflow" and waits until the run is over, as the canvas shows
	 * it: `lastNode` marked succeeded, or with issues (a failed run), in a workflow that has not
	 * run in this tab yet. Returns the execution's id, from the editor's own request that started
	 * the run.
	 * @param {string} lastNode
	 * @returns {Promise<{ executionId: string, status: 'success' | 'issues' }>}
	 */
	async executeWorkflow(lastNode, timeoutMs = 60_000) {
		const started = this.page.waitForResponse(
			(response) =>
				response.request().method() === 'POST' &&
				/\/rest\/workflows\/[^/]+\/run$/.test(new URL(response.url()).pathname),
		);
		await this.page.locator('[data-test-id="execute-workflow-button"]').click();
		const response = await started;
		const body = await response.json();
		if (!response.ok() || !body?.data?.executionId)
			throw new Error(
				`the editor's run request: HTTP ${response.status()} ${JSON.stringify(body)}`,
			);
		const ended = this.canvasNode(lastNode).locator(
			'[data-test-id="canvas-node-status-success"], [data-test-id="node-issues"]',
		);
		await ended.first().waitFor({ timeout: timeoutMs });
		const status =
			(await ended.first().getAttribute('data-test-id')) === 'canvas-node-status-success'
				? 'success'
				: 'issues';
		return { executionId: String(body.data.executionId), status };
	}

	/**
	 * Clicks the canvas's "Execute workflow" and returns the execution's id as soon as n8n started
	 * it (a run that parks never shows a node as succeeded).
	 * @returns {Promise<string>}
	 */
	async startWorkflow() {
		const started = this.page.waitForResponse(
			(response) =>
				response.request().method() === 'POST' &&
				/\/rest\/workflows\/[^/]+\/run$/.test(new URL(response.url()).pathname),
		);
		await this.page.locator('[data-test-id="execute-workflow-button"]').click();
		const response = await started;
		const body = await response.json();
		if (!response.ok() || !body?.data?.executionId)
			throw new Error(
				`the editor's run request: HTTP ${response.status()} ${JSON.stringify(body)}`,
			);
		return String(body.data.executionId);
	}

	/**
	 * Opens an execution in the workflow's Executions tab, as a user does from the list, and waits
	 * until its canvas is drawn.
	 * @param {string} workflowId
	 * @param {string} executionId
	 * @param {number} nodeCount
	 */
	async openExecution(workflowId, executionId, nodeCount) {
		await this.page.goto(`${this.baseUrl}/workflow/${workflowId}/executions/${executionId}`, {
			waitUntil: 'networkidle',
		});
		await this.page
			.locator('[data-test-id="canvas-node"]')
			.nth(nodeCount - 1)
			.waitFor({ timeout: 60_000 });
	}

	/**
	 * What the open node panel's output shows while its node waits: the notes above the output
	 * (hints), the link to a sub-execution, and the waiting text under n8n's "Waiting for input".
	 * @returns {Promise<{ hints: string[], subExecutionLink: string, title: string, text: string }>}
	 */
	async outputWhileWaiting(timeoutMs = 15_000) {
		const panel = this.outputPanel();
		const waiting = panel.getByText('Waiting for input', { exact: true });
		await waiting.waitFor({ timeout: timeoutMs });
		const hints = (await panel.locator('[data-test-id="node-hint"]').allInnerTexts()).map((text) =>
			text.trim(),
		);
		const link =
			(await panel.locator('[data-test-id="related-execution-link"]').allInnerTexts())[0] ?? '';
		const text = await waiting.locator('xpath=..').innerText();
		return {
			hints,
			subExecutionLink: link.trim(),
			title: 'Waiting for input',
			text: text.replace(/^Waiting for input\s*/, '').trim(),
		};
	}

	/**
	 * Opens a node's panel (NDV) from the canvas with a double click.
	 * @param {string} nodeName
	 */
	async openNode(nodeName) {
		await this.canvasNode(nodeName).dblclick();
		await this.page.locator('[data-test-id="ndv"]').waitFor();
	}

	/** The open node panel's output side. */
	outputPanel() {
		return this.page.locator('[data-test-id="ndv"] [data-test-id="output-panel"]');
	}

	/**
	 * The output panel in one of its views: Schema, Table, JSON or Binary.
	 * @param {'schema' | 'table' | 'json' | 'binary'} mode
	 */
	async showOutputAs(mode) {
		const button = `[data-test-id="ndv-run-data-display-mode"] [data-test-id="radio-button-${mode}"]`;
		await this.outputPanel().locator(button).click();
		await this.outputPanel().locator(`${button}[aria-checked="true"]`).waitFor();
	}

	/**
	 * The output's items as its Table view shows them: one row per item, keyed by column.
	 * @returns {Promise<Array<Record<string, string>>>}
	 */
	async outputTable() {
		await this.showOutputAs('table');
		const table = this.outputPanel().locator('[data-test-id="ndv-data-container"] table');
		await table.locator('tbody tr').first().waitFor();
		// In the browser; `any` for its elements, as the type check has no DOM library.
		return await table.evaluate((element) => {
			const headers = [...element.querySelectorAll('thead th')].map((cell) =>
				/** @type {any} */ (cell).innerText.trim(),
			);
			return [...element.querySelectorAll('tbody tr')].map((row) =>
				Object.fromEntries(
					[...row.querySelectorAll('td')]
						.map((cell, index) => [headers[index], /** @type {any} */ (cell).innerText.trim()])
						.filter(([header]) => header),
				),
			);
		});
	}

	/**
	 * The output's Binary view: one card per binary property of the item shown, with what it
	 * lists (File Name, Mime Type…) keyed by its labels.
	 * @returns {Promise<Array<{ property: string, fields: Record<string, string> }>>}
	 */
	async outputBinaryCards() {
		await this.showOutputAs('binary');
		const cards = this.outputPanel().locator('[data-test-id^="ndv-binary-data_"]');
		await cards.first().waitFor();
		const found = [];
		for (const card of await cards.all()) {
			const [property = '', ...lines] = (await card.innerText())
				.split('\n')
				.map((line) => line.trim())
				.filter(Boolean);
			/** @type {Record<string, string>} */
			const fields = {};
			lines.forEach((line, index) => {
				if (line.endsWith(':') && lines[index + 1] !== undefined)
					fields[line.slice(0, -1)] = lines[index + 1];
			});
			found.push({ property, fields });
		}
		return found;
	}

	/**
	 * Clicks "View" on a Binary card and waits until the browser has read the video it shows.
	 * @param {number} index the card
	 * @returns {Promise<{ src: string, width: number, height: number, duration: number }>}
	 */
	async viewBinaryVideo(index = 0, timeoutMs = 15_000) {
		await this.outputPanel()
			.locator(`[data-test-id="ndv-binary-data_${index}"] [data-test-id="ndv-view-binary-data"]`)
			.click();
		const video = this.outputPanel().locator('video');
		await video.waitFor({ timeout: timeoutMs });
		// HAVE_METADATA: the browser fetched the file from n8n and found a video track in it.
		await this.page.waitForFunction(
			(element) =>
				/** @type {any} */ (element).readyState >= 1 || /** @type {any} */ (element).error !== null,
			await video.elementHandle(),
			{ timeout: timeoutMs },
		);
		return await video.evaluate((element) => {
			const media = /** @type {any} */ (element);
			if (media.error)
				throw new Error(
					`the browser could not play ${media.currentSrc}: media error ${media.error.code} ${media.error.message}`,
				);
			return {
				src: media.currentSrc,
				width: media.videoWidth,
				height: media.videoHeight,
				duration: media.duration,
			};
		});
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
