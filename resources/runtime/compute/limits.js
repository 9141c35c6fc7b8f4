// The weight memory a compute backend accepts when it is not told otherwise
// (createBackend's options.memoryLimitBytes): 2 GiB, and for WebGPU at most 4 x the adapter's
// maxBufferSize (weights are spread over several buffers). The host page reports the same number
// for a backend it has not created yet.
export const GiB = 1024 * 1024 * 1024;

export function defaultMemoryLimitBytes(name, maxBufferSize) {
  const max = Number(maxBufferSize);
  if (name === 'webgpu' && Number.isSafeInteger(max) && max > 0) return Math.min(2 * GiB, max * 4);
  return 2 * GiB;
}
