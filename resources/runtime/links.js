// The page's side of links (docs/host-protocol.md, "Links"): it registers this host with the
// browser profile's link broker (link-broker.js, a SharedWorker) and obtains MessagePorts to
// peer pages. The ports end up in the compute workers, so a run's output goes worker to worker.
const BROKER_TIMEOUT_MS = 5000;

export class PageLinks {
  /**
   * attach(link, port) -> Promise: hands a port to this page's compute worker (rejects when the
   * page has none).
   */
  constructor(hostId, attach) {
    this.attach = attach;
    this.hostId = hostId;
    this.requests = new Map(); // request -> { resolve, timer }
    this.nextRequest = 1;
    this.port = null;
    this.problem = '';
    if (typeof SharedWorker === 'undefined') {
      this.problem = 'this browser has no SharedWorker (links need the link broker)';
      return;
    }
    try {
      const broker = new SharedWorker(new URL('./link-broker.js', import.meta.url), { name: 'accel-links' });
      broker.onerror = (event) => {
        this.problem = `the link broker failed: ${event.message || 'error'}`;
        this.port = null;
      };
      this.port = broker.port;
      this.port.onmessage = ({ data }) => this.onBrokerMessage(data);
      this.port.postMessage({ op: 'register', hostId });
    } catch (e) {
      this.problem = `the link broker did not start: ${e && e.message ? e.message : e}`;
    }
  }

  close() {
    if (this.port) this.port.postMessage({ op: 'unregister', hostId: this.hostId });
  }

  /** Resolves once `link` to `peer` is attached on both sides; rejects with the reason otherwise. */
  async open(link, peer) {
    if (!this.port) throw new Error(this.problem || 'no link broker');
    const request = this.nextRequest++;
    const result = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.requests.delete(request);
        resolve({ ok: false, reason: `the link broker or host '${peer}' did not answer in ${BROKER_TIMEOUT_MS} ms` });
      }, BROKER_TIMEOUT_MS);
      this.requests.set(request, { resolve, timer });
      this.port.postMessage({ op: 'link', request, link, peer });
    });
    if (!result.ok) throw new Error(result.reason);
    await this.attach(link, result.port);
  }

  async onBrokerMessage(data) {
    if (!data || typeof data !== 'object') return;
    if (data.op === 'linkResult') {
      const r = this.requests.get(data.request);
      if (!r) {
        if (data.port) data.port.close();
        return;
      }
      this.requests.delete(data.request);
      clearTimeout(r.timer);
      r.resolve(data);
    } else if (data.op === 'incoming') {
      let ok = false;
      let reason = '';
      try {
        await this.attach(data.link, data.port);
        ok = true;
      } catch (e) {
        reason = e && e.message ? e.message : String(e);
        data.port.close();
      }
      this.port.postMessage({ op: 'incomingResult', request: data.request, ok, reason });
    }
  }
}
