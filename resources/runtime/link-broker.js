// The link broker: one SharedWorker per browser profile (docs/host-protocol.md, "Links"). Every
// host page of the profile registers its host id here; when the app asks page A for a link to
// page B, the broker creates a MessageChannel, hands one end to B (which gives it to its compute
// worker and confirms) and then the other end to A. From then on A's worker posts a run's output
// straight to B's worker: neither the app nor the browser's network stack is on that hop.
// Pages in other browsers or profiles are not registered here, and a link to them is refused.
//
// Page -> broker: { op: 'register', hostId } | { op: 'unregister', hostId }
//                 { op: 'link', request, link, peer }        (from the page that will send)
//                 { op: 'incomingResult', request, ok, reason } (from the peer, after attaching)
// Broker -> page: { op: 'incoming', request, link, port }    (to the peer)
//                 { op: 'linkResult', request, ok, reason, port }
'use strict';

const MAX_PENDING = 256;
const pages = new Map();   // host id -> the port of its (newest) page
const pending = new Map(); // broker request -> { port, request, end }: waiting for the peer
let nextRequest = 1;

function refuse(port, request, reason) {
  port.postMessage({ op: 'linkResult', request, ok: false, reason });
}

function onPageMessage(port, data) {
  if (!data || typeof data !== 'object') return;
  switch (data.op) {
    case 'register':
      if (typeof data.hostId === 'string' && data.hostId) pages.set(data.hostId, port);
      return;
    case 'unregister':
      if (pages.get(data.hostId) === port) pages.delete(data.hostId);
      return;
    case 'link': {
      const peer = pages.get(data.peer);
      if (!peer) {
        refuse(port, data.request, `host '${data.peer}' has no page in this browser profile`);
        return;
      }
      if (peer === port) {
        refuse(port, data.request, 'a page does not link to itself');
        return;
      }
      const channel = new MessageChannel();
      const id = nextRequest++;
      pending.set(id, { port, request: data.request, end: channel.port1 });
      if (pending.size > MAX_PENDING) { // peers that never answered
        const [oldId, old] = pending.entries().next().value;
        pending.delete(oldId);
        old.end.close();
        refuse(old.port, old.request, 'the peer page did not answer');
      }
      peer.postMessage({ op: 'incoming', request: id, link: data.link, port: channel.port2 }, [channel.port2]);
      return;
    }
    case 'incomingResult': {
      const p = pending.get(data.request);
      if (!p) return;
      pending.delete(data.request);
      if (data.ok) {
        p.port.postMessage({ op: 'linkResult', request: p.request, ok: true, port: p.end }, [p.end]);
      } else {
        p.end.close();
        refuse(p.port, p.request, `the peer page refused: ${data.reason}`);
      }
      return;
    }
    default:
  }
}

self.onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = ({ data }) => onPageMessage(port, data);
};
