import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as streams from 'node:stream';
import { Duplex, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import tls from 'node:tls';

import t, { type Test } from 'tap';

import type { Connection } from '../../src/connection';
import type { Server } from '../../src/server';
import type { ConnectionStream, ConnectionStreamError } from '../../src/connection-stream';
import { ERROR_CODES } from '../../src/errors';
import { repoRoot } from '../../toolkit/service';
import { client, listening, nextClose, numbered, readAll, within } from './fixtures/servers';

const MiB = 1024 * 1024;
const underWine = process.env.IOCP_TCP_TEST_UNDER_WINE === '1';
const key = readFileSync(join(repoRoot, 'test', 'fixtures', 'tls-key.pem'));
const cert = readFileSync(join(repoRoot, 'test', 'fixtures', 'tls-cert.pem'));
const secureContext = tls.createSecureContext({ key, cert });

// Node has had stream.compose() since 16.9; @types/node 20 does not declare it.
const { compose } = streams as unknown as { compose(...parts: unknown[]): Duplex };
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** `size` random lowercase letters. */
function letters(size: number): Buffer {
  return randomBytes(size).map((byte) => 97 + (byte % 26)) as Buffer;
}

function uppercase(): Transform {
  return new Transform({ transform: (chunk: Buffer, _encoding, done) => done(null, chunk.toString('latin1').toUpperCase()) });
}

/** The connection's stream, once the server has one (the listener runs after the client connected). */
function streamOf(): { onConnection: (c: Connection) => void; stream: Promise<ConnectionStream> } {
  let onConnection!: (c: Connection) => void;
  const stream = new Promise<ConnectionStream>((resolve) => (onConnection = (c) => resolve(c.stream())));
  return { onConnection, stream };
}

/** The first 'error' of an emitter, or undefined once it emitted 'close' without one. */
function errorOf(emitter: NodeJS.EventEmitter): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    emitter.once('error', resolve);
    emitter.once('close', () => setImmediate(resolve, undefined));  // an 'error' comes before 'close'
  });
}

t.test("stream() and the connection's setEncoding() exclude each other: a stream reads bytes", async (t) => {
  const errors: unknown[] = [];
  let count = 0;
  const { port } = await listening(t, {}, (c) => {
    const attempt = count++ === 0 ? () => c.setEncoding('utf8').stream() : () => c.stream() && c.setEncoding('utf8');
    try {
      attempt();
    } catch (err) {
      errors.push(err);
    }
  });
  const sockets = [await client(port), await client(port)];
  await within((async () => {
    while (errors.length < 2) await delay(10);
  })(), 5000, 'both connections');
  t.match(errors[0], { code: ERROR_CODES.SERVER_STATE, message: /setEncoding\(\) was called/ }, 'stream() after setEncoding()');
  t.match(errors[1], { code: ERROR_CODES.SERVER_STATE, message: /read by its stream/ }, 'setEncoding() after stream()');
  for (const socket of sockets) socket.destroy();
});

t.test('stream() is a Duplex, the same object on every call; it and a for await loop exclude each other', async (t) => {
  const seen: { stream?: ConnectionStream; again?: ConnectionStream; connection?: Connection } = {};
  const refusals: unknown[] = [];
  const refused = (attempt: () => Promise<unknown>): void => void attempt().then(() => refusals.push('not refused'), (err) => refusals.push(err));
  let count = 0;
  const { port } = await listening(t, {}, (c) => {
    if (count++ === 0) {
      Object.assign(seen, { stream: c.stream(), again: c.stream(), connection: c });
      refused(async () => {
        for await (const _ of c) void _;
      });
    } else {
      void (async () => {
        for await (const _ of c) void _;
      })();
      refused(async () => c.stream());
    }
  });
  const first = await client(port);
  await within((async () => {
    while (refusals.length < 1) await delay(10);
  })(), 5000, 'the first connection');
  const second = await client(port);
  await within((async () => {
    while (refusals.length < 2) await delay(10);
  })(), 5000, 'the second connection');
  t.ok(seen.stream instanceof Duplex, 'instanceof Duplex');
  t.equal(seen.again, seen.stream, 'the same object');
  t.equal(seen.stream!.connection, seen.connection);
  t.match(refusals[0], { code: ERROR_CODES.SERVER_STATE, message: /stream\(\)/ }, 'for await after stream()');
  t.match(refusals[1], { code: ERROR_CODES.SERVER_STATE, message: /for await/ }, 'stream() during for await');
  first.destroy();
  second.destroy();
});

