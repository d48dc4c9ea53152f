// @ts-check
'use strict';

// A throwaway Redis on loopback for n8n's queue mode: Debian's redis-server, no persistence.
// .ci/run installs the package; here it is only started and stopped.

const { spawn, execFileSync } = require('node:child_process');
const net = require('node:net');
const { sleep } = require('../helpers/sleep');
const { freePort } = require('./instance');

function redisServerPath() {
	try {
		return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
	} catch {
		throw new Error(
			'redis-server is not installed: `apt-get install redis-server` (.ci/run does this)',
		);
	}
}

/** @param {number} port */
function answersPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('error', () => resolve(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
	});
}

async function startRedis() {
	const port = await freePort();
	const child = spawn(
		redisServerPath(),
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
		],
		{ stdio: 'ignore' },
	);
	const deadline = Date.now() + 15_000;
	while (!(await answersPing(port))) {
		if (child.exitCode !== null || Date.now() > deadline)
			throw new Error(`redis-server did not start on port ${port}`);
		await sleep(100);
	}
	return {
		port,
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null) return resolve(undefined);
				child.once('exit', () => resolve(undefined));
				child.kill('SIGTERM');
			}),
	};
}

module.exports = { startRedis };
