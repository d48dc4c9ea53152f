import type { INodeProperties } from 'n8n-workflow';

/** Operation values are stored in workflows: keep them as they are. */
export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Create',
			value: 'create',
			action: 'Start a video generation',
			description: 'Start a video generation task and return its task ID without waiting',
		},
		{
			name: 'Create and Wait',
			value: 'createAndWait',
			action: 'Generate a video and wait for it',
			description:
				'Start the task, wait until the video is ready and return it as binary data (an MP4) with its videoUrl',
		},
		{
			name: 'Get Status',
			value: 'getStatus',
			action: 'Get the status of a video task',
			description: 'Check a task once; when it is done, return the video',
		},
	],
	default: 'createAndWait',
};
