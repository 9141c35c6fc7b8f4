// WebNN backend: one MLGraphBuilder graph per (layer range, sequence length), weights as graph
// constants, cached and reused. Written against the W3C WebNN API (navigator.ml.createContext,
// MLGraphBuilder, MLContext.createTensor/writeTensor/dispatch/readTensor, with the older
// MLContext.compute as a fallback). No browser on this project's machines implements it
// (Chromium's createContext() throws NotSupportedError), so it is detected at run time.
import { toFloat32 } from './dtype.js';
import { defaultMemoryLimitBytes } from './limits.js';
import { checkConfig } from './executor.js';

const desc = shape => ({ dataType: 'float32', shape, dimensions: shape });

export async function probeWebNn() {
  if (!globalThis.navigator || !navigator.ml) {
    return { name: 'webnn', available: false, reason: 'navigator.ml is not defined (no WebNN in this browser)' };
  }
  try {
    await navigator.ml.createContext({});
    return { name: 'webnn', available: true, reason: '', info: {} };
  } catch (e) {
    return { name: 'webnn', available: false, reason: `navigator.ml.createContext() failed: ${e.name}: ${e.message}` };
  }
}

async function execute(context, graph, inputs, outputName, outputShape) {
  const count = outputShape.reduce((a, b) => a * b, 1);
  if (typeof context.dispatch === 'function' && typeof context.createTensor === 'function') {
    const tensors = {};
    for (const [name, { data, shape }] of Object.entries(inputs)) {
      tensors[name] = await context.createTensor({ ...desc(shape), writable: true });
      context.writeTensor(tensors[name], data);
    }
    const out = await context.createTensor({ ...desc(outputShape), readable: true });
    context.dispatch(graph, tensors, { [outputName]: out });
    const result = new Float32Array(await context.readTensor(out));
    for (const t of Object.values(tensors)) t.destroy?.();
    out.destroy?.();
    return result;
  }
  const feeds = {};
  for (const [name, { data }] of Object.entries(inputs)) feeds[name] = data;
  const result = await context.compute(graph, feeds, { [outputName]: new Float32Array(count) });
  return result.outputs[outputName];
}

/** Builds the operands of one transformer block on `x` [S, E]. */
function block(b, w, cfg, x, seqLen, l) {
  const E = cfg.hiddenSize;
  const H = cfg.headCount;
  const D = E / H;
  const I = cfg.intermediateSize;
  const eps = cfg.layerNormEps ?? 1e-5;
  const bert = cfg.architecture === 'bert';
  const c = (name, shape) => {
    const v = w.get(`h.${l}.${name}`);
    if (!v) throw new Error(`weight h.${l}.${name} was not loaded on this host`);
    return b.constant(desc(shape), v);
  };
  const ln = (input, g, beta) => b.layerNormalization(input, { scale: c(g, [E]), bias: c(beta, [E]), axes: [1], epsilon: eps });
  const linear = (input, name, k, n) => b.add(b.matmul(input, c(`${name}.w`, [k, n])), c(`${name}.b`, [n]));
  const a = bert ? x : ln(x, 'ln1.g', 'ln1.b');
  const qkv = linear(a, 'qkv', E, 3 * E);
  const heads = start => b.transpose(b.reshape(b.slice(qkv, [0, start], [seqLen, E]), [seqLen, H, D]), { permutation: [1, 0, 2] });
  const q = heads(0);
  const k = heads(E);
  const v = heads(2 * E);
  let scores = b.mul(b.matmul(q, b.transpose(k, { permutation: [0, 2, 1] })), b.constant(desc([1]), new Float32Array([1 / Math.sqrt(D)])));
  if (!bert) {
    const mask = new Float32Array(seqLen * seqLen);
    for (let s = 0; s < seqLen; ++s) for (let t = s + 1; t < seqLen; ++t) mask[s * seqLen + t] = -1e30;
    scores = b.add(scores, b.constant(desc([seqLen, seqLen]), mask));
  }
  const probs = b.softmax(scores, 2);
  const att = b.reshape(b.transpose(b.matmul(probs, v), { permutation: [1, 0, 2] }), [seqLen, E]);
  let y = b.add(x, linear(att, 'proj', E, E));
  if (bert) y = ln(y, 'ln1.g', 'ln1.b');
  const m = bert ? y : ln(y, 'ln2.g', 'ln2.b');
  let z = b.add(y, linear(b.gelu(linear(m, 'fc', E, I)), 'out', I, E));
  if (bert) z = ln(z, 'ln2.g', 'ln2.b');
  return z;
}

