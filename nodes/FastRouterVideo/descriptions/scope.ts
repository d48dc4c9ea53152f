import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

/**
 * An operation's fields, shown for that operation only: n8n-workflow's `updateDisplayOptions`,
 * with `operation` moved to the front of each `show`. Order matters there: n8n shows a parameter
 * as soon as one `show` key holds an expression, without reading the keys after it, so a field
 * shown for a model (or an image source, a download) given by expression would otherwise show
 * under every operation.
 */
export function forOperation(operation: string, properties: INodeProperties[]): INodeProperties[] {
	return updateDisplayOptions({ show: { operation: [operation] } }, properties).map((property) => {
		const { operation: scope, ...show } = property.displayOptions?.show ?? {};
		return {
			...property,
			displayOptions: { ...property.displayOptions, show: { operation: scope, ...show } },
		};
	});
}
