// Wasm kernels on several threads: kernels-mt.wasm (kernels.c built with atomics and shared,
// imported memory) instantiated once in the calling worker and once per helper thread
// (compute/wasm-thread-worker.js), all on one shared WebAssembly.Memory. Matmuls are split by
// output rows; each row is computed exactly as on one thread (same k order), so results do not
// depend on the thread count. Needs cross-origin isolation (SharedArrayBuffer) and a worker to run
// in (Atomics.wait is not allowed on a page's main thread).
const WAIT_MS = 20000; // a helper that does not finish a row range in this long is dead

/** Why threads cannot run here, or '' when they can. */
export function threadsUnavailableReason() {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) {
    return 'the page is not cross-origin isolated (no SharedArrayBuffer)';
  }
  if (typeof WorkerGlobalScope === 'undefined' || !(self instanceof WorkerGlobalScope)) {
    return 'threads are driven from a worker (Atomics.wait is not allowed on the main thread)';
  }
  if ((navigator.hardwareConcurrency || 1) < 2) return 'one hardware thread';
  return '';
}

export function defaultThreadCount() {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8));
}

/**
 * Resolves to { exports, memory, pool } with `threads` threads in all (the caller is one of them).
 * Rejects with the reason when threads cannot start.
 */
export async function loadThreadedKernels(threads, url = new URL('kernels-mt.wasm', import.meta.url)) {
  const reason = threadsUnavailableReason();
  if (reason) throw new Error(reason);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  const module = await WebAssembly.compile(await response.arrayBuffer());
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 32768, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const pool = await ThreadPool.start(module, memory, threads - 1);
  return { exports: instance.exports, memory, pool };
}

class ThreadPool {
  static async start(module, memory, helpers) {
    const control = new SharedArrayBuffer(Math.max(1, helpers) * 64);
    const pool = new ThreadPool(control, helpers);
    try {
      await Promise.all(Array.from({ length: helpers }, (_, index) => new Promise((resolve, reject) => {
        const worker = new Worker(new URL('./wasm-thread-worker.js', import.meta.url));
        pool.workers.push(worker);
        worker.onmessage = ({ data }) => (data.ready ? resolve() : reject(new Error(`wasm thread ${index}: ${data.error}`)));
        worker.onerror = (e) => reject(new Error(`wasm thread ${index} failed to start: ${e.message || 'error'}`));
        worker.postMessage({ module, memory, control, index });
      })));
    } catch (e) {
      pool.stop();
      throw e;
    }
    return pool;
  }

  constructor(control, helpers) {
    this.control = control;
    this.helpers = helpers;
    this.workers = [];
    this.generation = 0;
  }

  get threads() { return this.helpers + 1; }

  /**
   * C[M,N] = A[M,K] B[K,N] (+ bias) with rows split over the threads; `own(rows0, rows1)` computes
   * the caller's share. Throws if a helper fails or does not answer.
   */
  matmul(exportsMatmul, a, b, bias, c, M, K, N) {
    const parts = Math.min(this.threads, M);
    const rowsPer = Math.ceil(M / parts);
    const gen = ++this.generation;
    const used = [];
    for (let t = 1; t < parts; ++t) {
      const r0 = t * rowsPer;
      const r1 = Math.min(M, r0 + rowsPer);
      if (r0 >= r1) break;
      const slot = new Int32Array(this.control, (t - 1) * 64, 16);
      slot.set([a + r0 * K * 4, b, bias, c + r0 * N * 4, r1 - r0, K, N], 3);
      Atomics.store(slot, 0, gen);
      Atomics.notify(slot, 0);
      used.push(slot);
    }
    exportsMatmul(a, b, bias, c, Math.min(M, rowsPer), K, N);
    for (const slot of used) {
      for (;;) {
        const done = Atomics.load(slot, 1);
        if (done === gen) break;
        if (Atomics.wait(slot, 1, done, WAIT_MS) === 'timed-out') {
          throw new Error(`a wasm thread did not finish its rows within ${WAIT_MS} ms`);
        }
      }
      if (Atomics.load(slot, 2)) throw new Error('a wasm thread failed its matmul rows');
    }
  }

  stop() {
    for (let t = 0; t < this.helpers; ++t) {
      const slot = new Int32Array(this.control, t * 64, 16);
      Atomics.store(slot, 0, -1);
      Atomics.notify(slot, 0);
    }
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}
