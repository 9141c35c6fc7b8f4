// Page-side cache of content-addressed weight chunks (see accel::ContentStore). Chunks live in
// Cache Storage under /accel-chunk/<sha256>, survive page reloads, and are verified with
// SHA-256 on the way in and out, so a host reports what it holds and is sent only the rest.

const PREFIX = '/accel-chunk/';

export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
}

export class ChunkCache {
  static async open(name = 'accel-weights-v1') {
    if (!globalThis.caches) throw new Error('Cache Storage is not available (needs a secure context)');
    return new ChunkCache(await caches.open(name), name);
  }

  constructor(cache, name) {
    this.cache = cache;
    this.name = name;
  }

  key(hash) {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a SHA-256 hex digest: ${String(hash).slice(0, 80)}`);
    return new Request(new URL(PREFIX + hash, location.origin));
  }

  /** Hashes of every chunk held (what the host reports). */
  async inventory() {
    const keys = await this.cache.keys();
    return keys.map(r => new URL(r.url).pathname).filter(p => p.startsWith(PREFIX)).map(p => p.slice(PREFIX.length));
  }

  async has(hash) {
    return !!(await this.cache.match(this.key(hash)));
  }

  /** Stores a chunk after checking that its bytes hash to `hash`. */
  async put(hash, bytes) {
    const actual = await sha256Hex(bytes);
    if (actual !== hash) throw new Error(`chunk ${hash.slice(0, 12)}… has SHA-256 ${actual.slice(0, 12)}…; refused`);
    await this.cache.put(this.key(hash), new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
  }

  /** The chunk's bytes, or null when absent; a corrupted entry is deleted and reported absent. */
  async get(hash) {
    const response = await this.cache.match(this.key(hash));
    if (!response) return null;
    const bytes = await response.arrayBuffer();
    if ((await sha256Hex(bytes)) !== hash) {
      await this.cache.delete(this.key(hash));
      return null;
    }
    return bytes;
  }

  /** Rebuilds a tensor from its manifest ({ size, chunks: [{ sha256, offset, size }] }). */
  async assemble(manifest) {
    const out = new Uint8Array(manifest.size);
    for (const c of manifest.chunks) {
      const bytes = await this.get(c.sha256);
      if (!bytes) throw new Error(`tensor ${manifest.name}: chunk ${c.sha256.slice(0, 12)}… is not cached`);
      if (bytes.byteLength !== c.size || c.offset + c.size > manifest.size) {
        throw new Error(`tensor ${manifest.name}: chunk ${c.sha256.slice(0, 12)}… does not fit its manifest`);
      }
      out.set(new Uint8Array(bytes), c.offset);
    }
    return out.buffer;
  }

  async clear() {
    await caches.delete(this.name);
    this.cache = await caches.open(this.name);
  }
}
