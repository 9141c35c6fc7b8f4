export async function probeWebNn() {
  if (!globalThis.navigator || !navigator.ml) return { name: 'webnn', available: false, reason: 'navigator.ml is not defined' };
  return { name: 'webnn', available: false, reason: 'not built yet' };
}
