// Bun echo over TLS for the benchmarks: bun-echo.js's handlers on
// Bun.listen({ tls }) (uSockets with BoringSSL). Prints "listening PORT".
//
//   bun bun-tls-echo.js HOST PORT CERT.pem KEY.pem
import { echo } from './bun-echo.js';

const [host = '127.0.0.1', port = '0', cert, key] = process.argv.slice(2);
const server = Bun.listen({
  hostname: host,
  port: Number(port),
  tls: { cert: Bun.file(cert), key: Bun.file(key) },
  socket: echo,
});
console.log(`listening ${server.port}`);
