import type {
	IExecuteFunctions,
	INodeParameters,
	IRunExecutionData,
	NodeTypeAndVersion,
} from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';

import type { WaitMode } from '../settings/parameterValues';
import { type Checked, accepted, refused } from '../validation/checked';

/**
 * Where Create and Wait waits, decided before anything is created. Wait Mode "Automatic" (the
 * default) waits durably — the execution stored, the worker free, a restart survived — when nobody
 * waits on this run's answer and n8n can do it; it waits in process when a person or a caller is
 * waiting for the answer, or when n8n cannot park. "In Process" and "Durable" are obeyed as chosen;
 * "Durable" never falls back, and is refused (before any create) where n8n cannot park the run or
 * where parking would lose the caller's answer. The decision is docs/durable-waits.md's table
 * ("Which runs wait which way", measured in n8n 2.41.1), row by row; test/unit/wait-mode.test.ts
 * runs every row of it against this file.
 */

export interface WaitPlan {
	mode: 'durable' | 'inProcess';
	asked: WaitMode;
	/** Why, in a few words: the executions list says it. */
	why: string;
}

/**
 * Who waits for this run's answer, as far as the node can tell: the table's two middle columns.
 * - `nobody`: Automatic waits durably; Durable works.
 * - `waits`: a caller waits, and gets its answer after a park too: Automatic waits in process;
 *   Durable works.
 * - `cannotPark`: n8n cannot park this run, or parking would lose the caller's answer: Automatic
 *   waits in process; Durable is refused, saying `refusal`.
 */
type Caller =
	| { kind: 'nobody'; why: string }
	| { kind: 'waits'; why: string }
	| { kind: 'cannotPark'; why: string; refusal: string };

/** How this run waits and why, as the executions list says it: `durable (Automatic: a trigger run)`. */
export function howItWaits(plan: WaitPlan): string {
	const how = plan.mode === 'durable' ? 'durable' : 'in process';
	return `${how} (${plan.asked === 'auto' ? `Automatic: ${plan.why}` : 'chosen'})`;
}

/** `Wait Mode` as checked, turned into the way this run waits — or why "Durable" cannot be obeyed. */
export async function planWait(
	ctx: IExecuteFunctions,
	asked: WaitMode,
): Promise<Checked<WaitPlan>> {
	if (asked === 'inProcess') return accepted({ mode: 'inProcess', asked, why: 'chosen' });
	const caller = await callerOf(ctx);
	if (asked === 'durable') {
		return caller.kind === 'cannotPark'
			? refused(caller.refusal)
			: accepted({ mode: 'durable', asked, why: 'chosen' });
	}
	return accepted({
		mode: caller.kind === 'nobody' ? 'durable' : 'inProcess',
		asked,
		why: caller.why,
	});
}

function nobodyWaits(why: string): Caller {
	return { kind: 'nobody', why };
}

function callerWaits(why: string): Caller {
	return { kind: 'waits', why };
}

/** `refusal` is the whole sentence Durable is refused with. */
function cannotPark(why: string, refusal: string): Caller {
	return { kind: 'cannotPark', why, refusal };
}

const CHOOSE = 'Choose Wait Mode "Automatic" or "In Process"';
const STREAM_ENDS = 'and n8n ends the stream when the run parks';
const ANSWERED_AT_PARK =
	'n8n would answer at the park, without the videos, while they are still made and paid for';

/** Durable refused because of the caller: `reason` says why parking would lose its answer. */
function losesTheAnswer(why: string, reason: string): Caller {
	return cannotPark(why, `Wait Mode "Durable" cannot be used here: ${reason}. ${CHOOSE}`);
}

