import type { IDataObject, JsonObject } from 'n8n-workflow';

/**
 * FastRouter answers in two shapes: a task envelope (`data.taskId`, `data.generations[]`) for
 * Pollo, Veo, Runway, Seedance…, and OpenAI's video object (`id`, `status`, `progress`) for Sora.
 * Both become one item with the same keys, told apart by the answer itself so a model added to
 * FastRouter tomorrow normalizes too.
 */

export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed';

export interface NormalizedTask extends IDataObject {
	taskId: string | null;
	model: string;
	status: TaskStatus;
	progress: number | null;
	videoUrl: string | null;
	error: { message: string; code: string } | null;
	creditsUsed: number | null;
	provider: string | null;
	createdAt: string | null;
	completedAt: string | null;
}

const STATUS_WORDS: Record<string, TaskStatus> = {
	waiting: 'queued',
	queued: 'queued',
	pending: 'queued',
	submitted: 'queued',
	processing: 'processing',
	in_progress: 'processing',
	running: 'processing',
	generating: 'processing',
	succeed: 'succeeded',
	succeeded: 'succeeded',
	success: 'succeeded',
	completed: 'succeeded',
	complete: 'succeeded',
	done: 'succeeded',
	failed: 'failed',
	fail: 'failed',
	failure: 'failed',
	error: 'failed',
	cancelled: 'failed',
	canceled: 'failed',
};

/**
 * The status word an answer gives, when it is not one this node knows (`(none)` when it gives
 * none): the wait reports it instead of reading it as "queued" until Max Wait.
 */
export function unknownStatusWord(json: JsonObject): string | undefined {
	const data = json.data as JsonObject | undefined;
	const words =
		data && typeof data === 'object'
			? [(Array.isArray(data.generations) ? (data.generations[0] as JsonObject | undefined) : undefined)?.status, data.status]
			: [json.status];
	const given = words.filter((word) => word !== undefined && word !== null && word !== '');
	if (given.length === 0) return '(none)';
	return given.some((word) => toStatus(word) !== undefined) ? undefined : String(given[0]);
}

function toStatus(word: unknown): TaskStatus | undefined {
	return typeof word === 'string' ? STATUS_WORDS[word.toLowerCase()] : undefined;
}

/** `model` is the full provider/model id the task was created with: Sora echoes it without prefix. */
export function normalizeAnswer(json: JsonObject, model: string): NormalizedTask {
	const data = json.data as JsonObject | undefined;
	return data && typeof data === 'object' ? fromTaskEnvelope(json, data, model) : fromVideoObject(json, model);
}

function fromTaskEnvelope(json: JsonObject, data: JsonObject, model: string): NormalizedTask {
	const generations = Array.isArray(data.generations) ? (data.generations as JsonObject[]) : [];
	const generation = generations[0];
	const status = toStatus(generation?.status) ?? toStatus(data.status) ?? 'queued';
	const finished = status === 'succeeded' || status === 'failed';
	return {
		taskId: text(data.taskId) ?? text(generation?.id),
		model,
		status,
		progress: status === 'succeeded' ? 100 : percent(data.progress ?? generation?.progress),
		videoUrl: status === 'succeeded' ? text(generation?.url) : null,
		error:
			status === 'failed'
				? {
						message: text(generation?.failMsg) ?? text(data.failMsg) ?? 'The generation failed',
						code: text(generation?.failCode) ?? 'generation_failed',
					}
				: null,
		...usage(json),
		createdAt: isoDate(generation?.createdDate),
		completedAt: finished ? isoDate(generation?.updatedDate) : null,
	};
}

function fromVideoObject(json: JsonObject, model: string): NormalizedTask {
	const status = toStatus(json.status) ?? 'queued';
	const apiError = json.error as JsonObject | undefined | null;
	return {
		taskId: text(json.id),
		model,
		status,
		progress: status === 'succeeded' ? 100 : percent(json.progress),
		videoUrl: text(json.url) ?? text(json.video_url),
		error:
			status === 'failed'
				? {
						message: text(apiError?.message) ?? 'The generation failed',
						code: text(apiError?.code) ?? 'generation_failed',
					}
				: null,
		...usage(json),
		createdAt: isoDate(json.created_at),
		completedAt: isoDate(json.completed_at),
	};
}

/** Sora's finished poll is the MP4 itself: all we know is that it is done, now. */
export function finishedByVideo(taskId: string, model: string): NormalizedTask {
	return {
		taskId,
		model,
		status: 'succeeded',
		progress: 100,
		videoUrl: null,
		error: null,
		creditsUsed: null,
		provider: null,
		createdAt: null,
		completedAt: new Date().toISOString(),
	};
}

/** A poll knows the state; the create knew the price and when it started. Keep both. */
export function mergeTask(created: NormalizedTask, latest: NormalizedTask): NormalizedTask {
	return {
		...latest,
		taskId: latest.taskId ?? created.taskId,
		creditsUsed: created.creditsUsed ?? latest.creditsUsed,
		provider: latest.provider ?? created.provider,
		createdAt: latest.createdAt ?? created.createdAt,
	};
}

function usage(json: JsonObject): Pick<NormalizedTask, 'creditsUsed' | 'provider'> {
	const block = json.usage as JsonObject | undefined;
	const credits = block?.user_key_credits_used;
	return {
		creditsUsed: typeof credits === 'number' ? credits : null,
		provider: text(block?.provider),
	};
}

function text(value: unknown): string | null {
	if (typeof value === 'number') return String(value);
	return typeof value === 'string' && value !== '' ? value : null;
}

function percent(value: unknown): number | null {
	const number = typeof value === 'string' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number)
		? Math.min(100, Math.max(0, Math.round(number)))
		: null;
}

/** ISO strings pass through; unix seconds (the video object's) convert; 0 means "not yet". */
function isoDate(value: unknown): string | null {
	if (typeof value === 'number') return value > 0 ? new Date(value * 1000).toISOString() : null;
	if (typeof value !== 'string' || value === '') return null;
	const time = Date.parse(value);
	return Number.isNaN(time) ? null : new Date(time).toISOString();
}
