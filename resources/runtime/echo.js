// Baseline of `accelctl bench transport`: echoes every binary message of a plain WebSocket
// unchanged (no protocol, no header parsing). The socket must be on this page's host name.
const params = new URLSearchParams(location.search);
const target = new URL(params.get('ws') || '', location.href);
const status = document.getElementById('state');
if (target.protocol !== 'ws:' || target.hostname !== location.hostname) {
  status.textContent = 'refused: the echo socket must be ws:// on this host';
} else {
  const ws = new WebSocket(target.href);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => { status.textContent = 'connected'; };
  ws.onmessage = (event) => { ws.send(event.data); };
  ws.onclose = () => { status.textContent = 'closed'; };
}
