import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { attachFinishedVideo } from '../download/attempts';
import { cancelled } from '../errors/nodeErrors';
import type { NormalizedTask } from '../polling/normalize';
import type { VideoDelivery } from '../settings/itemSettings';
import { messageOf } from '../text/wording';
import { discard } from '../transport/answer';
import type { Connection, VideoStream } from '../transport/types';
import { failed, type ItemOutcome, output } from './outcome';
import { downloadFailed } from './taskFailures';

/** The output item of a task in its latest state, with its video attached when it is done. */
export async function taskItem(
	ctx: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
	task: NormalizedTask,
	video: VideoStream | undefined,
	delivery: VideoDelivery,
	extra: IDataObject = {},
): Promise<ItemOutcome> {
	if (!delivery.attach || task.status !== 'succeeded') {
		if (video) discard(video.stream);
		return output({ json: { ...task, ...extra }, pairedItem: { item: itemIndex } });
	}
	try {
		const binary = await attachFinishedVideo(ctx, connection, task, video, delivery.limits);
		return output({
			json: { ...task, ...extra },
			binary: { [delivery.binaryPropertyName]: binary },
			pairedItem: { item: itemIndex },
		});
	} catch (error) {
		if (ctx.getExecutionCancelSignal()?.aborted) throw cancelled(ctx);
		return failed(downloadFailed(itemIndex, task, messageOf(error)));
	}
}
