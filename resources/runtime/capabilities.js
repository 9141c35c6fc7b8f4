// Detects what this browser offers for compute. Reports only what it measured: unknown stays
// unknown (-1 / false), errors are reported as text.
import { RUNTIME_VERSION } from './protocol.js';

// (module (func (result v128) i32.const 0 i8x16.splat))
const SIMD_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b,
]);

// (module (memory 1 1 shared) (func i32.const 0 i32.atomic.load drop))
const THREADS_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x04, 0x01, 0x03, 0x01, 0x01,
  0x0a, 0x0b, 0x01, 0x09, 0x00, 0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x1a, 0x0b,
]);

function wasmSimd() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_MODULE);
  } catch (e) {
    return false;
  }
}

function wasmThreads() {
  try {
    if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer === 'undefined') return false;
    if (!WebAssembly.validate(THREADS_MODULE)) return false;
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return memory.buffer instanceof SharedArrayBuffer;
  } catch (e) {
    return false;
  }
}

async function adapterInfo(adapter) {
  if (adapter.info) return adapter.info;
  if (typeof adapter.requestAdapterInfo === 'function') return adapter.requestAdapterInfo();
  return {};
}

// Returns [report, adapter].
async function detectWebGpu() {
  const report = { api: false, adapter: false, isFallbackAdapter: false, vendor: '', architecture: '',
    device: '', description: '', limits: {}, features: [], error: '' };
  if (!('gpu' in navigator) || !navigator.gpu) {
    report.error = 'navigator.gpu is not defined';
    return [report, null];
  }
  report.api = true;
  let adapter = null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch (e) {
    report.error = `requestAdapter() threw: ${e && e.message ? e.message : e}`;
    return [report, null];
  }
  if (!adapter) {
    // Some browsers only offer a software (fallback) adapter when asked for one explicitly.
    try {
      adapter = await navigator.gpu.requestAdapter({ forceFallbackAdapter: true });
    } catch (e) {
      adapter = null;
    }
  }
  if (!adapter) {
    report.error = 'requestAdapter() returned null (also with forceFallbackAdapter)';
    return [report, null];
  }
  report.adapter = true;
  try {
    const info = await adapterInfo(adapter);
    report.vendor = info.vendor || '';
    report.architecture = info.architecture || '';
    report.device = info.device || '';
    report.description = info.description || '';
    report.isFallbackAdapter = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  } catch (e) {
    report.error = `adapter info: ${e && e.message ? e.message : e}`;
  }
  for (const key in adapter.limits) {
    const value = adapter.limits[key];
    if (typeof value === 'number') report.limits[key] = value;
  }
  report.features = [...adapter.features].sort();
  return [report, adapter];
}

async function detectWebNn() {
  const report = { api: false, contexts: [], errors: {} };
  if (!('ml' in navigator) || !navigator.ml) return report;
  report.api = true;
  for (const deviceType of ['cpu', 'gpu', 'npu']) {
    try {
      const context = await navigator.ml.createContext({ deviceType });
      if (context) report.contexts.push(deviceType);
    } catch (e) {
      report.errors[deviceType] = `${e && e.name ? e.name + ': ' : ''}${e && e.message ? e.message : e}`;
    }
  }
  return report;
}

// Returns { capabilities, adapter } — the adapter (or null) for the caller to open a device on.
export async function detectCapabilities() {
  const [webgpu, adapter] = await detectWebGpu();
  const webnn = await detectWebNn();
  const capabilities = {
    runtimeVersion: RUNTIME_VERSION,
    userAgent: navigator.userAgent,
    hardwareConcurrency: typeof navigator.hardwareConcurrency === 'number' ? navigator.hardwareConcurrency : -1,
    deviceMemoryGiB: typeof navigator.deviceMemory === 'number' ? navigator.deviceMemory : -1,
    crossOriginIsolated: Boolean(self.crossOriginIsolated),
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    wasm: { simd: wasmSimd(), threads: wasmThreads() },
    webgpu,
    webnn,
  };
  return { capabilities, adapter };
}
