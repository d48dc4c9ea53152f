/**
 * The values the editor and the run share: every option's default and bounds, the poll-interval
 * floors, and how much the node asks of FastRouter at once. The editor's fields (descriptions/)
 * show them; the checks (validation/), the wait (polling/, durable/) and the download obey them.
 */

/** FastRouter's own examples poll every few seconds; under 1 s only burns rate limit. */
export const MIN_POLL_INTERVAL_MS = 1_000;
/**
 * A durable wait polls no more often than n8n resumes a stored wait: its wait tracker looks for due
 * waits once a minute, so a shorter wait would only be resumed at its next look, late.
 */
export const DURABLE_MIN_POLL_INTERVAL_MS = 60_000;
export const DEFAULT_POLL_INTERVAL_S = 5;
/**
 * A run of a durable wait's watch step starts no new poll, download or re-create after this long;
 * what is left goes on in the next run, after n8n has saved this one. So a stop cuts off at most
 * this much work, n8n's graceful shutdown (30 s unless N8N_GRACEFUL_SHUTDOWN_TIMEOUT says otherwise)
 * mostly sees the run end, and a run resumed at n8n's start-up ends long before the wait tracker's
 * next look, a minute later, which would otherwise find it marked crashed by the start-up recovery.
 */
export const DURABLE_STEP_BUDGET_MS = 20_000;

export const DEFAULT_MAX_WAIT_S = 900;
export const DEFAULT_MAX_VIDEO_MB = 4096;
export const DEFAULT_DOWNLOAD_TIMEOUT_S = 1800;
/** A sheet of 50–100 rows runs in one wave: the whole batch waits about as long as one video. */
export const DEFAULT_MAX_CONCURRENT = 100;

/**
 * Requests of one kind the node has in flight to FastRouter at once, per run: creates, Get Status's
 * looks, a durable wait's polls. Enough for a sheet, gentle on FastRouter's rate limit.
 */
export const REQUESTS_AT_ONCE = 10;

/**
 * Create and Wait's in-process polls in flight at once, per run (they also give way to the run's
 * creates: batch/pool.ts). Every request passes n8n's whole HTTP stack (the credential applied
 * through an expression, a new connection, the SSRF check): a thousand polls at once only queue
 * there, slowing the creates and downloads beside them. Twenty answered in 0.3 s each still poll
 * about 65 tasks a second: a 1,000-row batch at the default 5 s interval is looked at every 15 s
 * or so, against renders of minutes.
 */
export const POLLS_AT_ONCE = 20;

/** Node's timers stop at 2^31-1 ms (about 24.8 days) and fire at once past it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** FastRouter's cache: its documented lifetime range, in seconds (FastRouter's own default is 16 hours). */
export const CACHE_TTL_RANGE_S = { min: 60, max: 604_800 } as const;
export const DEFAULT_CACHE_TTL_S = 57_600;
