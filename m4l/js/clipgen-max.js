// Max [js] entry of every ClipGen device: [js clipgen-max.js <tool>].
// Glue only: Max's LiveAPI, XMLHttpRequest, Task and File meet the shared modules here.
// Classic [js] (JavaScript 1.8.5) so the devices run in Live 10, 11 and 12.
autowatch = 0;
inlets = 1;
outlets = 2;  // 0: status text ("set ..." for a comment), 1: busy 0/1
setinletassist(0, 'controls (kind, variations, temperature, ...), press, capture_a/b, init');
setoutletassist(0, 'status text');
setoutletassist(1, 'busy (1 while waiting for ClipGen)');

var core = require('clipgen-device');
var http = require('clipgen-http');

var tool = jsarguments.length > 1 ? String(jsarguments[1]) : 'generate';
var ready = false;

function showStatus(text) {
  outlet(0, 'set', text);
}
function showBusy(flag) {
  outlet(1, flag);
}

function liveFactory(path) {
  return new LiveAPI(path);
}

// maxurl-backed XMLHttpRequest is asynchronous; a Task enforces our own timeout because the
// classic engine has no xhr.timeout.
function maxTransport(req, callback) {
  var xhr = new XMLHttpRequest();
  var finished = false;
  var timer = new Task(function () {
    if (finished) return;
    finished = true;
    try { xhr.abort(); } catch (e) { /* older Max: nothing to abort with */ }
    callback({kind: 'timeout'});
  });
  xhr.open(req.method, req.url);
  for (var name in req.headers) {
    if (req.headers.hasOwnProperty(name)) xhr.setRequestHeader(name, req.headers[name]);
  }
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 4 || finished) return;
    finished = true;
    timer.cancel();
    if (!xhr.status) callback({kind: 'connect'});
    else callback(null, {status: xhr.status, body: xhr.responseText});
  };
  timer.schedule(req.timeoutMs);
  xhr.send(req.body === null ? '' : req.body);
}

function deferTask(fn) {
  var task = new Task(fn);
  task.schedule(0);
}

var device = new core.Device(tool, {
  factory: liveFactory,
  transport: maxTransport,
  defer: deferTask,
  status: showStatus,
  busy: showBusy
});

// clipgen-m4l.json beside the devices (Max's search path) sets host, port, apiKey, timeout.
function readConfigFile() {
  var f = new File('clipgen-m4l.json', 'read');
  if (!f.isopen) return null;
  var text = '';
  while (f.position < f.eof) text += f.readstring(4096);
  f.close();
  return text;
}

// From [live.thisdevice]: the Live API is usable from here on.
function init() {
  ready = true;
  var text = readConfigFile();
  if (text !== null) {
    var parsed = http.parseConfig(text);
    device.setConfig(parsed.config);
    if (parsed.error) return showStatus(parsed.error);
  }
  showStatus(tool === 'interpolate' ? device.captureText() : 'Ready.');
}

function notReady() {
  if (ready) return false;
  showStatus('ClipGen is starting; try again in a second.');
  return true;
}

function isPress(v) {
  return v === undefined || (v !== 0 && v !== '0');
}

// The main button (live.text in button mode, through [prepend press]).
function press(v) {
  if (!isPress(v) || notReady()) return;
  device.run();
}
function bang() {
  press();
}
function capture_a(v) {
  if (isPress(v) && !notReady()) device.capture('a');
}
function capture_b(v) {
  if (isPress(v) && !notReady()) device.capture('b');
}

// Settings by message, e.g. from a message box: port 7400, host 127.0.0.1, apikey XYZ, timeout 60.
function port(n) {
  var parsed = http.parseConfig(JSON.stringify({port: n}), device.config);
  device.setConfig(parsed.config);
  showStatus(parsed.error || 'ClipGen port ' + device.config.port + '.');
}
function host(name) {
  device.setConfig(http.parseConfig(JSON.stringify({host: String(name)}), device.config).config);
}
function apikey(key) {
  device.setConfig(http.parseConfig(JSON.stringify({apiKey: String(key)}), device.config).config);
}
function timeout(seconds) {
  var parsed = http.parseConfig(JSON.stringify({timeoutSeconds: seconds}), device.config);
  device.setConfig(parsed.config);
  if (parsed.error) showStatus(parsed.error);
}

// Controls: [prepend temperature] etc. arrive here as "temperature 1.2".
function anything() {
  var args = arrayfromargs(arguments);
  device.set(messagename, args.length ? args[0] : null);
}
