import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readWaitStates } from './waitState';

/**
 * The wait step: stores the wait until the earliest next poll. n8n frees the worker and resumes
 * the sub-execution then, after a restart too; on that resume it does not run this step again but
 * passes its items on, to the poll step.
 */
export async function waitStep(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const due = readWaitStates(ctx, items).flatMap((state) => {
		const at = state.poll?.nextPollAt ?? state.recreate?.at;
		return state.phase === 'waiting' && at !== undefined ? [at] : [];
	});
	await ctx.putExecutionToWait(new Date(Math.max(due.length ? Math.min(...due) : 0, Date.now() + 1000)));
	return [items];
}
