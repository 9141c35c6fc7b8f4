// One helper thread of the Wasm thread pool (compute/wasm-threads.js). It instantiates the shared
// kernels module on the pool's shared memory and waits on its control slot for matmul row ranges:
//   slot[0] task generation (the pool bumps it; -1 = quit), slot[1] the generation it finished,
//   slot[2] 1 when the task threw, slot[3..9] A, B, bias, C, M, K, N (byte offsets / sizes).
self.onmessage = ({ data }) => {
  const { module, memory, control, index } = data;
  let instance;
  try {
    instance = new WebAssembly.Instance(module, { env: { memory } });
  } catch (e) {
    self.postMessage({ ready: false, error: e && e.message ? e.message : String(e) });
    return;
  }
  self.postMessage({ ready: true });
  const slot = new Int32Array(control, index * 64, 16);
  let seen = 0;
  for (;;) {
    Atomics.wait(slot, 0, seen);
    seen = Atomics.load(slot, 0);
    if (seen < 0) return;
    let failed = 0;
    try {
      instance.exports.matmul(slot[3], slot[4], slot[5], slot[6], slot[7], slot[8], slot[9]);
    } catch (e) {
      failed = 1;
    }
    Atomics.store(slot, 2, failed);
    Atomics.store(slot, 1, seen);
    Atomics.notify(slot, 1);
  }
};
