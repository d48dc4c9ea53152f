// n8n-core writes its instance settings, and in filesystem mode the binary data, into
// N8N_USER_FOLDER as soon as it is loaded. Each test file gets a throwaway folder of its own, so no
// test touches ~/.n8n and files running side by side in other workers never see each other's
// stored binaries. (jest gives every test file its own copy of process.env.)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-fastrouter-test-'));
process.env.N8N_USER_FOLDER = folder;
afterAll(() => fs.rmSync(folder, { recursive: true, force: true, maxRetries: 3 }));