t.test('pipeline(stream, stream) on a default server echoes a node:net client byte for byte, then ends after its FIN', async (t) => {
  let piped: Promise<void> | undefined;
  const { server, port } = await listening(t, {}, (c) => {
    piped = pipeline(c.stream(), c.stream());
  });
  const payload = randomBytes(8 * MiB);
  const socket = await client(port);
  const closed = nextClose(server);
  socket.end(payload);
  const received = await within(readAll(socket), 20000, 'the echo');
  t.equal(sha256(received), sha256(payload), `${received.length} bytes back, in order`);
  await within(piped!, 5000, 'the pipeline');
  t.equal((await closed)[0], 'peer_fin');
});

t.test('pipeline(stream, uppercase, stream) echoes a node:net client byte for byte, then ends after its FIN', async (t) => {
  let piped: Promise<void> | undefined;
  // allowHalfOpen, as with node:net: without it the stream ends once its
  // reader has taken the client's FIN, while the transform may still hold
  // part of the echo; pipeline() ends it after the transform's last chunk.
  const { server, port } = await listening(t, { allowHalfOpen: true }, (c) => {
    piped = pipeline(c.stream(), uppercase(), c.stream());
  });
  const text = letters(8 * MiB);
  const socket = await client(port);
  const closed = nextClose(server);
  socket.end(text);
  const received = await within(readAll(socket), 20000, 'the echo');
  t.equal(received.length, text.length);
  t.equal(sha256(received), sha256(text.toString('latin1').toUpperCase()), 'every byte, uppercased, in order');
  await within(piped!, 5000, 'the pipeline');
  t.equal((await closed)[0], 'peer_fin');
});

t.test('readline over the stream answers each line; the stream ends the connection after its replies', async (t) => {
  const { server, port } = await listening(t, {}, (c) => {
    const stream = c.stream();
    let n = 0;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => stream.write(`${++n} ${sha256(line)}\n`));
  });
  const lines = ['first', '', 'ünïcödé', 'x'.repeat(200_000)];
  const socket = await client(port);
  const closed = nextClose(server);
  socket.write(`${lines[0]}\n${lines[1]}\n`);
  socket.end(`${lines.slice(2).join('\n')}\n`);
  const replies = (await within(readAll(socket), 10000, 'the replies')).toString().split('\n').filter(Boolean);
  t.same(replies, lines.map((line, i) => `${i + 1} ${sha256(line)}`));
  t.equal((await closed)[0], 'peer_fin');
});

t.test('Duplex.from(stream) is the stream itself; a compose()d transform serves an echo over it', async (t) => {
  let same: boolean | undefined;
  let piped: Promise<void> | undefined;
  const { port } = await listening(t, {}, (c) => {
    const stream = Duplex.from(c.stream());
    same = stream === c.stream();
    const shout = compose(uppercase(), async function* exclaim(source: AsyncIterable<Buffer>) {
      for await (const chunk of source) yield Buffer.concat([chunk, Buffer.from('!')]);
    });
    piped = pipeline(stream, shout, stream);
  });
  const socket = await client(port);
  socket.write('hello');
  const [reply] = await within(once(socket, 'data'), 5000, 'the reply') as [Buffer];
  t.equal(reply.toString(), 'HELLO!');
  socket.end();
  await within(Promise.all([piped, readAll(socket)]), 5000, 'the pipeline and the close');
  t.equal(same, true);
});

