import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { FIELD_WIRE, VIDEO_FIELDS } from '../catalog';
import type {
	BatchOptions,
	DownloadSettings,
	OptionScope,
	OptionsOf,
	RequestAdditions,
	VideoDelivery,
	WaitTerms,
} from '../settings/itemSettings';
import {
	CACHE_TTL_RANGE_S,
	DEFAULT_DOWNLOAD_TIMEOUT_S,
	DEFAULT_MAX_CONCURRENT,
	DEFAULT_MAX_VIDEO_MB,
	DEFAULT_MAX_WAIT_S,
	DEFAULT_POLL_INTERVAL_S,
	MAX_TIMER_MS,
	MIN_POLL_INTERVAL_MS,
} from '../settings/limits';
import {
	DEFAULT_ON_TIMEOUT,
	DEFAULT_WAIT_MODE,
	ON_TIMEOUT_CHOICES,
	WAIT_MODES,
} from '../settings/parameterValues';
import { messageOf, show } from '../text/wording';
import { type Checked, accepted, checkedFields, refused } from './checked';

/**
 * Every option and output switch of an item, read and checked once, the same way for every
 * operation: a value one operation refuses, every operation refuses, before anything is sent. An
 * expression can hand the node anything: a word, NaN, Infinity, 2.5 machines, a wait no timer can
 * hold. Each is refused naming the option and the value; the only value adjusted instead is a Poll
 * Interval under 1 s, raised to 1 s as the README says.
 */

const MB = 1024 * 1024;

type OptionsReader<S extends OptionScope> = (
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
) => Checked<OptionsOf[S]>;

/** How each operation reads its item's options (in the order their problems are reported). */
const ITEM_OPTIONS: { [S in OptionScope]: OptionsReader<S> } = {
	create: (_ctx, _itemIndex, options) =>
		checkedFields({
			includeRaw: checkIncludeRaw(options),
			request: checkRequestAdditions(options),
		}),
	createAndWait: (ctx, itemIndex, options) => {
		const checked = checkedFields({
			includeRaw: checkIncludeRaw(options),
			delivery: checkDelivery(ctx, itemIndex, options),
			request: checkRequestAdditions(options),
			wait: checkWaitTiming(options),
		});
		if (!checked.ok) return checked;
		const { wait, ...rest } = checked.value;
		return accepted({ ...rest, ...wait });
	},
	getStatus: (ctx, itemIndex, options) =>
		checkedFields({
			includeRaw: checkIncludeRaw(options),
			delivery: checkDelivery(ctx, itemIndex, options),
		}),
};

/** One item's options and switches, as its operation has them, or every one that makes no sense. */
export function readItemOptions<S extends OptionScope>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	scope: S,
): Checked<OptionsOf[S]> {
	return ITEM_OPTIONS[scope](ctx, itemIndex, optionsOf(ctx, itemIndex));
}

/** The options that hold for the whole batch, from its first item. */
export function readBatchOptions(ctx: IExecuteFunctions): Checked<BatchOptions> {
	const options = optionsOf(ctx, 0);
	const maxConcurrent = checkNumber(
		options,
		{ label: 'Max Concurrent', name: 'maxConcurrent', min: 1, integer: true },
		DEFAULT_MAX_CONCURRENT,
	);
	const waitMode = checkChoice(
		options.waitMode,
		'Wait Mode',
		'waitMode',
		WAIT_MODES,
		DEFAULT_WAIT_MODE,
	);
	const maxCredits =
		given(options.maxCredits) === undefined
			? undefined
			: checkNumber(
					options,
					{ label: 'Max Credits per Run', name: 'maxCredits', min: 0, zeroAllowed: true },
					0,
				);
	const checked = [maxConcurrent, waitMode, maxCredits];
	if (!maxConcurrent.ok || !waitMode.ok || (maxCredits && !maxCredits.ok))
		return refused(...checked.flatMap((entry) => (entry && !entry.ok ? entry.problems : [])));
	return accepted({
		maxConcurrent: maxConcurrent.value,
		waitMode: waitMode.value,
		...(maxCredits?.ok ? { maxCredits: maxCredits.value } : {}),
	});
}

