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
// This file: answers that are not what the API promises: resets, garbage bodies, unknown status words.

const hostile = useHostileServer();

describe('rule 3: the user reads what the node wrote', () => {
	function resetAfterCreate() {
		hostile.on(CREATE, ({ req }) => req.socket.destroy());
	}

	it('a connection reset after a create keeps item, "may have been created" in the node error and the stored execution error', async () => {
		resetAfterCreate();
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'reset' }]);
		for (const error of [result.error, result.run?.data.resultData.error]) {
			expect(error?.message).toMatch(
				/^Item 1: .*connection reset.*may have been created; not retried to avoid a double charge/,
			);
			expect(error?.message).not.toMatch(/ECONNRESET|closed unexpectedly|Retry on Fail/i);
		}
		expect(hostile.counters.creates).toBe(1);
	});

	it('the same with Continue On Fail and on the error output', async () => {
		resetAfterCreate();
		const regular = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'reset' }], {
			continueOnFail: true,
		});
		expect(regular.items[0].json.error).toMatch(/^Item 1: .*may have been created/);
		const errorOutput = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'reset' }], {
			onError: 'continueErrorOutput',
		});
		expect(errorOutput.errorItems[0].json.error).toMatch(/^Item 1: .*may have been created/);
		expect(hostile.counters.creates).toBe(2);
	});

	it('a server text holding ETIMEDOUT does not turn into n8n’s "consider Retry on Fail" advice', async () => {
		hostile.on(CREATE, ({ res }, h) =>
			h.json(res, 500, {
				error: { message: 'upstream ETIMEDOUT while creating', code: 'ETIMEDOUT' },
			}),
		);
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'timeout text' }]);
		expect(result.error?.message).toMatch(
			/^Item 1: FastRouter server error \(500\): upstream .*may have been created/,
		);
		expect(result.error?.message).not.toMatch(/Retry on Fail/i);
		expect(result.error?.httpCode).toBe('500');
		expect(hostile.counters.creates).toBe(1);
	});

	it('a poll failing with resets until Max Wait names the item, the task id and the last error', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-reset')));
		hostile.on(POLL, ({ req }) => req.socket.destroy());
		const result = await runAgainst(hostile, waitParameters({ maxWait: 2 }), [{ prompt: 'p' }]);
		for (const error of [result.error, result.run?.data.resultData.error]) {
			expect(error?.message).toMatch(
				/^Item 1: Task task-reset did not finish within 2 s \(last status: queued.*last error: .*connection reset/,
			);
		}
		expect(hostile.counters.creates).toBe(1);
	});
});

