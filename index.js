// The package's node and credential classes, for code that requires the package itself, as older
// n8n packages export them. n8n finds them through package.json's "n8n" block; both point at the
// build (`npm run build`).
module.exports = {
	FastRouterVideo: require('./dist/nodes/FastRouterVideo/FastRouterVideo.node').FastRouterVideo,
	FastRouterVideoWait: require('./dist/nodes/FastRouterVideoWait/FastRouterVideoWait.node')
		.FastRouterVideoWait,
	FastRouterApi: require('./dist/credentials/FastRouterApi.credentials').FastRouterApi,
};
