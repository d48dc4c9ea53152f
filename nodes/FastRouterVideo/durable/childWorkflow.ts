import type { IConnections, IExecuteFunctions, INode, IWorkflowBase, IWorkflowSettings } from 'n8n-workflow';

/**
 * The sub-execution a durable wait runs in, as an inline workflow: n8n stores it with each park,
 * resumes it after a restart and, when it ends, resumes the FastRouter Video node's execution with
 * the output of its last step:
 *
 *   start ─▶ watch ─(all settled)──▶ <the node's name>  (finish: the node's output, or its error)
 *             ▲  │
 *             └──┘ (some still running: stores the wait until the next poll is due)
 *
 * The watch step parks the sub-execution itself. On the resume n8n does not run it again but
 * passes its input on, through its first output — back into the watch step, which then polls.
 * One step per park keeps what n8n records of the loop as small as it can be.
 */

/** The hidden node type of the steps (FastRouterVideoWait.node.ts). */
export const STEP_TYPE_NAME = 'fastRouterVideoWait';

/** The steps; `poll` and `wait` are the two that version 1 waits (package 0.1.0) were stored with. */
export type Step = 'watch' | 'finish' | 'poll' | 'wait';

/**
 * What the sub-execution's own settings say, whatever the calling workflow's are: it may be called
 * by its own workflow, and it is always saved, since it holds the videos the node hands on (a
 * workflow set to keep no successful executions would otherwise delete them before the next
 * node reads them). The time zone follows the workflow's.
 */
function childSettings(ctx: IExecuteFunctions): IWorkflowSettings {
	const { timezone } = ctx.getWorkflowSettings();
	return {
		executionOrder: 'v1',
		callerPolicy: 'workflowsFromSameOwner',
		saveDataSuccessExecution: 'all',
		saveDataErrorExecution: 'all',
		...(timezone ? { timezone } : {}),
	};
}

/**
 * The inline workflow, as `executeWorkflow({ code })` takes it. n8n gives it the calling
 * workflow's id (so it is listed, and owned, with that workflow) and stamps the rest.
 */
export function childWorkflow(ctx: IExecuteFunctions, videos: number): IWorkflowBase {
	const node = ctx.getNode();
	// The package's prefix as n8n loaded it: `n8n-nodes-fastrouter.` (or `CUSTOM.` from a custom folder).
	const stepType = `${node.type.slice(0, node.type.lastIndexOf('.') + 1)}${STEP_TYPE_NAME}`;
	const name = { start: `${node.name} · start`, watch: `${node.name} · watch`, finish: node.name };
	const step = (step: Step, x: number): INode => ({
		id: `${node.id}-${step}`,
		name: name[step as 'watch' | 'finish'],
		type: stepType,
		typeVersion: 1,
		position: [x, 0],
		parameters: { step },
		// The node's own FastRouter credentials: the steps poll and download with them.
		...(node.credentials ? { credentials: node.credentials } : {}),
	});
	const nodes: INode[] = [
		{ id: `${node.id}-start`, name: name.start, type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		step('watch', 220),
		step('finish', 440),
	];
	const to = (target: string) => [{ node: target, type: 'main' as const, index: 0 }];
	const connections: IConnections = {
		[name.start]: { main: [to(name.watch)] },
		[name.watch]: { main: [to(name.watch), to(name.finish)] },
	};
	const workflowName = ctx.getWorkflow().name ?? 'Workflow';
	return {
		name: `${workflowName} – ${node.name}: durable wait for ${videos} video${videos === 1 ? '' : 's'}`,
		nodes,
		connections,
		settings: childSettings(ctx),
		pinData: {},
	} as unknown as IWorkflowBase;
}
