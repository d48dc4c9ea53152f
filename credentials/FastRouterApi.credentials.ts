import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { MODELS } from '../nodes/FastRouterVideo/catalog';
import { API_PATHS, DEFAULT_BASE_URL } from '../nodes/FastRouterVideo/settings/fastRouter';

/** A task id no real task can have: polling it proves the key without creating (or paying for) anything. */
const CREDENTIAL_PROBE_TASK_ID = 'n8n-credential-test-0000';

export class FastRouterApi implements ICredentialType {
	name = 'fastRouterApi';

	displayName = 'FastRouter API';

	icon: Icon = {
		light: 'file:../nodes/FastRouterVideo/fastrouter.svg',
		dark: 'file:../nodes/FastRouterVideo/fastrouter.dark.svg',
	};

	documentationUrl = 'https://docs.fastrouter.ai/video-generation';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your FastRouter API key (FastRouter dashboard → API Keys)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Where the FastRouter API lives. Change it only for a proxy, a staging environment or a local simulator. The API key is sent to this host only.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// The API has no "who am I" endpoint and its model list needs no key, so the test polls a task
	// that cannot exist: 401 means a bad key, 400/404 mean the key was accepted. n8n counts any
	// non-2xx as a failure, so status errors are read from the body instead of thrown. A redirect is
	// not followed; its answer matches no rule, and the first run then reports where it pointed.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: API_PATHS.olderPoll,
			method: 'POST',
			body: { taskId: CREDENTIAL_PROBE_TASK_ID, model: MODELS[0].id },
			json: true,
			ignoreHttpStatusErrors: true,
			// The key goes to the Base URL's origin only: n8n would follow a redirect and send it along.
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.status',
					value: 401,
					message:
						'FastRouter rejected the API key (401): check it is complete, enabled and not expired',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.status',
					value: 500,
					message:
						'FastRouter answered 500 (server error); the key could not be checked, try again later',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'error.status',
					value: 502,
					message:
						'FastRouter answered 502 (provider unavailable); the key could not be checked, try again later',
				},
			},
		],
	};
}
