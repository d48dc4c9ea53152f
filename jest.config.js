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
 * `npm test` runs 12 files at once (package.json): the engine tests spend their time waiting on
 * timers (a poll interval is at least 1 s, Max Wait a few), not on the CPU. The unit layer alone is
 * all CPU, so plain `npx jest` keeps jest's default.
 */
module.exports = {
	// A project-level testTimeout is ignored: jest reads it from the top.
	testTimeout: 60000,
	// How long a worker has to exit once the run is over before jest kills it and warns "A worker
	// process has failed to exit gracefully". No test leaves a handle open: every worker ends its
	// event loop and exits with code 0 within about 100 ms. But ending a process holding 300-400 MB
	// (n8n-core, loaded by each engine file) takes the OS 150-360 ms when eight or more end at once on this
	// 2-core machine, measured without other load, and past jest's default 500 ms when the machine
	// is busy. A real leak (a server or an interval left running) still hangs a worker past this.
	workerGracefulExitTimeout: 2000,
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
