/** The output keys issue #4 fixes for every task item, whatever the provider. */
export const NORMALIZED_KEYS = [
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
] as const;
