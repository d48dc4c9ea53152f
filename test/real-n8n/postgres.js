// @ts-check
'use strict';

// A throwaway PostgreSQL on loopback for the durable-wait check: Debian's `postgresql` package
// (.ci/run installs it), a data folder of its own under the system temp folder, no fsync. Here it
// is only started and stopped, as Redis is in redis.js. Run as root, the server runs as the
// `postgres` user (PostgreSQL refuses root); otherwise as the current user.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { sleep } = require('../helpers/sleep');
const { freePort } = require('./instance');

/** The newest installed server's bin folder (Debian puts it under /usr/lib/postgresql/<major>/bin). */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((major) => fs.existsSync(path.join(root, major, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (!majors.length)
		throw new Error(
			'PostgreSQL is not installed: `apt-get install postgresql` (.ci/run does this)',
		);
	return path.join(root, majors[0], 'bin');
}

/**
 * @typedef {object} Postgres
 * @property {number} port
 * @property {Record<string, string>} n8nEnv what n8n needs to use it
 * @property {(sql: string) => string} query one statement as the superuser, its rows as `psql -At` prints them
 * @property {() => Promise<Session>} session a connection of its own that stays open (to hold a lock)
 * @property {() => void} stop
 */

/**
 * @typedef {object} Session
 * @property {(sql: string, until: RegExp) => Promise<string>} send runs SQL; resolves once the output matches `until`
 * @property {() => Promise<void>} close
 */

/** @returns {Promise<Postgres>} */
async function startPostgres() {
	const bin = postgresBin();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-n8n-pg-'));
	const data = path.join(dir, 'data');
	const port = await freePort();
	const asRoot = process.getuid?.() === 0;
	if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
	/** @param {string[]} args */
	const asServer = (args) =>
		execFileSync(
			asRoot ? 'runuser' : args[0],
			asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1),
			{
				stdio: ['ignore', 'pipe', 'pipe'],
				encoding: 'utf8',
			},
		);
	asServer([
		path.join(bin, 'initdb'),
		'-D',
		data,
		'-A',
		'trust',
		'-U',
		'postgres',
		'--no-sync',
		'-E',
		'UTF8',
		'--locale=C',
	]);
	// `-k`: its socket in its own folder; fsync off: a test database, thrown away after.
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
	asServer([
		path.join(bin, 'pg_ctl'),
		'-D',
		data,
		'-l',
		path.join(dir, 'server.log'),
		'-o',
		options,
		'-w',
		'start',
	]);
	const psqlArgs = [
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		'-U',
		'postgres',
		'-v',
		'ON_ERROR_STOP=1',
	];
	/** @param {string} sql */
	const query = (sql) =>
		execFileSync(path.join(bin, 'psql'), [...psqlArgs, '-d', 'n8n', '-At', '-c', sql], {
			encoding: 'utf8',
		}).trim();
	execFileSync(
		path.join(bin, 'psql'),
		[
			...psqlArgs,
			'-d',
			'postgres',
			'-c',
			"create user n8n password 'n8n'",
			'-c',
			'create database n8n owner n8n',
		],
		{
			stdio: 'ignore',
		},
	);
	return {
		port,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: 'n8n',
		},
		query,
		session: async () => {
			const child = spawn(path.join(bin, 'psql'), [...psqlArgs, '-d', 'n8n', '-At'], {
				stdio: ['pipe', 'pipe', 'pipe'],
			});
			let output = '';
			child.stdout.on('data', (chunk) => (output += chunk));
			child.stderr.on('data', (chunk) => (output += chunk));
			return {
				send: async (sql, until) => {
					const from = output.length;
					child.stdin.write(`${sql}\n`);
					const deadline = Date.now() + 15_000;
					while (!until.test(output.slice(from))) {
						if (child.exitCode !== null || Date.now() > deadline)
							throw new Error(`psql: ${output.slice(from) || 'no answer'}`);
						await sleep(50);
					}
					return output.slice(from);
				},
				close: () =>
					new Promise((resolve) => {
						if (child.exitCode !== null) return resolve();
						child.once('exit', () => resolve());
						child.stdin.end('\\q\n');
					}),
			};
		},
		stop: () => {
			try {
				asServer([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']);
			} finally {
				if (!process.env.KEEP_REAL_N8N) fs.rmSync(dir, { recursive: true, force: true });
			}
		},
	};
}

module.exports = { startPostgres };
