// Runtime host page: connects to the app's RuntimeServer, says hello with its capabilities,
// heartbeats, serves load/run/cancel/echo requests and reconnects with backoff when the app
// restarts. Protocol: docs/host-protocol.md.
import { control, decodeControl, decodeFrame, encodeFrame, echoReply, FrameKind, ProtocolError } from './protocol.js';
import { detectCapabilities } from './capabilities.js';

const params = new URLSearchParams(location.search);
const token = params.get('token') || '';
const hostId = params.get('host') || '';
const kind = params.get('kind') || '';
const wsUrl = `ws://${location.host}/ws?${new URLSearchParams({ token, host: hostId, kind })}`;

const MAX_BACKOFF_MS = 30000;
const MAX_QUEUED_ERRORS = 32;
const MAX_REMEMBERED_IDS = 1024;

const state = {
  ws: null,
  attempt: 0,
  welcomed: false,
  stopped: false,            // the app told us not to come back (replaced / closed_by_app)
  heartbeatTimer: 0,
  heartbeatIntervalMs: 1000,
  maxFrameBytes: 0,
  seq: 0,
  queuedErrors: [],
  counters: { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, reconnects: 0, errorsReported: 0 },
  startedAt: performance.now(),
};

const chunkCache = new Map();   // sha256 hex -> Uint8Array
const loads = new Map();        // request id -> { expected: [{sha256,sizeBytes}], next, chain }
const pendingRuns = new Map();  // request id -> run message (waiting for its Activation frame)
const refusedRuns = new Set();  // run ids already answered with an error: their frames are dropped
let capabilitiesPromise = null;
let backendPromise = null;

function setStatus(text) {
  const el = document.getElementById('state');
  if (el) el.textContent = text;
}

function remember(set, id) {
  set.add(id);
  if (set.size > MAX_REMEMBERED_IDS) set.delete(set.values().next().value);
}

function send(data) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(data);
  state.counters.framesOut += 1;
  state.counters.bytesOut += typeof data === 'string' ? data.length : data.byteLength;
  return true;
}

function sendError(code, message, id = 0) {
  const fields = { code, message: String(message).slice(0, 4000) };
  if (id) fields.id = id;
  const text = control('error', fields);
  if (!state.welcomed || !send(text)) {
    if (state.queuedErrors.length < MAX_QUEUED_ERRORS) state.queuedErrors.push(text);
    return;
  }
  state.counters.errorsReported += 1;
}

// Page-level failures are reported to the app, not swallowed.
addEventListener('error', (event) => {
  sendError('uncaught_exception', `${event.message} (${event.filename}:${event.lineno})`);
});
addEventListener('unhandledrejection', (event) => {
  const r = event.reason;
  sendError('unhandled_rejection', r && r.stack ? r.stack : String(r));
});
addEventListener('pagehide', () => {
  send(control('goodbye', { reason: 'page unloading' }));
});

async function capabilities() {
  if (!capabilitiesPromise) {
    capabilitiesPromise = detectCapabilities().then(async ({ capabilities, adapter }) => {
      let device = null;
      if (adapter) {
        try {
          device = await adapter.requestDevice();
          device.lost.then((info) => {
            sendError('device_lost', `WebGPU device lost (${info.reason}): ${info.message}`);
          });
          device.addEventListener('uncapturederror', (event) => {
            sendError('webgpu_error', event.error && event.error.message ? event.error.message : String(event.error));
          });
        } catch (e) {
          capabilities.webgpu.error = `requestDevice() failed: ${e && e.message ? e.message : e}`;
        }
      }
      return { capabilities, adapter, device };
    });
  }
  return capabilitiesPromise;
}

// The compute kernels live in ./compute/ (another module). Loaded on first use; when absent the
// page answers run requests with an 'unsupported' error instead of inventing results.
async function backend() {
  if (!backendPromise) {
    backendPromise = (async () => {
      const env = await capabilities();
      let module;
      try {
        module = await import('./compute/backend.js');
      } catch (e) {
        return { error: `no compute backend in this runtime (compute/backend.js: ${e && e.message ? e.message : e})` };
      }
      if (typeof module.createBackend !== 'function') {
        return { error: 'compute/backend.js does not export createBackend()' };
      }
      try {
        return { backend: await module.createBackend(env) };
      } catch (e) {
        return { error: `createBackend() failed: ${e && e.message ? e.message : e}` };
      }
    })();
  }
  return backendPromise;
}

