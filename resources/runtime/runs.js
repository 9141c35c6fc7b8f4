// Runs of deployed layer ranges (docs/host-protocol.md, "Deploying and running a model"): a `run`
// message announces a request and its Activation frame follows; runs execute one at a time, in
// arrival order. One RunQueue serves the page's control connection (compute in the page, or
// before the data connection is up) and one the compute worker's data connection.
import { control, decodeFrame, FrameKind, headerBytes, ProtocolError, writeFrameHeader } from './protocol.js';

const MAX_REMEMBERED_IDS = 1024;

function remember(set, id) {
  set.add(id);
  if (set.size > MAX_REMEMBERED_IDS) set.delete(set.values().next().value);
}

export class RunQueue {
  /**
   * lookup(modelName) -> { backend, config } or undefined; send(textOrBuffer);
   * sendError(code, message, id). With copyPayload the Activation's bytes are copied out of the
   * received buffer (so they can be transferred on to a worker); without, they are used in place.
   * linkPort(name) -> the MessagePort of a link to a peer page's worker, or undefined (runs with
   * `forward` hand their output there); maxFrameBytes bounds what arrives over links.
   */
  constructor({ lookup, send, sendError, copyPayload = false, linkPort = () => undefined, maxFrameBytes = 0 }) {
    this.lookup = lookup;
    this.send = send;
    this.sendError = sendError;
    this.copyPayload = copyPayload;
    this.linkPort = linkPort;
    this.maxFrameBytes = maxFrameBytes;
    this.pending = new Map(); // request id -> run message (waiting for its Activation frame)
    this.refused = new Set(); // run ids already answered with an error: their frames are dropped
    this.chain = Promise.resolve();
    // Result frames are built in place: the backend writes its output straight behind the header
    // in this buffer, which is reused while the size stays the same. WebSocket send() copies the
    // bytes before it returns, and runs execute one at a time, so reuse is safe. A fresh 64 KiB
    // ArrayBuffer costs ~0.1 ms after an idle gap (allocation and zeroing), more than the copy.
    this.resultBuffer = null;
  }

  resultFrame(floats) {
    const bytes = headerBytes(2) + floats * 4;
    if (!this.resultBuffer || this.resultBuffer.byteLength !== bytes) this.resultBuffer = new ArrayBuffer(bytes);
    return this.resultBuffer;
  }

  // Synchronous on purpose: the Activation frame follows the run message immediately, so the run
  // must be registered before this handler returns.
  handleRun(msg) {
    if (!this.lookup(msg.model)) {
      remember(this.refused, msg.id);
      this.sendError('unknown_model', `model '${msg.model}' is not deployed on this host (send 'model' first)`, msg.id);
      return;
    }
    if (msg.forward !== undefined) {
      const problem = this.forwardProblem(msg.forward);
      if (problem) {
        remember(this.refused, msg.id);
        this.sendError(problem.code, problem.message, msg.id);
        return;
      }
    }
    this.pending.set(msg.id, msg);
  }

  forwardProblem(forward) {
    const run = forward && forward.run;
    if (!forward || typeof forward.link !== 'string' || !run || typeof run !== 'object' ||
        !Number.isSafeInteger(run.id) || run.id < 1 || typeof run.model !== 'string' || run.forward !== undefined) {
      return { code: 'wrong_type', message: 'forward needs a link name and a run (with id and model, without forward)' };
    }
    if (!this.linkPort(forward.link)) {
      return { code: 'unknown_link', message: `this page's worker has no link '${forward.link}'` };
    }
    return null;
  }

  // A run whose input comes from a peer page over a link: { run, frame } where frame is the
  // peer's Result frame (its request id is the peer's; the run's id replaces it here). Errors go
  // to the app with the run's id, as for any run of this connection.
  handleForwarded(data) {
    const run = data && data.run;
    if (!run || typeof run !== 'object' || !Number.isSafeInteger(run.id) || run.id < 1) {
      console.warn('dropped a forwarded message without a run id');
      return;
    }
    if (this.refused.has(run.id)) return; // the app gave up on it (cancel)
    let frame;
    try {
      frame = decodeFrame(data.frame, this.maxFrameBytes);
      if (frame.kind !== FrameKind.Result) throw new ProtocolError('bad_frame_kind', 'a link carries Result frames');
      if (run.forward !== undefined || run.embed) throw new ProtocolError('wrong_type', 'a forwarded run takes a hidden state and does not forward again');
    } catch (e) {
      remember(this.refused, run.id);
      this.sendError(e.code || 'malformed_frame', e.message, run.id);
      return;
    }
    frame.requestId = run.id;
    this.handleRun(run);
    this.handleActivation(frame);
  }

