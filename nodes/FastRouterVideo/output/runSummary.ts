import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { redactText } from '../text/safeText';
import { messageOf } from '../text/wording';
import type { ItemOutcome } from './outcome';

/**
 * What a FastRouter Video run tells the places users look: n8n's execution custom data, kept with
 * the execution (at every park for a waiting one) and shown, and filterable, in the executions
 * list; and a hint on the node's output in the editor. n8n allows 10 custom-data keys per
 * execution, shared with the user's own (the Execution Data node) and a chat's two, so the node
 * uses four. Values stay under 255 characters: n8n logs an error for longer ones (it truncates
 * only at 512).
 */

const SUMMARY_KEYS = {
	videos: 'FastRouter_videos',
	wait: 'FastRouter_wait',
	tasks: 'FastRouter_tasks',
	cost: 'FastRouter_cost',
} as const;

const MAX_VALUE_CHARS = 255;

export type VideoState = 'done' | 'failed' | 'waiting' | 'not created';

export interface RunSummary {
	/** How the run waits: `durable (Automatic: a trigger run)`, `in process (chosen)`, … Create: none. */
	wait?: string;
	videos: Array<{ state: VideoState; taskId?: string | null; costUsd?: number | null }>;
	/** What the run's creates cost, as FastRouter reported them, and the credit limit's refusals. */
	credits: RunCredits;
}

/** The run's credits as the summary tells them (batch/creditLimit.ts counts them, in its CreditState). */
interface RunCredits {
	/** Credits FastRouter reported for the creates this run sent. */
	spent: number;
	/** Creates sent and counted. */
	videos: number;
	/** Of those, answered from FastRouter's cache. */
	cached: number;
	/** Items not created because they did not fit Max Credits per Run. */
	refused: number;
}

/**
 * Where an item's video stands, from how far the item got: its video `done`, the item `failed`
 * (with a task or before any), or still `open` — waited for, or (Create) a task left running.
 */
export function videoState(progress: 'done' | 'failed' | 'open', created: boolean): VideoState {
	if (progress === 'done') return 'done';
	if (progress === 'open') return 'waiting';
	return created ? 'failed' : 'not created';
}

/** What FastRouter reported a finished video cost: its output item's `costUsd`, when it said. */
export function costOf(json: IDataObject): number | undefined {
	return typeof json.costUsd === 'number' ? json.costUsd : undefined;
}

/**
 * A run's summary from its items' outcomes and its credits. `wait`: how the run waited for its
 * videos (Create and Wait), so that an output is a finished video; without it (Create) an output
 * is a task left running.
 */
export function summarize(outcomes: ItemOutcome[], credits: RunCredits, wait?: string): RunSummary {
	const videos = outcomes.map((outcome) => {
		const done = outcome.kind === 'output' && wait !== undefined;
		const progress = outcome.kind === 'failed' ? 'failed' : done ? 'done' : 'open';
		const costUsd = done ? costOf(outcome.item.json) : undefined;
		return {
			state: videoState(progress, outcome.created !== undefined),
			taskId: outcome.created?.taskId,
			costUsd,
		};
	});
	return { ...(wait !== undefined ? { wait } : {}), videos, credits };
}

/** `8 videos, 48 credits ($0.96), 1 from FastRouter's cache, 12 not created: credit limit`. */
function costLine(summary: RunSummary): string {
	const { videos, spent, cached, refused } = summary.credits;
	const usd = summary.videos.reduce(
		(sum, video) => sum + (typeof video.costUsd === 'number' ? video.costUsd : 0),
		0,
	);
	const parts = [
		`${videos} video${videos === 1 ? '' : 's'}, ${Math.round(spent * 100) / 100} credits${usd > 0 ? ` ($${usd.toFixed(2)})` : ''}`,
	];
	if (cached) parts.push(`${cached} from FastRouter's cache`);
	if (refused) parts.push(`${refused} not created: credit limit`);
	return parts.join(', ');
}

/** `3/10 done, 1 failed, 6 waiting`. */
function videosLine(videos: RunSummary['videos']): string {
	const count = (state: VideoState) => videos.filter((video) => video.state === state).length;
	const parts = [`${count('done')}/${videos.length} done`];
	for (const state of ['failed', 'waiting', 'not created'] as const)
		if (count(state)) parts.push(`${count(state)} ${state}`);
	return parts.join(', ');
}

/** The task ids, as many as fit; the rest counted. A search for an id finds its run. */
function tasksLine(videos: RunSummary['videos']): string {
	const ids = videos.flatMap((video) => (video.taskId ? [video.taskId] : []));
	let line = '';
	for (let index = 0; index < ids.length; index++) {
		const more = ids.length - index - 1;
		const next = `${line}${line ? ' ' : ''}${ids[index]}`;
		if (next.length + (more ? ` +${more} more`.length : 0) > MAX_VALUE_CHARS)
			return `${line} +${ids.length - index} more`;
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
			...(summary.wait
				? { [SUMMARY_KEYS.wait]: redactText(summary.wait, secret).slice(0, MAX_VALUE_CHARS) }
				: {}),
			[SUMMARY_KEYS.tasks]: redactText(tasksLine(summary.videos), secret),
			[SUMMARY_KEYS.cost]: costLine(summary).slice(0, MAX_VALUE_CHARS),
		});
	} catch (error) {
		ctx.logger.debug(
			`FastRouter Video could not write the execution’s custom data: ${messageOf(error)}`,
		);
	}
}

/**
 * What a parked durable wait shows on the node's output, which the editor keeps showing while the
 * node waits (above its waiting text, descriptions/waiting.ts, which cannot read the run): the
 * videos, how many were done when it parked, where the live progress is, and the cost so far.
 */
export function hintParked(
	ctx: IExecuteFunctions,
	summary: RunSummary,
	subExecutionId: string,
): void {
	const count = summary.videos.length;
	const prefix = `Waiting durably for ${count} video${count === 1 ? '' : 's'}; when it parked: ${videosLine(summary.videos)}. Live progress: sub-execution ${subExecutionId} (“View sub-execution”). Created: `;
	hintCost(ctx, summary, prefix);
}

/** The run's cost as a hint on the node's output in the editor (n8n 1.x has no hints: then none). */
export function hintCost(ctx: IExecuteFunctions, summary: RunSummary, prefix = ''): void {
	if (typeof ctx.addExecutionHints !== 'function') return;
	ctx.addExecutionHints({ message: `${prefix}${costLine(summary)}`, location: 'outputPane' });
}

/** The summary where users look: the execution's custom data, and the cost as a hint after `hintPrefix`. */
export function showSummary(
	ctx: IExecuteFunctions,
	summary: RunSummary,
	secret: string,
	hintPrefix = '',
): void {
	publishSummary(ctx, summary, secret);
	hintCost(ctx, summary, hintPrefix);
}
