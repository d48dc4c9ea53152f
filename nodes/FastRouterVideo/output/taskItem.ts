import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { attachFinishedVideo } from '../download/attempts';
import type { NormalizedTask } from '../polling/normalize';
import { cancelled, discard } from '../transport/exchange';
import type { Connection, VideoStream } from '../transport/types';
import type { DownloadSettings } from '../validation/options';
import { downloadFailed } from './taskFailures';
import { failed, type ItemOutcome, output } from './outcome';

/** The output item of a task in its latest state, with its video attached when it is done. */
export async function taskItem(
	ctx: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
	task: NormalizedTask,
	video: VideoStream | undefined,
	settings: DownloadSettings,
	extra: IDataObject = {},
): Promise<ItemOutcome> {
	const download = ctx.getNodeParameter('download', itemIndex, true) as boolean;
	if (!download || task.status !== 'succeeded') {
		if (video) discard(video.stream);
		return output({ json: { ...task, ...extra }, pairedItem: { item: itemIndex } });
	}
	const property = (ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string) || 'data';
	try {
		const binary = await attachFinishedVideo(ctx, connection, task, video, settings);
		return output({ json: { ...task, ...extra }, binary: { [property]: binary }, pairedItem: { item: itemIndex } });
	} catch (error) {
		if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx);
		return failed(downloadFailed(itemIndex, task, (error as Error).message));
	}
}
