// The data connection of a host whose compute runs in a dedicated worker (docs/host-protocol.md,
// "Data connection"). The worker opens it with the session's dataKey; the app then sends runs,
// cancels and Activation frames here, and Results, run errors and runTiming go straight back, so
// a hop never waits for the page's main thread. The control connection (hello, heartbeats,
// models, echo) stays with the page. The worker does not reconnect on its own: a new session
// (the page reconnects after an app restart) brings a new key and a new connection.
import { control, decodeControl, decodeFrame, echoReply, FrameKind } from './protocol.js';
import { RunQueue } from './runs.js';

export class DataChannel {
  /**
   * lookup(modelName) -> { backend, config } or undefined; linkPort(name) -> the MessagePort of a
   * link to a peer page's worker, or undefined.
   */
  constructor(url, maxFrameBytes, lookup, linkPort = () => undefined) {
    this.maxFrameBytes = maxFrameBytes;
    this.counters = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    this.runs = new RunQueue({
      lookup,
      send: (data) => this.send(data),
      sendError: (code, message, id) => this.sendError(code, message, id),
      linkPort,
      maxFrameBytes,
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error('the data connection could not be opened'));
    });
    this.ws.onmessage = (event) => {
      this.counters.framesIn += 1;
      if (typeof event.data === 'string') {
        this.counters.bytesIn += event.data.length;
        this.onText(event.data);
      } else {
        this.counters.bytesIn += event.data.byteLength;
        this.onBinary(event.data);
      }
    };
  }

  send(data) {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(data);
    this.counters.framesOut += 1;
    this.counters.bytesOut += typeof data === 'string' ? data.length : data.byteLength;
    return true;
  }

  sendError(code, message, id = 0) {
    const fields = { code, message: String(message).slice(0, 4000) };
    if (id) fields.id = id;
    this.send(control('error', fields));
  }

  onText(text) {
    let msg;
    try {
      msg = decodeControl(text);
    } catch (e) {
      this.sendError(e.code || 'malformed_json', e.message);
      return;
    }
    switch (msg.type) {
      case 'run':
        this.runs.handleRun(msg);
        return;
      case 'cancel':
        this.runs.cancel(msg.id);
        return;
      case 'error':
        console.warn('app reported an error on the data connection:', msg.code, msg.message);
        return;
      default:
        this.sendError('unknown_type', `the data connection does not carry '${msg.type}'`);
    }
  }

  onBinary(buffer) {
    let frame;
    try {
      frame = decodeFrame(buffer, this.maxFrameBytes);
    } catch (e) {
      this.sendError(e.code || 'malformed_frame', e.message);
      return;
    }
    if (frame.kind === FrameKind.Activation) {
      this.runs.handleActivation(frame);
    } else if (frame.kind === FrameKind.Echo) {
      this.send(echoReply(buffer));
    } else {
      this.sendError('bad_frame_kind', `the data connection does not accept frame kind ${frame.kind}`, frame.requestId);
    }
  }

  close() {
    this.ws.onclose = null;
    this.ws.close(1000, 'closed by the page');
  }
}
