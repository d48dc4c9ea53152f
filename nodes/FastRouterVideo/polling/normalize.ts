import type { IDataObject, JsonObject } from 'n8n-workflow';

/**
 * FastRouter answers in two shapes: a task envelope (`data.taskId`, `data.generations[]`) for
 * Pollo, Veo, Runway, Seedance…, and OpenAI's video object (`id`, `status`, `progress`) for Sora.
 * Both become one item with the same keys, told apart by the answer itself so a model added to
 * FastRouter tomorrow normalizes too. The newer generation of the API (`fr_` ids) adds to the
 * envelope: `estimate_usage` on the create, the final cost (`usage.credits_used`, `data.credit`,
 * `data.costUsd`) and FastRouter's hosted copy (`fastrouter_assets`) on the finished poll, and
 * `cached` for a result served from its cache.
 */

type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed';

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
	costUsd: number | null;
	/** FastRouter served the result from its cache: not billed. */
	cached: boolean;
	/** FastRouter's own copy of the video (lives longer than the provider's link). */
	hostedVideoUrl: string | null;
	/** When the hosted copy expires. */
	expiresAt: string | null;
}

/** What one answer says about cost; mergeTask decides which answer's figures stand. */
type CostFigures = Pick<NormalizedTask, 'creditsUsed' | 'costUsd' | 'provider'>;

/**
 * Every status word FastRouter or a provider behind it is known to use, as one of the node's four.
 * Providers' own words pass through FastRouter: Runway's THROTTLED, MiniMax's Preparing and
 * Queueing, fal's IN_QUEUE; other video gateways end tasks `expired` or `cancelled`. FastRouter
 * documents no list, so a word missing here is reported by name (unknownStatusWord), not guessed.
 */
const STATUS_WORDS: Record<string, TaskStatus> = {
	waiting: 'queued',
	queued: 'queued',
	queueing: 'queued',
	in_queue: 'queued',
	pending: 'queued',
	submitted: 'queued',
	preparing: 'queued',
	starting: 'queued',
	throttled: 'queued',
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
	expired: 'failed',
	cancelled: 'failed',
	canceled: 'failed',
	aborted: 'failed',
	timeout: 'failed',
	timed_out: 'failed',
	rejected: 'failed',
};

/**
 * The words that end a task without a video for a reason other than a failed render: each is told
 * as what it is (its error code is `task_<what>`), not as "the generation failed".
 */
const ENDINGS: Record<string, { code: string; says: string }> = {
	expired: { code: 'task_expired', says: 'expired before a video was made' },
	cancelled: { code: 'task_cancelled', says: 'was cancelled before a video was made' },
	canceled: { code: 'task_cancelled', says: 'was cancelled before a video was made' },
	aborted: { code: 'task_cancelled', says: 'was aborted before a video was made' },
	timeout: { code: 'task_timed_out', says: 'timed out at the provider before a video was made' },
	timed_out: { code: 'task_timed_out', says: 'timed out at the provider before a video was made' },
	rejected: { code: 'task_rejected', says: 'was rejected by the provider' },
};

/** Whether a failed task's error code is one of the endings above (its message names the task and the word). */
export function isEnding(code: string | undefined): boolean {
	return code !== undefined && Object.values(ENDINGS).some((ending) => ending.code === code);
}

/**
 * An envelope's `code` that is the task's state rather than the request's outcome: answers seen in
 * the wild carry `code: "processing"` on a running task and `code: "failed"` on a failed one, beside
 * a `data` object. `error` stays a request error, and a success code says nothing about the task.
 */
export function codeIsTaskState(json: JsonObject): boolean {
	const status =
		typeof json.code === 'string' && json.code.toLowerCase() !== 'error'
			? toStatus(json.code)
			: undefined;
	return status !== undefined && status !== 'succeeded' && objectAt(json.data) !== undefined;
}

/**
 * The status word an answer gives, when it is not one this node knows (`(none)` when it gives
 * none): the wait reports it instead of reading it as "queued" until Max Wait.
 */
export function unknownStatusWord(json: JsonObject): string | undefined {
	const data = json.data as JsonObject | undefined;
	const words =
		data && typeof data === 'object'
			? [
					(Array.isArray(data.generations)
						? (data.generations[0] as JsonObject | undefined)
						: undefined
					)?.status,
					data.status,
				]
			: [json.status];
	const given = words.filter((word) => word !== undefined && word !== null && word !== '');
	if (given.length === 0) return codeIsTaskState(json) ? undefined : '(none)';
	return given.some((word) => toStatus(word) !== undefined) ? undefined : String(given[0]);
}