function optionsOf(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return (ctx.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
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
	/** 0 is a value like any other (a limit of nothing), not "unset". */
	zeroAllowed?: boolean;
}

/** An option left empty, as the editor or an expression leaves it. */
function given(value: unknown): unknown {
	return value === null || value === '' ? undefined : value;
}

function checkNumber(options: IDataObject, rule: NumberRule, fallback: number): Checked<number> {
	const value = given(options[rule.name]);
	if (value === undefined) return accepted(fallback);
	const number = asNumber(value);
	const refuse = (why: string) => refused(`"${rule.label}" (${rule.name}) ${show(value)} ${why}`);
	if (number === undefined || Number.isNaN(number)) return refuse('is not a number');
	if (!Number.isFinite(number)) return refuse('is not a finite number');
	if (rule.integer && !Number.isInteger(number)) return refuse('must be a whole number');
	if (
		(number <= 0 && !(rule.zeroAllowed && number === 0)) ||
		(number < rule.min && !rule.clampBelow)
	)
		return refuse(`must be at least ${rule.min}`);
	if (rule.msPerUnit && number * rule.msPerUnit > MAX_TIMER_MS) {
		return refuse(
			`is longer than a timer can wait (at most ${Math.floor(MAX_TIMER_MS / rule.msPerUnit)})`,
		);
	}
	if (rule.bytesPerUnit && number * rule.bytesPerUnit > Number.MAX_SAFE_INTEGER)
		return refuse('is too large');
	if (!Number.isSafeInteger(Math.ceil(number))) return refuse('is too large');
	return accepted(Math.max(number, rule.min));
}

function checkChoice<T extends string>(
	raw: unknown,
	label: string,
	name: string,
	allowed: readonly T[],
	fallback: T,
): Checked<T> {
	const value = given(raw);
	if (value === undefined) return accepted(fallback);
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return accepted(value as T);
	return refused(
		`"${label}" (${name}) ${show(value)} is not one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
	);
}

function checkIncludeRaw(options: IDataObject): Checked<boolean> {
	return checkBoolean(options.includeRawResponse, 'Include Raw Response', 'includeRawResponse');
}

function checkBoolean(
	raw: unknown,
	label: string,
	name: string,
	fallback = false,
): Checked<boolean> {
	const value = given(raw);
	if (value === undefined) return accepted(fallback);
	if (typeof value === 'boolean') return accepted(value);
	return refused(`"${label}" (${name}) ${show(value)} is not true or false`);
}

/** Download Video, its output field, and the download's limits. */
function checkDelivery(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): Checked<VideoDelivery> {
	const attach = checkBoolean(
		ctx.getNodeParameter('download', itemIndex, true),
		'Download Video',
		'download',
		true,
	);
	const limits = checkDownloadLimits(options);
	if (!attach.ok || !limits.ok)
		return refused(...(attach.ok ? [] : attach.problems), ...(limits.ok ? [] : limits.problems));
	const binaryPropertyName =
		String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim() || 'data';
	return accepted({ attach: attach.value, binaryPropertyName, limits: limits.value });
}

function checkDownloadLimits(options: IDataObject): Checked<DownloadSettings> {
	const size = checkNumber(
		options,
		{ label: 'Max Video Size (MB)', name: 'maxVideoSize', min: 1, bytesPerUnit: MB },
		DEFAULT_MAX_VIDEO_MB,
	);
	if (!size.ok) return size;
	const timeout = checkNumber(
		options,
		{ label: 'Download Timeout (Seconds)', name: 'downloadTimeout', min: 1, msPerUnit: 1000 },
		DEFAULT_DOWNLOAD_TIMEOUT_S,
	);
	if (!timeout.ok) return timeout;
	return accepted({ maxBytes: Math.floor(size.value * MB), timeoutMs: timeout.value * 1000 });
}

/** Poll Interval, Max Wait and On Timeout: when the item is polled, and how its wait ends. */
function checkWaitTiming(
	options: IDataObject,
): Checked<Pick<WaitTerms, 'intervalMs' | 'maxWaitS' | 'onTimeout'>> {
	const interval = checkNumber(
		options,
		{
			label: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			min: MIN_POLL_INTERVAL_MS / 1000,
			msPerUnit: 1000,
			clampBelow: true,
		},
		DEFAULT_POLL_INTERVAL_S,
	);
	if (!interval.ok) return interval;
	const maxWait = checkNumber(
		options,
		{ label: 'Max Wait (Seconds)', name: 'maxWait', min: 1, msPerUnit: 1000 },
		DEFAULT_MAX_WAIT_S,
	);
	if (!maxWait.ok) return maxWait;
	const onTimeout = checkChoice(
		options.onTimeout,
		'On Timeout',
		'onTimeout',
		ON_TIMEOUT_CHOICES,
		DEFAULT_ON_TIMEOUT,
	);
	if (!onTimeout.ok) return onTimeout;
	return accepted({
		intervalMs: interval.value * 1000,
		maxWaitS: maxWait.value,
		onTimeout: onTimeout.value,
	});
}

/** FastRouter's rule for a cache namespace. */
const CACHE_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,128}$/;

/** Fields the node sends itself: Additional Fields may not name them (nor FastRouter's `cache` object). */
const OWN_FIELDS = new Set([
	'model',
	'cache',
	...VIDEO_FIELDS.map((field) => FIELD_WIRE[field].apiName),
]);

/** The cache options and Additional Fields of one item, as what they add to its create request. */
function checkRequestAdditions(options: IDataObject): Checked<RequestAdditions> {
	const problems: string[] = [];
	const headers: Record<string, string> = {};
	const body: Record<string, unknown> = {};
	const cacheKey = given(options.cacheKey);
	const key = cacheKey === undefined ? '' : String(cacheKey).trim();
	if (key !== '') {
		if (CACHE_KEY_PATTERN.test(key)) headers.cache_key = key;
		else
			problems.push(
				`"Cache Key" (cacheKey) ${show(cacheKey)} is not a FastRouter cache key (at most 128 characters of A–Z, a–z, 0–9, _ - : .)`,
			);
	}
	if (given(options.cacheTtl) !== undefined) {
		const ttl = checkNumber(
			options,
			{
				label: 'Cache Lifetime (Seconds)',
				name: 'cacheTtl',
				min: CACHE_TTL_RANGE_S.min,
				integer: true,
			},
			CACHE_TTL_RANGE_S.min,
		);
		if (!ttl.ok) problems.push(...ttl.problems);
		else if (ttl.value > CACHE_TTL_RANGE_S.max)
			problems.push(
				`"Cache Lifetime (Seconds)" (cacheTtl) ${ttl.value} is more than FastRouter keeps a cached answer (at most ${CACHE_TTL_RANGE_S.max}, 7 days)`,
			);
		else if (key === '')
			problems.push(
				'"Cache Lifetime (Seconds)" (cacheTtl) needs a Cache Key: without one FastRouter caches nothing',
			);
		else body.cache = { expiration_time: ttl.value };
	}
	const extra = additionalFields(given(options.additionalFields));
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
			return refused(
				`${label} ${show(value)} is not JSON (${messageOf(error)}): give a JSON object, e.g. {"fps": 24}`,
			);
		}
	}
	if (parsed === undefined) return accepted({});
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return refused(`${label} ${show(parsed)} is not a JSON object: give one, e.g. {"fps": 24}`);
	}
	const taken = Object.keys(parsed).filter((name) => OWN_FIELDS.has(name));
	if (taken.length) {
		return refused(
			`${label} names ${taken.map((name) => `"${name}"`).join(', ')}, which the node sets itself: use its own field (or option) instead`,
		);
	}
	return accepted(parsed as Record<string, unknown>);
}
