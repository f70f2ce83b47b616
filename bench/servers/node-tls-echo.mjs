// node:tls echo for the benchmarks: node-net-echo.mjs over TLS
// (tls.createServer with node's defaults), writes back what it reads, pausing
// a peer that does not read. The peer's close_notify is its 'end', and the
// socket ends too (allowHalfOpen is false). Prints "listening PORT".
//
//   node node-tls-echo.mjs HOST PORT CERT.pem KEY.pem
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const [host = '127.0.0.1', port = '0', cert, key] = process.argv.slice(2);
const server = tls.createServer({ cert: readFileSync(cert), key: readFileSync(key), noDelay: true }, (socket) => {
  socket.on('data', (data) => {
    if (!socket.write(data)) socket.pause();
  });
  socket.on('drain', () => socket.resume());
  socket.on('error', () => socket.destroy());
});
server.listen(Number(port), host, () => {
  console.log(`listening ${server.address().port}`);
});
