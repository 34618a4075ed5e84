'use strict';
// A small HTTP server on a free loopback port that answers like clipgend for the device tests:
// the five tool routes with simple deterministic music, the error envelope, an optional API key,
// and switches for the failure modes (error, slow, garbage). It records every request.
const http = require('node:http');

function envelope(code, type, message) {
  return {error: {code, type, message}};
}

// Output notes in the daemon's shape: seconds and steps, from a list of [pitch, step, steps].
function sequenceOf(triples, qpm, totalSteps, isDrum) {
  const secondsPerStep = 60 / qpm / 4;
  return {
    notes: triples.map(([pitch, step, len, velocity]) => ({
      pitch, velocity: velocity ?? 90, isDrum: !!isDrum,
      quantizedStartStep: step, quantizedEndStep: step + len,
      startTime: step * secondsPerStep, endTime: (step + len) * secondsPerStep})),
    tempos: [{time: 0, qpm}],
    timeSignatures: [{time: 0, numerator: 4, denominator: 4}],
    quantizationInfo: {stepsPerQuarter: 4},
    totalQuantizedSteps: totalSteps,
    totalTime: totalSteps * secondsPerStep,
  };
}

function tripleOf(n) {
  return [n.pitch, n.quantizedStartStep, n.quantizedEndStep - n.quantizedStartStep, n.velocity];
}

const tools = {
  '/v1/generate'(b) {
    const drums = b.kind === 'drums';
    return Array.from({length: b.variations ?? 8}, (_, i) =>
      sequenceOf([[drums ? 36 : 60 + i, 0, 4], [drums ? 38 : 64 + i, 8, 4]], 120, 64, drums));
  },
  '/v1/continue'(b) {
    const input = b.input;
    const qpm = input.tempos[0].qpm;
    const kept = input.notes.map(tripleOf);
    const start = input.totalQuantizedSteps;
    const added = 16 * (b.length ?? 2);
    return Array.from({length: b.variations ?? 4}, (_, i) =>
      sequenceOf(kept.concat([[70 + i, start, 2]]), qpm, start + added, input.notes[0].isDrum));
  },
  '/v1/interpolate'(b) {
    const qpm = b.a.tempos[0].qpm;
    const n = b.steps ?? 3;
    return Array.from({length: n}, (_, i) => {
      const src = i < n / 2 ? b.a : b.b;
      return sequenceOf(src.notes.map(tripleOf), qpm, src.totalQuantizedSteps, false);
    });
  },
  '/v1/groove'(b) {
    // Keeps each hit, moves it 10 ms late: seconds differ from steps, as real grooves do.
    const seq = sequenceOf(b.input.notes.map(tripleOf), b.input.tempos[0].qpm,
                           b.input.totalQuantizedSteps, true);
    for (const n of seq.notes) { n.startTime += 0.01; n.endTime += 0.01; }
    return [seq];
  },
  '/v1/drumify'(b) {
    const qpm = b.input.tempos[0].qpm;
    return Array.from({length: b.variations ?? 1}, () =>
      sequenceOf(b.input.notes.map((n) => [36, n.quantizedStartStep, 1]), qpm,
                 b.input.totalQuantizedSteps, true));
  },
};

function startFakeDaemon(options = {}) {
  const state = {requests: [], mode: options.mode ?? 'ok', apiKey: options.apiKey ?? ''};
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const record = {method: req.method, url: req.url, headers: req.headers, body: null};
      state.requests.push(record);
      const send = (status, obj) => {
        res.writeHead(status, {'Content-Type': 'application/json'});
        res.end(JSON.stringify(obj));
      };
      if (state.mode === 'slow') return; // never answers; the client must time out
      if (state.mode === 'garbage') {
        res.writeHead(200, {'Content-Type': 'text/html'});
        return res.end('<html>not clipgen</html>');
      }
      if (req.url === '/v1/health') return send(200, {status: 'ok'});
      if (state.apiKey && req.headers.authorization !== `Bearer ${state.apiKey}`) {
        return send(401, envelope(401, 'unauthorized', 'missing or wrong API key'));
      }
      if (state.mode === 'loading') {
        return send(503, envelope(503, 'unavailable', 'the melody model is still loading'));
      }
      if (state.mode === 'unprocessable') {
        return send(422, envelope(422, 'unprocessable', 'the input clip has no notes the model can use'));
      }
      const tool = tools[req.url];
      if (!tool) return send(404, envelope(404, 'not_found', `no route ${req.url}`));
      if (req.method !== 'POST') return send(405, envelope(405, 'method_not_allowed', 'use POST'));
      try {
        record.body = JSON.parse(text);
      } catch (e) {
        return send(400, envelope(400, 'invalid_request', 'body is not JSON'));
      }
      const seed = record.body.seed ?? 8131;
      send(200, {sequences: tool(record.body), seed, warnings: [], model: 'fake', elapsedMs: 1});
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      state.port = server.address().port;
      state.url = `http://127.0.0.1:${state.port}`;
      state.close = () => new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
      resolve(state);
    });
  });
}

// A loopback port with nothing listening: bind, note the port, close.
function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

module.exports = {startFakeDaemon, freePort};
