// Deno echo over TLS for the benchmarks: deno-echo.js's serve() on the
// connections of Deno.listenTls (rustls underneath). The peer's close_notify
// ends its reads; closeWrite() sends ours. A Deno.TlsConn has no
// setNoDelay() (Deno 2.9), so Nagle stays on for these connections: with one
// write per echo it showed no stalls (16 KiB ping-pong p99 about 1 ms).
// Prints "listening PORT".
//
//   deno run --allow-net --allow-read deno-tls-echo.js HOST PORT CERT.pem KEY.pem
import { serve } from './deno-echo.js';

const [host = '127.0.0.1', port = '0', cert, key] = Deno.args;
const listener = Deno.listenTls({
  hostname: host,
  port: Number(port),
  cert: Deno.readTextFileSync(cert),
  key: Deno.readTextFileSync(key),
});
console.log(`listening ${listener.addr.port}`);
for await (const conn of listener) serve(conn);
