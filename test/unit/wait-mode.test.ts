/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code runs under jest on Node, never inside n8n: this rule guards the shipped node code */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IExecuteFunctions } from 'n8n-workflow';

import type * as WaitModeModule from '../../nodes/FastRouterVideo/durable/waitMode';
import { planWait } from '../../nodes/FastRouterVideo/durable/waitMode';
import { ROOT } from '../helpers/sources';

/**
 * Wait Mode's decision, held to its table in docs/durable-waits.md ("Which runs wait which way"):
 * every row of the table is a row here, with the runs that stand for it, and each run must wait as
 * the table's "Automatic waits" and "Durable chosen" columns say. A row added to the table without
 * runs here, or runs here for a row the table no longer has, fails the test.
 */

interface Trigger {
	name?: string;
	type: string;
	parameters?: Record<string, unknown>;
}

/** One run, as n8n describes it to the node. */
interface Run {
	mode?: string;
	trigger?: Trigger;
	/** The node's type: n8n names an AI agent's copy `<type>Tool`. */
	nodeType?: string;
	streaming?: boolean;
	/** Nodes after FastRouter Video. */
	children?: Array<{ name: string; type: string }>;
	/** What n8n stored of this sub-execution's caller: whether it waits, and how the run at the top started. */
	caller?: { shouldResume: boolean; source?: string };
	/** n8n before 2.41: n8n-workflow without WAIT_FOR_SUB_EXECUTION. */
	olderN8n?: true;
}

type Parameters = Record<string, unknown>;
const webhook = (parameters: Parameters = {}): Trigger => ({
	type: 'n8n-nodes-base.webhook',
	parameters,
});
const formTrigger = (parameters: Parameters = {}): Trigger => ({
	type: 'n8n-nodes-base.formTrigger',
	parameters,
});
const chatTrigger = (parameters: Parameters = {}): Trigger => ({
	type: '@n8n/n8n-nodes-langchain.chatTrigger',
	parameters,
});
const schedule: Trigger = { type: 'n8n-nodes-base.scheduleTrigger' };
const appWebhook: Trigger = {
	type: 'n8n-nodes-base.githubTrigger',
	parameters: { events: ['push'] },
};
const subWorkflow = (shouldResume: boolean, source: string, trigger: Trigger): Run => ({
	mode: 'integrated',
	caller: { shouldResume, source },
	trigger,
});

/** The docs table's rows, by their first column, word for word. */
const RUNS: Record<string, Run[]> = {
	"a Schedule Trigger, an app's polling trigger (Google Sheets, Airtable, Notion…)": [
		{ mode: 'trigger', trigger: schedule },
		{ mode: 'trigger', trigger: { type: 'n8n-nodes-base.googleSheetsTrigger' } },
	],
	'an app trigger built on a webhook (GitHub, Stripe, Typeform…)': [
		{ mode: 'webhook', trigger: appWebhook },
	],
	'a Webhook or Form Trigger answering *Immediately* (`onReceived`, their default)': [
		{ mode: 'webhook', trigger: webhook({ responseMode: 'onReceived' }) },
		{ mode: 'webhook', trigger: webhook() },
		{ mode: 'webhook', trigger: formTrigger() },
	],
	'a Webhook or Form Trigger answering *When Last Node Finishes*': [
		{ mode: 'webhook', trigger: webhook({ responseMode: 'lastNode' }) },
		{ mode: 'webhook', trigger: formTrigger({ responseMode: 'lastNode' }) },
	],
	'a Webhook answering by *streaming*, a Chat Trigger streaming': [
		{ mode: 'webhook', trigger: webhook({ responseMode: 'streaming' }) },
		{ mode: 'webhook', trigger: chatTrigger({ options: { responseMode: 'streaming' } }) },
		{ mode: 'webhook', trigger: webhook({ responseMode: 'streaming' }), streaming: true },
	],
	'a Webhook answering from a *Respond to Webhook* node': [
		{ mode: 'webhook', trigger: webhook({ responseMode: 'responseNode' }) },
		{ mode: 'webhook', trigger: chatTrigger({ options: { responseMode: 'responseNodes' } }) },
	],
	'a Form Trigger followed by a Form page': [
		{
			mode: 'webhook',
			trigger: formTrigger(),
			children: [{ name: 'Page 2', type: 'n8n-nodes-base.form' }],
		},
	],
	'a Chat Trigger (hosted chat, *When Last Node Finishes*, its default)': [
		{ mode: 'webhook', trigger: chatTrigger() },
		{
			mode: 'webhook',
			trigger: chatTrigger({ public: true, options: { responseMode: 'lastNode' } }),
		},
	],
	'an MCP Server Trigger': [
		{ mode: 'webhook', trigger: { type: '@n8n/n8n-nodes-langchain.mcpTrigger', parameters: {} } },
	],
	'a manual run from the editor': [
		{ mode: 'manual', trigger: { type: 'n8n-nodes-base.manualTrigger', parameters: {} } },
	],
	'`n8n execute` (the CLI)': [
		{ mode: 'cli', trigger: { type: 'n8n-nodes-base.manualTrigger', parameters: {} } },
	],
	'*Retry* from the executions list': [{ mode: 'retry', trigger: schedule }],
	'an Error Trigger workflow': [
		{ mode: 'error', trigger: { type: 'n8n-nodes-base.errorTrigger' } },
	],
	'a sub-workflow whose caller does not wait for it (Execute Workflow, *Wait For Sub-Workflow Completion* off)':
		[subWorkflow(false, 'webhook', webhook({ responseMode: 'lastNode' }))],
	'a sub-workflow whose caller waits for it, the whole run started by a schedule, an app trigger, an error workflow or a retry':
		[
			subWorkflow(true, 'trigger', schedule),
			subWorkflow(true, 'webhook', appWebhook),
			subWorkflow(true, 'error', { type: 'n8n-nodes-base.errorTrigger' }),
			subWorkflow(true, 'retry', schedule),
		],
	'a sub-workflow whose caller waits for it, the run started by a Webhook, Form or Chat Trigger, the editor or the CLI':
		[
			subWorkflow(true, 'webhook', webhook()),
			subWorkflow(true, 'webhook', formTrigger()),
			subWorkflow(true, 'webhook', chatTrigger()),
			subWorkflow(true, 'manual', { type: 'n8n-nodes-base.manualTrigger' }),
			subWorkflow(true, 'cli', { type: 'n8n-nodes-base.manualTrigger' }),
		],
	"an AI agent's tool (`FastRouter Video Tool`)": [
		{ mode: 'trigger', trigger: schedule, nodeType: 'CUSTOM.fastRouterVideoTool' },
	],
	'an evaluation run': [
		{ mode: 'evaluation', trigger: { type: 'n8n-nodes-base.evaluationTrigger' } },
	],
	'the Chat hub (`chat` mode)': [{ mode: 'chat' }],
	'n8n before 2.41': [{ mode: 'trigger', trigger: schedule, olderN8n: true }],
};

