// The per-layer executor: runs a contiguous range of transformer blocks on hidden states with any
// backend's device ops. Tensor names and layouts are the canonical ones of core/model/ModelWeights
// (every matrix [in, out]; QKV fused; see docs/compute-runtime.md).
//
// `ops` is a backend's device-level op set. Handles (T) are opaque to this file:
//   upload(Float32Array) -> T          download(T, count, into?) -> Promise<Float32Array>     free(T)
//   (with `into`, a Float32Array of `count`, download may fill and return it instead of allocating)
//   matmul(x, w, bias|null, M, K, N)   layerNorm(x, gamma, beta, rows, cols, eps)
//   gelu(x, count, exact)              add(a, b, count)         softmax(x, rows, cols)
//   attention(qkv, seq, heads, headDim, causal)                 embedding(ids, wte, wpe, tte|null, seq, hidden)

export function layerTensorNames(layer) {
  return ['ln1.g', 'ln1.b', 'qkv.w', 'qkv.b', 'proj.w', 'proj.b', 'ln2.g', 'ln2.b', 'fc.w', 'fc.b', 'out.w', 'out.b']
    .map(n => `h.${layer}.${n}`);
}

export function checkConfig(config) {
  const need = ['hiddenSize', 'headCount', 'intermediateSize', 'layerCount'];
  for (const key of need) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new Error(`config.${key} must be a positive integer`);
  }
  if (config.hiddenSize % config.headCount) throw new Error('config.hiddenSize must be a multiple of headCount');
  if (config.architecture !== 'gpt2' && config.architecture !== 'bert') {
    throw new Error(`config.architecture must be gpt2 or bert, not ${config.architecture}`);
  }
}

/**
 * Runs blocks [first, last) on hidden [seqLen, hiddenSize]; resolves to the new hidden state, in
 * `into` (a Float32Array of seqLen x hiddenSize) when given: no buffer is allocated for it then.
 */
export async function runLayers(ops, weights, config, first, last, hidden, seqLen, into) {
  checkConfig(config);
  if (!Number.isInteger(seqLen) || seqLen < 1 || hidden.length !== seqLen * config.hiddenSize) {
    throw new Error(`hidden has ${hidden.length} floats, expected seqLen ${seqLen} x ${config.hiddenSize}`);
  }
  checkRange(config, first, last);
  const x = layersOnDevice(ops, weights, config, first, last, ops.upload(hidden), seqLen);
  return downloadAndFree(ops, x, seqLen * config.hiddenSize, into);
}

function checkRange(config, first, last) {
  if (!(Number.isInteger(first) && Number.isInteger(last) && first >= 0 && first < last && last <= config.layerCount)) {
    throw new Error(`layer range ${first}:${last} is not inside 0:${config.layerCount}`);
  }
}

async function downloadAndFree(ops, x, count, into) {
  if (into && into.length !== count) throw new Error(`output buffer holds ${into.length} floats, expected ${count}`);
  try {
    const out = await ops.download(x, count, into);
    if (into && out !== into) {
      into.set(out);
      return into;
    }
    return out;
  } finally {
    ops.free(x);
  }
}

// Blocks [first, last) on the device tensor x [seqLen, E]; consumes x, returns the output tensor.
function layersOnDevice(ops, weights, config, first, last, input, seqLen) {
  const E = config.hiddenSize;
  const I = config.intermediateSize;
  const H = config.headCount;
  const eps = config.layerNormEps ?? 1e-5;
  const bert = config.architecture === 'bert';
  const exactGelu = (config.activation ?? (bert ? 'gelu_erf' : 'gelu_tanh')) === 'gelu_erf';
  const get = name => {
    const w = weights.get(name);
    if (!w) throw new Error(`weight ${name} was not loaded on this host`);
    return w;
  };
  let x = input;
  for (let l = first; l < last; ++l) {
    const w = n => get(`h.${l}.${n}`);
    const temps = [];
    const keep = t => (temps.push(t), t);
    const a = bert ? x : keep(ops.layerNorm(x, w('ln1.g'), w('ln1.b'), seqLen, E, eps));
    const qkv = keep(ops.matmul(a, w('qkv.w'), w('qkv.b'), seqLen, E, 3 * E));
    const att = keep(ops.attention(qkv, seqLen, H, E / H, !bert));
    const proj = keep(ops.matmul(att, w('proj.w'), w('proj.b'), seqLen, E, E));
    let y = ops.add(x, proj, seqLen * E);
    if (bert) {
      keep(y);
      y = ops.layerNorm(y, w('ln1.g'), w('ln1.b'), seqLen, E, eps);
    }
    const m = bert ? y : keep(ops.layerNorm(y, w('ln2.g'), w('ln2.b'), seqLen, E, eps));
    const fc = keep(ops.matmul(m, w('fc.w'), w('fc.b'), seqLen, E, I));
    const g = keep(ops.gelu(fc, seqLen * I, exactGelu));
    const out = keep(ops.matmul(g, w('out.w'), w('out.b'), seqLen, I, E));
    let z = ops.add(y, out, seqLen * E);
    if (bert) {
      keep(z);
      z = ops.layerNorm(z, w('ln2.g'), w('ln2.b'), seqLen, E, eps);
    }
    temps.push(y, x);
    for (const t of temps) ops.free(t);
    x = z;
  }
  return x;
}

/** Token (+ position, + BERT token type 0) embeddings, with BERT's embedding LayerNorm. */
export async function embed(ops, weights, config, tokens) {
  checkConfig(config);
  const x = embedOnDevice(ops, weights, config, tokens);
  return downloadAndFree(ops, x, tokens.length * config.hiddenSize);
}

/** Embeddings then blocks [first, last), with the hidden state kept on the device in between. */
export async function embedAndRunLayers(ops, weights, config, tokens, first, last, into) {
  checkConfig(config);
  checkRange(config, first, last);
  const x = embedOnDevice(ops, weights, config, tokens);
  const y = layersOnDevice(ops, weights, config, first, last, x, tokens.length);
  return downloadAndFree(ops, y, tokens.length * config.hiddenSize, into);
}

function embedOnDevice(ops, weights, config, tokens) {
  const E = config.hiddenSize;
  const ids = Int32Array.from(tokens);
  const vocab = config.vocabSize;
  for (const t of ids) {
    if (t < 0 || (vocab && t >= vocab)) throw new Error(`token id ${t} is outside the vocabulary`);
  }
  if (config.maxPositions && ids.length > config.maxPositions) throw new Error('sequence longer than maxPositions');
  const bert = config.architecture === 'bert';
  const w = name => {
    const t = weights.get(name);
    if (!t) throw new Error(`weight ${name} was not loaded on this host`);
    return t;
  };
  let x = ops.embedding(ids, w('wte'), w('wpe'), bert ? w('tte') : null, ids.length, E);
  if (bert) {
    const normed = ops.layerNorm(x, w('emb_ln.g'), w('emb_ln.b'), ids.length, E, config.layerNormEps ?? 1e-12);
    ops.free(x);
    x = normed;
  }
  return x;
}
