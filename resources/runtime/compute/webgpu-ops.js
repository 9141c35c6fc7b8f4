// WebGPU ops (WGSL). Activations are { buffer, floats }; weights are stored row-major with rows
// padded to a multiple of 4 floats (vec4 loads) and, when larger than the device's
// maxStorageBufferBindingSize, split by rows into parts that each fit one binding:
// { parts: [{ buffer, r0, rows }], rows, cols, colsPadded, bytes }.
// A matmul over a split weight runs once per part, accumulating into C. Two matmul kernels:
// register-blocked (CPU adapters such as SwiftShader) and 16x16 tiled (real GPUs); the faster on
// this adapter is picked by measurement when the backend is created.

import { defaultMemoryLimitBytes } from './limits.js';

const MiB = 1024 * 1024;

async function fetchText(name) {
  const url = new URL(name, import.meta.url);
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot fetch ${url}: HTTP ${r.status}`);
  return r.text();
}

function adapterInfo(adapter) {
  const i = adapter.info || {};
  return { vendor: i.vendor || '', architecture: i.architecture || '', device: i.device || '',
           description: i.description || '', isFallbackAdapter: !!(adapter.isFallbackAdapter || i.isFallbackAdapter) };
}

export async function probeWebGpu() {
  if (!globalThis.navigator || !navigator.gpu) {
    return { name: 'webgpu', available: false, reason: 'navigator.gpu is not defined (no WebGPU in this browser)' };
  }
  let adapter = null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch (e) {
    return { name: 'webgpu', available: false, reason: `requestAdapter() threw: ${e.message}` };
  }
  if (!adapter) return { name: 'webgpu', available: false, reason: 'requestAdapter() returned null (no adapter)' };
  return {
    name: 'webgpu', available: true, reason: '',
    info: { adapter: adapterInfo(adapter), maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
            maxBufferSize: adapter.limits.maxBufferSize },
  };
}

export async function createWebGpuOps(options = {}) {
  if (!globalThis.navigator || !navigator.gpu) throw new Error('WebGPU is not available');
  const adapter = await navigator.gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : {});
  if (!adapter) throw new Error('no WebGPU adapter');
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  let lostReason = null;
  device.lost.then(info => { lostReason = info.message || info.reason || 'device lost'; });
  const maxBinding = Math.min(options.maxStorageBufferBindingSize ?? Infinity, device.limits.maxStorageBufferBindingSize);
  const [regblockSrc, tiledSrc, opsSrc] = await Promise.all(
    [fetchText('matmul_regblock.wgsl'), fetchText('matmul_tiled.wgsl'), fetchText('ops.wgsl')]);

  device.pushErrorScope('validation');
  const pipeline = (code, entryPoint = 'main') => device.createComputePipeline({
    layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint },
  });
  const opSources = {};
  for (const chunk of opsSrc.split(/^\/\/\/\/ /m).slice(1)) {
    const nl = chunk.indexOf('\n');
    opSources[chunk.slice(0, nl).trim()] = chunk.slice(nl + 1);
  }
  const pipelines = {
    regblock: pipeline(regblockSrc),
    regblockUnaligned: pipeline(regblockSrc, 'main_unaligned'),
    tiled: pipeline(tiledSrc),
  };
  for (const [name, src] of Object.entries(opSources)) pipelines[name] = pipeline(src);
  const compileError = await device.popErrorScope();
  if (compileError) throw new Error(`WGSL pipeline creation failed: ${compileError.message}`);

  const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const makeBuffer = bytes => {
    if (bytes > maxBinding) {
      throw new Error(`tensor of ${(bytes / MiB).toFixed(1)} MiB exceeds maxStorageBufferBindingSize ` +
                      `(${(maxBinding / MiB).toFixed(1)} MiB) and cannot be split here`);
    }
    return device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: STORAGE });
  };
  const dummy = device.createBuffer({ size: 16, usage: STORAGE });
  const uniform = words => {
    const buffer = device.createBuffer({ size: words.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, words);
    return buffer;
  };
  const u32s = values => new Uint32Array(values);
  const dispatch = (pipe, buffers, params, x, y = 1) => {
    const u = uniform(params);
    const entries = buffers.map((b, i) => ({ binding: i, resource: { buffer: b } }));
    entries.push({ binding: buffers.length, resource: { buffer: u } });
    const group = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    u.destroy(); // destruction waits for the submitted work
  };
  const linear = (count, perGroup = 64) => {
    const groups = Math.max(1, Math.ceil(count / perGroup));
    return [Math.min(groups, 65535), Math.ceil(groups / 65535)];
  };
  const activation = floats => ({ buffer: makeBuffer(floats * 4), floats });

  let matmulKernel = options.matmulKernel || 'regblock';

  const ops = {
    device,
    splitTensors: 0, // weights stored as several row parts (larger than one storage binding)
    upload(a) {
      const h = activation(a.length);
      device.queue.writeBuffer(h.buffer, 0, a.buffer, a.byteOffset, a.byteLength);
      return h;
    },
    uploadWeight(name, values, shape) {
      const rows = shape.length >= 2 ? shape.slice(0, -1).reduce((x, y) => x * y, 1) : 1;
      const cols = shape.length ? shape[shape.length - 1] : 1;
      const colsPadded = Math.ceil(cols / 4) * 4;
      const rowBytes = colsPadded * 4;
      // Parts start on rows that are multiples of 4 when possible (the vec4 path of matmul_regblock).
      const fitRows = Math.floor(maxBinding / rowBytes);
      const rowsPerPart = Math.max(1, fitRows >= 4 ? fitRows - (fitRows % 4) : fitRows);
      if (rowBytes > maxBinding) throw new Error(`weight ${name}: one row is larger than a storage binding`);
      const parts = [];
      for (let r0 = 0; r0 < rows; r0 += rowsPerPart) {
        const n = Math.min(rowsPerPart, rows - r0);
        const buffer = makeBuffer(n * rowBytes);
        const staging = new Float32Array(n * colsPadded);
        if (colsPadded === cols) {
          staging.set(values.subarray(r0 * cols, (r0 + n) * cols));
        } else {
          for (let r = 0; r < n; ++r) staging.set(values.subarray((r0 + r) * cols, (r0 + r + 1) * cols), r * colsPadded);
        }
        device.queue.writeBuffer(buffer, 0, staging);
        parts.push({ buffer, r0, rows: n });
      }
      if (!parts.length) parts.push({ buffer: makeBuffer(16), r0: 0, rows: 0 });
      if (parts.length > 1) ops.splitTensors += 1;
      return { parts, rows, cols, colsPadded, bytes: rows * rowBytes };
    },
    async download(h, count) {
      if (lostReason) throw new Error(`WebGPU device lost: ${lostReason}`);
      const bytes = count * 4;
      const staging = device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(h.buffer, 0, staging, 0, staging.size);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(staging.getMappedRange().slice(0, bytes));
      staging.unmap();
      staging.destroy();
      return out;
    },
    free: h => h.buffer.destroy(),
    freeWeight: w => { for (const p of w.parts) p.buffer.destroy(); },
    sizeBytes: w => w.bytes,

    matmul(a, w, bias, M, K, N) {
      if (w.cols !== N || w.rows !== K) throw new Error(`matmul: weight is [${w.rows},${w.cols}], expected [${K},${N}]`);
      const c = activation(M * N);
      const N4 = w.colsPadded / 4;
      w.parts.forEach((part, i) => {
        const flags = (i === 0 && bias ? 1 : 0) | (i > 0 ? 2 : 0);
        const params = u32s([M, part.rows, N, N4, K, part.r0, flags, 0]);
        const buffers = [a.buffer, part.buffer, bias ? bias.parts[0].buffer : dummy, c.buffer];
        if (matmulKernel === 'tiled') {
          dispatch(pipelines.tiled, buffers, params, Math.ceil(w.colsPadded / 16), Math.ceil(M / 16));
        } else {
          // 16 rows x 4 vec4 columns per invocation, 8x4 invocations per workgroup; A rows are read
          // as vec4 when they start on 16-byte boundaries (lda = K, aOff = part.r0).
          const aligned = K % 4 === 0 && part.r0 % 4 === 0;
          dispatch(aligned ? pipelines.regblock : pipelines.regblockUnaligned, buffers, params,
                   Math.ceil(Math.ceil(N4 / 4) / 8), Math.ceil(Math.ceil(M / 16) / 4));
        }
      });
      return c;
    },
    layerNorm(x, g, b, rows, cols, eps) {
      const y = activation(rows * cols);
      const params = new ArrayBuffer(16);
      new Uint32Array(params, 0, 2).set([rows, cols]);
      new Float32Array(params, 8, 1)[0] = eps;
      dispatch(pipelines.layernorm, [x.buffer, g.parts[0].buffer, b.parts[0].buffer, y.buffer], new Uint8Array(params),
               Math.ceil(rows / 64));
      return y;
    },
    gelu(x, count, exact) {
      const y = activation(count);
      dispatch(pipelines.gelu, [x.buffer, y.buffer], u32s([count, exact ? 1 : 0, 0, 0]), ...linear(count));
      return y;
    },
    add(a, b, count) {
      const y = activation(count);
      dispatch(pipelines.add, [a.buffer, b.buffer, y.buffer], u32s([count, 0, 0, 0]), ...linear(count));
      return y;
    },
    softmax(x, rows, cols) {
      const y = activation(rows * cols);
      dispatch(pipelines.softmax, [x.buffer, y.buffer], u32s([rows, cols, 0, 0]), Math.ceil(rows / 64));
      return y;
    },
    attention(qkv, seq, heads, dim, causal) {
      if (dim > 256) throw new Error(`attention head size ${dim} exceeds the WGSL kernel's 256`);
      const y = activation(seq * heads * dim);
      dispatch(pipelines.attention, [qkv.buffer, y.buffer], u32s([seq, heads, dim, causal ? 1 : 0]),
               Math.ceil((seq * heads) / 64));
      return y;
    },
    embedding(ids, wte, wpe, tte, seq, hidden) {
      if (wpe.parts.length !== 1 || (tte && tte.parts.length !== 1)) throw new Error('position tables must fit one binding');
      const idsBuffer = makeBuffer(ids.length * 4);
      device.queue.writeBuffer(idsBuffer, 0, ids.buffer, ids.byteOffset, ids.byteLength);
      const y = activation(seq * hidden);
      for (const part of wte.parts) {
        dispatch(pipelines.embedding,
                 [idsBuffer, part.buffer, wpe.parts[0].buffer, tte ? tte.parts[0].buffer : dummy, y.buffer],
                 u32s([seq, hidden, wte.colsPadded, part.r0, part.rows, tte ? 1 : 0, 0, 0]),
                 Math.ceil((seq * hidden) / 64));
      }
      idsBuffer.destroy();
      return y;
    },
    dispose() {
      dummy.destroy();
      device.destroy();
    },
  };

  // Pick the matmul kernel by measurement on this adapter (unless forced).
  const timings = {};
  if (!options.matmulKernel) {
    const n = 256;
    const a = ops.upload(new Float32Array(n * n).fill(0.5));
    const b = ops.uploadWeight('probe', new Float32Array(n * n).fill(0.25), [n, n]);
    for (const kernel of ['regblock', 'tiled']) {
      matmulKernel = kernel;
      const warm = ops.matmul(a, b, null, n, n, n);
      await ops.download(warm, 1);
      ops.free(warm);
      const t0 = performance.now();
      const reps = 3;
      let last = null;
      for (let i = 0; i < reps; ++i) {
        if (last) ops.free(last);
        last = ops.matmul(a, b, null, n, n, n);
      }
      await ops.download(last, 1);
      ops.free(last);
      const ms = (performance.now() - t0) / reps;
      timings[kernel] = { ms, gflops: (2 * n ** 3) / (ms * 1e6) };
    }
    ops.free(a);
    ops.freeWeight(b);
    matmulKernel = timings.tiled.ms < timings.regblock.ms ? 'tiled' : 'regblock';
  }
  const info = {
    adapter: adapterInfo(adapter),
    matmulKernel,
    matmulProbe: timings,
    maxStorageBufferBindingSize: maxBinding,
    memoryLimitBytes: options.memoryLimitBytes ?? defaultMemoryLimitBytes('webgpu', device.limits.maxBufferSize),
  };
  return { ops, info };
}
