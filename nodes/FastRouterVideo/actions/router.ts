import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { finishBatch } from '../batch/finish';
import type { FailurePolicy } from '../errors/failure';
import { getConnection } from '../transport/connection';
import * as create from './create.operation';
import * as createAndWait from './createAndWait.operation';
import * as getStatus from './getStatus.operation';

const OPERATIONS = { create, getStatus, createAndWait } as const;

/**
 * Every operation works on the whole batch at once — that is how all items run in parallel — and
 * reports one outcome per item; the batch's finish turns them into output or the node's error.
 */
export async function route(
	this: IExecuteFunctions,
	policy: FailurePolicy,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// One operation runs for the whole batch, read from the first item: an unknown one is item 0's.
	const operation = String(this.getNodeParameter('operation', 0));
	if (!isOperation(operation)) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`, {
			itemIndex: 0,
		});
	}
	const handler = OPERATIONS[operation];
	const connection = await getConnection(this);
	const outcomes = await handler.execute.call(this, items, connection, policy);
	return [finishBatch(this, outcomes, policy, connection.apiKey)];
}

function isOperation(name: string): name is keyof typeof OPERATIONS {
	return Object.prototype.hasOwnProperty.call(OPERATIONS, name);
}
