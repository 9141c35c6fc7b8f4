// Widening of stored weights to float32. Weights arrive as little-endian bytes of F32, F16 or BF16
// (the safetensors dtypes); every backend computes in float32.

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

export function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function bfloat16ToFloat(b) {
  u32Scratch[0] = b << 16;
  return f32Scratch[0];
}

/** Returns a Float32Array for `data` (ArrayBuffer, TypedArray or DataView) stored as `dtype`. */
export function toFloat32(data, dtype, elementCount) {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const type = String(dtype || 'F32').toUpperCase();
  const size = type === 'F32' ? 4 : (type === 'F16' || type === 'BF16') ? 2 : 0;
  if (!size) throw new Error(`dtype ${dtype} cannot be used as weights (F32, F16 or BF16)`);
  if (bytes.byteLength !== elementCount * size) {
    throw new Error(`expected ${elementCount * size} bytes of ${type}, got ${bytes.byteLength}`);
  }
  if (type === 'F32') {
    if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, elementCount);
    return new Float32Array(bytes.slice().buffer);
  }
  const out = new Float32Array(elementCount);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'F16') {
    for (let i = 0; i < elementCount; ++i) out[i] = halfToFloat(view.getUint16(2 * i, true));
  } else {
    for (let i = 0; i < elementCount; ++i) out[i] = bfloat16ToFloat(view.getUint16(2 * i, true));
  }
  return out;
}