function startHeartbeat() {
  clearInterval(state.heartbeatTimer);
  state.heartbeatTimer = setInterval(() => {
    state.seq += 1;
    send(control('heartbeat', { seq: state.seq }));
    if (state.seq % 5 === 0) sendMetrics();
  }, state.heartbeatIntervalMs);
}

function sendMetrics() {
  const values = {
    uptimeMs: Math.round(performance.now() - state.startedAt),
    framesIn: state.counters.framesIn,
    framesOut: state.counters.framesOut,
    bytesIn: state.counters.bytesIn,
    bytesOut: state.counters.bytesOut,
    reconnects: state.counters.reconnects,
    cachedChunks: chunkCache.size,
    cachedChunkBytes: [...chunkCache.values()].reduce((n, c) => n + c.byteLength, 0),
  };
  if (performance.memory && typeof performance.memory.usedJSHeapSize === 'number') {
    values.jsHeapUsedBytes = performance.memory.usedJSHeapSize;
  }
  send(control('metrics', { values }));
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function handleControl(msg) {
  switch (msg.type) {
    case 'welcome':
      state.welcomed = true;
      state.attempt = 0;
      state.heartbeatIntervalMs = Math.max(50, msg.heartbeatIntervalMs | 0);
      state.maxFrameBytes = msg.maxFrameBytes;
      setStatus(`connected (session ${msg.sessionId})`);
      startHeartbeat();
      for (const text of state.queuedErrors.splice(0)) send(text);
      return;
    case 'load': {
      if (!Array.isArray(msg.chunks) || !msg.id) {
        sendError('wrong_type', 'load needs id and chunks', msg.id || 0);
        return;
      }
      loads.set(msg.id, { expected: msg.chunks, next: 0, chain: Promise.resolve(), failed: false });
      if (msg.chunks.length === 0) {
        loads.delete(msg.id);
        send(control('loaded', { id: msg.id, chunks: [] }));
      }
      return;
    }
    case 'run':
      handleRun(msg);
      return;
    case 'cancel':
      if (pendingRuns.delete(msg.id)) {
        remember(refusedRuns, msg.id);
        sendError('cancelled', 'request cancelled before it ran', msg.id);
      }
      return;
    case 'error':
      console.warn('app reported an error:', msg.code, msg.message);
      return;
    case 'goodbye':
      if (msg.reason === 'replaced' || msg.reason === 'closed_by_app') state.stopped = true;
      setStatus(`app said goodbye: ${msg.reason}`);
      return;
    default:
      sendError('unknown_type', `hosts do not handle '${msg.type}'`);
  }
}

async function handleRun(msg) {
  const result = await backend();
  if (result.error) {
    remember(refusedRuns, msg.id);
    sendError('unsupported', result.error, msg.id);
    return;
  }
  pendingRuns.set(msg.id, msg);
}

async function runActivation(frame) {
  const msg = pendingRuns.get(frame.requestId);
  pendingRuns.delete(frame.requestId);
  try {
    const { backend: engine } = await backend();
    const out = await engine.run({
      model: msg.model, firstLayer: msg.firstLayer, lastLayer: msg.lastLayer,
      dtype: frame.dtype, shape: frame.shape, data: frame.payload,
    });
    send(encodeFrame({ kind: FrameKind.Result, requestId: frame.requestId, dtype: out.dtype, shape: out.shape, payload: out.data }));
  } catch (e) {
    sendError(e instanceof ProtocolError ? e.code : 'run_failed', e && e.message ? e.message : String(e), frame.requestId);
  }
}

function handleWeightChunk(frame) {
  const load = loads.get(frame.requestId);
  if (!load) {
    sendError('unknown_request', `weight chunk for unknown load ${frame.requestId}`, frame.requestId);
    return;
  }
  const index = load.next++;
  const expected = load.expected[index];
  // Copy: the frame's buffer is not ours to keep.
  const bytes = frame.payload.slice();
  load.chain = load.chain.then(async () => {
    if (load.failed) return;
    if (!expected) {
      load.failed = true;
      loads.delete(frame.requestId);
      sendError('unexpected_frame', `load ${frame.requestId} listed ${load.expected.length} chunks, got more`, frame.requestId);
      return;
    }
    const hash = await sha256Hex(bytes);
    if (hash !== expected.sha256 || bytes.byteLength !== expected.sizeBytes) {
      load.failed = true;
      loads.delete(frame.requestId);
      sendError('hash_mismatch', `chunk ${index}: expected ${expected.sha256} (${expected.sizeBytes} bytes), got ${hash} (${bytes.byteLength} bytes)`, frame.requestId);
      return;
    }
    chunkCache.set(hash, bytes);
    const { backend: engine } = await backend();
    if (engine && typeof engine.loadWeights === 'function') await engine.loadWeights(hash, bytes);
    if (index === load.expected.length - 1) {
      loads.delete(frame.requestId);
      send(control('loaded', { id: frame.requestId, chunks: load.expected.map((c) => c.sha256) }));
    }
  }).catch((e) => {
    load.failed = true;
    loads.delete(frame.requestId);
    sendError('load_failed', e && e.message ? e.message : String(e), frame.requestId);
  });
}

function handleBinary(buffer) {
  let frame;
  try {
    frame = decodeFrame(buffer, state.maxFrameBytes);
  } catch (e) {
    sendError(e.code || 'malformed_frame', e.message);
    return;
  }
  switch (frame.kind) {
    case FrameKind.Echo:
      send(echoReply(buffer));
      return;
    case FrameKind.WeightChunk:
      handleWeightChunk(frame);
      return;
    case FrameKind.Activation:
      if (refusedRuns.has(frame.requestId)) return;
      if (!pendingRuns.has(frame.requestId)) {
        sendError('unknown_request', `activation for unknown run ${frame.requestId}`, frame.requestId);
        return;
      }
      runActivation(frame);
      return;
    default:
      sendError('bad_frame_kind', `hosts do not accept frame kind ${frame.kind}`, frame.requestId);
  }
}

function scheduleReconnect() {
  if (state.stopped) {
    setStatus('stopped: the app closed this host');
    return;
  }
  const base = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(state.attempt, 10));
  const delay = base / 2 + Math.random() * base / 2; // jitter: restarted apps are not stormed
  state.attempt += 1;
  setStatus(`disconnected; retrying in ${Math.round(delay)} ms`);
  setTimeout(connect, delay);
}