t.test('writing 20 MiB to a client that does not read: write() says false and the queues stay bounded; then every byte arrives in order', async (t) => {
  const size = 20 * MiB;
  const payload = numbered(size);
  const piece = 64 * 1024;
  const seen = { falses: 0, maxStreamQueue: 0, maxConnectionQueue: 0 };
  const { server, port } = await listening(t, {}, (c) => {
    const stream = c.stream();
    let offset = 0;
    const pump = (): void => {
      while (offset < size) {
        const more = stream.write(payload.subarray(offset, (offset += piece)));
        seen.maxStreamQueue = Math.max(seen.maxStreamQueue, stream.writableLength);
        seen.maxConnectionQueue = Math.max(seen.maxConnectionQueue, c.writableLength);
        if (!more) {
          ++seen.falses;
          stream.once('drain', pump);
          return;
        }
      }
      stream.end();
    };
    pump();
  });
  const socket = await client(port);
  socket.pause();
  await delay(500);
  const buffered = server.stats().bufferedBytes;
  t.ok(seen.falses > 0, `write() returned false ${seen.falses} times`);
  t.ok(buffered <= 1 * MiB, `the engine holds ${buffered} bytes while the client does not read`);
  socket.resume();
  const received = await within(readAll(socket), 30000, 'the payload');
  t.ok(received.equals(payload), `${received.length} of ${size} bytes, in order and intact`);
  // The stream queues up to its mark (one piece may pass it); the connection at most one batch of it.
  t.ok(seen.maxStreamQueue <= 64 * 1024 + piece, `the stream queued at most ${seen.maxStreamQueue} bytes`);
  t.ok(seen.maxConnectionQueue <= 64 * 1024 + piece, `the connection queued at most ${seen.maxConnectionQueue} bytes`);
});

t.test('a stream nobody reads pauses the connection, so the peer backs up; then it reads every byte in order', async (t) => {
  const size = 20 * MiB;
  const payload = numbered(size);
  const { onConnection, stream } = streamOf();
  const { server, port } = await listening(t, { allowHalfOpen: true }, onConnection);
  const socket = await client(port);
  socket.end(payload);
  const reader = await stream;
  await delay(500);
  const received = server.stats().receivedBytes;
  // Bounded by the mark plus what the engine reads before it stops (io_uring: its 4 MiB buffer ring).
  t.ok(received < 8 * MiB, `the server read ${received} of ${size} bytes while nobody read the stream`);
  t.ok(socket.writableLength > 0, `${socket.writableLength} bytes wait in the client`);
  const hash = createHash('sha256');
  await within((async () => {
    for await (const chunk of reader) hash.update(chunk as Buffer);
  })(), 30000, 'reading the stream');
  t.equal(hash.digest('hex'), sha256(payload), 'every byte, in order');
  reader.end();
  await within(readAll(socket), 5000, 'the close');
});

t.test('borrowed: the stream gets chunks it may keep', async (t) => {
  const payload = numbered(4 * MiB);
  const kept: Buffer[] = [];
  const { port } = await listening(t, { borrowed: true, allowHalfOpen: true }, (c) => {
    const stream = c.stream();
    stream.on('data', (chunk: Buffer) => kept.push(chunk));
    stream.on('end', () => stream.end());
  });
  const socket = await client(port);
  socket.end(payload);
  await within(readAll(socket), 10000, 'the close');
  t.ok(Buffer.concat(kept).equals(payload), `the ${kept.length} kept chunks are the payload`);
});

t.test('TLS: a tls.TLSSocket over the stream echoes 20 MiB each way to a tls.connect client that stalls and half-closes', async (t) => {
  const size = 20 * MiB;
  const payload = randomBytes(size);
  // allowHalfOpen: the TLS layer ends the stream once its echo is out (see README).
  const { server, port } = await listening(t, { allowHalfOpen: true }, (c) => {
    const secure = new tls.TLSSocket(c.stream(), { isServer: true, secureContext });
    secure.pipe(secure);
  });
  const socket = tls.connect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
  await within(once(socket, 'secureConnect'), 5000, 'the handshake');
  t.equal(socket.authorized, true, 'the client verified the certificate');
  socket.pause();
  const closed = nextClose(server);
  socket.end(payload);
  await delay(500);
  const buffered = server.stats().bufferedBytes;
  t.ok(buffered <= 1 * MiB, `the engine holds ${buffered} bytes while the client does not read`);
  socket.resume();
  const received = await within(readAll(socket), 60000, 'the echo');
  t.equal(received.length, size);
  t.equal(sha256(received), sha256(payload), 'every byte back, in order');
  t.equal((await closed)[0], 'peer_fin');
});

