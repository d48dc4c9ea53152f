// @ts-check
'use strict';

/** The output keys of every task item, whatever the provider and the API generation. */
const NORMALIZED_KEYS = /** @type {const} */ ([
	'taskId',
	'model',
	'status',
	'progress',
	'videoUrl',
	'error',
	'creditsUsed',
	'provider',
	'createdAt',
	'completedAt',
	'costUsd',
	'cached',
	'hostedVideoUrl',
	'expiresAt',
]);

module.exports = { NORMALIZED_KEYS };