async function connect() {
  const { capabilities: caps } = await capabilities();
  if (state.attempt > 0) state.counters.reconnects += 1;
  state.welcomed = false;
  setStatus('connecting');
  let ws;
  try {
    ws = new WebSocket(wsUrl);
  } catch (e) {
    scheduleReconnect();
    return;
  }
  ws.binaryType = 'arraybuffer';
  state.ws = ws;
  ws.onopen = () => {
    ws.send(control('hello', { hostId, runtimeVersion: caps.runtimeVersion, capabilities: caps }));
  };
  ws.onmessage = (event) => {
    state.counters.framesIn += 1;
    if (typeof event.data === 'string') {
      state.counters.bytesIn += event.data.length;
      let msg;
      try {
        msg = decodeControl(event.data);
      } catch (e) {
        sendError(e.code || 'malformed_json', e.message);
        return;
      }
      handleControl(msg);
    } else {
      state.counters.bytesIn += event.data.byteLength;
      handleBinary(event.data);
    }
  };
  ws.onclose = () => {
    clearInterval(state.heartbeatTimer);
    if (state.ws === ws) state.ws = null;
    scheduleReconnect();
  };
}

if (!token || !hostId || !kind) {
  setStatus('missing token, host or kind in the URL');
} else {
  connect();
}
