// The public backend object every compute backend returns (see docs/compute-runtime.md). It owns
// the loaded weights, accounts memory, and runs layers and single ops through the backend's
// device-level `ops` (executor.js).
import { toFloat32 } from './dtype.js';
import { embed, embedAndRunLayers, runLayers } from './executor.js';

export class Backend {
  constructor(name, ops, info = {}) {
    this.name = name;
    this.ops = ops;
    this.info = info;
    this.weights = new Map(); // name -> device handle
    this.weightBytes = 0;
    this.memoryLimitBytes = info.memoryLimitBytes ?? Infinity;
  }

  /** Bytes of weights held, and the limit this host accepts. */
  memoryUsage() {
    return { weightBytes: this.weightBytes, limitBytes: this.memoryLimitBytes, tensors: this.weights.size,
             splitTensors: this.ops.splitTensors ?? 0 };
  }

  /**
   * tensors: { name: { dtype: 'F32'|'F16'|'BF16', shape: [..], data: ArrayBuffer|TypedArray } }.
   * All or nothing: when the float32 size of the new tensors does not fit the limit, nothing is
   * loaded and the error says how much was asked for and how much is free.
   */
  loadWeights(tensors) {
    const entries = Object.entries(tensors);
    let incoming = 0;
    const prepared = [];
    for (const [name, t] of entries) {
      if (!t || !Array.isArray(t.shape)) throw new Error(`tensor ${name}: missing shape`);
      const count = t.shape.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(count) || count < 0) throw new Error(`tensor ${name}: bad shape`);
      incoming += count * 4 - (this.weights.has(name) ? this.ops.sizeBytes(this.weights.get(name)) : 0);
      prepared.push([name, t, count]);
    }
    if (this.weightBytes + incoming > this.memoryLimitBytes) {
      const mib = b => (b / 1048576).toFixed(1);
      throw new Error(`weights do not fit on this ${this.name} host: ${mib(incoming)} MiB more requested, ` +
                      `${mib(this.memoryLimitBytes - this.weightBytes)} MiB free of ${mib(this.memoryLimitBytes)} MiB`);
    }
    for (const [name, t, count] of prepared) {
      const values = toFloat32(t.data, t.dtype, count);
      if (this.weights.has(name)) {
        this.weightBytes -= this.ops.sizeBytes(this.weights.get(name));
        this.ops.freeWeight(this.weights.get(name));
      }
      const handle = this.ops.uploadWeight(name, values, t.shape);
      this.weights.set(name, handle);
      this.weightBytes += this.ops.sizeBytes(handle);
    }
    return this.memoryUsage();
  }

  hasWeights(names) {
    return names.every(n => this.weights.has(n));
  }

  unloadWeights(names) {
    for (const name of names ?? [...this.weights.keys()]) {
      const h = this.weights.get(name);
      if (h === undefined) continue;
      this.weightBytes -= this.ops.sizeBytes(h);
      this.ops.freeWeight(h);
      this.weights.delete(name);
    }
  }

  /**
   * Runs blocks [first, last) on hidden [seqLen, hiddenSize] (Float32Array); the result lands in
   * `into` (Float32Array of seqLen x hiddenSize) when given.
   */
  runLayers(config, [first, last], hidden, seqLen, into) {
    return runLayers(this.ops, this.weights, config, first, last, hidden, seqLen, into);
  }

  embed(config, tokens) {
    return embed(this.ops, this.weights, config, tokens);
  }

  /** Embeds token ids and runs blocks [first, last) without a round trip through host memory. */
  embedAndRunLayers(config, tokens, [first, last], into) {
    return embedAndRunLayers(this.ops, this.weights, config, tokens, first, last, into);
  }

  /**
   * One op on host arrays, for tests and benchmarks:
   *   matmul {a, b, bias?, m, k, n}     layerNorm {x, gamma, beta, rows, cols, eps}
   *   gelu {x, exact}  add {a, b}  softmax {x, rows, cols}  attention {qkv, seq, heads, headDim, causal}
   *   embedding {ids, wte, wpe, tte?, seq, hidden}
   */
  async runOp(op, p) {
    const ops = this.ops;
    const temps = [];
    const weights = [];
    const up = a => { const h = ops.upload(a); temps.push(h); return h; };
    const w = (a, shape) => { if (!a) return null; const h = ops.uploadWeight('tmp', a, shape); weights.push(h); return h; };
    let out;
    let count;
    try {
      switch (op) {
      case 'matmul':
        out = ops.matmul(up(p.a), w(p.b, [p.k, p.n]), w(p.bias, [p.n]), p.m, p.k, p.n);
        count = p.m * p.n;
        break;
      case 'layerNorm':
        out = ops.layerNorm(up(p.x), w(p.gamma, [p.cols]), w(p.beta, [p.cols]), p.rows, p.cols, p.eps);
        count = p.rows * p.cols;
        break;
      case 'gelu':
        out = ops.gelu(up(p.x), p.x.length, !!p.exact);
        count = p.x.length;
        break;
      case 'add':
        out = ops.add(up(p.a), up(p.b), p.a.length);
        count = p.a.length;
        break;
      case 'softmax':
        out = ops.softmax(up(p.x), p.rows, p.cols);
        count = p.rows * p.cols;
        break;
      case 'attention':
        out = ops.attention(up(p.qkv), p.seq, p.heads, p.headDim, !!p.causal);
        count = p.seq * p.heads * p.headDim;
        break;
      case 'embedding': {
        const rows = p.wte.length / p.hidden;
        out = ops.embedding(Int32Array.from(p.ids), w(p.wte, [rows, p.hidden]),
                            w(p.wpe, [p.wpe.length / p.hidden, p.hidden]),
                            p.tte ? w(p.tte, [p.tte.length / p.hidden, p.hidden]) : null, p.seq, p.hidden);
        count = p.seq * p.hidden;
        break;
      }
      default:
        throw new Error(`unknown op ${op}`);
      }
      const result = await ops.download(out, count);
      ops.free(out);
      return result;
    } finally {
      for (const t of temps) ops.free(t);
      for (const h of weights) ops.freeWeight(h);
    }
  }

  /** Times `iterations` matmuls of [m,k] x [k,n] with data already on the device; returns ms each. */
  async timeMatmul(m, k, n, iterations) {
    const ops = this.ops;
    const a = ops.upload(randomArray(m * k, 1));
    const b = ops.uploadWeight('bench', randomArray(k * n, 2), [k, n]);
    const warm = ops.matmul(a, b, null, m, k, n);
    await ops.download(warm, 1);
    ops.free(warm);
    const t0 = performance.now();
    let last = null;
    for (let i = 0; i < iterations; ++i) {
      if (last) ops.free(last);
      last = ops.matmul(a, b, null, m, k, n);
    }
    await ops.download(last, 1); // waits for queued GPU work
    const ms = (performance.now() - t0) / iterations;
    ops.free(last);
    ops.free(a);
    ops.freeWeight(b);
    return ms;
  }

  dispose() {
    this.unloadWeights();
    this.ops.dispose?.();
  }
}

export function randomArray(count, seed) {
  const a = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; ++i) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return a;
}
