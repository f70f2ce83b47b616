// Type test of the published typings (dist/index.d.ts, as `import 'iocp-tcp'`
// resolves for a user): `npm run test:types`. Each line after an
// expect-error directive must fail to compile and the rest must compile, so
// a typing that lets a mistake through, or rejects correct code, fails it.
import { createServer, registerMetrics, type CloseInfo, type Connection, type RunningBackend } from 'iocp-tcp';
import { Registry } from 'prom-client';

const server = createServer((conn: Connection) => {
  conn.on('data', (data: Buffer) => conn.write(data));
  conn.on('end', () => conn.end());
  conn.on('drain', () => conn.resume());
  conn.on('close', (info: CloseInfo) => console.log(info.cause, info.errno, info.durationSeconds));
  conn.once('data', (data) => data.byteLength);
  const read: number = conn.bytesRead;

  // @ts-expect-error: no event 'dta'
  conn.on('dta', (d: Buffer) => d);
  // @ts-expect-error: 'data' listeners get a Buffer, not a number
  conn.on('data', (d: number) => d.toFixed());
  // @ts-expect-error: CloseInfo has no such field
  conn.on('close', (info) => info.nonexistent.foo);
  // @ts-expect-error: internal, not part of the API
  conn.handleData(Buffer.from('spoof'), 0);
  // @ts-expect-error: read-only
  conn.bytesRead = read + 1;
  // @ts-expect-error: read-only
  conn.closed = true;
});

server.on('disconnect', (cause, seconds) => console.log(cause.toUpperCase(), seconds.toFixed(3)));
server.on('handlerError', (err, conn) => console.log(err.message, conn.remoteAddress));
server.on('acceptError', (err) => console.log(err.code));
// @ts-expect-error: no event 'disconect'
server.on('disconect', () => {});
// @ts-expect-error: a cause is a string, not a number
server.on('disconnect', (cause: number) => cause);

const backend: RunningBackend | undefined = server.backend;
// @ts-expect-error: 'auto' is never the backend that runs
const auto: 'auto' = server.backend;
void backend;
void auto;
void server.listen(8090);
void server.listen(8090, '127.0.0.1');
void server.listen({ port: 8090, host: '::1' });
// @ts-expect-error: no such option
createServer({ bogusOption: 1 });
registerMetrics(new Registry(), server, 'io_uring', '1.0.0');
