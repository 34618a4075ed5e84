// Talking to clipgend: URL, headers, timeout, and turning every failure into plain words.
// The transport is injected: XMLHttpRequest in Max, node:http in the tests. ES5 only.
//
// transport(request, callback): request = {method, url, headers, body, timeoutMs};
// callback(failure, response): failure = {kind: "connect" | "timeout" | "network", detail},
// response = {status, body (text)}.

// A little above clipgend's own --request-timeout (120 s), so its clearer 503 arrives first.
var DEFAULTS = {host: '127.0.0.1', port: 7311, apiKey: '', timeoutSeconds: 150};

var NOT_RUNNING = 'ClipGen is not running \u2014 start it with `clipgen service install` ' +
                  'or scripts/run.sh';

// clipgen-m4l.json: {"host", "port", "apiKey", "timeoutSeconds"}; unknown keys are ignored.
// Answers {config} or {error}.
function parseConfig(text, base) {
  var config = copyConfig(base || DEFAULTS);
  var data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return {config: config, error: 'clipgen-m4l.json is not valid JSON: ' + e.message};
  }
  var problems = [];
  if (data.host !== undefined) {
    if (typeof data.host === 'string' && data.host.length) config.host = data.host;
    else problems.push('host must be a name such as 127.0.0.1');
  }
  if (data.port !== undefined) {
    var p = Number(data.port);
    if (p >= 1 && p <= 65535 && Math.round(p) === p) config.port = p;
    else problems.push('port must be a whole number from 1 to 65535');
  }
  if (data.apiKey !== undefined) {
    if (typeof data.apiKey === 'string') config.apiKey = data.apiKey;
    else problems.push('apiKey must be text');
  }
  if (data.timeoutSeconds !== undefined) {
    var t = Number(data.timeoutSeconds);
    if (t > 0 && t <= 3600) config.timeoutSeconds = t;
    else problems.push('timeoutSeconds must be between 1 and 3600');
  }
  return problems.length ? {config: config, error: 'clipgen-m4l.json: ' + problems.join('; ')}
                         : {config: config};
}

function copyConfig(c) {
  return {host: c.host, port: c.port, apiKey: c.apiKey, timeoutSeconds: c.timeoutSeconds};
}

function baseUrl(config) {
  var host = config.host.indexOf(':') >= 0 ? '[' + config.host + ']' : config.host;
  return 'http://' + host + ':' + config.port;
}

// The daemon's error envelope {"error": {code, type, message}} in words a musician can act on.
function describeStatus(status, body, config) {
  var envelope = null;
  try {
    envelope = JSON.parse(body).error;
  } catch (e) {
    envelope = null;
  }
  var message = envelope && typeof envelope.message === 'string' ? envelope.message : '';
  var type = envelope && typeof envelope.type === 'string' ? envelope.type : '';
  if (status === 401 || type === 'unauthorized') {
    return 'ClipGen wants an API key: put the daemon\'s api-key into "apiKey" in ' +
           'clipgen-m4l.json beside the devices' + (config.apiKey ? ' (the one there is wrong)' : '') + '.';
  }
  if (status === 503 || type === 'unavailable') {
    if (!message) return 'ClipGen is not ready: the models are still loading. Try again in a moment.';
    return 'ClipGen is not ready: ' + message + (/[.!?]$/.test(message) ? '' : '.');
  }
  if (status === 404 && !message) {
    return 'This ClipGen service does not know this tool; update ClipGen.';
  }
  if (message) return 'ClipGen: ' + message;
  return 'ClipGen answered with an error (HTTP ' + status + ').';
}

function describeFailure(failure, config) {
  if (failure.kind === 'timeout') {
    return 'ClipGen took longer than ' + config.timeoutSeconds + ' s to answer. Try fewer ' +
           'variations, or raise "timeoutSeconds" in clipgen-m4l.json.';
  }
  if (failure.kind === 'connect') {
    return NOT_RUNNING + ' (nothing answers on ' + baseUrl(config) + ').';
  }
  return NOT_RUNNING + ' (' + (failure.detail || 'network error') + ').';
}

// POST (or GET when body is null) a JSON request; callback(errorText, json).
function request(transport, config, route, body, callback) {
  var headers = {Accept: 'application/json'};
  if (body !== null && body !== undefined) headers['Content-Type'] = 'application/json';
  if (config.apiKey) headers.Authorization = 'Bearer ' + config.apiKey;
  var req = {
    method: body === null || body === undefined ? 'GET' : 'POST',
    url: baseUrl(config) + route,
    headers: headers,
    body: body === null || body === undefined ? null : JSON.stringify(body),
    timeoutMs: Math.round(config.timeoutSeconds * 1000)
  };
  var answered = false;
  function once(err, json) {
    if (answered) return;
    answered = true;
    callback(err, json);
  }
  try {
    transport(req, function (failure, response) {
      if (failure) return once(describeFailure(failure, config), null);
      if (!response || !response.status) {
        return once(describeFailure({kind: 'connect'}, config), null);
      }
      if (response.status < 200 || response.status >= 300) {
        return once(describeStatus(response.status, response.body || '', config), null);
      }
      var json;
      try {
        json = JSON.parse(response.body);
      } catch (e) {
        return once('ClipGen sent an answer the device cannot read (HTTP ' + response.status +
                    '); is something else using port ' + config.port + '?', null);
      }
      once(null, json);
    });
  } catch (e) {
    once(describeFailure({kind: 'network', detail: String(e && e.message || e)}, config), null);
  }
}

exports.DEFAULTS = DEFAULTS;
exports.NOT_RUNNING = NOT_RUNNING;
exports.parseConfig = parseConfig;
exports.copyConfig = copyConfig;
exports.baseUrl = baseUrl;
exports.describeStatus = describeStatus;
exports.describeFailure = describeFailure;
exports.request = request;
