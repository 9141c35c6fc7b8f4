// Runtime host page: connects to the app's RuntimeServer, says hello with its capabilities,
// heartbeats, serves load/model/run/cancel/echo requests and reconnects with backoff when the app
// restarts. Protocol: docs/host-protocol.md; compute: compute/index.js (docs/compute-runtime.md).
import { control, decodeControl, decodeFrame, echoReply, FrameKind } from './protocol.js';
import { detectCapabilities } from './capabilities.js';
import { RunQueue } from './runs.js';
import { PageLinks } from './links.js';
import { defaultMemoryLimitBytes } from './compute/limits.js';

const params = new URLSearchParams(location.search);
const token = params.get('token') || '';
const hostId = params.get('host') || '';
const kind = params.get('kind') || '';
const wsUrl = `ws://${location.host}/ws?${new URLSearchParams({ token, host: hostId, kind })}`;

const MAX_BACKOFF_MS = 30000;
const MAX_QUEUED_ERRORS = 32;

const state = {
  ws: null,
  attempt: 0,
  welcomed: false,
  stopped: false,            // the app told us not to come back (replaced / closed_by_app)
  heartbeatTimer: 0,
  heartbeatIntervalMs: 1000,
  maxFrameBytes: 0,
  dataKey: '',               // this session's key for the compute worker's data connection
  dataPort: 0,               // the app's port for data connections (welcome.dataPort)
  weightLimitBytes: 0,       // operator cap from welcome (0: the backends' own defaults)
  backendChoice: '',         // the last backend a model was deployed on (for the fresh-backend limit)
  seq: 0,
  queuedErrors: [],
  counters: { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, reconnects: 0, errorsReported: 0 },
  startedAt: performance.now(),
};

const chunkCache = new Map();   // sha256 hex -> Uint8Array (chunks not yet in Cache Storage)
const persisted = new Set();    // sha256 hex of chunks stored in Cache Storage (survive reloads)
const loads = new Map();        // request id -> { expected: [{sha256,sizeBytes}], next, chain }
const models = new Map();       // model name -> { backend, config, tensors: Set }
// Runs that arrive on this connection (compute in the page, or before the worker's data
// connection is up); the activation is copied out so its buffer can be moved to the worker.
const runs = new RunQueue({ lookup: (name) => models.get(name), send, sendError, copyPayload: true });
let capabilitiesPromise = null;
let computePromise = null;      // the compute module (compute/index.js) or {error}
let storePromise = null;        // ChunkCache (Cache Storage) or null where unavailable
let probePromise = null;        // the measured backend choice for 'auto'
let modelChain = Promise.resolve(); // model deployments run one at a time
let dataKeyInUse = '';              // the key the worker's data connection was opened with
let links = null;                   // PageLinks: direct ports to peer pages' compute workers