/** The rows any run can be in (an n8n, a node or a run that cannot park), then those by `getMode()`. */
async function callerOf(ctx: IExecuteFunctions): Promise<Caller> {
	// n8n-workflow 2.41 is the first to export WAIT_FOR_SUB_EXECUTION, the wait n8n 2.41 parks a
	// parent on; node code sees n8n's own copy, so its exports tell the line. 1.x hands the waiting
	// node its own input back; 2.0–2.40 cannot end a parent whose sub-execution died.
	if (!('WAIT_FOR_SUB_EXECUTION' in n8nWorkflow)) {
		const why = 'this n8n cannot hand a stored wait’s result back to the node';
		return cannotPark(
			'n8n before 2.41',
			`Wait Mode "Durable" needs n8n 2.41 or later: ${why}. ${CHOOSE}, or update n8n`,
		);
	}
	// n8n names an AI agent's copy of a node `<type>Tool` (its isToolExecution() says false there).
	if (ctx.getNode().type.endsWith('Tool') || ctx.isToolExecution?.() === true) {
		const why =
			'Wait Mode "Durable" cannot release an AI agent’s tool call: the agent waits for the answer';
		return cannotPark(
			'an AI agent’s tool call',
			`${why}. ${CHOOSE}, or give the agent Create and Get Status instead`,
		);
	}
	if (
		typeof ctx.executeWorkflow !== 'function' ||
		typeof ctx.putExecutionToWait !== 'function' ||
		!ctx.getExecutionId()
	) {
		const why =
			'Wait Mode "Durable" needs a stored execution that can start a sub-execution, and this run has none';
		return cannotPark('no stored execution', `${why}. ${CHOOSE}`);
	}
	// n8n closes a stream when its run parks.
	if (ctx.isStreaming?.() === true)
		return losesTheAnswer('its answer is streamed', `this run streams its answer, ${STREAM_ENDS}`);
	return await callerByMode(ctx);
}

/** The run as n8n started it: `getMode()` (n8n-workflow's WorkflowExecuteModeList). */
async function callerByMode(ctx: IExecuteFunctions): Promise<Caller> {
	const mode = ctx.getMode?.() ?? 'manual';
	switch (mode) {
		// Nobody waits: a schedule or an app's polling trigger, an error workflow, a retry from the list.
		case 'trigger':
		case 'error':
		case 'retry':
			return nobodyWaits(`a ${mode} run`);
		// A person watching the editor sees the video the moment it is done; parking would only
		// delay that, unless the run answers a test webhook, which would get no video.
		case 'manual': {
			const trigger = triggerCaller(ctx);
			return trigger?.kind === 'cannotPark'
				? { ...trigger, why: 'a manual run' }
				: callerWaits('a manual run');
		}
		// n8n's Chat hub follows a parked run and answers when it resumes.
		case 'chat':
			return callerWaits('a chat');
		// `n8n execute` exits as soon as the run parks; only a running `n8n start` finishes it then.
		case 'cli':
			return callerWaits('n8n execute');
		case 'webhook':
			return (
				triggerCaller(ctx) ??
				nobodyWaits(`"${triggerOf(ctx)?.name ?? 'its trigger'}" answered at once`)
			);
		case 'integrated':
			return await subWorkflowCaller(ctx);
		// An evaluation takes the run as it stands when it parks; other modes wait for their result too.
		default:
			return losesTheAnswer(
				`a run of mode ${mode}`,
				`n8n takes a run of mode "${mode}" as it stands when it parks`,
			);
	}
}

/** The node that started this execution, with its parameters, when it is in this workflow. */
function triggerOf(ctx: IExecuteFunctions): NodeTypeAndVersion | undefined {
	const trigger = ctx.getExecutionContext?.()?.triggerNode;
	if (!trigger) return undefined;
	const ancestors = ctx.getParentNodes(ctx.getNode().name, { includeNodeParameters: true });
	const named = ancestors.find((node) => node.name === trigger.name);
	return named ?? { name: trigger.name, type: trigger.type, typeVersion: 0, disabled: false };
}

/** An MCP client always waits for the answer, and gets none after a park. */
const MCP_TRIGGER = /\.mcpTrigger$/;
const CHAT_TRIGGER = /\.chatTrigger$/;
/** Triggers whose caller may wait for the workflow's answer. */
const ANSWERING_TRIGGERS = /\.(webhook|formTrigger|chatTrigger|mcpTrigger)$/;

/**
 * The rows by how a trigger answers its caller (its response mode, measured in n8n 2.41.1). "When
 * Last Node Finishes" is answered at the park, with whatever ran before it, and a stream is closed
 * there: both lose the videos. "Using 'Respond to Webhook' Node" and a hosted chat answering from a
 * node are answered after the resume. `name` is the trigger's, quoted.
 */
const BY_RESPONSE_MODE: Record<string, (name: string) => Caller> = {
	lastNode: (name) => {
		const why = `${name} answers when the last node finishes`;
		return losesTheAnswer(
			why,
			`${name} answers its caller when the last node finishes: ${ANSWERED_AT_PARK}`,
		);
	},
	streaming: (name) =>
		losesTheAnswer(`${name} streams its answer`, `${name} streams its answer, ${STREAM_ENDS}`),
	responseNode: (name) => callerWaits(`${name} answers from a node after this one`),
	responseNodes: (name) => callerWaits(`${name} answers from a node after this one`),
};

