// Kernel check page: runs the job that the local check server (core/model/KernelCheckServer)
// describes at /job.json with one backend and POSTs every result back (raw float32 or JSON).
// Used by the browser tests and by `accelctl bench kernels`.

import { ChunkCache, sha256Hex } from './chunk-cache.js';
import { openCompute } from './remote.js';

const log = msg => { document.getElementById('log').textContent += msg + '\n'; };

async function post(path, body, type) {
  const r = await fetch(path, { method: 'POST', body, headers: { 'Content-Type': type } });
  if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status}`);
}
const postJson = (path, obj) => post(path, JSON.stringify(obj), 'application/json');

async function fetchF32(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return new Float32Array(await r.arrayBuffer());
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

async function runCase(backend, job, c) {
  const t0 = performance.now();
  let out;
  switch (c.kind) {
  case 'op': {
    const params = { ...c.params };
    for (const [key, url] of Object.entries(c.arrays)) params[key] = await fetchF32(url);
    out = await backend.runOp(c.op, params);
    break;
  }
  case 'embed':
    out = await backend.embed(job.config, c.tokens);
    break;
  case 'layers':
    out = await backend.runLayers(job.config, c.range, await fetchF32(c.input), c.seqLen);
    break;
  case 'load': {
    const tensors = {};
    for (const w of c.weights) tensors[w.name] = { dtype: w.dtype, shape: w.shape, data: await fetchBytes(w.url) };
    try {
      const usage = await backend.loadWeights(tensors);
      return { json: { ok: true, usage } };
    } catch (e) {
      return { json: { ok: false, error: e.message, usage: await backend.memoryUsage() } };
    }
  }
  case 'chunks': {
    // Receive the chunks a fresh host lacks, then rebuild the tensor from the cache alone.
    const cache = await ChunkCache.open(c.cacheName);
    await cache.clear();
    const before = await cache.inventory();
    for (const [hash, url] of Object.entries(c.chunkUrls)) await cache.put(hash, await fetchBytes(url));
    const inventory = (await cache.inventory()).sort();
    const assembled = await cache.assemble(c.manifest);
    let corruptRejected = false;
    try {
      await cache.put(c.manifest.chunks[0].sha256, new Uint8Array([1, 2, 3]));
    } catch (e) {
      corruptRejected = /refused/.test(e.message);
    }
    const reopened = await ChunkCache.open(c.cacheName);
    const stillHeld = (await reopened.inventory()).length;
    await reopened.clear();
    return { json: { before: before.length, inventory, assembledSha256: await sha256Hex(assembled),
                     assembledBytes: assembled.byteLength, corruptRejected, stillHeld } };
  }
  case 'unload':
    await backend.unloadWeights(c.names);
    return { json: { ok: true, usage: await backend.memoryUsage() } };
  case 'expect-error':
    try {
      await backend.runLayers(job.config, c.range, new Float32Array(c.floats), c.seqLen);
      return { json: { ok: true } };
    } catch (e) {
      return { json: { ok: false, error: e.message } };
    }
  case 'bench-matmul': {
    const rows = [];
    for (const size of c.sizes) {
      const iterations = Math.max(1, Math.round(c.flopBudget / (2 * size ** 3)));
      const ms = await backend.timeMatmul(size, size, size, iterations);
      rows.push({ size, iterations, ms, gflops: (2 * size ** 3) / (ms * 1e6) });
    }
    return { json: { rows } };
  }
  case 'bench-layer': {
    const input = await fetchF32(c.input);
    // A copy per call: a backend in the compute worker takes ownership of (transfers) its input.
    await backend.runLayers(job.config, [0, 1], input.slice(), c.seqLen); // warm-up
    const t = performance.now();
    for (let i = 0; i < c.iterations; ++i) await backend.runLayers(job.config, c.range, input.slice(), c.seqLen);
    const ms = (performance.now() - t) / c.iterations / (c.range[1] - c.range[0]);
    return { json: { msPerLayer: ms } };
  }
  default:
    throw new Error(`unknown case kind ${c.kind}`);
  }
  return { binary: out, ms: performance.now() - t0 };
}

async function main() {
  const job = await (await fetch('/job.json', { cache: 'no-store' })).json();
  // options.worker: run the backend in the compute worker, as host pages do (needed for threads).
  const options = job.options || {};
  let module;
  if (options.worker) {
    const compute = await openCompute();
    if (compute.thread !== 'worker') throw new Error(`the compute worker did not start: ${compute.reason}`);
    module = compute.module;
  } else {
    module = await import('./index.js');
  }
  const { createBackend, detectBackends } = module;
  const detected = await detectBackends(options);
  const mine = detected.find(d => d.name === job.backend);
  if (!mine || !mine.available) {
    await postJson('/done', { skipped: true, reason: mine ? mine.reason : 'unknown backend', detected });
    return;
  }
  const backend = await createBackend(job.backend, options);
  log(`backend ${backend.name} ${JSON.stringify(backend.info)}`);
  const summary = { skipped: false, info: backend.info, detected, cases: {} };
  for (const c of job.cases) {
    try {
      const r = await runCase(backend, job, c);
      if (r.binary) {
        await post(`/result/${c.id}`, r.binary, 'application/octet-stream');
        summary.cases[c.id] = { ok: true, ms: r.ms };
      } else {
        await postJson(`/result/${c.id}`, r.json);
        summary.cases[c.id] = { ok: true };
      }
    } catch (e) {
      log(`${c.id}: ${e.message}`);
      summary.cases[c.id] = { ok: false, error: String(e && e.message || e) };
    }
  }
  summary.memory = await backend.memoryUsage();
  backend.dispose();
  await postJson('/done', summary);
}

main().catch(e => postJson('/done', { fatal: String(e && e.stack || e) }).catch(() => {}));
