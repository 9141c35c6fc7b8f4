// Wasm SIMD ops: kernels.c compiled with clang --target=wasm32 -msimd128. Tensors live in the
// module's linear memory; this file is its allocator (first fit, coalescing, grows memory on demand).
// Handles are { ptr, bytes } (byte offsets into memory).

const PAGE = 65536;

class Arena {
  constructor(memory, base) {
    this.memory = memory;
    this.free = []; // sorted [{ ptr, bytes }]
    const start = (base + 63) & ~63;
    const end = memory.buffer.byteLength;
    if (end > start) this.free.push({ ptr: start, bytes: end - start });
    this.used = 0;
  }
  alloc(bytes) {
    const size = Math.max(64, (bytes + 63) & ~63);
    for (let i = 0; i < this.free.length; ++i) {
      const b = this.free[i];
      if (b.bytes >= size) {
        const ptr = b.ptr;
        b.ptr += size;
        b.bytes -= size;
        if (!b.bytes) this.free.splice(i, 1);
        this.used += size;
        return { ptr, bytes: size };
      }
    }
    const oldEnd = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tail = last && last.ptr + last.bytes === oldEnd ? last.bytes : 0;
    const pages = Math.ceil((size - tail) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new Error(`Wasm memory cannot grow to ${((oldEnd + pages * PAGE) / 1048576).toFixed(0)} MiB: ${e.message}`);
    }
    this.release({ ptr: oldEnd, bytes: pages * PAGE }, false);
    return this.alloc(bytes);
  }
  release(block, counted = true) {
    if (counted) this.used -= block.bytes;
    let i = 0;
    while (i < this.free.length && this.free[i].ptr < block.ptr) ++i;
    this.free.splice(i, 0, { ptr: block.ptr, bytes: block.bytes });
    const merge = j => {
      const a = this.free[j];
      const b = this.free[j + 1];
      if (a && b && a.ptr + a.bytes === b.ptr) { a.bytes += b.bytes; this.free.splice(j + 1, 1); return true; }
      return false;
    };
    merge(i);
    if (i > 0) merge(i - 1);
  }
}

export async function loadKernels(url = new URL('kernels.wasm', import.meta.url)) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), {});
  return instance.exports;
}

/**
 * options.memory: the module's memory when it is imported (threaded kernels); options.pool: a
 * ThreadPool (wasm-threads.js) that shares large matmuls by rows.
 */
export function createWasmOps(exports, options = {}) {
  const memory = options.memory ?? exports.memory;
  const pool = options.pool ?? null;
  const POOL_MIN_MACS = 1 << 18; // below this a matmul is cheaper than waking the other threads
  const heapBase = exports.__heap_base instanceof WebAssembly.Global ? exports.__heap_base.value : 1 << 20;
  const arena = new Arena(memory, heapBase);
  const f32 = h => new Float32Array(memory.buffer, h.ptr, h.bytes / 4);
  const put = a => {
    const h = arena.alloc(a.length * 4);
    new Float32Array(memory.buffer, h.ptr, a.length).set(a);
    return h;
  };
  const out = floats => arena.alloc(floats * 4);

  return {
    arena,
    upload: put,
    uploadWeight: (name, a) => put(a),
    download: async (h, count, into) => {
      const src = new Float32Array(memory.buffer, h.ptr, count);
      if (!into) return src.slice();
      into.set(src);
      return into;
    },
    free: h => arena.release(h),
    freeWeight: h => arena.release(h),
    sizeBytes: h => h.bytes,
    view: f32,

    matmul(a, b, bias, M, K, N) {
      const c = out(M * N);
      if (pool && M >= 2 && M * K * N >= POOL_MIN_MACS) {
        pool.matmul(exports.matmul, a.ptr, b.ptr, bias ? bias.ptr : 0, c.ptr, M, K, N);
      } else {
        exports.matmul(a.ptr, b.ptr, bias ? bias.ptr : 0, c.ptr, M, K, N);
      }
      return c;
    },
    threads: pool ? pool.threads : 1,
    dispose() {
      if (pool) pool.stop();
    },
    layerNorm(x, g, b, rows, cols, eps) {
      const y = out(rows * cols);
      exports.layer_norm(x.ptr, g.ptr, b.ptr, y.ptr, rows, cols, eps);
      return y;
    },
    gelu(x, count, exact) {
      const y = out(count);
      (exact ? exports.gelu_erf : exports.gelu_tanh)(x.ptr, y.ptr, count);
      return y;
    },
    add(a, b, count) {
      const y = out(count);
      exports.add(a.ptr, b.ptr, y.ptr, count);
      return y;
    },
    softmax(x, rows, cols) {
      const y = out(rows * cols);
      exports.softmax_rows(x.ptr, y.ptr, rows, cols);
      return y;
    },
    attention(qkv, seq, heads, dim, causal) {
      const y = out(seq * heads * dim);
      const scratch = out(seq);
      exports.attention(qkv.ptr, y.ptr, scratch.ptr, seq, heads, dim, causal ? 1 : 0);
      arena.release(scratch);
      return y;
    },
    embedding(ids, wte, wpe, tte, seq, hidden) {
      const idsBlock = arena.alloc(ids.length * 4);
      new Int32Array(memory.buffer, idsBlock.ptr, ids.length).set(ids);
      const y = out(seq * hidden);
      exports.embedding(idsBlock.ptr, seq, wte.ptr, wpe.ptr, tte ? tte.ptr : 0, y.ptr, hidden);
      arena.release(idsBlock);
      return y;
    },
  };
}

/** True when this engine validates a module using SIMD128 (an i32x4.splat + drop). */
export function wasmSimdSupported() {
  try {
    return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9,
      1, 7, 0, 65, 0, 253, 15, 26, 11]));
  } catch (e) {
    return false;
  }
}