  cancel(id) {
    if (!this.pending.delete(id)) {
      remember(this.refused, id); // a linked run whose input has not arrived: drop it when it does
      return false;
    }
    remember(this.refused, id);
    this.sendError('cancelled', 'request cancelled before it ran', id);
    return true;
  }

  handleActivation(frame) {
    if (this.refused.has(frame.requestId)) return;
    const msg = this.pending.get(frame.requestId);
    if (!msg) {
      this.sendError('unknown_request', `activation for unknown run ${frame.requestId}`, frame.requestId);
      return;
    }
    this.pending.delete(frame.requestId);
    const receivedAt = performance.now();
    const payload = this.copyPayload ? frame.payload.slice() : frame.payload;
    this.chain = this.chain.then(() => this.execute(msg, frame, payload, receivedAt));
  }

  async execute(msg, frame, payload, receivedAt) {
    try {
      const entry = this.lookup(msg.model);
      if (!entry) throw new ProtocolError('unknown_model', `model '${msg.model}' was unloaded`);
      const E = entry.config.hiddenSize;
      const startedAt = performance.now();
      let seqLen;
      let frameBuffer;
      let into;
      if (msg.embed) {
        if (frame.dtype !== 4 || frame.shape.length !== 1) {
          throw new ProtocolError('wrong_type', 'an embedding run takes an I32 [seqLen] tensor of token ids');
        }
        const tokens = new Int32Array(payload.buffer, payload.byteOffset, payload.byteLength / 4);
        seqLen = tokens.length;
        frameBuffer = this.resultFrame(seqLen * E);
        into = new Float32Array(frameBuffer, headerBytes(2), seqLen * E);
        const out = await entry.backend.embedAndRunLayers(entry.config, tokens, [msg.firstLayer, msg.lastLayer + 1], into);
        if (out !== into) into.set(out); // a backend that does not take `into`
      } else {
        if (frame.dtype !== 1 || frame.shape.length !== 2 || frame.shape[1] !== E) {
          throw new ProtocolError('wrong_type', `a layer run takes an F32 [seqLen, ${E}] hidden state`);
        }
        seqLen = frame.shape[0];
        const hidden = new Float32Array(payload.buffer, payload.byteOffset, payload.byteLength / 4);
        frameBuffer = this.resultFrame(seqLen * E);
        into = new Float32Array(frameBuffer, headerBytes(2), seqLen * E);
        const out = await entry.backend.runLayers(entry.config, [msg.firstLayer, msg.lastLayer + 1], hidden, seqLen, into);
        if (out !== into) into.set(out);
      }
      const computedAt = performance.now();
      let forwardedAt = 0;
      // Behind a worker the compute itself is what the worker measured; the messages to and
      // from it count as the page's handling, not as compute.
      const computeMs = entry.backend.lastCallMs ?? computedAt - startedAt;
      writeFrameHeader(frameBuffer, { kind: FrameKind.Result, requestId: frame.requestId, dtype: 1, shape: [seqLen, E] });
      if (msg.forward) {
        // The peer's worker gets a copy first (the hop); the app's copy follows, so it can replay
        // the next stage from here if the peer is lost.
        const port = this.linkPort(msg.forward.link);
        if (!port) throw new ProtocolError('unknown_link', `the link '${msg.forward.link}' closed before the run finished`);
        // The frame is transferred, not cloned: between two QtWebEngine pages' workers a cloned
        // 64 KiB message arrived 1.8 ms after posting, a transferred one 0.9 ms (after a 15 ms
        // busy gap). The app gets a copy made before the transfer.
        const appFrame = frameBuffer.slice(0);
        this.resultBuffer = null; // moved to the peer
        forwardedAt = performance.now();
        port.postMessage({ run: msg.forward.run, frame: frameBuffer }, [frameBuffer]);
        this.send(appFrame);
      } else {
        this.send(frameBuffer);
      }
      if (msg.timing) {
        const ms = (t) => Math.round(t * 1000) / 1000;
        const epoch = (t) => ms(performance.timeOrigin + t); // comparable across pages of one machine
        const timing = { id: frame.requestId, queuedMs: ms(startedAt - receivedAt), computeMs: ms(computeMs),
                         hostMs: ms(performance.now() - receivedAt), receivedAt: epoch(receivedAt) };
        if (forwardedAt) timing.forwardedAt = epoch(forwardedAt);
        this.send(control('runTiming', timing));
      }
    } catch (e) {
      this.sendError(e instanceof ProtocolError ? e.code : 'run_failed', e && e.message ? e.message : String(e), frame.requestId);
    }
  }
}
