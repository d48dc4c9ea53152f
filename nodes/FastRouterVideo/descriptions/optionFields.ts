import type { INodeProperties } from 'n8n-workflow';

import {
	CACHE_TTL_RANGE_S,
	DEFAULT_CACHE_TTL_S,
	DEFAULT_DOWNLOAD_TIMEOUT_S,
	DEFAULT_MAX_CONCURRENT,
	DEFAULT_MAX_VIDEO_MB,
	DEFAULT_MAX_WAIT_S,
	DEFAULT_POLL_INTERVAL_S,
	DURABLE_MIN_POLL_INTERVAL_MS,
	MIN_POLL_INTERVAL_MS,
} from '../settings/limits';
import { DEFAULT_ON_TIMEOUT, DEFAULT_WAIT_MODE } from '../settings/parameterValues';

/**
 * The fields about what comes back (Download Video, its output field) and every entry of the
 * operations' Options collections, with the defaults and bounds the run checks them against
 * (settings/).
 */

const MIN_POLL_INTERVAL_S = MIN_POLL_INTERVAL_MS / 1000;

/** An operation's Options collection. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}

/** Every operation's Options collection offers FastRouter's own answer next to the normalized one. */
export const includeRawResponseOption: INodeProperties = {
	displayName: 'Include Raw Response',
	name: 'includeRawResponse',
	type: 'boolean',
	default: false,
	description: 'Whether to add FastRouter’s own answer under `raw`, next to the normalized fields',
};

/**
 * What Create and Create and Wait add to the create request: FastRouter's response cache (its
 * `cache_key` header and `cache` body object) and fields the node has no field for.
 */
export const requestOptionProperties: INodeProperties[] = [
	{
		displayName: 'Additional Fields (JSON)',
		name: 'additionalFields',
		type: 'json',
		default: '{}',
		description:
			'More fields for the create request, as a JSON object, merged in as written (e.g. {"fps": 24, "camera_control": {"type": "simple"}}). Sent unchecked: FastRouter passes them to the model, which may ignore or refuse them. A field the node already has (prompt, image, model…) is refused: set it in its own field.',
	},
	{
		displayName: 'Cache Key',
		name: 'cacheKey',
		type: 'string',
		default: '',
		placeholder: 'e.g. product-videos',
		description:
			'Turns on FastRouter’s response cache for this namespace: an identical request (same model, prompt and fields) within the cache lifetime returns the video already made, unbilled. Identical rows then share one video; add a seed or vary the prompt for variations. At most 128 characters: letters, digits, _ - : .',
	},
	{
		displayName: 'Cache Lifetime (Seconds)',
		name: 'cacheTtl',
		type: 'number',
		typeOptions: { minValue: CACHE_TTL_RANGE_S.min, maxValue: CACHE_TTL_RANGE_S.max },
		default: DEFAULT_CACHE_TTL_S,
		description:
			'How long FastRouter keeps a cached answer (60 s to 7 days; FastRouter’s default is 16 hours). Needs a Cache Key.',
	},
];

/** Create and Create and Wait: a ceiling on what one run of the node may spend. */
export const maxCreditsOption: INodeProperties = {
	displayName: 'Max Credits per Run',
	name: 'maxCredits',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 2 },
	default: '',
	placeholder: 'No limit',
	description:
		'Creates no video that could take this run’s credits past this number, counted from what FastRouter reports for each create (a cache hit counts 0; Retry On Fail’s and a durable wait’s re-creates count too). Items that do not fit are not created: each fails naming the limit. The first create of each kind (model, duration, resolution…) is sent while any credit is left, to learn its price, so it alone can pass the limit. Empty: no limit.',
};

/** Download Video and its output field, unscoped: the operations that may return a video include them. */
export const downloadProperties: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'download',
		type: 'boolean',
		default: true,
		description:
			'Whether to attach the finished video as binary data (an MP4 file, ready for Google Drive, S3, YouTube or Telegram)',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the video in',
		displayOptions: { show: { download: [true] } },
	},
];

export const downloadOptionProperties: INodeProperties[] = [
	{
		displayName: 'Max Video Size (MB)',
		name: 'maxVideoSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_VIDEO_MB,
		description:
			'A video larger than this is not downloaded: the item fails saying so, with its task ID',
	},
	{
		displayName: 'Download Timeout (Seconds)',
		name: 'downloadTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_DOWNLOAD_TIMEOUT_S,
		description:
			'How long one video’s download may take in all; one that stalls for a minute fails sooner',
	},
];

/** Create and Wait's own options: how many at once, how long, what a timeout gives, how often to look. */
export const waitOptionProperties: INodeProperties[] = [
	{
		displayName: 'Max Concurrent',
		name: 'maxConcurrent',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_CONCURRENT,
		description:
			'How many tasks run on FastRouter at once. Items beyond it start as earlier ones finish.',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_WAIT_S,
		description:
			'How long each item may take from its create until its task is done, retries, slow answers and Retry-After waits included (its download has its own limits)',
	},
	{
		displayName: 'On Timeout',
		name: 'onTimeout',
		type: 'options',
		options: [
			{
				name: 'Error',
				value: 'error',
				description: 'The item fails (with its task ID, so Get Status can pick it up later)',
			},
			{
				name: 'Output Task',
				value: 'output',
				description:
					'The item comes out with its task ID and latest status, for a later Get Status',
			},
		],
		default: DEFAULT_ON_TIMEOUT,
		description: 'What to do with a task still running when Max Wait is reached',
	},
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		options: [
			{
				name: 'Automatic',
				value: 'auto',
				description:
					'Durable when nobody waits for this run’s answer (a schedule, an app trigger, a webhook that has already answered) and n8n is 2.41 or later; in process for a manual run, an AI agent’s tool, a webhook, form or chat that answers with the result, and older n8n',
			},
			{
				name: 'Durable (Release the Execution While Videos Render)',
				value: 'durable',
				description: `The wait is stored in n8n’s database and the worker is freed; the videos come out even after an n8n restart. Needs n8n 2.41 or later, and a run whose caller does not wait for its answer. Polls at most once every ${DURABLE_MIN_POLL_INTERVAL_MS / 1000} s (n8n resumes stored waits once a minute): a shorter Poll Interval counts as ${DURABLE_MIN_POLL_INTERVAL_MS / 1000} s.`,
			},
			{
				name: 'In Process',
				value: 'inProcess',
				description:
					'The execution stays in memory, polling every Poll Interval, until every video is done; a restart of n8n loses the wait',
			},
		],
		default: DEFAULT_WAIT_MODE,
		description:
			'How the node waits for the videos (read from the first item, for the whole batch). The executions list says which way each run waited.',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: MIN_POLL_INTERVAL_S },
		default: DEFAULT_POLL_INTERVAL_S,
		description: `How often each running task is checked. The shortest interval is 1 s, or ${DURABLE_MIN_POLL_INTERVAL_MS / 1000} s in Wait Mode "Durable": a smaller value counts as that.`,
	},
];
