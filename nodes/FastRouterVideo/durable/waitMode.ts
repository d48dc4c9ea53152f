import type { IDataObject, IExecuteFunctions, IRunExecutionData, NodeTypeAndVersion } from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';

import { type Checked, accepted, refused } from '../validation/checked';

/**
 * Where Create and Wait waits, decided before anything is created. Wait Mode "Automatic" (the
 * default) waits durably — the execution stored, the worker free, a restart survived — when nobody
 * waits on this run's answer and n8n can do it; it waits in process when a person or a caller is
 * waiting for the answer, or when n8n cannot park. "In Process" and "Durable" are obeyed as chosen;
 * "Durable" never falls back, and is refused (before any create) where n8n cannot park the run or
 * where parking would lose the caller's answer. docs/durable-waits.md has the table this follows,
 * measured in n8n 2.41.1.
 */

type WaitModeOption = 'auto' | 'inProcess' | 'durable';

export interface WaitPlan {
	mode: 'durable' | 'inProcess';
	asked: WaitModeOption;
	/** Why, in a few words: the executions list says it. */
	why: string;
}

/** Who is waiting on this run's answer, as far as the node can tell. */
interface Caller {
	/** Somebody waits: Automatic waits in process. */
	waits: boolean;
	/** Parking the run would lose that answer, or n8n cannot park it: Durable chosen by hand is refused with this. */
	refusal?: string;
	why: string;
}

/** How this run waits and why, as the executions list says it: `durable (Automatic: a trigger run)`. */
export function howItWaits(plan: WaitPlan): string {
	return `${plan.mode === 'durable' ? 'durable' : 'in process'} (${plan.asked === 'auto' ? `Automatic: ${plan.why}` : 'chosen'})`;
}

/** `Wait Mode` as checked, turned into the way this run waits — or why "Durable" cannot be obeyed. */
export async function planWait(ctx: IExecuteFunctions, asked: WaitModeOption): Promise<Checked<WaitPlan>> {
	if (asked === 'inProcess') return accepted({ mode: 'inProcess', asked, why: 'chosen' });
	const caller = await callerOf(ctx);
	if (asked === 'durable') return caller.refusal ? refused(caller.refusal) : accepted({ mode: 'durable', asked, why: 'chosen' });
	return accepted({ mode: caller.waits ? 'inProcess' : 'durable', asked, why: caller.why });
}

const CHOOSE = 'Choose Wait Mode "Automatic" or "In Process"';

async function callerOf(ctx: IExecuteFunctions): Promise<Caller> {
	// n8n-workflow 2.41 is the first to export WAIT_FOR_SUB_EXECUTION, the wait n8n 2.41 parks a
	// parent on; node code sees n8n's own copy, so its exports tell the line. 1.x hands the waiting
	// node its own input back; 2.0–2.40 cannot end a parent whose sub-execution died.
	if (!('WAIT_FOR_SUB_EXECUTION' in n8nWorkflow)) {
		return lost('n8n before 2.41', `Wait Mode "Durable" needs n8n 2.41 or later: this n8n cannot hand a stored wait’s result back to the node. ${CHOOSE}, or update n8n`);
	}
	// n8n names an AI agent's copy of a node `<type>Tool` (its isToolExecution() says false there).
	if (ctx.getNode().type.endsWith('Tool') || ctx.isToolExecution?.() === true) {
		return lost('an AI agent’s tool call', `Wait Mode "Durable" cannot release an AI agent’s tool call: the agent waits for the answer. ${CHOOSE}, or give the agent Create and Get Status instead`);
	}
	if (typeof ctx.executeWorkflow !== 'function' || typeof ctx.putExecutionToWait !== 'function' || !ctx.getExecutionId()) {
		return lost('no stored execution', `Wait Mode "Durable" needs a stored execution that can start a sub-execution, and this run has none. ${CHOOSE}`);
	}
	// n8n closes a stream when its run parks.
	if (ctx.isStreaming?.() === true) return lost('its answer is streamed', refusal('this run streams its answer, and n8n ends the stream when the run parks'));
	return await byMode(ctx);
}

/** The run as n8n started it: `getMode()` (n8n-workflow's WorkflowExecuteModeList) and, for a webhook, its trigger. */
async function byMode(ctx: IExecuteFunctions): Promise<Caller> {
	const mode = ctx.getMode?.() ?? 'manual';
	switch (mode) {
		// Nobody waits: a schedule or an app's polling trigger, an error workflow, a retry from the list.
		case 'trigger':
		case 'error':
		case 'retry':
			return nobody(`a ${mode} run`);
		// A person watching the editor sees the video the moment it is done; parking would only
		// delay that, unless the run answers a test webhook, which would get no video.
		case 'manual':
			return { ...(triggerCaller(ctx) ?? {}), waits: true, why: 'a manual run' };
		// n8n's Chat hub follows a parked run and answers when it resumes.
		case 'chat':
			return { waits: true, why: 'a chat' };
		// `n8n execute` exits as soon as the run parks; only a running `n8n start` finishes it then.
		case 'cli':
			return { waits: true, why: 'n8n execute' };
		case 'webhook':
			return triggerCaller(ctx) ?? nobody(`"${triggerOf(ctx)?.name ?? 'its trigger'}" answered at once`);
		case 'integrated':
			return await subWorkflowCaller(ctx);
		// An evaluation takes the run as it stands when it parks; other modes wait for their result too.
		default:
			return lost(`a run of mode ${mode}`, refusal(`n8n takes a run of mode "${mode}" as it stands when it parks`));
	}
}

