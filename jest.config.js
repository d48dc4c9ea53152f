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
 * `engine` (the node inside n8n's WorkflowExecute against the simulator on 127.0.0.1), and the
 * simulator's own tests (`simulator`: its HTTP servers, scripts/simulator.js and a forked process,
 * never n8n, so no n8n user folder). The third layer, a real n8n, is `npm run test:n8n`. One
 * project alone: `npx jest --selectProjects unit`.
 *
 * `npm test` runs 8 files at once (package.json): the engine tests spend their time waiting on
 * timers (a poll interval is at least 1 s, Max Wait a few), not on the CPU. The unit layer alone is
 * all CPU, so plain `npx jest` keeps jest's default.
 */
module.exports = {
	// A project-level testTimeout is ignored: jest reads it from the top.
	testTimeout: 60000,
	projects: [
		{ ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
		{ ...common, displayName: 'simulator', roots: ['<rootDir>/test/simulator'] },
		{
			...common,
			displayName: 'engine',
			roots: ['<rootDir>/test/engine'],
			setupFilesAfterEnv: ['<rootDir>/test/helpers/user-folder.js'],
		},
	],
};
