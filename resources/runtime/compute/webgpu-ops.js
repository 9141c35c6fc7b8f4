export async function probeWebGpu() {
  if (!globalThis.navigator || !navigator.gpu) return { name: 'webgpu', available: false, reason: 'navigator.gpu is not defined' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { name: 'webgpu', available: false, reason: 'requestAdapter() returned null' };
  return { name: 'webgpu', available: false, reason: 'not built yet' };
}
