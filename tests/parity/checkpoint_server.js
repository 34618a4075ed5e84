// Serves a magenta.js checkpoint folder from a loopback HTTP server (magenta.js fetches its
// checkpoints by URL). Shared by generate_reference.js and bench/magentajs_bench.js.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

// Resolves to a listening server on 127.0.0.1 at a free port; files outside root are 404.
function serve(root) {
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(req.url.split('?')[0]));
    if (!file.startsWith(root) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200);
    res.end(fs.readFileSync(file));
  });
  return new Promise(ok => server.listen(0, '127.0.0.1', () => ok(server)));
}

module.exports = {serve};