/** The node that started this execution, with its parameters, when it is in this workflow. */
function triggerOf(ctx: IExecuteFunctions): NodeTypeAndVersion | undefined {
	const trigger = ctx.getExecutionContext?.()?.triggerNode;
	if (!trigger) return undefined;
	const ancestors = ctx.getParentNodes(ctx.getNode().name, { includeNodeParameters: true });
	return ancestors.find((node) => node.name === trigger.name) ?? { name: trigger.name, type: trigger.type, typeVersion: 0, disabled: false };
}

/** An MCP client always waits for the answer, and gets none after a park. */
const MCP_TRIGGER = /\.mcpTrigger$/;
const CHAT_TRIGGER = /\.chatTrigger$/;

/**
 * Whether the trigger that started this run keeps a caller waiting for its answer, and whether
 * that answer survives a park (measured in n8n 2.41.1). The Webhook node and the Form Trigger answer
 * at once with Respond "Immediately" (`onReceived`, their default): nobody waits. "When Last Node
 * Finishes" is answered at the park, with whatever ran before it, and a stream is closed there:
 * both lose the videos. "Using 'Respond to Webhook' Node", a form page after this node and a hosted
 * chat answering from a node are answered after the resume. App triggers built on webhooks answer
 * their service at once.
 */
function triggerCaller(ctx: IExecuteFunctions): Caller | undefined {
	const trigger = triggerOf(ctx);
	if (!trigger) return lost('a webhook run whose trigger n8n does not name', refusal('n8n does not say what started this run, so its caller may be waiting for the answer'));
	const name = `"${trigger.name}"`;
	if (MCP_TRIGGER.test(trigger.type)) return lost(`an MCP client (${name})`, refusal(`${name} waits for the answer, which n8n does not send after a park`));
	// A trigger this node does not descend from shows no parameters: how it answers is unknown.
	if (!trigger.parameters && ANSWERING_TRIGGERS.test(trigger.type)) return lost(`${name} may answer with the result`, refusal(`how ${name} answers its caller cannot be read from this node`));
	const parameters = (trigger.parameters ?? {}) as IDataObject;
	const mode = parameters.responseMode ?? (parameters.options as IDataObject | undefined)?.responseMode ?? (CHAT_TRIGGER.test(trigger.type) ? 'lastNode' : 'onReceived');
	if (typeof mode !== 'string' || mode.startsWith('=')) return lost(`${name} answers as an expression decides`, refusal(`${name} answers as an expression decides, maybe when the last node finishes`));
	if (mode === 'lastNode') return lost(`${name} answers when the last node finishes`, refusal(`${name} answers its caller when the last node finishes: n8n would answer at the park, without the videos, while they are still made and paid for`));
	if (mode === 'streaming') return lost(`${name} streams its answer`, refusal(`${name} streams its answer, and n8n ends the stream when the run parks`));
	if (mode === 'responseNode' || mode === 'responseNodes') return { waits: true, why: `${name} answers from a node after this one` };
	const formPage = ctx.getChildNodes(ctx.getNode().name).find((node) => node.type === 'n8n-nodes-base.form');
	if (formPage) return { waits: true, why: `the form page "${formPage.name}" follows` };
	return undefined;
}

/**
 * A sub-workflow. Its caller either does not wait (Execute Workflow with "Wait for Sub-Workflow
 * Completion" off: nobody waits), or parks with it (`shouldResume`, which n8n stores with the
 * sub-execution): then the answer belongs to the run at the top, whose mode n8n stores with each
 * caller, and whose trigger the sub-execution inherits. A webhook, form or chat at the top may be
 * waiting for its answer, and a sub-execution cannot read how it answers: it waits in process.
 */
async function subWorkflowCaller(ctx: IExecuteFunctions): Promise<Caller> {
	let parent = (await stored(ctx, ctx.getExecutionId()))?.parentExecution;
	if (parent?.shouldResume === false) return nobody('a sub-workflow its caller does not wait for');
	for (let depth = 0; parent && parent.executionContext?.source === 'integrated' && depth < 10; depth++) {
		parent = (await stored(ctx, parent.executionId))?.parentExecution;
	}
	const top = parent?.executionContext?.source;
	const trigger = ctx.getExecutionContext?.()?.triggerNode;
	const startedBy = trigger ? ` started by "${trigger.name}"` : '';
	if (top === 'trigger' || top === 'error' || top === 'retry') return nobody(`a sub-workflow of a ${top} run${startedBy}`);
	if (top === 'webhook' && trigger && !ANSWERING_TRIGGERS.test(trigger.type)) return nobody(`a sub-workflow of a run${startedBy}`);
	return { waits: true, why: `a sub-workflow of a ${top ?? 'caller'} run${startedBy}` };
}

/** Triggers whose caller may wait for the workflow's answer. */
const ANSWERING_TRIGGERS = /\.(webhook|formTrigger|chatTrigger|mcpTrigger)$/;

/** An execution's data as n8n stored it; undefined when n8n has not stored it (yet) or cannot say. */
async function stored(ctx: IExecuteFunctions, executionId: string): Promise<IRunExecutionData | undefined> {
	try {
		return await ctx.getExecutionDataById(executionId);
	} catch {
		return undefined;
	}
}

function nobody(why: string): Caller {
	return { waits: false, why };
}

function lost(why: string, refusal: string): Caller {
	return { waits: true, why, refusal };
}

function refusal(reason: string): string {
	return `Wait Mode "Durable" cannot be used here: ${reason}. ${CHOOSE}`;
}
