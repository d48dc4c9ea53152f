/**
 * What the editor says on FastRouter Video while its execution waits (`waitingNodeTooltip`): in the
 * node's output, in the logs, and in the next node's input, where n8n would otherwise show only its
 * generic "Waiting for input". The node is shown waiting in one case only: a durable wait, parked
 * until its sub-execution ends (n8n's WAIT_FOR_SUB_EXECUTION); In Process never parks.
 *
 * The editor evaluates the text as an expression with the node's parameters, `$execution.id` and
 * `$workflow`, but without any run data (n8n-workflow's getSimpleParameterValue: no items, no
 * `$json`, no custom data). So the figures of the run — how many videos, how many were done when
 * it parked — travel in the hint the node adds to its output as it parks (output/runSummary.ts's
 * hintParked), which the editor shows above this text; this text says what the node waits for and
 * where the live progress is: the watcher of the keeper its run links to. Wait Mode is read raw, never
 * resolved: an expression in it would need the run data the editor does not have, and an
 * expression that fails blanks the whole text.
 */

const WAITS_FOR =
	'FastRouter Video is waiting durably for its videos: n8n keeps this execution stored, without holding a worker, while FastRouter renders them. Its sub-execution (the keeper) has a sub-execution of its own (a watcher) poll FastRouter, and starts another should n8n stop it; once no video is left to wait for (done, failed or past Max Wait), the keeper hands them to this node and the workflow goes on with them.';
const WHERE =
	'How many videos there are and how many were done when it parked: the note on this node’s output. The live progress: the watcher — “View sub-execution” on this node’s output opens the keeper, whose round step links to it; or this workflow’s executions (custom data FastRouter_videos).';

/** Why this run waits durably, by its Wait Mode as stored (`options.waitMode`, Automatic when unset). */
const WHY = {
	durable: ' (Wait Mode: Durable)',
	expression: ' (Wait Mode: set by an expression)',
	auto: ' (Wait Mode: Automatic, which waits durably where nobody waits for this run’s answer)',
};

/** The tooltip, as the expression the editor evaluates. */
export function waitingTooltipExpression(): string {
	const mode = '(($rawParameter.options || {}).waitMode || "")';
	const why = `(${mode} === "durable" ? ${JSON.stringify(WHY.durable)} : String(${mode}).charAt(0) === "=" ? ${JSON.stringify(WHY.expression)} : ${JSON.stringify(WHY.auto)})`;
	const [head, ...rest] = WAITS_FOR.split(':');
	return `={{ ${JSON.stringify(head)} + ${why} + ${JSON.stringify(`:${rest.join(':')} ${WHERE}`)} }}`;
}
