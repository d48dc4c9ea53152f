import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failed, type ItemOutcome, output } from './batch';
import { attachFinishedVideo, type DownloadSettings } from './binary';
import type { NormalizedTask } from './normalize';
import type { VideoStream } from './poller';
import { cancelled } from './request';
import { type Connection, discard } from './transport';

/** Download Video and its output field, unscoped: the operations that may return a video include them. */
export const downloadProperties: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'download',
		type: 'boolean',
		default: true,
		description:
			'Whether to attach the finished video as binary data (an MP4 file, ready for Google Drive, S3, YouTube or Telegram)',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the video in',
		displayOptions: { show: { download: [true] } },
	},
];

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
		return failed({
			itemIndex,
			taskId: task.taskId,
			message: (error as Error).message,
			description: `FastRouter reports the task finished${task.videoUrl ? ` (video URL: ${task.videoUrl})` : ''}; no video was kept. Get Status with this task ID can try again.`,
		});
	}
}
