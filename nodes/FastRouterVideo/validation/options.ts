import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { FIELD_WIRE, VIDEO_FIELDS } from '../catalog';
import {
	CACHE_TTL_RANGE_S,
	DEFAULT_DOWNLOAD_TIMEOUT_S,
	DEFAULT_MAX_CONCURRENT,
	DEFAULT_MAX_VIDEO_MB,
	DEFAULT_MAX_WAIT_S,
	DEFAULT_ON_TIMEOUT,
	DEFAULT_POLL_INTERVAL_S,
	MIN_POLL_INTERVAL_S,
	ON_TIMEOUT_CHOICES,
	DEFAULT_WAIT_MODE,
	WAIT_MODES,
} from '../descriptions/optionFields';
import { show } from '../text/wording';
import { type Checked, accepted, refused } from './checked';

/**
 * The Options collections' values, checked before the first create. An expression can hand the
 * node anything: a word, NaN, Infinity, 2.5 machines, a wait no timer can hold (Node's timers
 * stop at 2^31-1 ms, about 24.8 days, and fire at once past it). Each is refused naming the option
 * and the value; the only value adjusted instead is a Poll Interval under 1 s, raised to 1 s as
 * the README says.
 */

export const MAX_TIMER_MS = 2 ** 31 - 1;
const MB = 1024 * 1024;

/** The limits of one item's download. */
export interface DownloadSettings {
	maxBytes: number;
	timeoutMs: number;
}

/** What an item's options add to its create request: headers, and fields merged into the body. */
export interface RequestAdditions {
	headers: Record<string, string>;
	body: Record<string, unknown>;
}

/** Whether and where a finished task's video is attached, and the limits of its download. */
export interface VideoDelivery {
	attach: boolean;
	binaryPropertyName: string;
	limits: DownloadSettings;
}

/** An item's Download Video and Put Output File in Field, with its checked download limits. */
export function videoDeliveryFor(ctx: IExecuteFunctions, itemIndex: number, limits: DownloadSettings): VideoDelivery {
	const attach = ctx.getNodeParameter('download', itemIndex, true) as boolean;
	const binaryPropertyName = (ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string) || 'data';
	return { attach, binaryPropertyName, limits };
}

/** One Create and Wait item's options, checked. */
export interface WaitOptions {
	intervalMs: number;
	maxWaitS: number;
	onTimeout: (typeof ON_TIMEOUT_CHOICES)[number];
	includeRaw: boolean;
	download: DownloadSettings;
	waitMode: (typeof WAIT_MODES)[number];
}

export function optionsFor(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** A plain number: a JS number or a numeric string as an expression gives it. */
function asNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
	return undefined;
}

interface NumberRule {
	label: string;
	name: string;
	min: number;
	/** What 1 unit is in ms, for options that become timers. */
	msPerUnit?: number;
	bytesPerUnit?: number;
	integer?: boolean;
	/** Values under `min` are raised to it instead of refused (only where the README says so). */
	clampBelow?: boolean;
}

function given(options: IDataObject, name: string): unknown {
	const value = options[name];
	return value === null || value === '' ? undefined : value;
}

export function checkNumber(options: IDataObject, rule: NumberRule, fallback: number): Checked<number> {
	const value = given(options, rule.name);
	if (value === undefined) return accepted(fallback);
	const number = asNumber(value);
	const refuse = (why: string) => refused(`"${rule.label}" (${rule.name}) ${show(value)} ${why}`);
	if (number === undefined || Number.isNaN(number)) return refuse('is not a number');
	if (!Number.isFinite(number)) return refuse('is not a finite number');
	if (rule.integer && !Number.isInteger(number)) return refuse('must be a whole number');
	if (number <= 0 || (number < rule.min && !rule.clampBelow)) return refuse(`must be at least ${rule.min}`);
	if (rule.msPerUnit && number * rule.msPerUnit > MAX_TIMER_MS) {
		return refuse(`is longer than a timer can wait (at most ${Math.floor(MAX_TIMER_MS / rule.msPerUnit)})`);
	}
	if (rule.bytesPerUnit && number * rule.bytesPerUnit > Number.MAX_SAFE_INTEGER) return refuse('is too large');
	if (!Number.isSafeInteger(Math.ceil(number))) return refuse('is too large');
	return accepted(Math.max(number, rule.min));
}

