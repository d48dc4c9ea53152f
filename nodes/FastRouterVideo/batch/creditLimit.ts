import { FIELD_WIRE, VIDEO_FIELDS } from '../catalog';
import type { ItemFailure } from '../errors/failure';
import type { NormalizedTask } from '../polling/normalize';
import type { CreateRequest } from '../validation/modelRules';

/**
 * Max Credits per Run: no create is sent that could take the credits of this node's run past the
 * limit, counted from what FastRouter reports for each create it sent (a cache hit counts 0).
 *
 * What a create costs depends on the model and the request's duration, resolution and the like,
 * never on the prompt, the image or the seed. So creates are grouped by "kind" (the model and every
 * field but those), and a kind's price is learned from its first create the run sends: that create
 * goes alone (later items wait for its answer) and only while some credit is left; every later one
 * of its kind is sent only if its price fits what is left. Decisions are taken in the order items
 * ask, which is input order, so the first rows are the ones made.
 *
 * What the limit cannot promise: the first create of a kind the run has not seen priced may cost
 * more than what is left (it is sent while anything is left), and FastRouter may price a create of
 * a kind differently than the one the run learned from (a price change mid-run). A create whose
 * answer was lost counts what its kind costs, or nothing if its kind was never priced.
 */

/**
 * A node run's credits: what its creates cost and what Max Credits per Run
 * refused. A durable wait stores it and Retry On Fail's next try reads it; the summary shows it.
 */
export interface CreditState {
	/** Max Credits per Run; null: no limit, the credits are only counted. */
	limit: number | null;
	/** Credits FastRouter reported for the creates this run sent, cache hits 0. */
	spent: number;
	/** Creates sent and counted (answered with a task, or possibly made). */
	videos: number;
	/** Of those, answered from FastRouter's cache. */
	cached: number;
	/** Items not created because they did not fit. */
	refused: number;
	/** What each kind of create costs, as this run learned it. */
	prices: Record<string, number>;
	/** Kinds whose create reported no price: the limit cannot be kept for them. */
	unpriced: string[];
}

export function freshCredits(limit: number | null): CreditState {
	return { limit, spent: 0, videos: 0, cached: 0, refused: 0, prices: {}, unpriced: [] };
}

/** What a create came back with, as far as its cost goes. */
interface CreateCost {
	/** A task exists, or may. */
	made: boolean;
	task?: NormalizedTask;
}

/** A create allowed through: report its cost when it is answered (always, once). */
type Allowance =
	| { kind: 'send'; settle: (cost: CreateCost) => void }
	| { kind: 'refused'; failure: ItemFailure };

/** Fields that say what the video shows, not how much of it there is: they do not change a price. */
const CONTENT_FIELDS = new Set(
	VIDEO_FIELDS.filter((field) => FIELD_WIRE[field].content).map(
		(field) => FIELD_WIRE[field].apiName,
	),
);

/** The kind of a create, for its price: the model and every field that is not content. */
function kindOf(request: CreateRequest): string {
	const priced = Object.entries(request.body)
		.filter(([name]) => !CONTENT_FIELDS.has(name) && name !== 'cache')
		.sort(([a], [b]) => a.localeCompare(b));
	const image = FIELD_WIRE.imageUrl.apiName in request.body;
	return JSON.stringify([request.model.toLowerCase(), image, priced]);
}

/**
 * The one gate every create of a node run goes through: it counts what each create cost (what the
 * places users look show) and, with Max Credits per Run, refuses a create that would not fit.
 */
export class CreditLimit {
	private turn: Promise<void> = Promise.resolve();

	constructor(readonly state: CreditState) {}

	/** Waits for this item's turn, then decides: send (reserving its known price), learn its price, or refuse. */
	async allow(itemIndex: number, request: CreateRequest): Promise<Allowance> {
		// Without a limit every create goes at once; its cost is only counted.
		if (this.state.limit === null) {
			this.state.videos++;
			return { kind: 'send', settle: (cost) => this.settle(kindOf(request), 0, cost) };
		}
		const previous = this.turn;
		let release = () => {};
		this.turn = new Promise<void>((resolve) => (release = resolve));
		await previous;
		const kind = kindOf(request);
		const price = this.state.prices[kind];
		const refusal = this.refusal(itemIndex, kind, price);
		if (refusal) {
			this.state.refused++;
			release();
			return { kind: 'refused', failure: refusal };
		}
		// Counted as sent at once: the next item's decision says how many videos used the credits.
		this.state.videos++;
		if (price !== undefined) {
			this.state.spent += price;
			release();
			return { kind: 'send', settle: (cost) => this.settle(kind, price, cost) };
		}
		// The first of its kind goes alone: the next item's decision needs its price.
		return {
			kind: 'send',
			settle: (cost) => {
				this.settle(kind, 0, cost);
				release();
			},
		};
	}

	private refusal(
		itemIndex: number,
		kind: string,
		price: number | undefined,
	): ItemFailure | undefined {
		const { spent } = this.state;
		const limit = this.state.limit ?? Infinity;
		const used = `${round(spent)} used by ${this.state.videos} video${this.state.videos === 1 ? '' : 's'}`;
		if (price === undefined && this.state.unpriced.includes(kind)) {
			return {
				itemIndex,
				message: `not created: FastRouter reported no price for a create like this one, so this run's credit limit of ${limit} cannot be kept (${used})`,
			};
		}
		if (price === undefined ? spent < limit : spent + price <= limit) return undefined;
		return {
			itemIndex,
			message: `not created: this run's credit limit of ${limit} would be passed (${used})`,
		};
	}

	/** A create's answer: what it cost replaces what was reserved for it, and teaches its kind's price. */
	private settle(kind: string, reserved: number, cost: CreateCost): void {
		this.state.spent -= reserved;
		if (!cost.made) {
			this.state.videos--;
			return;
		}
		const task = cost.task;
		if (task?.cached) {
			this.state.cached++;
			return;
		}
		const reported = task?.creditsUsed;
		if (typeof reported === 'number') {
			this.state.spent += reported;
			this.state.prices[kind] ??= reported;
		} else {
			// A lost answer costs what its kind costs; a kind never priced cannot be counted.
			this.state.spent += this.state.prices[kind] ?? reserved;
			if (task && this.state.prices[kind] === undefined && !this.state.unpriced.includes(kind))
				this.state.unpriced.push(kind);
		}
	}
}

function round(credits: number): number {
	return Math.round(credits * 100) / 100;
}
