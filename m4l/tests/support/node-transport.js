'use strict';
// The device's transport contract on node:http, so the tests (and the end-to-end test against
// the real clipgend) speak real HTTP on loopback.
const http = require('node:http');

function nodeTransport(req, callback) {
  let finished = false;
  const finish = (failure, response) => {
    if (finished) return;
    finished = true;
    callback(failure, response);
  };
  const url = new URL(req.url);
  const headers = {...req.headers};
  if (req.body !== null) headers['Content-Length'] = Buffer.byteLength(req.body);
  const r = http.request({hostname: url.hostname, port: url.port, path: url.pathname,
                          method: req.method, headers}, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => finish(null, {status: res.statusCode,
                                      body: Buffer.concat(chunks).toString('utf8')}));
    res.on('error', (e) => finish({kind: 'network', detail: e.message}));
  });
  r.setTimeout(req.timeoutMs, () => {
    finish({kind: 'timeout'});
    r.destroy();
  });
  r.on('error', (e) => {
    finish(e.code === 'ECONNREFUSED' ? {kind: 'connect'} : {kind: 'network', detail: e.message});
  });
  if (req.body !== null) r.write(req.body);
  r.end();
}

module.exports = {nodeTransport};
