// n8n-core writes its instance config into N8N_USER_FOLDER when it is first loaded; point it at a
// throwaway folder so tests never touch ~/.n8n. Each jest worker inherits this environment.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
	if (!process.env.N8N_USER_FOLDER) {
		process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-fastrouter-test-'));
	}
};
