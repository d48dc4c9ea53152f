import type { IExecuteFunctions } from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';

/**
 * Whether this run can wait durably, asked before anything is created: Wait Mode "Durable" never
 * falls back to waiting in process. It needs n8n 2.41 or later: older n8n versions either hand
 * the waiting node its own input instead of its sub-execution's result (1.x), or have no way to
 * end a parent whose sub-execution died (2.0–2.40). n8n-workflow 2.41 is the first to export
 * WAIT_FOR_SUB_EXECUTION, the wait n8n 2.41 parks such a parent on; node code sees n8n's own copy
 * of n8n-workflow, so its exports tell the line.
 */
export function whyNotDurable(ctx: IExecuteFunctions): string | undefined {
	if (!('WAIT_FOR_SUB_EXECUTION' in n8nWorkflow)) {
		return 'Wait Mode "Durable" needs n8n 2.41 or later: this n8n cannot hand a stored wait’s result back to the node. Choose Wait Mode "In Process", or update n8n';
	}
	// n8n names an AI agent's copy of a node `<type>Tool`: the agent waits for its tools' answers.
	if (ctx.getNode().type.endsWith('Tool')) {
		return 'Wait Mode "Durable" cannot release an AI agent’s tool call: the agent waits for the answer. Choose Wait Mode "In Process", or give the agent Create and Get Status instead';
	}
	if (typeof ctx.executeWorkflow !== 'function' || typeof ctx.putExecutionToWait !== 'function' || !ctx.getExecutionId()) {
		return 'Wait Mode "Durable" needs a stored execution that can start a sub-execution, and this run has none. Choose Wait Mode "In Process"';
	}
	return undefined;
}