/** The table as docs/durable-waits.md writes it: each row's run, and how Automatic and Durable go. */
function docsTable(): Array<{ run: string; automatic: string; durable: string }> {
	const lines = fs.readFileSync(path.join(ROOT, 'docs/durable-waits.md'), 'utf8').split('\n');
	const start = lines.findIndex((line) =>
		line.startsWith('| the run | Automatic waits | Durable chosen |'),
	);
	const rows = [];
	for (const line of lines.slice(start + 2)) {
		if (!line.startsWith('|')) break;
		const [run, automatic, durable] = line
			.split('|')
			.slice(1, 4)
			.map((cell) => cell.trim());
		rows.push({
			run,
			automatic: automatic.replace(/\*/g, ''),
			durable: durable.replace(/\*/g, ''),
		});
	}
	return rows;
}

const CURRENT_EXECUTION = 'sub-1';

/** What the node reads of its run, through IExecuteFunctions, for one run. */
function contextFor(run: Run): IExecuteFunctions {
	const node = { name: 'FastRouter Video', type: run.nodeType ?? 'CUSTOM.fastRouterVideo' };
	const trigger = run.trigger && {
		name: run.trigger.name ?? 'Trigger',
		type: run.trigger.type,
		parameters: run.trigger.parameters,
	};
	// This sub-execution's caller is itself a sub-execution; the run at the top started as `source`.
	const stored: Record<string, unknown> = {};
	if (run.caller) {
		const { shouldResume, source } = run.caller;
		stored[CURRENT_EXECUTION] = {
			parentExecution: {
				executionId: 'caller-1',
				shouldResume,
				executionContext: { source: 'integrated' },
			},
		};
		stored['caller-1'] = {
			parentExecution: { executionId: 'top-1', shouldResume: true, executionContext: { source } },
		};
	}
	const context = {
		getNode: () => node,
		getMode: () => run.mode,
		isToolExecution: () => false,
		isStreaming: () => run.streaming === true,
		executeWorkflow: async () => ({}),
		putExecutionToWait: async () => undefined,
		getExecutionId: () => CURRENT_EXECUTION,
		getExecutionContext: () =>
			trigger ? { triggerNode: { name: trigger.name, type: trigger.type } } : {},
		getParentNodes: () => (trigger ? [{ ...trigger, typeVersion: 1, disabled: false }] : []),
		getChildNodes: () => run.children ?? [],
		getExecutionDataById: async (executionId: string) => stored[executionId],
	};
	return context as unknown as IExecuteFunctions;
}

/** planWait as this run's n8n provides it: n8n-workflow before 2.41 lacks WAIT_FOR_SUB_EXECUTION. */
function planWaitFor(run: Run): typeof planWait {
	if (!run.olderN8n) return planWait;
	let older: typeof planWait = planWait;
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => {
			const older = { ...jest.requireActual<Record<string, unknown>>('n8n-workflow') };
			delete older.WAIT_FOR_SUB_EXECUTION;
			return older;
		});
		older = (
			jest.requireActual('../../nodes/FastRouterVideo/durable/waitMode') as typeof WaitModeModule
		).planWait;
	});
	return older;
}

describe('Wait Mode: the table in docs/durable-waits.md, row by row', () => {
	const table = docsTable();

	it('every row of the table has its runs here, and every row here is in the table', () => {
		expect(table.length).toBeGreaterThan(15);
		expect(Object.keys(RUNS)).toEqual(table.map((row) => row.run));
	});

	describe.each(table)('$run', ({ run: name, automatic, durable }) => {
		const title = `Automatic waits ${automatic}, Durable chosen ${durable === 'works' ? 'works' : 'is refused'} (%j)`;
		it.each(RUNS[name] ?? [])(title, async (run) => {
			const plan = planWaitFor(run);
			const auto = await plan(contextFor(run), 'auto');
			expect(auto.ok && auto.value.mode).toBe(automatic === 'durable' ? 'durable' : 'inProcess');
			const chosen = await plan(contextFor(run), 'durable');
			expect(chosen.ok ? 'works' : 'refused').toBe(durable);
			if (!chosen.ok)
				expect(chosen.problems.join('; ')).toMatch(/^Wait Mode "Durable" (cannot|needs)/);
			const inProcess = await plan(contextFor(run), 'inProcess');
			expect(inProcess.ok && inProcess.value).toEqual({
				mode: 'inProcess',
				asked: 'inProcess',
				why: 'chosen',
			});
		});
	});
});
