// @ts-check
'use strict';

// The example workflows as the real-n8n check runs them: exactly the files in examples/, except
// that services this machine cannot reach (Google Sheets and Drive, a chat UI, OpenAI) are
// replaced by Code nodes of the same name, and the credential points at the simulator.

const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** @param {string} file */
function loadExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

/**
 * @param {any} workflow
 * @param {string} name
 */
function nodeNamed(workflow, name) {
	const node = workflow.nodes.find((/** @type {any} */ candidate) => candidate.name === name);
	if (!node) throw new Error(`example "${workflow.name}" has no node "${name}"`);
	return node;
}

/**
 * A Code node in place of `name`, keeping its name, position and connections.
 * @param {any} workflow
 * @param {string} name
 * @param {string} jsCode
 */
function standIn(workflow, name, jsCode) {
	const node = nodeNamed(workflow, name);
	for (const key of Object.keys(node))
		if (!['id', 'name', 'position'].includes(key)) delete node[key];
	Object.assign(node, { type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } });
}

/**
 * `n8n execute` starts only from a Manual Trigger: one goes in front of the trigger `name`,
 * which becomes a Code node giving the items that trigger would.
 * @param {any} workflow
 * @param {string} name
 * @param {string} jsCode
 */
function manualStartInsteadOf(workflow, name, jsCode) {
	standIn(workflow, name, jsCode);
	const start = 'Manual start (real-n8n check)';
	const [x, y] = nodeNamed(workflow, name).position;
	workflow.nodes.push({
		id: '00000000-0000-4000-8000-00000000beef',
		name: start,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [x - 220, y],
		parameters: {},
	});
	workflow.connections[start] = { main: [[{ node: name, type: 'main', index: 0 }]] };
}

/**
 * @param {any} workflow
 * @param {string} id
 * @param {{ id: string, name: string }} credential
 */
function forCheck(workflow, id, credential) {
	workflow.id = id;
	workflow.active = false;
	for (const node of workflow.nodes) {
		if (node.credentials?.fastRouterApi) node.credentials.fastRouterApi = credential;
	}
	return workflow;
}

/**
 * A workflow a check builds when no example fits: a Manual Trigger named "Start", then `steps`,
 * each connected to the one before. A step gives its name, type and parameters (and typeVersion
 * when not 1); ids, positions and connections are filled in here.
 * @param {string} id
 * @param {string} name
 * @param {Array<{ name: string, type: string } & Record<string, any>>} steps
 */
function manualChain(id, name, steps) {
	/** @type {{ name: string, type: string } & Record<string, any>} */
	const start = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} };
	const nodes = [start, ...steps].map((node, index) => ({
		id: `${id}-${index}`,
		typeVersion: 1,
		position: [index * 220, 0],
		...node,
	}));
	const connections = Object.fromEntries(
		nodes
			.slice(1)
			.map((node, index) => [
				nodes[index].name,
				{ main: [[{ node: node.name, type: 'main', index: 0 }]] },
			]),
	);
	return { id, name, active: false, settings: { executionOrder: 'v1' }, nodes, connections };
}

/** Items as a Code node literal. @param {unknown[]} rows */
const emit = (rows) => `return ${JSON.stringify(rows.map((json) => ({ json })))};`;
const passThrough = 'return $input.all();';

module.exports = {
	loadExample,
	nodeNamed,
	standIn,
	manualStartInsteadOf,
	forCheck,
	manualChain,
	emit,
	passThrough,
};
