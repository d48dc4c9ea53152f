import {
	CREATE,
	CREATE_ONLY,
	elapsedSince,
	POLL,
	runAgainst,
	useHostileServer,
	waitParameters,
} from '../helpers/hostile';

// The node against a hostile server; the rules are numbered in test/helpers/hostile.ts. Every test
// also checks rule 2, at most one create per item: it counts the creates.
// This file: hung and trickling sockets, long Retry-After asks: every wait ends at its limit, saying why.

const hostile = useHostileServer();

describe('rule 6: every wait is bounded', () => {
	it('a hung create socket ends at Max Wait as "may have been created", one create', async () => {
		hostile.on(CREATE, ({ res }, h) => h.hang(res));
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 2 }), [{ prompt: 'hung' }], {
			continueOnFail: true,
		});
		expect(elapsedSince(started)).toBeLessThan(4000);
		expect(result.items[0].json.error).toMatch(
			/^Item 1: .*no answer arrived within 2 s.*may have been created; not retried/,
		);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a create answer trickling a byte at a time ends at Max Wait', async () => {
		hostile.on(CREATE, ({ res }, h) =>
			h.trickle(res, 200, 'application/json', JSON.stringify(h.accepted('task-slow')), 300),
		);
		const started = Date.now();
		const result = await runAgainst(
			hostile,
			waitParameters({ maxWait: 2 }),
			[{ prompt: 'trickle' }],
			{ continueOnFail: true },
		);
		expect(elapsedSince(started)).toBeLessThan(4000);
		expect(result.items[0].json.error).toMatch(
			/still arriving when the time ran out.*may have been created/,
		);
		expect(hostile.counters.creates).toBe(1);
	});

	it('hung and trickling polls end at Max Wait with the task id and the last error', async () => {
		hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
		hostile.on(POLL, ({ body, res }, h) =>
			body?.taskId === 'task-hung'
				? h.hang(res)
				: h.trickle(res, 200, 'application/json', JSON.stringify(h.running('task-trickle')), 300),
		);
		const started = Date.now();
		const result = await runAgainst(
			hostile,
			waitParameters({ maxWait: 2 }),
			[{ prompt: 'hung' }, { prompt: 'trickle' }],
			{ continueOnFail: true },
		);
		expect(elapsedSince(started)).toBeLessThan(5000);
		expect(result.items[0].json.error).toMatch(
			/Task task-hung did not finish within 2 s \(last status: queued; last error: .*no answer arrived/,
		);
		expect(result.items[1].json.error).toMatch(
			/Task task-trickle did not finish within 2 s .*last error: .*still arriving/,
		);
		expect(hostile.counters.creates).toBe(2);
	});

	it('a Retry-After longer than what is left of Max Wait is reported, not slept through', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-ra')));
		hostile.on(POLL, ({ res }, h) =>
			h.json(res, 429, { error: { message: 'slow down' } }, { 'Retry-After': 3600 }),
		);
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 30 }), [{ prompt: 'p' }], {
			continueOnFail: true,
		});
		expect(elapsedSince(started)).toBeLessThan(4000);
		expect(result.items[0].json.error).toMatch(
			/Task task-ra did not finish.*asked to wait 3600 s \(Retry-After\), more than the/,
		);
		expect(hostile.counters.creates).toBe(1);
	});

	it('a create 429 with a long Retry-After is reported at once; nothing was created', async () => {
		hostile.on(CREATE, ({ res }, h) =>
			h.json(res, 429, { error: { message: 'budget exhausted' } }, { 'Retry-After': 7200 }),
		);
		const started = Date.now();
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'p' }], {
			continueOnFail: true,
		});
		expect(elapsedSince(started)).toBeLessThan(2000);
		expect(result.items[0].json.error).toMatch(
			/Rate limited by FastRouter \(429\): FastRouter asked to wait 7200 s/,
		);
		expect(result.items[0].json.error).not.toMatch(/may have been created/);
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 8: say what happened', () => {
	it('a timeout says the last status and the last error seen', async () => {
		let polls = 0;
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-t')));
		hostile.on(POLL, ({ res }, h) =>
			++polls === 1
				? h.json(res, 200, {
						...h.running('task-t'),
						data: { taskId: 'task-t', status: 'processing', progress: 40 },
					})
				: h.json(res, 502, { error: { message: 'provider down' } }),
		);
		const result = await runAgainst(hostile, waitParameters({ maxWait: 3 }), [{ prompt: 'p' }], {
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(
			/did not finish within 3 s \(last status: processing, 40%; last error: The model’s provider is unavailable \(502\): provider down\)/,
		);
		expect(hostile.counters.creates).toBe(1);
	});
});
