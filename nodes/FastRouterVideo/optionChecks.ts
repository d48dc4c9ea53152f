import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { DownloadSettings } from './binary';

/**
 * The Options collections' numbers, checked before the first create. An expression can hand the
 * node anything: a word, NaN, Infinity, 2.5 machines, a wait no timer can hold (Node's timers
 * stop at 2^31-1 ms, about 24.8 days, and fire at once past it). Each is refused naming the option
 * and the value; the only value adjusted instead is a Poll Interval under 1 s, raised to 1 s as
 * the README says.
 */

export const MAX_TIMER_MS = 2 ** 31 - 1;
const MB = 1024 * 1024;

export const DEFAULT_MAX_VIDEO_MB = 4096;
export const DEFAULT_DOWNLOAD_TIMEOUT_S = 1800;

export const downloadOptionProperties: INodeProperties[] = [
	{
		displayName: 'Max Video Size (MB)',
		name: 'maxVideoSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_VIDEO_MB,
		description: 'A video larger than this is not downloaded: the item fails saying so, with its task ID',
	},
	{
		displayName: 'Download Timeout (Seconds)',
		name: 'downloadTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_DOWNLOAD_TIMEOUT_S,
		description: 'How long one video’s download may take in all; one that stalls for a minute fails sooner',
	},
];

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function show(value: unknown): string {
	if (typeof value === 'string') return `"${value}"`;
	if (typeof value === 'number') return String(value);
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
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

export function checkNumber(options: IDataObject, rule: NumberRule, fallback: number): Checked<number> {
	const given = options[rule.name];
	if (given === undefined || given === null || given === '') return { ok: true, value: fallback };
	const value = asNumber(given);
	const refuse = (why: string): Checked<number> => ({ ok: false, problem: `"${rule.label}" (${rule.name}) ${show(given)} ${why}` });
	if (value === undefined || Number.isNaN(value)) return refuse('is not a number');
	if (!Number.isFinite(value)) return refuse('is not a finite number');
	if (rule.integer && !Number.isInteger(value)) return refuse('must be a whole number');
	if (value <= 0 || (value < rule.min && !rule.clampBelow)) return refuse(`must be at least ${rule.min}`);
	if (rule.msPerUnit && value * rule.msPerUnit > MAX_TIMER_MS) {
		return refuse(`is longer than a timer can wait (at most ${Math.floor(MAX_TIMER_MS / rule.msPerUnit)})`);
	}
	if (rule.bytesPerUnit && value * rule.bytesPerUnit > Number.MAX_SAFE_INTEGER) return refuse('is too large');
	if (!Number.isSafeInteger(Math.ceil(value))) return refuse('is too large');
	return { ok: true, value: Math.max(value, rule.min) };
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
	return { ok: true, value: { maxBytes: Math.floor(size.value * MB), timeoutMs: timeout.value * 1000 } };
}

export function checkChoice<T extends string>(options: IDataObject, label: string, name: string, allowed: readonly T[], fallback: T): Checked<T> {
	const given = options[name];
	if (given === undefined || given === null || given === '') return { ok: true, value: fallback };
	if (typeof given === 'string' && (allowed as readonly string[]).includes(given)) return { ok: true, value: given as T };
	return { ok: false, problem: `"${label}" (${name}) ${show(given)} is not one of ${allowed.map((a) => `"${a}"`).join(', ')}` };
}

export function checkBoolean(options: IDataObject, label: string, name: string): Checked<boolean> {
	const given = options[name];
	if (given === undefined || given === null || given === '') return { ok: true, value: false };
	if (typeof given === 'boolean') return { ok: true, value: given };
	return { ok: false, problem: `"${label}" (${name}) ${show(given)} is not true or false` };
}