describe('rule 4: no answer fails the batch', () => {
	const bodies: Array<[string, string, string, RegExp]> = [
		['null', 'application/json', 'null', /JSON null/],
		['array', 'application/json', '[1,2]', /a JSON array/],
		['string', 'application/json', '"ok"', /a JSON string/],
		['invalid', 'application/json', '{"data": {', /not JSON.*\{"data": \{/],
		[
			'html',
			'text/html',
			'<html><title>502 Bad Gateway</title></html>',
			/an HTML page \("502 Bad Gateway"\)/,
		],
		['empty', 'application/json', '', /an empty answer/],
		['huge', 'application/json', `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`, /larger than 1 MB/],
	];

	it('each garbage create answer is its own item’s outcome, saying what came back; the good item finishes', async () => {
		hostile.on(CREATE, ({ body, res }, h) => {
			const found = bodies.find(([name]) => name === body?.prompt);
			if (found) return h.raw(res, 200, found[1], found[2]);
			h.json(res, 200, h.accepted('task-good'));
		});
		hostile.on(POLL, ({ res }, h) =>
			h.json(res, 200, h.finished('task-good', `${h.origins.b}/v.mp4`)),
		);
		const items = [...bodies.map(([name]) => ({ prompt: name })), { prompt: 'good' }];
		const result = await runAgainst(hostile, waitParameters(), items, { continueOnFail: true });
		bodies.forEach(([, , , words], index) => {
			expect(result.items[index].json.error).toMatch(
				new RegExp(`^Item ${index + 1}: FastRouter accepted the create`),
			);
			expect(result.items[index].json.error).toMatch(words);
			expect(result.items[index].json.error).toMatch(/may have been created/);
		});
		expect(result.items[bodies.length].json.status).toBe('succeeded');
		expect(hostile.counters.creates).toBe(items.length);
	});

	it('a create answer without a task id says what came instead', async () => {
		hostile.on(CREATE, ({ res }, h) =>
			h.json(res, 200, { code: 'SUCCESS', message: 'queued upstream', data: {} }),
		);
		const result = await runAgainst(hostile, CREATE_ONLY, [{ prompt: 'no id' }], {
			continueOnFail: true,
		});
		expect(result.items[0].json.error).toMatch(
			/returned no task ID; it answered "\{"code":"SUCCESS","message":"queued upstream","data":\{\}\}"/,
		);
		expect(hostile.counters.creates).toBe(1);
	});

	it('garbage poll answers end that item with its task id; the other item finishes', async () => {
		hostile.on(CREATE, ({ body, res }, h) => h.json(res, 200, h.accepted(`task-${body?.prompt}`)));
		hostile.on(POLL, ({ body, res }, h) =>
			body?.taskId === 'task-bad'
				? h.raw(res, 200, 'text/html', '<html><title>Captive portal</title></html>')
				: h.json(res, 200, h.finished(String(body?.taskId), `${h.origins.b}/v.mp4`)),
		);
		const result = await runAgainst(
			hostile,
			waitParameters({ maxWait: 10 }),
			[{ prompt: 'bad' }, { prompt: 'good' }],
			{ continueOnFail: true },
		);
		expect(result.items[0].json).toMatchObject({ taskId: 'task-bad' });
		expect(result.items[0].json.error).toMatch(
			/^Item 1: FastRouter answered the status check \(HTTP 200\) with an HTML page \("Captive portal"\).*task-bad/,
		);
		expect(result.items[1].json.status).toBe('succeeded');
		expect(hostile.counters.creates).toBe(2);
	});

	it('without Continue On Fail, the error still lists the other item’s created task', async () => {
		hostile.on(CREATE, ({ body, res }, h) =>
			body?.prompt === 'bad'
				? h.raw(res, 200, 'application/json', 'null')
				: h.json(res, 200, h.accepted('task-kept')),
		);
		hostile.on(POLL, ({ res }, h) =>
			h.json(res, 200, h.finished('task-kept', `${h.origins.b}/v.mp4`)),
		);
		const result = await runAgainst(hostile, waitParameters(), [
			{ prompt: 'good' },
			{ prompt: 'bad' },
		]);
		expect(result.error?.message).toMatch(/^Item 2: .*JSON null/);
		expect(result.error?.description).toContain('Item 1: task-kept');
		expect(hostile.counters.creates).toBe(2);
	});
});

describe('rule 8: say what happened', () => {
	it('a status word the node does not know is reported with the word, after a few polls', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-odd')));
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.running('task-odd', 'moderating')));
		const started = Date.now();
		const result = await runAgainst(hostile, waitParameters({ maxWait: 60 }), [{ prompt: 'p' }], {
			continueOnFail: true,
		});
		expect(elapsedSince(started)).toBeLessThan(6000);
		expect(result.items[0].json.error).toMatch(
			/^Item 1: FastRouter reported the status "moderating", which this node does not know \(task task-odd\)/,
		);
		expect(hostile.counters.polls).toBe(3);
		expect(hostile.counters.creates).toBe(1);
	});

	it('Get Status reports an unknown status word at once, with the task id', async () => {
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, h.running('task-odd', 'on_hold')));
		const result = await runAgainst(
			hostile,
			{ operation: 'getStatus', model: 'google/veo3', taskId: 'task-odd' },
			[{}],
			{ continueOnFail: true },
		);
		expect(result.items[0].json).toMatchObject({ taskId: 'task-odd' });
		expect(result.items[0].json.error).toMatch(/"on_hold", which this node does not know/);
		expect(hostile.counters.creates).toBe(0);
	});
});

describe('rule 8: say what happened — FastRouter’s error object in a 2xx answer is reported in its words', () => {
	const budget = {
		error: {
			message: 'Monthly budget of this key exceeded',
			type: 'budget_error',
			code: 'budget_exceeded',
		},
	};

	it('a create answered 200 with an error and no task is FastRouter refusing it: its words, nothing created', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, budget));
		const result = await runAgainst(
			hostile,
			{ operation: 'create', model: 'google/veo3', prompt: '={{ $json.prompt }}' },
			[{ prompt: 'p' }],
			{ continueOnFail: true },
		);
		expect(result.items[0].json.error).toBe(
			'Item 1: FastRouter refused the create: Monthly budget of this key exceeded (budget_exceeded)',
		);
		expect(result.items[0].json.taskId).toBeUndefined();
		expect(hostile.counters.creates).toBe(1);
	});

	it('a create answered 200 with an error that names a task is still that task', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, { ...h.accepted('task-kept'), ...budget }));
		const result = await runAgainst(
			hostile,
			{ operation: 'create', model: 'google/veo3', prompt: 'p' },
			[{}],
			{ continueOnFail: true },
		);
		expect(result.items[0].json).toMatchObject({ taskId: 'task-kept' });
	});

	it('a status check answered 200 with an error and no task fails the wait in FastRouter’s words, with the task id', async () => {
		hostile.on(CREATE, ({ res }, h) => h.json(res, 200, h.accepted('task-1')));
		hostile.on(POLL, ({ res }, h) => h.json(res, 200, budget));
		const result = await runAgainst(hostile, waitParameters(), [{ prompt: 'p' }], {
			continueOnFail: true,
		});
		expect(result.items[0].json).toMatchObject({
			error:
				'Item 1: FastRouter answered the status check with an error: Monthly budget of this key exceeded (budget_exceeded) (task task-1)',
			taskId: 'task-1',
		});
		expect(hostile.counters.creates).toBe(1);
	});
});
