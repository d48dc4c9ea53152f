// Preloaded by `node scripts/bench.js real` into `n8n execute` (NODE_OPTIONS=--require): when the
// process exits, it appends its CPU time to BENCH_CPU_FILE. Only the process that runs the CLI
// writes (n8n's task runner inherits NODE_OPTIONS but has another entry point).
const fs = require('node:fs');

const file = process.env.BENCH_CPU_FILE;
if (file && /[\\/]n8n$/.test(process.argv[1] ?? '')) {
	process.on('exit', () => {
		const { user, system } = process.cpuUsage();
		fs.appendFileSync(file, `${JSON.stringify({ cpuS: (user + system) / 1e6 })}\n`);
	});
}