export async function createWebNnBackend(options = {}) {
  if (!globalThis.navigator || !navigator.ml) throw new Error('WebNN is not available (navigator.ml is not defined)');
  const context = await navigator.ml.createContext(options.webnnContext || {});
  const weights = new Map();
  const graphs = new Map();
  let weightBytes = 0;
  const limit = options.memoryLimitBytes ?? defaultMemoryLimitBytes('webnn');
  return {
    name: 'webnn',
    info: { memoryLimitBytes: limit },
    memoryUsage: () => ({ weightBytes, limitBytes: limit, tensors: weights.size, splitTensors: 0 }),
    loadWeights(tensors) {
      let incoming = 0;
      for (const [name, t] of Object.entries(tensors)) {
        incoming += t.shape.reduce((a, b) => a * b, 1) * 4 - (weights.get(name)?.byteLength ?? 0);
      }
      if (weightBytes + incoming > limit) {
        throw new Error(`weights do not fit on this webnn host: ${(incoming / 1048576).toFixed(1)} MiB more requested`);
      }
      for (const [name, t] of Object.entries(tensors)) {
        const values = Float32Array.from(toFloat32(t.data, t.dtype, t.shape.reduce((a, b) => a * b, 1)));
        weightBytes += values.byteLength - (weights.get(name)?.byteLength ?? 0);
        weights.set(name, values);
      }
      graphs.clear(); // constants changed
      return this.memoryUsage();
    },
    unloadWeights(names) {
      for (const name of names ?? [...weights.keys()]) {
        weightBytes -= weights.get(name)?.byteLength ?? 0;
        weights.delete(name);
      }
      graphs.clear();
    },
    async runLayers(config, [first, last], hidden, seqLen) {
      checkConfig(config);
      if (!(first >= 0 && first < last && last <= config.layerCount)) {
        throw new Error(`layer range ${first}:${last} is not inside 0:${config.layerCount}`);
      }
      const E = config.hiddenSize;
      if (hidden.length !== seqLen * E) throw new Error(`hidden has ${hidden.length} floats, expected ${seqLen} x ${E}`);
      const key = `${first}:${last}:${seqLen}`;
      let graph = graphs.get(key);
      if (!graph) {
        const b = new MLGraphBuilder(context);
        let x = b.input('hidden', desc([seqLen, E]));
        for (let l = first; l < last; ++l) x = block(b, weights, config, x, seqLen, l);
        graph = await b.build({ out: x });
        graphs.set(key, graph);
      }
      return execute(context, graph, { hidden: { data: hidden, shape: [seqLen, E] } }, 'out', [seqLen, E]);
    },
    async embedAndRunLayers(config, tokens, range) {
      return this.runLayers(config, range, await this.embed(config, tokens), tokens.length);
    },
    async embed(config, tokens) {
      const E = config.hiddenSize;
      const wte = weights.get('wte');
      const wpe = weights.get('wpe');
      if (!wte || !wpe) throw new Error('weight wte/wpe was not loaded on this host');
      const b = new MLGraphBuilder(context);
      const ids = b.constant({ dataType: 'int32', shape: [tokens.length], dimensions: [tokens.length] }, Int32Array.from(tokens));
      let x = b.add(b.gather(b.constant(desc([wte.length / E, E]), wte), ids, { axis: 0 }),
                    b.constant(desc([tokens.length, E]), wpe.subarray(0, tokens.length * E)));
      if (config.architecture === 'bert') {
        x = b.add(x, b.constant(desc([E]), weights.get('tte').subarray(0, E)));
        x = b.layerNormalization(x, { scale: b.constant(desc([E]), weights.get('emb_ln.g')),
                                      bias: b.constant(desc([E]), weights.get('emb_ln.b')), axes: [1],
                                      epsilon: config.layerNormEps ?? 1e-12 });
      }
      const graph = await b.build({ out: x });
      return execute(context, graph, {}, 'out', [tokens.length, E]);
    },
    async runOp(op, p) {
      if (op !== 'matmul') throw new Error(`op ${op} runs on WebNN only inside layer graphs (runLayers)`);
      const b = new MLGraphBuilder(context);
      const a = b.input('a', desc([p.m, p.k]));
      let y = b.matmul(a, b.constant(desc([p.k, p.n]), p.b));
      if (p.bias) y = b.add(y, b.constant(desc([p.n]), p.bias));
      const graph = await b.build({ out: y });
      return execute(context, graph, { a: { data: p.a, shape: [p.m, p.k] } }, 'out', [p.m, p.n]);
    },
    async timeMatmul(m, k, n, iterations) {
      const b = new MLGraphBuilder(context);
      const a = b.input('a', desc([m, k]));
      const graph = await b.build({ out: b.matmul(a, b.constant(desc([k, n]), new Float32Array(k * n).fill(0.25))) });
      const input = { a: { data: new Float32Array(m * k).fill(0.5), shape: [m, k] } };
      await execute(context, graph, input, 'out', [m, n]);
      const t0 = performance.now();
      for (let i = 0; i < iterations; ++i) await execute(context, graph, input, 'out', [m, n]);
      return (performance.now() - t0) / iterations;
    },
    dispose() {
      weights.clear();
      graphs.clear();
      context.destroy?.();
    },
  };
}
