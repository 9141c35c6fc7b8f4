// The compute runtime's dedicated worker: backends (compute/index.js) live here so that a long
// layer run never blocks the host page's main thread, which must keep answering the app
// (heartbeats, cancels, echo). The page talks to it through compute/remote.js:
//   { id, op: 'detect', options }                       -> detectBackends(options)
//   { id, op: 'create', name, options }                 -> { backendId, name, info }
//   { id, op: 'call', backendId, method, args }         -> the backend method's result
//   { id, op: 'dispose', backendId }
//   { id, op: 'serve', name, backendId, config }        -> runs of model `name` use that backend
//   { id, op: 'unserve', name }
//   { id, op: 'connectData', url, maxFrameBytes }       -> opens the data connection (../data-channel.js)
//   { id, op: 'dataCounters' }                          -> its frame/byte counters, or null
//   { id, op: 'attachLink', link, port }                -> a port to a peer page's worker (../links.js)
// Answers: { id, ok: true, result, ms (time spent in the worker) } or { id, ok: false, error }. Float32Array results and input
// buffers are transferred, not copied.
import * as compute from './index.js';
import { DataChannel } from '../data-channel.js';

const backends = new Map();
const served = new Map(); // model name -> { backendId, config }: what the data connection runs
let dataChannel = null;
// Links to peer pages' workers (docs/host-protocol.md, "Links"): runs with `forward` post their
// output to one; what arrives on any of them is a run for this worker's data connection.
const MAX_LINKS = 64;
const links = new Map(); // link name -> MessagePort

function attachLink(name, port) {
  if (typeof name !== 'string' || !name || !(port instanceof MessagePort)) {
    throw new Error('compute worker: attachLink needs a link name and a MessagePort');
  }
  const old = links.get(name);
  if (old) old.close();
  links.delete(name);
  links.set(name, port);
  if (links.size > MAX_LINKS) {
    const [oldest, oldPort] = links.entries().next().value;
    links.delete(oldest);
    oldPort.close();
  }
  port.onmessage = ({ data }) => {
    if (dataChannel) dataChannel.runs.handleForwarded(data);
    else console.warn('a forwarded run arrived before the data connection opened: dropped');
  };
}

function servedModel(name) {
  const s = served.get(name);
  const backend = s && backends.get(s.backendId);
  return backend ? { backend, config: s.config } : undefined;
}
let nextBackendId = 1;
const CALLABLE = new Set(['loadWeights', 'unloadWeights', 'hasWeights', 'memoryUsage', 'runLayers', 'embed',
                          'embedAndRunLayers', 'runOp', 'timeMatmul']);

function backendOf(id) {
  const backend = backends.get(id);
  if (!backend) throw new Error(`compute worker: no backend ${id}`);
  return backend;
}

async function handle(msg) {
  switch (msg.op) {
    case 'detect':
      return compute.detectBackends(msg.options ?? {});
    case 'create': {
      const backend = await compute.createBackend(msg.name, msg.options ?? {});
      const backendId = nextBackendId++;
      backends.set(backendId, backend);
      return { backendId, name: backend.name, info: backend.info ?? {} };
    }
    case 'call': {
      if (!CALLABLE.has(msg.method)) throw new Error(`compute worker: ${msg.method} is not callable`);
      const backend = backendOf(msg.backendId);
      return backend[msg.method](...(msg.args ?? []));
    }
    case 'dispose': {
      const backend = backends.get(msg.backendId);
      backends.delete(msg.backendId);
      if (backend && backend.dispose) backend.dispose();
      return null;
    }
    case 'serve':
      backendOf(msg.backendId);
      served.set(msg.name, { backendId: msg.backendId, config: msg.config });
      return null;
    case 'dataCounters':
      return dataChannel ? { ...dataChannel.counters } : null;
    case 'unserve':
      served.delete(msg.name);
      return null;
    case 'attachLink':
      attachLink(msg.link, msg.port);
      return null;
    case 'connectData': {
      if (dataChannel) dataChannel.close();
      dataChannel = new DataChannel(msg.url, msg.maxFrameBytes, servedModel, (name) => links.get(name));
      await dataChannel.opened;
      return null;
    }
    default:
      throw new Error(`compute worker: unknown op ${msg.op}`);
  }
}

self.onmessage = async ({ data }) => {
  try {
    const t0 = performance.now();
    const result = await handle(data);
    const ms = performance.now() - t0;
    const transfer = result instanceof Float32Array && result.byteOffset === 0 &&
      result.byteLength === result.buffer.byteLength ? [result.buffer] : [];
    self.postMessage({ id: data.id, ok: true, result, ms }, transfer);
  } catch (e) {
    self.postMessage({ id: data.id, ok: false, error: e && e.message ? e.message : String(e) });
  }
};

self.postMessage({ ready: true, crossOriginIsolated: !!self.crossOriginIsolated });
