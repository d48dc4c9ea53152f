import { CreditLimit, freshCredits } from '../../nodes/FastRouterVideo/batch/creditLimit';
import type { NormalizedTask } from '../../nodes/FastRouterVideo/polling/normalize';
import type { CreateRequest } from '../../nodes/FastRouterVideo/validation/modelRules';

/**
 * Max Credits per Run's decisions (batch/creditLimit.ts) on their own: creates grouped by kind,
 * each kind's price learned from its first create, decisions in the order items ask. The engine
 * tests (create-status.test.ts, durable-waits.test.ts) prove the same through FastRouter's stand-in.
 */

/** A create of `seconds` seconds; the prompt, the seed and the image do not change its kind. */
function request(seconds: number, prompt = 'a fox', model = 'google/veo-3'): CreateRequest {
	return { model, body: { prompt, seed: prompt.length, duration: seconds } };
}

/** What a create came back with, as its cost goes: a task exists (or may), with what it reported. */
type Cost = { made: boolean; task?: NormalizedTask };

function answered(creditsUsed: number | null, cached = false): Cost {
	return { made: true, task: { creditsUsed, cached } as NormalizedTask };
}

/** Asks for item `itemIndex` and, when it may be sent, settles it with `cost`: what the limit decided. */
async function create(
	limit: CreditLimit,
	itemIndex: number,
	asked: CreateRequest,
	cost: Cost,
): Promise<string> {
	const allowance = await limit.allow(itemIndex, asked);
	if (allowance.kind === 'refused') return allowance.failure.message;
	allowance.settle(cost);
	return 'sent';
}

describe('Max Credits per Run (CreditLimit)', () => {
	it('without a limit, counts what every create cost, cache hits as 0, and refuses nothing', async () => {
		const credits = new CreditLimit(freshCredits(null));
		expect(await create(credits, 0, request(8), answered(20))).toBe('sent');
		expect(await create(credits, 1, request(8, 'an owl'), answered(20, true))).toBe('sent');
		expect(await create(credits, 2, request(4), answered(null))).toBe('sent');
		expect(credits.state).toMatchObject({
			limit: null,
			spent: 20,
			videos: 3,
			cached: 1,
			refused: 0,
		});
	});

	it('learns a kind’s price from its first create and sends a later one of that kind only if its price fits', async () => {
		const credits = new CreditLimit(freshCredits(50));
		expect(await create(credits, 0, request(8), answered(20))).toBe('sent');
		expect(await create(credits, 1, request(8, 'an owl'), answered(20))).toBe('sent');
		const refusal =
			"not created: this run's credit limit of 50 would be passed (40 used by 2 videos)";
		expect(await create(credits, 2, request(8, 'a bee'), answered(20))).toBe(refusal);
		// Another kind is not priced yet: its first create goes while anything is left.
		expect(await create(credits, 3, request(4), answered(15))).toBe('sent');
		// A kind: the model, whether an image goes along, and every field that is not content.
		const eightSeconds = JSON.stringify(['google/veo-3', false, [['duration', 8]]]);
		expect(credits.state).toMatchObject({
			spent: 55,
			videos: 3,
			refused: 1,
			prices: { [eightSeconds]: 20 },
		});
	});

	it('refuses every create once nothing is left, and a kind whose create reported no price', async () => {
		const credits = new CreditLimit(freshCredits(10));
		expect(await create(credits, 0, request(4), answered(null))).toBe('sent');
		expect(credits.state.unpriced).toHaveLength(1);
		const unpriced = /^not created: FastRouter reported no price for a create like this one/;
		expect(await create(credits, 1, request(4, 'an owl'), answered(5))).toMatch(unpriced);
		expect(await create(credits, 2, request(8), answered(10))).toBe('sent');
		const passed =
			/^not created: this run's credit limit of 10 would be passed \(10 used by 2 videos\)/;
		expect(await create(credits, 3, request(6), answered(1))).toMatch(passed);
		expect(credits.state).toMatchObject({ spent: 10, videos: 2, refused: 2 });
	});

	it('a create that made nothing is not counted; one whose answer was lost counts its kind’s price', async () => {
		const credits = new CreditLimit(freshCredits(100));
		expect(await create(credits, 0, request(8), answered(20))).toBe('sent');
		expect(await create(credits, 1, request(8, 'an owl'), { made: false })).toBe('sent');
		expect(await create(credits, 2, request(8, 'a bee'), { made: true })).toBe('sent');
		expect(credits.state).toMatchObject({ spent: 40, videos: 2 });
	});

	it('decides in the order items ask: the first of a kind goes alone, later items wait for its price', async () => {
		const credits = new CreditLimit(freshCredits(30));
		const first = await credits.allow(0, request(8));
		const second = credits.allow(1, request(8, 'an owl'));
		let decided = false;
		void second.then(() => (decided = true));
		await Promise.resolve();
		expect(decided).toBe(false);
		if (first.kind !== 'send') throw new Error('the first create is sent');
		first.settle(answered(20));
		expect((await second).kind).toBe('refused');
	});
});
