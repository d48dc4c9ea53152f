import type { IExecuteFunctions } from 'n8n-workflow';

import { redactText } from '../text/safeText';

/**
 * What the executions list shows about a FastRouter Video run: n8n's execution custom data, kept
 * with the execution (at every park for a waiting one) and shown, and filterable, in the list.
 * n8n allows 10 keys per execution, shared with the user's own (the Execution Data node), so the
 * node uses three and leaves the rest to the user. Values stay under 255 characters: n8n logs an
 * error for longer ones (it truncates only at 512).
 */

const SUMMARY_KEYS = { videos: 'FastRouter_videos', wait: 'FastRouter_wait', tasks: 'FastRouter_tasks' } as const;

const MAX_VALUE_CHARS = 255;

export type VideoState = 'done' | 'failed' | 'waiting' | 'not created';

export interface RunSummary {
	/** How the run waits: `durable (Automatic: a trigger run)`, `in process (chosen)`, … */
	wait: string;
	videos: Array<{ state: VideoState; taskId?: string | null }>;
}

/** `3/10 done, 1 failed, 6 waiting`. */
function videosLine(videos: RunSummary['videos']): string {
	const count = (state: VideoState) => videos.filter((video) => video.state === state).length;
	const parts = [`${count('done')}/${videos.length} done`];
	for (const state of ['failed', 'waiting', 'not created'] as const) if (count(state)) parts.push(`${count(state)} ${state}`);
	return parts.join(', ');
}

/** The task ids, as many as fit; the rest counted. A search for an id finds its run. */
function tasksLine(videos: RunSummary['videos']): string {
	const ids = videos.flatMap((video) => (video.taskId ? [video.taskId] : []));
	let line = '';
	for (let index = 0; index < ids.length; index++) {
		const more = ids.length - index - 1;
		const next = `${line}${line ? ' ' : ''}${ids[index]}`;
		if (next.length + (more ? ` +${more} more`.length : 0) > MAX_VALUE_CHARS) return `${line} +${ids.length - index} more`;
		line = next;
	}
	return line;
}

/**
 * Writes the summary into the execution's custom data. Where n8n offers none (a run outside an
 * execution) or refuses a value, the run goes on: the summary is a view, never the result.
 */
export function publishSummary(ctx: IExecuteFunctions, summary: RunSummary, secret: string): void {
	try {
		// n8n stores custom data with the execution: a task id FastRouter echoed the key into is cut too.
		ctx.customData.setAll({
			[SUMMARY_KEYS.videos]: videosLine(summary.videos).slice(0, MAX_VALUE_CHARS),
			[SUMMARY_KEYS.wait]: redactText(summary.wait, secret).slice(0, MAX_VALUE_CHARS),
			[SUMMARY_KEYS.tasks]: redactText(tasksLine(summary.videos), secret),
		});
	} catch (error) {
		ctx.logger.debug(`FastRouter Video could not write the execution’s custom data: ${(error as Error).message}`);
	}
}