t.test('TLS: a client reset mid-stream is ECONNRESET on the stream (disconnectCause peer_reset) and on the TLS socket, not ECANCELED', async (t) => {
  const errors: { stream?: Promise<ConnectionStreamError | undefined>; secure?: Promise<NodeJS.ErrnoException | undefined> } = {};
  const { server, port } = await listening(t, { allowHalfOpen: true }, (c) => {
    const stream = c.stream();
    const secure = new tls.TLSSocket(stream, { isServer: true, secureContext });
    errors.stream = errorOf(stream) as Promise<ConnectionStreamError | undefined>;
    errors.secure = errorOf(secure);
    // 20 MiB to a client that does not read: a write is in progress at the reset.
    secure.once('data', () => secure.end(randomBytes(20 * MiB)));
  });
  const raw = await client(port);
  const socket = tls.connect({ socket: raw, ca: cert, servername: 'localhost' }).on('error', () => {});
  await within(once(socket, 'secureConnect'), 5000, 'the handshake');
  socket.pause();
  socket.write('go');
  await delay(300);
  const closed = nextClose(server);
  raw.resetAndDestroy();
  t.equal((await within(closed, 5000, 'the close'))[0], 'peer_reset');
  const streamError = await within(errors.stream!, 5000, 'the stream\'s error');
  t.match(streamError, { code: 'ECONNRESET', disconnectCause: 'peer_reset' });
  t.ok(streamError!.errno! > 0, `errno ${streamError!.errno}, the system's`);
  t.match(await within(errors.secure!, 5000, 'the TLS socket\'s error'), { code: 'ECONNRESET' });
});

// openssl s_client is a Linux binary: the Windows lane (node.exe under Wine) has none, so it skips
// there, saying so. Elsewhere a missing openssl is a skip only outside CI (.ci/run installs it).
const onWindows = process.platform === 'win32';
const opensslMissing = !onWindows && spawnSync('openssl', ['version']).error !== undefined;
const opensslSkip = onWindows
  ? 'openssl s_client is a Linux binary: the Windows lane (node.exe under Wine) has none'
  : opensslMissing && process.env.CI !== 'true' ? 'openssl is not installed here (CI installs it: .ci/run)' : false;

t.test('TLS: openssl s_client verifies the certificate and gets its line back', { skip: opensslSkip }, async (t) => {
  if (opensslMissing) return t.fail('openssl is missing, and CI must run this test: .ci/run installs the Debian package openssl');
  const { port } = await listening(t, { allowHalfOpen: true }, (c) => {
    const secure = new tls.TLSSocket(c.stream(), { isServer: true, secureContext });
    createInterface({ input: secure }).once('line', (line) => secure.end(`${line.toUpperCase()}\n`));
  });
  const certFile = join(repoRoot, 'test', 'fixtures', 'tls-cert.pem');
  // -quiet also ignores the end of stdin: s_client leaves once the server has closed.
  const sClient = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', certFile,
    '-verify_return_error', '-quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let diagnostics = '';
  sClient.stdout.on('data', (d: Buffer) => (output += d));
  sClient.stderr.on('data', (d: Buffer) => (diagnostics += d));
  sClient.stdin.end('hello from openssl\n');
  const [code] = await within(once(sClient, 'exit'), 10000, 'openssl s_client') as [number];
  t.equal(code, 0, `s_client exit code (stderr: ${diagnostics.trim()})`);
  t.equal(output, 'HELLO FROM OPENSSL\n');
});

/** An http.Server fed this server's connection streams; returns the port, and counts the connections. */
async function httpOver(
  t: Test,
  handler: http.RequestListener,
  options: http.ServerOptions = {},
): Promise<{ server: Server; port: number; connections: () => number }> {
  const httpServer = http.createServer(options, handler);
  let count = 0;
  const { server, port } = await listening(t, { allowHalfOpen: true }, (c) => {
    ++count;
    httpServer.emit('connection', c.stream());
  });
  return { server, port, connections: () => count };
}

/** Collects what `socket` receives until `text` is in it. */
function received(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (!seen.includes(text)) return;
      socket.off('data', onData);
      resolve(seen);
    };
    socket.on('data', onData);
  });
}

