// The compute runtime behind a dedicated worker (compute/worker.js), with the API of
// compute/index.js: detectBackends, createBackend (async backend methods), checkConfig.
// openCompute() starts the worker and waits for it; when a browser cannot run it (no module
// workers, blocked, crashed at load) it returns the in-page runtime instead and says why, so the
// page still computes, only on its main thread.
export { checkConfig } from './executor.js';

const READY_TIMEOUT_MS = 15000;

class WorkerLink {
  constructor(worker, onError) {
    this.worker = worker;
    this.pending = new Map();
    this.nextId = 1;
    this.failure = null;
    worker.onmessage = ({ data }) => {
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      if (data.ok) p.resolve({ result: data.result, ms: data.ms });
      else p.reject(new Error(data.error));
    };
    worker.onerror = (event) => {
      const message = `compute worker failed: ${event.message || 'error'}`;
      this.failure = message;
      for (const p of this.pending.values()) p.reject(new Error(message));
      this.pending.clear();
      onError(message);
    };
  }

  /** Resolves to the result; callTimed() to { result, ms } (ms spent inside the worker). */
  call(message, transfer = []) {
    return this.callTimed(message, transfer).then(({ result }) => result);
  }

  callTimed(message, transfer = []) {
    if (this.failure) return Promise.reject(new Error(this.failure));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }
}

// A backend living in the worker. Every method returns a promise.
class RemoteBackend {
  constructor(link, { backendId, name, info }) {
    this.link = link;
    this.backendId = backendId;
    this.name = name;
    this.info = info;
    this.lastCallMs = 0; // time the last finished call spent in the worker (without the messages)
  }

  async callWith(method, args, transfer = []) {
    const { result, ms } = await this.link.callTimed({ op: 'call', backendId: this.backendId, method, args }, transfer);
    this.lastCallMs = ms;
    return result;
  }

  loadWeights(tensors) {
    const transfer = [];
    for (const t of Object.values(tensors)) {
      if (t && t.data instanceof ArrayBuffer) transfer.push(t.data);
    }
    return this.callWith('loadWeights', [tensors], transfer);
  }
  unloadWeights(names) { return this.callWith('unloadWeights', [names]); }
  memoryUsage() { return this.callWith('memoryUsage', []); }
  /** `hidden`'s buffer is transferred to the worker (the caller must not use it afterwards). */
  runLayers(config, range, hidden, seqLen) {
    return this.callWith('runLayers', [config, range, hidden, seqLen], ownedBuffer(hidden));
  }
  embed(config, tokens) { return this.callWith('embed', [config, tokens]); }
  runOp(op, params) { return this.callWith('runOp', [op, params]); }
  embedAndRunLayers(config, tokens, range) { return this.callWith('embedAndRunLayers', [config, tokens, range]); }
  timeMatmul(...args) { return this.callWith('timeMatmul', args); }
  /** Runs of model `name` that arrive on the worker's data connection use this backend. */
  serve(name, config) { return this.link.call({ op: 'serve', name, backendId: this.backendId, config }); }
  dispose() {
    this.link.call({ op: 'dispose', backendId: this.backendId }).catch(() => {});
  }
}

function ownedBuffer(view) {
  return view && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? [view.buffer] : [];
}

/**
 * Resolves to { module, thread: 'worker'|'page', reason }. `onError(message)` is called when a
 * running worker dies (its pending calls fail with that message).
 */
export async function openCompute(onError = () => {}) {
  let worker;
  try {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch (e) {
    return inPage(`no module worker: ${e && e.message ? e.message : e}`);
  }
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, reason: 'the compute worker did not start in time' }), READY_TIMEOUT_MS);
    worker.onmessage = ({ data }) => {
      if (data && data.ready) {
        clearTimeout(timer);
        resolve({ ok: true });
      }
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      event.preventDefault?.();
      resolve({ ok: false, reason: `the compute worker failed to load: ${event.message || 'error'}` });
    };
  });
  if (!ready.ok) {
    worker.terminate();
    return inPage(ready.reason);
  }
  const link = new WorkerLink(worker, onError);
  const module = {
    checkConfig: (await import('./executor.js')).checkConfig,
    detectBackends: (options = {}) => link.call({ op: 'detect', options }),
    createBackend: async (name, options = {}) => new RemoteBackend(link, await link.call({ op: 'create', name, options })),
    /** Opens the worker's data connection (resolves once it is open). */
    connectData: (url, maxFrameBytes) => link.call({ op: 'connectData', url, maxFrameBytes }),
    /** Gives the worker a MessagePort to a peer page's worker (transferred): runs naming `name` forward there. */
    attachLink: (name, port) => link.call({ op: 'attachLink', link: name, port }, [port]),
    /** Frames and bytes the data connection carried (null before it opened). */
    dataCounters: () => link.call({ op: 'dataCounters' }),
  };
  return { module, thread: 'worker', reason: '' };
}

async function inPage(reason) {
  const module = await import('./index.js');
  return { module, thread: 'page', reason };
}