function toStatus(word: unknown): TaskStatus | undefined {
	return typeof word === 'string' ? STATUS_WORDS[word.toLowerCase()] : undefined;
}

/**
 * Why a task ended without a video, in FastRouter's words wherever it gives any: a generation's
 * or the task's `failMsg`, an `error` (a string, as in a real `openai/sora-2` failure, or an object
 * with a `message`) in the task or the answer, then — for a failure the envelope's `code` reports —
 * its `message`. An ending word (`expired`, …) says what it is and names the task.
 */
function failureOf(
	word: unknown,
	taskId: string | null,
	reasons: unknown[],
	failCode: unknown,
): NormalizedTask['error'] {
	const reason = reasons.map(errorText).find((found) => found !== null) ?? null;
	const ending = typeof word === 'string' ? ENDINGS[word.toLowerCase()] : undefined;
	if (!ending)
		return {
			message: reason ?? 'The generation failed',
			code: text(failCode) ?? 'generation_failed',
		};
	const said = `${taskId ? `Task ${taskId}` : 'The task'} ${ending.says} (FastRouter’s status "${String(word)}")`;
	return { message: reason ? `${said}: ${reason}` : said, code: ending.code };
}

/** The words of an error given as text or as `{ message }`. */
function errorText(value: unknown): string | null {
	return text(value) ?? text(objectAt(value)?.message);
}

/** `model` is the full provider/model id the task was created with: Sora echoes it without prefix. */
export function normalizeAnswer(json: JsonObject, model: string): NormalizedTask {
	const data = json.data as JsonObject | undefined;
	return data && typeof data === 'object'
		? fromTaskEnvelope(json, data, model)
		: fromVideoObject(json, model);
}

function fromTaskEnvelope(json: JsonObject, data: JsonObject, model: string): NormalizedTask {
	const generations = Array.isArray(data.generations) ? (data.generations as JsonObject[]) : [];
	const generation = generations[0];
	// The first word the node knows decides; an envelope whose `code` is the task's state speaks last.
	const code = codeIsTaskState(json) ? json.code : undefined;
	const word = [generation?.status, data.status, code].find(
		(candidate) => toStatus(candidate) !== undefined,
	);
	const status = toStatus(word) ?? 'queued';
	const finished = status === 'succeeded' || status === 'failed';
	const taskId = text(data.taskId) ?? text(generation?.id);
	const reasons = [
		generation?.failMsg,
		data.failMsg,
		generation?.error,
		data.error,
		json.error,
		code ? json.message : undefined,
	];
	return {
		taskId,
		model,
		status,
		progress: status === 'succeeded' ? 100 : percent(data.progress ?? generation?.progress),
		videoUrl: status === 'succeeded' ? text(generation?.url) : null,
		error: status === 'failed' ? failureOf(word, taskId, reasons, generation?.failCode) : null,
		...costs(json, data),
		createdAt: isoDate(generation?.createdDate),
		completedAt: finished ? isoDate(generation?.updatedDate) : null,
		...newerExtras(json, data),
	};
}

function fromVideoObject(json: JsonObject, model: string): NormalizedTask {
	const status = toStatus(json.status) ?? 'queued';
	const taskId = text(json.id);
	return {
		taskId,
		model,
		status,
		progress: status === 'succeeded' ? 100 : percent(json.progress),
		videoUrl: text(json.url) ?? text(json.video_url),
		error:
			status === 'failed'
				? failureOf(json.status, taskId, [json.error, json.failMsg], objectAt(json.error)?.code)
				: null,
		...costs(json, undefined),
		createdAt: isoDate(json.created_at),
		completedAt: isoDate(json.completed_at),
		...newerExtras(json, undefined),
	};
}

/**
 * FastRouter's own error in a 2xx answer: an `error` object, and no task named. FastRouter's SDK
 * reads such an answer as an error; without a task id nothing was created.
 */
export function errorWithoutTask(
	json: JsonObject,
	model: string,
): { message: string; code: string | null } | undefined {
	const error = objectAt(json.error);
	if (!error || normalizeAnswer(json, model).taskId) return undefined;
	return {
		message: text(error.message) ?? 'no reason given',
		code: text(error.code) ?? text(error.type),
	};
}