t.test('HTTP/1.1: http.Server over the streams keeps a connection alive for a second request, then times it out', async (t) => {
  const { server, port, connections } = await httpOver(t, (req, res) => {
    res.end(`${req.url} from ${req.socket.remoteAddress}:${req.socket.remotePort}`);
  }, { keepAliveTimeout: 200 });
  const socket = (await client(port)).on('error', () => {});
  const closed = nextClose(server);
  for (const path of ['/one', '/two']) {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const reply = await within(received(socket, `${path} from`), 5000, `the response to ${path}`);
    t.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
    t.match(reply, /\r\nConnection: keep-alive\r\n/);
    t.match(reply, `${path} from 127.0.0.1:${socket.localPort}`, 'req.socket has the peer\'s address');
  }
  t.equal(connections(), 1, 'one connection');
  // http's keep-alive timeout is the stream's setTimeout(): its destroy() there counts as idle_timeout.
  t.equal((await within(closed, 5000, 'the keep-alive timeout'))[0], 'idle_timeout');
});

t.test('HTTP/1.1: two pipelined requests in one write get their responses in order', async (t) => {
  const { port } = await httpOver(t, (req, res) => {
    // The first answers later: its response must still come first.
    setTimeout(() => res.end(`body of ${req.url}`), req.url === '/first' ? 100 : 0);
  });
  const socket = await client(port);
  socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const replies = (await within(readAll(socket), 5000, 'the responses')).toString();
  t.equal(replies.match(/HTTP\/1\.1 200 OK\r\n/g)?.length, 2, 'two responses');
  const first = replies.indexOf('body of /first');
  t.ok(first > 0 && replies.indexOf('body of /second') > first, 'in the order of the requests');
});

t.test('HTTP/1.1: a chunked upload reaches the handler whole', async (t) => {
  const { port } = await httpOver(t, (req, res) => {
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (d: Buffer) => (hash.update(d), (length += d.length)));
    req.on('end', () => res.end(`${req.headers['transfer-encoding']} ${length} ${hash.digest('hex')}`));
  });
  const body = randomBytes(3 * MiB);
  const reply = await within(new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/upload' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text));
    }).on('error', reject);
    for (let offset = 0; offset < body.length; offset += 256 * 1024) req.write(body.subarray(offset, offset + 256 * 1024));
    req.end();
  }), 10000, 'the upload');
  t.equal(reply, `chunked ${body.length} ${sha256(body)}`);
});

t.test('a peer reset is an error ECONNRESET with disconnectCause peer_reset and the errno', async (t) => {
  const { onConnection, stream } = streamOf();
  const { server, port } = await listening(t, {}, onConnection);
  const socket = await client(port);
  const error = errorOf(await stream);
  socket.write('x');
  await delay(50);
  const closed = nextClose(server);
  socket.resetAndDestroy();
  t.equal((await within(closed, 5000, 'the close'))[0], 'peer_reset');
  const err = await within(error, 5000, 'the error') as ConnectionStreamError;
  t.match(err, { code: 'ECONNRESET', disconnectCause: 'peer_reset' });
  t.ok(err.errno! > 0, `errno ${err.errno}`);
});

for (const close of ['destroy', 'end'] as const) {
  t.test(`stream.setTimeout emits 'timeout' on the stream; ${close}() there closes it quietly, cause idle_timeout, as node:net`, async (t) => {
    const seen: { timeouts: number; error?: Promise<unknown> } = { timeouts: 0 };
    const { server, port } = await listening(t, {}, (c) => {
      const stream = c.stream();
      seen.error = errorOf(stream);
      t.equal(stream.setTimeout(200), stream, 'setTimeout returns the stream');
      t.equal(stream.timeout, 200);
      stream.resume().on('timeout', () => {
        ++seen.timeouts;
        if (close === 'destroy') stream.destroy();
        else stream.end();
      });
    });
    const socket = await client(port);
    const clientError = errorOf(socket);
    const closed = nextClose(server);
    t.equal((await within(closed, 5000, 'the disconnect'))[0], 'idle_timeout');
    const seenByClient = await within(clientError, 5000, 'the client\'s close');
    // node:net under Wine reports a reset as a clean end (see DESIGN.md).
    if (close === 'end') t.equal(seenByClient, undefined, 'a FIN');
    else if (!underWine) t.match(seenByClient, { code: 'ECONNRESET' }, 'a reset');
    t.equal(seen.timeouts, 1);
    t.equal(await within(seen.error!, 5000, 'the stream\'s close'), undefined, 'no error');
  });
}