export function checkChoice<T extends string>(options: IDataObject, label: string, name: string, allowed: readonly T[], fallback: T): Checked<T> {
	const value = given(options, name);
	if (value === undefined) return accepted(fallback);
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return accepted(value as T);
	return refused(`"${label}" (${name}) ${show(value)} is not one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
}

export function checkBoolean(options: IDataObject, label: string, name: string): Checked<boolean> {
	const value = given(options, name);
	if (value === undefined) return accepted(false);
	if (typeof value === 'boolean') return accepted(value);
	return refused(`"${label}" (${name}) ${show(value)} is not true or false`);
}

/** The download limits of one item, or the first option that makes no sense. */
export function checkDownloadOptions(options: IDataObject): Checked<DownloadSettings> {
	const size = checkNumber(options, { label: 'Max Video Size (MB)', name: 'maxVideoSize', min: 1, bytesPerUnit: MB }, DEFAULT_MAX_VIDEO_MB);
	if (!size.ok) return size;
	const timeout = checkNumber(
		options,
		{ label: 'Download Timeout (Seconds)', name: 'downloadTimeout', min: 1, msPerUnit: 1000 },
		DEFAULT_DOWNLOAD_TIMEOUT_S,
	);
	if (!timeout.ok) return timeout;
	return accepted({ maxBytes: Math.floor(size.value * MB), timeoutMs: timeout.value * 1000 });
}

/** Create and Wait's Max Concurrent: read from the first item, as it bounds the whole batch. */
export function checkMaxConcurrent(options: IDataObject): Checked<number> {
	return checkNumber(options, { label: 'Max Concurrent', name: 'maxConcurrent', min: 1, integer: true }, DEFAULT_MAX_CONCURRENT);
}

/** One Create and Wait item's options, or the first one that makes no sense. */
export function checkWaitOptions(options: IDataObject): Checked<WaitOptions> {
	const interval = checkNumber(
		options,
		{ label: 'Poll Interval (Seconds)', name: 'pollInterval', min: MIN_POLL_INTERVAL_S, msPerUnit: 1000, clampBelow: true },
		DEFAULT_POLL_INTERVAL_S,
	);
	if (!interval.ok) return interval;
	const maxWait = checkNumber(options, { label: 'Max Wait (Seconds)', name: 'maxWait', min: 1, msPerUnit: 1000 }, DEFAULT_MAX_WAIT_S);
	if (!maxWait.ok) return maxWait;
	const onTimeout = checkChoice(options, 'On Timeout', 'onTimeout', ON_TIMEOUT_CHOICES, DEFAULT_ON_TIMEOUT);
	if (!onTimeout.ok) return onTimeout;
	const includeRaw = checkBoolean(options, 'Include Raw Response', 'includeRawResponse');
	if (!includeRaw.ok) return includeRaw;
	const download = checkDownloadOptions(options);
	if (!download.ok) return download;
	const waitMode = checkChoice(options, 'Wait Mode', 'waitMode', WAIT_MODES, DEFAULT_WAIT_MODE);
	if (!waitMode.ok) return waitMode;
	return accepted({
		intervalMs: interval.value * 1000,
		maxWaitS: maxWait.value,
		onTimeout: onTimeout.value,
		includeRaw: includeRaw.value,
		download: download.value,
		waitMode: waitMode.value,
	});
}

/** FastRouter's rule for a cache namespace. */
const CACHE_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,128}$/;

/** Fields the node sends itself: Additional Fields may not name them (nor FastRouter's `cache` object). */
const OWN_FIELDS = new Set(['model', 'cache', ...VIDEO_FIELDS.map((field) => FIELD_WIRE[field].apiName)]);

/** The cache options and Additional Fields of one item, as what they add to its create request. */
export function checkRequestAdditions(options: IDataObject): Checked<RequestAdditions> {
	const problems: string[] = [];
	const headers: Record<string, string> = {};
	const body: Record<string, unknown> = {};
	const cacheKey = given(options, 'cacheKey');
	const key = cacheKey === undefined ? '' : String(cacheKey).trim();
	if (key !== '') {
		if (CACHE_KEY_PATTERN.test(key)) headers.cache_key = key;
		else problems.push(`"Cache Key" (cacheKey) ${show(cacheKey)} is not a FastRouter cache key (at most 128 characters of A–Z, a–z, 0–9, _ - : .)`);
	}
	if (given(options, 'cacheTtl') !== undefined) {
		const ttl = checkNumber(options, { label: 'Cache Lifetime (Seconds)', name: 'cacheTtl', min: CACHE_TTL_RANGE_S.min, integer: true }, CACHE_TTL_RANGE_S.min);
		if (!ttl.ok) problems.push(...ttl.problems);
		else if (ttl.value > CACHE_TTL_RANGE_S.max) problems.push(`"Cache Lifetime (Seconds)" (cacheTtl) ${ttl.value} is more than FastRouter keeps a cached answer (at most ${CACHE_TTL_RANGE_S.max}, 7 days)`);
		else if (key === '') problems.push('"Cache Lifetime (Seconds)" (cacheTtl) needs a Cache Key: without one FastRouter caches nothing');
		else body.cache = { expiration_time: ttl.value };
	}
	const extra = additionalFields(given(options, 'additionalFields'));
	if (!extra.ok) problems.push(...extra.problems);
	else Object.assign(body, extra.value);
	return problems.length ? refused(...problems) : accepted({ headers, body });
}

/** Additional Fields: a JSON object (text, or an object from an expression) naming none of the node's own fields. */
function additionalFields(value: unknown): Checked<Record<string, unknown>> {
	const label = '"Additional Fields (JSON)" (additionalFields)';
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return accepted({});
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			return refused(`${label} ${show(value)} is not JSON (${(error as Error).message}): give a JSON object, e.g. {"fps": 24}`);
		}
	}
	if (parsed === undefined) return accepted({});
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return refused(`${label} ${show(parsed)} is not a JSON object: give one, e.g. {"fps": 24}`);
	}
	const taken = Object.keys(parsed).filter((name) => OWN_FIELDS.has(name));
	if (taken.length) {
		return refused(`${label} names ${taken.map((name) => `"${name}"`).join(', ')}, which the node sets itself: use its own field (or option) instead`);
	}
	return accepted(parsed as Record<string, unknown>);
}
