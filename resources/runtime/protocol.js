// Host protocol v1 codec for the runtime page (docs/host-protocol.md). Mirrors
// core/hosts/HostProtocol: JSON control messages and binary tensor frames.
export const VERSION = 1;
export const RUNTIME_VERSION = '1.0.0';
export const MAX_RANK = 8;
export const FIXED_HEADER_BYTES = 16;

export const FrameKind = Object.freeze({ Activation: 1, Result: 2, Echo: 3, WeightChunk: 4 });
export const DType = Object.freeze({ F32: 1, F16: 2, BF16: 3, I32: 4, I8: 5, U8: 6 });
const DTYPE_BYTES = { 1: 4, 2: 2, 3: 2, 4: 4, 5: 1, 6: 1 };

export class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export function control(type, fields = {}) {
  return JSON.stringify({ v: VERSION, type, ...fields });
}

export function decodeControl(text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError('malformed_json', String(e.message || e));
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    throw new ProtocolError('not_an_object', 'a control message must be a JSON object');
  }
  if (msg.v !== VERSION) {
    throw new ProtocolError('unsupported_version', `protocol version ${msg.v} is not supported (supported: ${VERSION})`);
  }
  if (typeof msg.type !== 'string') {
    throw new ProtocolError('missing_field', "missing string field 'type'");
  }
  return msg;
}

export function headerBytes(rank) {
  return FIXED_HEADER_BYTES + 4 * rank;
}

// Returns {kind, requestId, dtype, shape, payload: Uint8Array view, header: Uint8Array view}.
export function decodeFrame(buffer, maxFrameBytes) {
  if (!(buffer instanceof ArrayBuffer)) {
    throw new ProtocolError('wrong_type', 'binary frames must arrive as ArrayBuffer');
  }
  if (maxFrameBytes && buffer.byteLength > maxFrameBytes) {
    throw new ProtocolError('frame_too_large', `frame of ${buffer.byteLength} bytes exceeds ${maxFrameBytes}`);
  }
  if (buffer.byteLength < FIXED_HEADER_BYTES) {
    throw new ProtocolError('frame_too_short', 'frame shorter than its header');
  }
  const view = new DataView(buffer);
  if (view.getUint32(0, false) !== 0x41435446) { // 'ACTF'
    throw new ProtocolError('bad_magic', "frame does not start with 'ACTF'");
  }
  if (view.getUint8(4) !== VERSION) {
    throw new ProtocolError('unsupported_version', `frame version ${view.getUint8(4)} is not supported`);
  }
  const kind = view.getUint8(5);
  const dtype = view.getUint8(6);
  const rank = view.getUint8(7);
  if (kind < 1 || kind > 4) throw new ProtocolError('bad_frame_kind', `unknown frame kind ${kind}`);
  if (!DTYPE_BYTES[dtype]) throw new ProtocolError('bad_dtype', `unknown dtype ${dtype}`);
  if (rank > MAX_RANK) throw new ProtocolError('bad_rank', `rank ${rank} exceeds ${MAX_RANK}`);
  const requestId = Number(view.getBigUint64(8, true));
  if (requestId < 1 || requestId > Number.MAX_SAFE_INTEGER) {
    throw new ProtocolError('bad_request_id', 'request id must be in [1, 2^53-1]');
  }
  const hb = headerBytes(rank);
  if (buffer.byteLength < hb) throw new ProtocolError('frame_too_short', 'frame ends inside its header');
  const shape = [];
  let elements = 1;
  for (let i = 0; i < rank; ++i) {
    const d = view.getUint32(FIXED_HEADER_BYTES + 4 * i, true);
    shape.push(d);
    elements *= d;
  }
  if (elements * DTYPE_BYTES[dtype] !== buffer.byteLength - hb) {
    throw new ProtocolError('shape_mismatch', `shape needs ${elements * DTYPE_BYTES[dtype]} bytes, frame has ${buffer.byteLength - hb}`);
  }
  return {
    kind, requestId, dtype, shape,
    header: new Uint8Array(buffer, 0, hb),
    payload: new Uint8Array(buffer, hb),
  };
}

export function encodeFrame({ kind, requestId, dtype, shape, payload }) {
  const elements = shape.reduce((a, b) => a * b, 1);
  const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  if (elements * DTYPE_BYTES[dtype] !== bytes.byteLength) {
    throw new ProtocolError('shape_mismatch', 'payload does not match shape');
  }
  const out = new Uint8Array(headerBytes(shape.length) + bytes.byteLength);
  writeFrameHeader(out.buffer, { kind, requestId, dtype, shape });
  out.set(bytes, headerBytes(shape.length));
  return out.buffer;
}

// Writes a frame header at the start of `buffer`, whose length must be exactly header + payload
// (the payload is written separately, e.g. straight from the backend into the same buffer).
export function writeFrameHeader(buffer, { kind, requestId, dtype, shape }) {
  if (shape.length > MAX_RANK) throw new ProtocolError('bad_rank', 'rank too large');
  const hb = headerBytes(shape.length);
  if (shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype] !== buffer.byteLength - hb) {
    throw new ProtocolError('shape_mismatch', 'buffer does not match shape');
  }
  const view = new DataView(buffer, 0, hb);
  view.setUint32(0, 0x41435446, false);
  view.setUint8(4, VERSION);
  view.setUint8(5, kind);
  view.setUint8(6, dtype);
  view.setUint8(7, shape.length);
  view.setBigUint64(8, BigInt(requestId), true);
  shape.forEach((d, i) => view.setUint32(FIXED_HEADER_BYTES + 4 * i, d, true));
}

// Echo reply: the same frame with its kind byte set to Result. Re-uses the received buffer:
// no copy of the payload, which is what keeps the protocol close to a raw echo.
export function echoReply(buffer) {
  new DataView(buffer).setUint8(5, FrameKind.Result);
  return buffer;
}
