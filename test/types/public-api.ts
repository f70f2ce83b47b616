// Type test of the published typings (dist/index.d.ts, as `import 'iocp-tcp'`
// resolves for a user): `npm run test:types`. Each line after an
// expect-error directive must fail to compile and the rest must compile, so
// a typing that lets a mistake through, or rejects correct code, fails it.
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';

import {
  createServer, registerMetrics, HANDSHAKE_RESULTS, type CloseInfo, type Connection, type ConnectionClosedError, type ConnectionStream,
  type ConnectionStreamError, type DropInfo, type HandshakeInfo, type HandshakeResult, type ReadyState, type RunningBackend,
  type TlsOptions,
} from 'iocp-tcp';
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

  conn.setNoDelay(false).setKeepAlive(true, 30_000, { interval: 5_000, count: 4 }).setTimeout(60_000, () => conn.destroy());
  conn.on('timeout', () => conn.end());
  conn.write('hello', (err) => console.log((err as ConnectionClosedError | null | undefined)?.disconnectCause));
  conn.write('hello', 'latin1', () => {});
  conn.end(() => {});
  const state: ReadyState = conn.readyState;
  const family: 'IPv4' | 'IPv6' = conn.remoteFamily;
  console.log(state, family, conn.localAddress, conn.localPort.toFixed());
  // @ts-expect-error: 'timeout' listeners get no arguments
  conn.on('timeout', (ms: number) => ms);
  // @ts-expect-error: the keepalive probe settings are named
  conn.setKeepAlive(true, 1000, 5);
  // @ts-expect-error: read-only
  conn.localPort = 1;
  void (async () => {
    for await (const chunk of conn) conn.write(chunk.subarray(1));
  })();
  const local: { address: string; family: string; port: number } = conn.address();
  void local;

  const stream: ConnectionStream = conn.stream();
  const duplex: Duplex = stream;
  new TLSSocket(stream, { isServer: true });
  stream.on('error', (err: ConnectionStreamError) => console.log(err.code, err.disconnectCause, duplex.writable));
  stream.setTimeout(1000, () => stream.destroy()).setNoDelay().setKeepAlive(true, 1000, { count: 3 });
  console.log(stream.remoteAddress, stream.remotePort.toFixed(), stream.address().port, stream.bytesRead, stream.connection.id);
  // @ts-expect-error: read-only
  stream.remotePort = 1;
});

// setEncoding() returns the connection typed as one that reads strings.
createServer((conn) => {
  const text = conn.setEncoding('utf8');
  text.on('data', (chunk: string) => text.write(chunk.toUpperCase()));
  // @ts-expect-error: it reads strings now
  text.on('data', (chunk: Buffer) => chunk.byteLength);
  // @ts-expect-error: the connection as given still types 'data' as Buffer
  conn.on('data', (chunk: string) => chunk);
  // @ts-expect-error: no way back to Buffers
  conn.setEncoding(null);
  void (async () => {
    for await (const chunk of text) chunk.toUpperCase();
  })();
});

server.on('disconnect', (cause, seconds) => console.log(cause.toUpperCase(), seconds.toFixed(3)));
server.on('handlerError', (err, conn) => console.log(err.message, conn.remoteAddress));
server.on('acceptError', (err) => console.log(err.code));
// @ts-expect-error: no event 'disconect'
server.on('disconect', () => {});
// @ts-expect-error: a cause is a string, not a number
server.on('disconnect', (cause: number) => cause);

const backend: RunningBackend | null = server.backend;
// @ts-expect-error: null before listen(), not undefined
const notYet: RunningBackend | undefined = server.backend;
void notYet;
// @ts-expect-error: 'auto' is never the backend that runs
const auto: 'auto' = server.backend;
void backend;
void auto;
void server.listen(8090);
void server.listen(8090, '127.0.0.1');
void server.listen({ port: 8090, host: '::1' });
void server.listen({ port: 8090, backlog: 511 }, () => {});
void server.listen(8090, '127.0.0.1', 511, () => {});
void server.listen(8090, 511, () => {});
void server.listen(8090, () => {});
void server.listen(() => {});
// @ts-expect-error: the callback gets no arguments
void server.listen(8090, (address: string) => address);
void server.close((err) => console.log(err?.message));
void server.close({ drainTimeoutMs: 0 }, () => {});
server.on('drop', (info: DropInfo) => console.log(info.reason, info.remoteAddress, info.remotePort));
const open: number = server.getConnections();
server.getConnections((err, count) => console.log(err, count + open));
server.unref().ref();
// @ts-expect-error: no such option
createServer({ bogusOption: 1 });
createServer({ noDelay: false, keepAlive: true, keepAliveInitialDelay: 10_000, keepAliveInterval: 1_000, keepAliveCount: 3 });
registerMetrics(new Registry(), server);
registerMetrics(new Registry(), server, { server: 'edge' });
// @ts-expect-error: backend and version come from the server and the package
registerMetrics(new Registry(), server, 'io_uring', '1.0.0');

// TLS: the options as node:tls names them, the connection's getters, the handshake event.
const tlsServer = createServer({ tls: { cert: Buffer.from('pem'), key: 'pem', minVersion: 'TLSv1.3', handshakeTimeout: 5000 } }, (conn) => {
  const protocol: string | null = conn.getProtocol();
  const cipher: string | undefined = conn.getCipher()?.name;
  const servername: string | false = conn.servername;
  console.log(conn.encrypted, protocol, cipher, servername);
});
tlsServer.on('tlsHandshake', (info: HandshakeInfo) => {
  if (info.result === 'ok') console.log(info.protocol.toUpperCase());
  else console.log(info.reason.toUpperCase());
  // @ts-expect-error: a successful handshake has no reason
  if (info.result === 'ok') console.log(info.reason);
});
const notAfter: number | null = tlsServer.tlsCertificateNotAfter;
void notAfter;
const results: readonly HandshakeResult[] = HANDSHAKE_RESULTS;
void results;
// @ts-expect-error: only TLSv1.2 or TLSv1.3
createServer({ tls: { cert: 'pem', key: 'pem', minVersion: 'TLSv1' } });
// @ts-expect-error: cert and key are required
const missingKey: TlsOptions = { cert: 'pem' };
void missingKey;
