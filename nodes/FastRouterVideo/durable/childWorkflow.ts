import type {
	IConnections,
	IExecuteFunctions,
	INode,
	IWorkflowBase,
	IWorkflowSettings,
} from 'n8n-workflow';

/**
 * The two sub-executions a durable wait runs in, as inline workflows n8n stores with each park and
 * resumes after a restart. n8n resumes a waiting execution whenever its sub-execution ends, crashed
 * included, with the sub-execution's last stored output, and runs the nodes after the waiting node:
 * a stop while a step polls or downloads would hand FastRouter Video's execution that stale output
 * and lose the batch. So the work that a stop can cut off runs one level down, where the level above
 * is this package's own and sees the cut-off:
 *
 *   FastRouter Video ─▶ keeper:  start ─▶ round ─▶ check ─(settled)──▶ <the node's name> (finish)
 *                                          ▲          │
 *                                          └──────────┘ (cut off: a new watcher from the saved state)
 *
 *                      watcher: start ─▶ watch ─(settled)──▶ hand back
 *                                         ▲  │
 *                                         └──┘ (parks until the next poll, or goes on at once)
 *
 * The keeper does no network work, so a stop can only find it parked (or in a step of
 * milliseconds). Its round step starts a watcher and parks on it; the watcher parks before it does
 * anything, so no network work runs while the keeper runs. The watch step polls, downloads and
 * re-creates in runs of at most DURABLE_STEP_BUDGET_MS, and n8n saves the watcher after each run
 * (saveExecutionProgress): a stop loses at most the run it cut off, which the next watcher redoes.
 */

/** The hidden node type of the steps (FastRouterVideoWait.node.ts). */
export const STEP_TYPE_NAME = 'fastRouterVideoWait';

/**
 * The steps. `round`, `check`, `finish`: the keeper's; `watch`, `handBack`: the watcher's. A wait
 * stored before the keeper ran `watch` and `finish` in one sub-execution: the hidden node still
 * runs it to its end.
 */
export type Step = 'round' | 'check' | 'finish' | 'watch' | 'handBack';

/** What a sub-execution's steps are named after and run with: FastRouter Video's node. */
export interface StepOwner {
	/** FastRouter Video's node name and id; the steps' names and ids are derived from them. */
	name: string;
	id: string;
	/** The package's prefix as n8n loaded it: `n8n-nodes-fastrouter.` (or `CUSTOM.` from a custom folder). */
	typePrefix: string;
	credentials?: INode['credentials'];
}

/** The FastRouter Video node that starts a durable wait, as its steps are named after it. */
export function ownerOf(ctx: IExecuteFunctions): StepOwner {
	const node = ctx.getNode();
	return {
		name: node.name,
		id: node.id,
		typePrefix: node.type.slice(0, node.type.lastIndexOf('.') + 1),
		credentials: node.credentials,
	};
}

/**
 * What the sub-executions' own settings say, whatever the calling workflow's are: callable by
 * their own workflow, and always saved, since they hold the videos the node hands on (a workflow
 * set to keep no successful executions would otherwise delete them before the next node reads
 * them). The time zone follows the workflow's. The watcher is also saved after every step run, so
 * that a stop mid-run leaves the state of the run before it.
 */
function childSettings(ctx: IExecuteFunctions, progress: boolean): IWorkflowSettings {
	const { timezone } = ctx.getWorkflowSettings();
	const settings: IWorkflowSettings = {
		executionOrder: 'v1',
		callerPolicy: 'workflowsFromSameOwner',
		saveDataSuccessExecution: 'all',
		saveDataErrorExecution: 'all',
	};
	if (progress) settings.saveExecutionProgress = true;
	if (timezone) settings.timezone = timezone;
	return settings;
}

type Link = [from: string, to: string[]];

/** An inline workflow of `steps` in a row, as `executeWorkflow({ code })` takes it. */
function inlineWorkflow(
	ctx: IExecuteFunctions,
	owner: StepOwner,
	title: string,
	steps: Array<[Step, string]>,
	links: Link[],
	progress: boolean,
): IWorkflowBase {
	const start = `${owner.name} · start`;
	const nodes: INode[] = [
		{
			id: `${owner.id}-start`,
			name: start,
			type: 'n8n-nodes-base.executeWorkflowTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		...steps.map(([step, name], index): INode => {
			const node: INode = {
				id: `${owner.id}-${step}`,
				name,
				type: `${owner.typePrefix}${STEP_TYPE_NAME}`,
				typeVersion: 1,
				position: [220 * (index + 1), 0],
				parameters: { step },
			};
			if (step === 'round') {
				// Whatever n8n resumes the keeper with reaches the check step, which takes anything but
				// a hand-back for a cut-off: in queue mode the error n8n raises at the round for a
				// watcher whose worker died (as an item); and the empty first output n8n hands on from
				// a watcher stopped right after its last run, its hand-back on the second (as an empty
				// item) — the wait would otherwise end there with no item at all.
				node.onError = 'continueRegularOutput';
				node.alwaysOutputData = true;
			}
			// The node's own FastRouter credentials: the steps poll and download with them.
			if (owner.credentials) node.credentials = owner.credentials;
			return node;
		}),
	];
	const connections: IConnections = {};
	const all: Link[] = [[start, [steps[0][1]]], ...links];
	for (const [from, outputs] of all) {
		connections[from] = {
			main: outputs.map((to) => [{ node: to, type: 'main' as const, index: 0 }]),
		};
	}
	const workflowName = ctx.getWorkflow().name ?? 'Workflow';
	// Not a whole IWorkflowBase on purpose: n8n stamps the id (the caller's workflow: the
	// sub-executions are listed and owned with it), the dates and the flags; given here, they
	// would override n8n's.
	return {
		name: `${workflowName} – ${owner.name}: ${title}`,
		nodes,
		connections,
		settings: childSettings(ctx, progress),
		pinData: {},
	} as unknown as IWorkflowBase;
}

const videosLabel = (videos: number) => `${videos} video${videos === 1 ? '' : 's'}`;

/** The keeper: FastRouter Video's sub-execution. Its last step is named as the node, whose errors name it. */
export function keeperWorkflow(
	ctx: IExecuteFunctions,
	owner: StepOwner,
	videos: number,
): IWorkflowBase {
	const round = `${owner.name} · round`;
	const check = `${owner.name} · check`;
	return inlineWorkflow(
		ctx,
		owner,
		`durable wait for ${videosLabel(videos)}`,
		[
			['round', round],
			['check', check],
			['finish', owner.name],
		],
		[
			[round, [check]],
			[check, [round, owner.name]],
		],
		false,
	);
}

/** A watcher: the keeper's sub-execution, where every poll, download and re-create happens. */
export function watcherWorkflow(
	ctx: IExecuteFunctions,
	owner: StepOwner,
	videos: number,
): IWorkflowBase {
	const watch = `${owner.name} · watch`;
	const handBack = `${owner.name} · hand back`;
	return inlineWorkflow(
		ctx,
		owner,
		`watching ${videosLabel(videos)}`,
		[
			['watch', watch],
			['handBack', handBack],
		],
		[[watch, [watch, handBack]]],
		true,
	);
}