function setStatus(text) {
  const el = document.getElementById('state');
  if (el) el.textContent = text;
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
  if (links) links.close();
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

// The compute runtime is loaded on first use, in a dedicated worker (compute/remote.js) so that
// long runs never stall heartbeats; where a worker cannot start it runs in this page and says so
// (modelReady.computeThread). If it cannot load at all, every model/run request is answered with
// error 'unsupported' and the reason: never an invented result.
function compute() {
  if (!computePromise) {
    computePromise = import('./compute/remote.js')
      .then(({ openCompute }) => openCompute((message) => {
        // The worker died: its backends are gone. Report it; the next model request starts anew.
        sendError('compute_failed', message);
        models.clear();
        dataKeyInUse = '';
        probePromise = null;
        computePromise = null;
      }))
      .then(
        ({ module, thread, reason }) => ({ module, thread, reason }),
        (e) => ({ error: `the compute runtime did not load (compute/remote.js: ${e && e.message ? e.message : e})` }));
  }
  return computePromise;
}

// With compute in a worker, runs travel on the worker's own connection to the app (the data
// connection), so a hop never waits for this thread. Until it is open, and where compute runs in
// this page, runs use the control connection.
async function ensureDataChannel() {
  if (!state.dataKey || !state.dataPort || dataKeyInUse === state.dataKey || !computePromise) return;
  const opened = await computePromise;
  if (opened.error || !opened.module.connectData || dataKeyInUse === state.dataKey) return;
  const key = state.dataKey;
  dataKeyInUse = key;
  try {
    const dataUrl = `ws://${location.hostname}:${state.dataPort}/data?${new URLSearchParams({ host: hostId, key })}`;
    await opened.module.connectData(dataUrl, state.maxFrameBytes);
  } catch (e) {
    if (dataKeyInUse === key) dataKeyInUse = '';
    console.warn('runs stay on the control connection:', e && e.message ? e.message : e);
  }
}

function chunkStore() {
  if (!storePromise) {
    storePromise = import('./compute/chunk-cache.js')
      .then(async ({ ChunkCache }) => {
        const store = await ChunkCache.open();
        for (const hash of await store.inventory()) persisted.add(hash);
        return store;
      })
      .catch((e) => {
        console.warn('weight chunks stay in memory only:', e && e.message ? e.message : e);
        return null;
      });
  }
  return storePromise;
}

async function chunkBytes(hash) {
  const inMemory = chunkCache.get(hash);
  if (inMemory) return inMemory;
  if (!persisted.has(hash)) return null;
  const store = await chunkStore();
  const bytes = store ? await store.get(hash) : null;
  if (!bytes) persisted.delete(hash); // evicted by the browser: the app will resend it
  return bytes ? new Uint8Array(bytes) : null;
}

/** 'auto': every available backend times a [64, E] x [E, E] matmul; the fastest wins. */
function pickBackend(module, hiddenSize) {
  if (!probePromise) {
    probePromise = (async () => {
      const found = await module.detectBackends();
      const timings = {};
      const reasons = {};
      let best = null;
      for (const b of found) {
        if (!b.available) {
          reasons[b.name] = b.reason;
          continue;
        }
        let engine = null;
        try {
          engine = await module.createBackend(b.name);
          const size = Math.max(64, Math.min(hiddenSize, 512));
          const ms = await engine.timeMatmul(64, size, size, 3);
          timings[b.name] = Math.round(ms * 1000) / 1000;
          if (!best || ms < timings[best]) best = b.name;
        } catch (e) {
          reasons[b.name] = e && e.message ? e.message : String(e);
        } finally {
          if (engine) engine.dispose();
        }
      }
      if (!best) throw new Error(`no compute backend works here: ${JSON.stringify(reasons)}`);
      return { choice: best, timingsMs: timings, unavailable: reasons };
    })();
  }
  return probePromise;
}

function startHeartbeat() {
  clearInterval(state.heartbeatTimer);
  state.heartbeatTimer = setInterval(() => {
    state.seq += 1;
    send(control('heartbeat', { seq: state.seq }));
    if (state.seq % 5 === 0) sendMetrics();
  }, state.heartbeatIntervalMs);
}

// The limit a backend gives itself (compute/limits.js); WebGPU's depends on the adapter.
async function defaultWeightLimitBytes(name) {
  if (name !== 'webgpu') return defaultMemoryLimitBytes(name);
  const { capabilities: caps } = await capabilities();
  return defaultMemoryLimitBytes(name, caps.webgpu && caps.webgpu.limits && caps.webgpu.limits.maxBufferSize);
}

// Options for module.createBackend(name): with an operator cap, the smaller of the cap and the
// backend's default; without one, nothing (the backend keeps its default).
async function backendOptions(name) {
  if (!(state.weightLimitBytes > 0)) return {};
  return { memoryLimitBytes: Math.min(state.weightLimitBytes, await defaultWeightLimitBytes(name)) };
}

// Weight bytes held by the deployed models' backends and their limits (summed over backends: each
// model has its own backend). With nothing deployed: 0 bytes of what a fresh backend would accept.
async function weightMemory() {
  let weightBytes = 0;
  let weightLimitBytes = 0;
  for (const entry of models.values()) {
    const usage = await entry.backend.memoryUsage();
    if (!Number.isSafeInteger(usage.weightBytes) || !Number.isSafeInteger(usage.limitBytes)) return null;
    weightBytes += usage.weightBytes;
    weightLimitBytes += usage.limitBytes;
  }
  if (models.size === 0) {
    const name = state.backendChoice || 'wasm';
    const options = await backendOptions(name);
    weightLimitBytes = options.memoryLimitBytes ?? await defaultWeightLimitBytes(name);
  }
  return { weightBytes, weightLimitBytes };
}

async function sendMetrics() {
  const values = {
    uptimeMs: Math.round(performance.now() - state.startedAt),
    framesIn: state.counters.framesIn,
    framesOut: state.counters.framesOut,
    bytesIn: state.counters.bytesIn,
    bytesOut: state.counters.bytesOut,
    reconnects: state.counters.reconnects,
    cachedChunks: new Set([...chunkCache.keys(), ...persisted]).size,
    cachedChunkBytes: [...chunkCache.values()].reduce((n, c) => n + c.byteLength, 0),
  };
  if (performance.memory && typeof performance.memory.usedJSHeapSize === 'number') {
    values.jsHeapUsedBytes = performance.memory.usedJSHeapSize;
  }
  try {
    // Runs travel on the compute worker's data connection: its traffic counts too.
    const opened = computePromise ? await computePromise : null;
    const data = opened && !opened.error && opened.module.dataCounters ? await opened.module.dataCounters() : null;
    if (data) {
      for (const key of ['framesIn', 'framesOut', 'bytesIn', 'bytesOut']) values[key] += data[key];
    }
    const memory = await weightMemory();
    if (memory) Object.assign(values, memory);
  } catch (e) {
    // The compute worker is gone (reported as compute_failed): the counters still go out.
    console.warn('weight memory unavailable:', e && e.message ? e.message : e);
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
      state.dataKey = typeof msg.dataKey === 'string' ? msg.dataKey : '';
      state.dataPort = Number.isInteger(msg.dataPort) && msg.dataPort > 0 && msg.dataPort < 65536 ? msg.dataPort : 0;
      ensureDataChannel();
      state.weightLimitBytes = Number.isSafeInteger(msg.weightLimitBytes) && msg.weightLimitBytes > 0
        ? msg.weightLimitBytes : 0;
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
    case 'model':
      modelChain = modelChain.then(() => handleModel(msg));
      return;
    case 'run':
      runs.handleRun(msg);
      return;
    case 'cancel':
      runs.cancel(msg.id);
      return;
    case 'link':
      handleLink(msg);
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

// Links join compute workers: the output of a run that names a link goes from this page's worker
// to the peer page's worker (links.js, link-broker.js). Both pages must share a browser profile.
async function attachLink(link, port) {
  const opened = computePromise ? await computePromise : null;
  if (!opened || opened.error || !opened.module.attachLink) throw new Error('this page computes without a worker');
  if (!dataKeyInUse) throw new Error('this page has no data connection');
  await opened.module.attachLink(link, port);
}

async function handleLink(msg) {
  if (!msg.id || typeof msg.link !== 'string' || !msg.link || typeof msg.peer !== 'string' || !msg.peer) {
    sendError('wrong_type', 'link needs id, link and peer', msg.id || 0);
    return;
  }
  try {
    await links.open(msg.link, msg.peer);
    send(control('linked', { id: msg.id, link: msg.link }));
  } catch (e) {
    sendError('link_unavailable', e && e.message ? e.message : String(e), msg.id);
  }
}

async function handleModel(msg) {
  const fail = (code, message) => sendError(code, message, msg.id);
  const { module, thread, reason, error } = await compute();
  if (error) return fail('unsupported', error);
  const t0 = performance.now();
  try {
    if (!Array.isArray(msg.tensors) || typeof msg.name !== 'string' || !msg.config) {
      return fail('wrong_type', 'model needs name, config and tensors');
    }
    module.checkConfig(msg.config);
    // Every chunk must be here (memory or Cache Storage) before anything is loaded.
    const missing = [];
    const seen = new Set();
    for (const t of msg.tensors) {
      for (const c of t.chunks || []) {
        if (seen.has(c.sha256)) continue;
        seen.add(c.sha256);
        if (!chunkCache.has(c.sha256) && !persisted.has(c.sha256)) missing.push(c.sha256);
      }
    }
    if (missing.length) {
      send(control('modelMissing', { id: msg.id, chunks: missing }));
      return;
    }
    const tensors = {};
    for (const t of msg.tensors) {
      const size = Number(t.size ?? t.sizeBytes);
      if (!Number.isSafeInteger(size) || size < 0 || !Array.isArray(t.shape)) {
        return fail('bad_model', `tensor ${t.name}: bad size or shape`);
      }
      const bytes = new Uint8Array(size);
      for (const c of t.chunks) {
        const chunk = await chunkBytes(c.sha256);
        if (!chunk) {
          send(control('modelMissing', { id: msg.id, chunks: [c.sha256] }));
          return;
        }
        const offset = Number(c.offset);
        if (chunk.byteLength !== Number(c.size) || offset < 0 || offset + chunk.byteLength > size) {
          return fail('bad_model', `tensor ${t.name}: chunk ${c.sha256} does not fit at offset ${c.offset}`);
        }
        bytes.set(chunk, offset);
      }
      tensors[t.name] = { dtype: t.dtype, shape: t.shape, data: bytes.buffer };
    }
    // threads: an exact count 1..64 for the wasm backend, or absent = 'auto' (every hardware
    // thread it can use). An explicit count that cannot start fails the deployment.
    if (msg.threads !== undefined && !(Number.isInteger(msg.threads) && msg.threads >= 1 && msg.threads <= 64)) {
      return fail('wrong_type', `threads must be an integer in [1, 64] or absent (got ${JSON.stringify(msg.threads)})`);
    }
    const threads = msg.threads ?? 'auto';
    let entry = models.get(msg.name);
    let probe = null;
    const wanted = msg.backend && msg.backend !== 'auto' ? msg.backend : null;
    // Threads only mean something to wasm: another thread count there needs a new backend
    // (its thread pool is fixed at creation); the tensors it holds are loaded again below.
    const threadsDiffer = entry && entry.backend.name === 'wasm' && entry.threads !== threads;
    if (!entry || (wanted && entry.backend.name !== wanted) || threadsDiffer) {
      let name = wanted ?? (threadsDiffer ? entry.backend.name : null);
      if (!name) {
        probe = await pickBackend(module, msg.config.hiddenSize);
        name = probe.choice;
      }
      if (entry) {
        entry.backend.dispose();
        models.delete(msg.name);
      }
      entry = { backend: await module.createBackend(name, { ...(await backendOptions(name)), threads }),
                config: msg.config, tensors: new Set(), threads };
      state.backendChoice = name;
      models.set(msg.name, entry);
    }
    entry.config = msg.config;
    const memory = await entry.backend.loadWeights(tensors);
    for (const name of Object.keys(tensors)) entry.tensors.add(name);
    if (entry.backend.serve) {
      await entry.backend.serve(msg.name, entry.config);
      await ensureDataChannel();
    }
    // Weights now live in the backend; chunks kept in Cache Storage need no second copy in memory.
    for (const hash of seen) if (persisted.has(hash)) chunkCache.delete(hash);
    const info = entry.backend.info ?? {};
    const threadsReason = entry.backend.name !== 'wasm' && msg.threads !== undefined
      ? `the ${entry.backend.name} backend has no thread count: threads ${msg.threads} ignored`
      : info.threadsReason;
    send(control('modelReady', {
      id: msg.id, name: msg.name, backend: entry.backend.name, memory,
      loadMs: Math.round(performance.now() - t0), tensors: entry.tensors.size,
      computeThread: thread, ...(reason ? { computeThreadReason: reason } : {}),
      threads: info.threads ?? 1, requestedThreads: threads,
      ...(threadsReason ? { threadsReason } : {}),
      ...(probe ? { probe } : {}),
    }));
    sendMetrics(); // the app learns the new weight memory now, not at the next 5th heartbeat
  } catch (e) {
    fail('load_failed', e && e.message ? e.message : String(e));
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
    const store = await chunkStore();
    if (store) {
      try {
        await store.put(hash, bytes);
        persisted.add(hash);
      } catch (e) {
        console.warn('chunk not persisted:', e && e.message ? e.message : e);
      }
    }
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
      runs.handleActivation(frame);
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
  links = new PageLinks(hostId, attachLink);
  connect();
}