/**
 * Whether the trigger that started this run keeps a caller waiting for its answer, and whether
 * that answer survives a park; undefined when nobody waits on it. The Webhook node and the Form
 * Trigger answer at once with Respond "Immediately" (`onReceived`, their default), and app triggers
 * built on webhooks answer their service at once: nobody waits — unless a form page follows.
 */
function triggerCaller(ctx: IExecuteFunctions): Caller | undefined {
	const trigger = triggerOf(ctx);
	if (!trigger) {
		const why =
			'n8n does not say what started this run, so its caller may be waiting for the answer';
		return losesTheAnswer('a webhook run whose trigger n8n does not name', why);
	}
	const name = `"${trigger.name}"`;
	if (MCP_TRIGGER.test(trigger.type)) {
		return losesTheAnswer(
			`an MCP client (${name})`,
			`${name} waits for the answer, which n8n does not send after a park`,
		);
	}
	// A trigger this node does not descend from shows no parameters: how it answers is unknown.
	if (!trigger.parameters && ANSWERING_TRIGGERS.test(trigger.type)) {
		return losesTheAnswer(
			`${name} may answer with the result`,
			`how ${name} answers its caller cannot be read from this node`,
		);
	}
	const mode = responseModeOf(trigger);
	if (typeof mode !== 'string' || mode.startsWith('=')) {
		const why = `${name} answers as an expression decides`;
		return losesTheAnswer(why, `${why}, maybe when the last node finishes`);
	}
	if (Object.prototype.hasOwnProperty.call(BY_RESPONSE_MODE, mode))
		return BY_RESPONSE_MODE[mode](name);
	const formPage = ctx
		.getChildNodes(ctx.getNode().name)
		.find((node) => node.type === 'n8n-nodes-base.form');
	if (formPage) return callerWaits(`the form page "${formPage.name}" follows`);
	return undefined;
}

/** A trigger's response mode: a parameter of the Webhook node, an option of the Form and Chat Triggers. */
function responseModeOf(trigger: NodeTypeAndVersion): unknown {
	const parameters: INodeParameters = trigger.parameters ?? {};
	const { options } = parameters;
	const inOptions = typeof options === 'object' && options !== null && 'responseMode' in options;
	return (
		parameters.responseMode ??
		(inOptions ? options.responseMode : undefined) ??
		(CHAT_TRIGGER.test(trigger.type) ? 'lastNode' : 'onReceived')
	);
}

/**
 * A sub-workflow. Its caller either does not wait (Execute Workflow with "Wait for Sub-Workflow
 * Completion" off: nobody waits), or parks with it (`shouldResume`, which n8n stores with the
 * sub-execution): then the answer belongs to the run at the top, whose mode n8n stores with each
 * caller, and whose trigger the sub-execution inherits. A webhook, form or chat at the top may be
 * waiting for its answer, and a sub-execution cannot read how it answers: it waits in process.
 */
async function subWorkflowCaller(ctx: IExecuteFunctions): Promise<Caller> {
	let parent = (await storedExecution(ctx, ctx.getExecutionId()))?.parentExecution;
	if (parent?.shouldResume === false)
		return nobodyWaits('a sub-workflow its caller does not wait for');
	for (
		let depth = 0;
		parent && parent.executionContext?.source === 'integrated' && depth < 10;
		depth++
	) {
		parent = (await storedExecution(ctx, parent.executionId))?.parentExecution;
	}
	const top = parent?.executionContext?.source;
	const trigger = ctx.getExecutionContext?.()?.triggerNode;
	const startedBy = trigger ? ` started by "${trigger.name}"` : '';
	if (top === 'trigger' || top === 'error' || top === 'retry')
		return nobodyWaits(`a sub-workflow of a ${top} run${startedBy}`);
	// An app trigger built on a webhook answered its service at once.
	const appTrigger = top === 'webhook' && trigger && !ANSWERING_TRIGGERS.test(trigger.type);
	if (appTrigger) return nobodyWaits(`a sub-workflow of a run${startedBy}`);
	return callerWaits(`a sub-workflow of a ${top ?? 'caller'} run${startedBy}`);
}

/** An execution's data as n8n stored it; undefined when n8n has not stored it (yet) or cannot say. */
async function storedExecution(
	ctx: IExecuteFunctions,
	executionId: string,
): Promise<IRunExecutionData | undefined> {
	try {
		return await ctx.getExecutionDataById(executionId);
	} catch {
		return undefined;
	}
}
