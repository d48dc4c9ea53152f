// n8n finds this package's node and credentials through the "n8n" block of package.json, not
// through a JavaScript entry point; this file only keeps the community-package layout. It is not
// published (package.json "files" ships dist/ only).
module.exports = {};
