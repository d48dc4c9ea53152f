import { createSimulator, type Simulator, type SimulatorOptions } from '../simulator';

/**
 * The FastRouter simulator (test/simulator/index.js) for one test file: listening from beforeAll,
 * closed in afterAll, its tasks, faults and counters cleared before each test. The object is
 * returned at once; its addresses are filled in when it starts listening, so read them inside
 * tests and hooks. A file's own beforeAll, declared after this call, runs once it listens.
 */
export function useSimulator(options: SimulatorOptions = {}): Simulator {
	const sim = createSimulator(options);
	beforeAll(async () => await sim.listen());
	afterAll(async () => await sim.close());
	beforeEach(() => sim.reset());
	return sim;
}
