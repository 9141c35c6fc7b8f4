// Entry point of the compute runtime: what the host page imports.
//   detectBackends(options) -> [{ name, available, reason, info }] in preference order
//   createBackend(name, options) -> Backend (backend.js): loadWeights, runLayers, embed, runOp,
//                                   timeMatmul, memoryUsage, dispose
// Backends: 'webgpu' (WGSL), 'webnn' (MLGraphBuilder), 'wasm' (SIMD128 C kernels), 'js' (fallback).
import { Backend } from './backend.js';
import { defaultMemoryLimitBytes } from './limits.js';
export { checkConfig } from './executor.js';
import { createJsOps } from './js-ops.js';
import { createWasmOps, loadKernels, wasmSimdSupported } from './wasm-ops.js';
import { defaultThreadCount, loadThreadedKernels, threadsUnavailableReason } from './wasm-threads.js';

export const BACKEND_NAMES = ['webgpu', 'webnn', 'wasm', 'js'];


/** What this browser offers, without loading weights. Never throws. */
export async function detectBackends(options = {}) {
  const results = [];
  // WebGPU
  try {
    const { probeWebGpu } = await import('./webgpu-ops.js');
    results.push(await probeWebGpu(options));
  } catch (e) {
    results.push({ name: 'webgpu', available: false, reason: `WebGPU probe failed: ${e.message}` });
  }
  // WebNN
  try {
    const { probeWebNn } = await import('./webnn-ops.js');
    results.push(await probeWebNn(options));
  } catch (e) {
    results.push({ name: 'webnn', available: false, reason: `WebNN probe failed: ${e.message}` });
  }
  // Wasm
  const simd = typeof WebAssembly === 'object' && wasmSimdSupported();
  results.push({
    name: 'wasm',
    available: simd,
    reason: simd ? '' : 'WebAssembly SIMD128 is not supported by this engine',
    info: { simd, crossOriginIsolated: !!globalThis.crossOriginIsolated, threads: !threadsUnavailableReason(),
            threadsReason: threadsUnavailableReason(), maxThreads: defaultThreadCount() },
  });
  results.push({ name: 'js', available: true, reason: '', info: {} });
  return results;
}

/**
 * options.memoryLimitBytes: weights this host accepts (default: 2 GiB wasm/js, adapter-derived
 * for webgpu); options.maxStorageBufferBindingSize (webgpu): split tensors above it.
 */
export async function createBackend(name, options = {}) {
  switch (name) {
  case 'js':
    return new Backend('js', createJsOps(), { memoryLimitBytes: options.memoryLimitBytes ?? defaultMemoryLimitBytes('js') });
  case 'wasm': {
    if (!wasmSimdSupported()) throw new Error('WebAssembly SIMD128 is not supported by this engine');
    // options.threads: a count, or 'auto' (default: every hardware thread, up to 8, where threads
    // can run). One thread uses kernels.wasm; more use kernels-mt.wasm on shared memory.
    const wanted = options.threads === undefined || options.threads === 'auto'
      ? (threadsUnavailableReason() ? 1 : defaultThreadCount()) : Math.max(1, Math.floor(Number(options.threads)) || 1);
    const info = { memoryLimitBytes: options.memoryLimitBytes ?? defaultMemoryLimitBytes('wasm'), simd: true, threads: 1 };
    if (wanted > 1) {
      try {
        const { exports, memory, pool } = await loadThreadedKernels(wanted, options.wasmThreadsUrl);
        return new Backend('wasm', createWasmOps(exports, { memory, pool }), { ...info, threads: pool.threads });
      } catch (e) {
        if (options.threads !== undefined && options.threads !== 'auto') throw e; // asked for explicitly
        info.threadsReason = e && e.message ? e.message : String(e);
      }
    }
    const exports = await loadKernels(options.wasmUrl);
    return new Backend('wasm', createWasmOps(exports), info);
  }
  case 'webgpu': {
    const { createWebGpuOps } = await import('./webgpu-ops.js');
    const { ops, info } = await createWebGpuOps(options);
    return new Backend('webgpu', ops, info);
  }
  case 'webnn': {
    const { createWebNnBackend } = await import('./webnn-ops.js');
    return createWebNnBackend(options);
  }
  default:
    throw new Error(`unknown backend ${name} (known: ${BACKEND_NAMES.join(', ')})`);
  }
}