/** Sora's finished poll is the MP4 itself: all we know is that it is done, now. */
export function finishedByVideo(taskId: string, model: string): NormalizedTask {
	return {
		...notYetSeen(taskId, model),
		status: 'succeeded',
		progress: 100,
		completedAt: new Date().toISOString(),
	};
}

/** A task known by its id only, before any answer about it (Get Status's look starts here). */
export function notYetSeen(taskId: string, model: string): NormalizedTask {
	return {
		taskId,
		model,
		status: 'queued',
		progress: null,
		videoUrl: null,
		error: null,
		creditsUsed: null,
		provider: null,
		createdAt: null,
		completedAt: null,
		costUsd: null,
		cached: false,
		hostedVideoUrl: null,
		expiresAt: null,
	};
}

/**
 * A poll knows the state; the create knew when it started and what it was expected to cost.
 * The create's figure (older APIs: the price; newer: `estimate_usage`) stands until a finished
 * poll gives the final one. Polls of running tasks are not trusted for cost: Sora's say 0 while running.
 */
export function mergeTask(created: NormalizedTask, latest: NormalizedTask): NormalizedTask {
	const finished = latest.status === 'succeeded' || latest.status === 'failed';
	const cached = created.cached || latest.cached;
	// A cache hit is not billed: its polls answer the original task's record, whose usage is what
	// the original cost, not a charge, and the create's estimate does not apply either.
	const estimate = cached ? 0 : created.creditsUsed;
	return {
		...latest,
		taskId: latest.taskId ?? created.taskId,
		creditsUsed: cached ? 0 : finished ? (latest.creditsUsed ?? estimate) : estimate,
		costUsd: cached ? 0 : finished ? (latest.costUsd ?? created.costUsd) : created.costUsd,
		provider: latest.provider ?? created.provider,
		createdAt: latest.createdAt ?? created.createdAt,
		cached,
		hostedVideoUrl: latest.hostedVideoUrl ?? created.hostedVideoUrl,
		expiresAt: latest.expiresAt ?? created.expiresAt,
	};
}

/**
 * Credits from whichever place the answer has them: `usage.user_key_credits_used` (what the key's
 * owner is charged, in the older answers), `usage.credits_used` (the newer answers' only figure),
 * then `data.credit`; the create's `estimate_usage` when there is no `usage`.
 */
function costs(json: JsonObject, data: JsonObject | undefined): CostFigures {
	const final = objectAt(json.usage);
	const block = final ?? objectAt(json.estimate_usage);
	const credits = [block?.user_key_credits_used, block?.credits_used, data?.credit].find(isNumber);
	// A cached answer is not billed: an estimate on it is not what the user pays.
	if (!final && isCached(json, data))
		return { creditsUsed: 0, costUsd: 0, provider: text(block?.provider) };
	const costUsd = [data?.costUsd, block?.costUsd, block?.cost_usd].find(isNumber);
	return {
		creditsUsed: credits ?? null,
		costUsd: costUsd ?? null,
		provider: text(block?.provider),
	};
}

function newerExtras(
	json: JsonObject,
	data: JsonObject | undefined,
): Pick<NormalizedTask, 'cached' | 'hostedVideoUrl' | 'expiresAt'> {
	const assets = objectAt(json.fastrouter_assets);
	const urls = Array.isArray(assets?.urls) ? assets.urls : [];
	return {
		cached: isCached(json, data),
		hostedVideoUrl: text(urls.find((url) => typeof url === 'string' && url !== '')),
		expiresAt: isoDate(assets?.expires_at),
	};
}

function isCached(json: JsonObject, data: JsonObject | undefined): boolean {
	return json.cached === true || data?.cached === true;
}

function objectAt(value: unknown): JsonObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as JsonObject)
		: undefined;
}

function isNumber(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
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

/**
 * ISO strings pass through; unix seconds (the video object's, `fastrouter_assets.expires_at`)
 * convert; 0 means "not yet". A figure too large for seconds is read as milliseconds.
 */
function isoDate(value: unknown): string | null {
	if (typeof value === 'number') {
		if (!(value > 0) || !Number.isFinite(value)) return null;
		return new Date(value > 1e11 ? value : value * 1000).toISOString();
	}
	if (typeof value !== 'string' || value === '') return null;
	const time = Date.parse(value);
	return Number.isNaN(time) ? null : new Date(time).toISOString();
}