t.test('the server\'s idleTimeoutMs reset is an error ETIMEDOUT with disconnectCause idle_timeout', async (t) => {
  const { onConnection, stream } = streamOf();
  const { port } = await listening(t, { idleTimeoutMs: 200 }, onConnection);
  const socket = (await client(port)).on('error', () => {});
  const err = await within(errorOf(await stream), 5000, 'the error');
  t.match(err, { code: 'ETIMEDOUT', disconnectCause: 'idle_timeout' });
  socket.destroy();
});

t.test('closing the server past its drain deadline destroys the stream without an error (cause shutdown)', async (t) => {
  const { onConnection, stream } = streamOf();
  const { server, port } = await listening(t, {}, onConnection);
  const socket = (await client(port)).on('error', () => {});
  const s = await stream;
  const error = errorOf(s);
  const closed = nextClose(server);
  await within(server.close({ drainTimeoutMs: 0 }), 5000, 'the close');
  t.equal((await closed)[0], 'shutdown');
  t.equal(await within(error, 5000, 'the stream\'s close'), undefined, 'no error');
  t.equal(s.destroyed, true);
  socket.destroy();
});

t.test("a listener that throws is reported once, as 'handlerError'; the stream is destroyed without an error", async (t) => {
  const { onConnection, stream } = streamOf();
  const { server, port } = await listening(t, {}, onConnection);
  const reported = once(server, 'handlerError');
  const socket = (await client(port)).on('error', () => {});
  const s = await stream;
  const error = errorOf(s);
  s.on('data', () => {
    throw new Error('oops');
  });
  socket.write('x');
  t.match((await within(reported, 5000, 'handlerError'))[0], { message: 'oops' });
  t.equal(await within(error, 5000, 'the stream\'s close'), undefined, 'no error on the stream');
  socket.destroy();
});

t.test('destroy(err) on the stream resets the connection (the client sees ECONNRESET) and emits err', async (t) => {
  const failure = new Error('x');
  let error: Promise<unknown> | undefined;
  const { server, port } = await listening(t, {}, (c) => {
    const stream = c.stream();
    error = errorOf(stream);
    stream.once('data', () => stream.destroy(failure));
  });
  const socket = await client(port);
  const clientError = errorOf(socket);
  const closed = nextClose(server);
  socket.write('hi');
  t.equal((await within(closed, 5000, 'the close'))[0], 'local_abort');
  t.equal(await within(error!, 5000, 'the stream\'s error'), failure);
  // node:net under Wine reports a reset as a clean end (see DESIGN.md): the cause above is the check there.
  if (!underWine) t.match(await within(clientError, 5000, 'the client\'s error'), { code: 'ECONNRESET' });
});

t.test('end() sends FIN after the data; the stream closes once the peer has ended too', async (t) => {
  let closed: Promise<unknown> | undefined;
  const { server, port } = await listening(t, {}, (c) => {
    const stream = c.stream();
    closed = once(stream, 'close');
    stream.resume();  // a stream ends (and closes) once its reader has taken the peer's FIN
    stream.end('bye');
  });
  const socket = await client(port);
  const ended = once(socket, 'end');
  const disconnect = nextClose(server);
  t.equal((await within(readAll(socket), 5000, 'the reply')).toString(), 'bye');
  await ended;
  t.equal((await within(disconnect, 5000, 'the disconnect'))[0], 'local_close');
  await within(closed!, 5000, 'the stream\'s close');
});

t.test('allowHalfOpen: after the client ends, the stream still writes, then ends', async (t) => {
  const { server, port } = await listening(t, { allowHalfOpen: true }, (c) => {
    const stream = c.stream();
    let request = '';
    stream.setEncoding('utf8').on('data', (d: string) => (request += d));
    stream.on('end', () => setTimeout(() => {
      stream.write(`after your FIN, ${request.length} bytes`);
      stream.end(' and done');
    }, 100));
  });
  const socket = await client(port);
  const closed = nextClose(server);
  socket.end('a request');
  t.equal((await within(readAll(socket), 5000, 'the reply')).toString(), 'after your FIN, 9 bytes and done');
  t.equal((await closed)[0], 'peer_fin');
});

