// @ts-check
'use strict';

/** The output keys issue #4 fixes for every task item, whatever the provider. */
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
]);

module.exports = { NORMALIZED_KEYS };
