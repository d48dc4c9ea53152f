/** @type {import('jest').Config} */
const common = {
	testEnvironment: 'node',
	transform: {
		// tsconfig's isolatedModules makes ts-jest only transpile; `npm run typecheck` checks types.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	testMatch: ['**/*.test.ts'],
};

/**
 * `npm test` runs two of the three layers: `unit` (pure functions, no server, no engine) and
 * `engine` (the node inside n8n's WorkflowExecute against the simulator on 127.0.0.1). The third,
 * a real n8n, is `npm run test:n8n`. One layer alone: `npx jest --selectProjects unit`.
 */
// The engine tests spend their time waiting on timers (a poll interval is at least 1 s, Max Wait a
// few), not on the CPU, so they run more files at once than there are cores. The unit layer alone
// is all CPU: there every extra worker only adds its own start-up, so it keeps jest's default.
const unitOnly = /--selectProjects[= ]unit(?!\S)/.test(process.argv.join(' ')) && !process.argv.includes('engine');

module.exports = {
	// A project-level testTimeout is ignored: jest reads it from the top.
	testTimeout: 60000,
	...(unitOnly ? {} : { maxWorkers: 8 }),
	projects: [
		{ ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
		{
			...common,
			displayName: 'engine',
			roots: ['<rootDir>/test/engine'],
			setupFilesAfterEnv: ['<rootDir>/test/helpers/user-folder.js'],
		},
	],
};