t.test('without allowHalfOpen the stream, not the connection, ends after the peer: a write queued before that is not refused', async (t) => {
  let error: Promise<unknown> | undefined;
  const { server, port } = await listening(t, {}, (c) => {
    const stream = c.stream();
    error = errorOf(stream);
    stream.cork();  // the reply waits in the stream until after the peer's FIN has been read
    stream.on('data', (d: Buffer) => stream.write(d));
    stream.on('end', () => process.nextTick(() => stream.uncork()));
  });
  const socket = await client(port);
  const closed = nextClose(server);
  socket.end('echo me');
  t.equal((await within(readAll(socket), 5000, 'the echo')).toString(), 'echo me');
  t.equal((await closed)[0], 'peer_fin');
  t.equal(await within(error!, 5000, 'the stream\'s close'), undefined, 'no error (no WRITE_AFTER_END)');
});

t.test('a write after the connection ended is EPIPE: with disconnectCause once it has closed', async (t) => {
  let whileOpen: Promise<unknown> | undefined;
  const open = await listening(t, {}, (c) => {
    const stream = c.stream();
    whileOpen = errorOf(stream);
    stream.once('data', () => {
      c.end();  // the connection itself, behind the stream's back
      stream.write('late');
    });
  });
  const first = (await client(open.port)).on('error', () => {});
  first.write('x');
  const err = await within((async () => {
    while (!whileOpen) await delay(10);
    return whileOpen;
  })(), 5000, 'the error') as ConnectionStreamError;
  t.match(err, { code: 'EPIPE' });
  t.equal(err.disconnectCause, undefined, 'no cause while the connection is open');
  first.destroy();

  let afterClose: Promise<unknown> | undefined;
  const closed = await listening(t, { allowHalfOpen: true }, (c) => {
    const stream = c.stream();
    afterClose = errorOf(stream);
    stream.resume().on('end', () => c.end());
    c.on('close', () => stream.write('after the close'));
  });
  const second = await client(closed.port);
  second.end();
  await within(readAll(second), 5000, 'the close');
  t.match(await within(afterClose!, 5000, 'the error'), { code: 'EPIPE', disconnectCause: 'peer_fin' });
});

t.test('cork() holds writes in the stream; uncork() hands them to the connection at once, in order', async (t) => {
  const seen: { corked?: number; uncorked?: number } = {};
  const { port } = await listening(t, {}, (c) => {
    const stream = c.stream();
    stream.cork();
    stream.write('one ');
    stream.write('two ');
    stream.write('three');
    seen.corked = c.bytesWritten;
    stream.uncork();
    seen.uncorked = c.bytesWritten;
    stream.end();
  });
  const socket = await client(port);
  t.equal((await within(readAll(socket), 5000, 'the writes')).toString(), 'one two three');
  t.equal(seen.corked, 0, 'nothing reached the connection while corked');
  t.equal(seen.uncorked, 13, 'all of it at uncork()');
});

t.test('setEncoding() gives strings, a character split between reads whole', async (t) => {
  const { onConnection, stream } = streamOf();
  const { port } = await listening(t, {}, onConnection);
  const socket = await client(port);
  const reader = (await stream).setEncoding('utf8');
  const euro = Buffer.from('€');
  socket.write(euro.subarray(0, 1));
  await delay(50);
  socket.end(Buffer.concat([euro.subarray(1), Buffer.from(' sign')]));
  let text = '';
  for await (const chunk of reader) {
    t.equal(typeof chunk, 'string');
    text += chunk;
  }
  t.equal(text, '€ sign');
  socket.destroy();
});

t.test('the stream has the socket properties and setters http and tls read', async (t) => {
  const { onConnection, stream } = streamOf();
  const { port } = await listening(t, {}, onConnection);
  const socket = await client(port);
  const s = await stream;
  t.equal(s.remoteAddress, '127.0.0.1');
  t.equal(s.remotePort, socket.localPort);
  t.equal(s.remoteFamily, 'IPv4');
  t.equal(s.localAddress, '127.0.0.1');
  t.equal(s.localPort, port);
  t.same(s.address(), { address: '127.0.0.1', family: 'IPv4', port });
  t.equal(s.setNoDelay(false), s);
  t.equal(s.setKeepAlive(true, 1000), s);
  t.equal(s.writableHighWaterMark, 64 * 1024, "the server's writeHighWaterBytes");
  socket.write('12345');
  await within(once(s, 'data'), 5000, 'the data');
  await new Promise((resolve) => s.write('abc', resolve));
  t.equal(s.bytesRead, 5);
  t.equal(s.bytesWritten, 3);
  s.on('error', () => {});  // the reset below
  socket.destroy();
});
