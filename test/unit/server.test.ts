import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { Socket, connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import t, { type Test } from 'tap';

import type { CloseInfo, Connection } from '../../src/connection';
import { ERROR_CODES } from '../../src/errors';
import { Server, ServerOptions, createServer } from '../../src/server';

const backend = (process.env.IOCP_TCP_TEST_BACKEND ?? 'auto') as ServerOptions['backend'];

/** A listening JS-handler server on 127.0.0.1:0, closed at teardown. */
async function listening(
  tt: Test,
  options: ServerOptions,
  onConnection?: (c: Connection) => void,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ backend, ...options }, onConnection);
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  tt.teardown(() => server.close({ drainTimeoutMs: 0 }));
  return { server, port };
}

async function client(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

/** Reads until EOF (or close after a reset) and returns what arrived. */
async function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => {});
  await new Promise((resolve) => socket.on('close', resolve));  // once() would reject on 'error'
  return Buffer.concat(chunks);
}

function nextClose(server: Server): Promise<[string, number]> {
  return once(server, 'disconnect') as Promise<[string, number]>;
}

t.test('bad options are rejected with ERR_IOCP_TCP_INVALID_ARG', async (t) => {
  t.throws(() => createServer({ ioThreads: 0 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ writeHighWaterBytes: -1 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ handler: 'nope' as 'js' }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ maxConnections: -1 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ idleTimeoutMs: 1.5 }), { code: ERROR_CODES.INVALID_ARG });
  await t.rejects(createServer({}).listen({ port: 70000 }), { code: ERROR_CODES.INVALID_ARG });
});

t.test('a backend this platform lacks fails listen() with ERR_IOCP_TCP_BACKEND', async (t) => {
  const missing = process.platform === 'win32' ? 'epoll' : 'iocp';
  await t.rejects(createServer({ backend: missing as 'iocp' }).listen({ port: 0 }), { code: ERROR_CODES.BACKEND });
});

t.test('a taken port fails listen() with EADDRINUSE from bind, and listen twice is refused', async (t) => {
  const { server, port } = await listening(t, { handler: 'echo' });
  await t.rejects(createServer({ backend, handler: 'echo' }).listen({ host: '127.0.0.1', port }), {
    code: 'EADDRINUSE',
    syscall: 'bind',
  });
  await t.rejects(server.listen({ port: 0 }), { code: ERROR_CODES.SERVER_STATE });
  t.match(server.address(), { address: '127.0.0.1', port, family: 'IPv4' });
  t.ok(['io_uring', 'epoll', 'iocp'].includes(server.backend!), `backend ${server.backend}`);
});

t.test('a connection reports its peer, counts bytes and closes as local_close after end()', async (t) => {
  let seen: Connection | undefined;
  const { server, port } = await listening(t, {}, (c) => {
    seen = c;
    c.on('data', (d: Buffer) => {
      c.end(Buffer.concat([Buffer.from('got '), d]));
      t.throws(() => c.write('late'), { code: ERROR_CODES.WRITE_AFTER_END });
    });
  });
  const socket = await client(port);
  const localPort = socket.localPort;
  const closed = once(server, 'disconnect');
  socket.write('hello');
  t.equal((await readAll(socket)).toString(), 'got hello');
  const [cause] = await closed;
  t.equal(cause, 'local_close');
  t.equal(seen!.remoteAddress, '127.0.0.1');
  t.equal(seen!.remotePort, localPort);
  t.equal(seen!.bytesRead, 5);
  t.equal(seen!.bytesWritten, 9);
  const stats = server.stats();
  t.equal(stats.accepted, 1);
  t.equal(stats.disconnects.local_close, 1);
  t.equal(stats.receivedBytes, 5);
  t.equal(stats.sentBytes, 9);
});

t.test('write() returns false at the high-water mark and drain follows once the peer reads', async (t) => {
  // More than loopback socket buffers hold, so some stays queued until the peer reads.
  const size = 32 * 1024 * 1024;
  const result: { returned?: boolean; drained: boolean } = { drained: false };
  const { port } = await listening(t, { writeHighWaterBytes: 4096 }, (c) => {
    result.returned = c.write(Buffer.alloc(size, 7));
    c.on('drain', () => {
      result.drained = true;
      c.end();
    });
  });
  const socket = await client(port);
  socket.pause();
  await new Promise((r) => setTimeout(r, 200));
  t.equal(result.returned, false, 'write above the mark returns false');
  t.equal(result.drained, false, 'no drain while the peer does not read');
  socket.resume();
  const received = await readAll(socket);
  t.equal(received.length, size);
  t.equal(result.drained, true);
});

t.test('with allowHalfOpen the server writes after the peer FIN; the cause is peer_fin', async (t) => {
  const { server, port } = await listening(t, { allowHalfOpen: true }, (c) => {
    c.on('end', () => setTimeout(() => c.end('after your FIN'), 50));
  });
  const socket = await client(port);
  const closed = nextClose(server);
  socket.end();
  t.equal((await readAll(socket)).toString(), 'after your FIN');
  t.equal((await closed)[0], 'peer_fin');
});

t.test('without allowHalfOpen the server ends after the end listeners ran', async (t) => {
  const { server, port } = await listening(t, {}, (c) => {
    c.on('end', () => c.write('bye'));
  });
  const socket = await client(port);
  const closed = nextClose(server);
  socket.end();
  t.equal((await readAll(socket)).toString(), 'bye');
  t.equal((await closed)[0], 'peer_fin');
});

t.test('destroy() resets the peer, counts local_abort and later calls are harmless', async (t) => {
  let info: CloseInfo | undefined;
  const { server, port } = await listening(t, {}, (c) => {
    c.on('data', () => c.destroy());
    c.on('close', (i: CloseInfo) => {
      info = i;
      c.destroy();
      t.equal(c.write('x'), false, 'write after close is dropped');
    });
  });
  const socket = await client(port);
  const errored = once(socket, 'error');
  const closed = nextClose(server);
  socket.write('x');
  const [error] = (await errored) as [NodeJS.ErrnoException];
  t.equal(error.code, 'ECONNRESET');
  t.equal((await closed)[0], 'local_abort');
  t.equal(info!.cause, 'local_abort');
});

t.test('a handler that throws costs only its own connection', async (t) => {
  const { server, port } = await listening(t, {}, (c) => {
    c.on('data', (d: Buffer) => {
      if (d.toString() === 'boom') throw new Error('handler bug');
      c.write(d);
    });
  });
  const errors: Error[] = [];
  server.on('handlerError', (err: Error) => errors.push(err));
  const closed = nextClose(server);
  const bad = await client(port);
  const good = await client(port);
  bad.write('boom');
  await readAll(bad);
  t.equal((await closed)[0], 'handler_error', 'counted as handler_error, not as a deliberate destroy()');
  good.write('fine');
  const [echo] = (await once(good, 'data')) as [Buffer];
  t.equal(echo.toString(), 'fine');
  t.equal(errors.length, 1);
  t.equal(errors[0].message, 'handler bug');
  good.destroy();
});

t.test('maxConnections reports the limit the server was created with', async (t) => {
  t.equal(createServer({ handler: 'echo', maxConnections: 7 }).maxConnections, 7);
  t.equal(createServer({ handler: 'echo' }).maxConnections, 0, 'unlimited by default');
});

t.test('close() refuses new connections, resolves after the drain deadline and emits close', async (t) => {
  const { server, port } = await listening(t, { handler: 'echo' });
  const socket = await client(port);
  socket.on('error', () => {});
  const closed = once(server, 'close');
  const started = Date.now();
  t.equal(server.draining, false, 'not draining before close()');
  const stopping = server.close({ drainTimeoutMs: 300 });
  t.equal(server.draining, true, 'draining from close() on');
  await stopping;
  await closed;
  t.equal(server.draining, false, 'not draining once stopped');
  t.ok(Date.now() - started >= 250, 'waited for the open connection until the deadline');
  const refused = connect(port, '127.0.0.1');
  const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
  t.equal(error.code, 'ECONNREFUSED');
  t.equal(server.stats().disconnects.shutdown, 1, 'counters stay readable after the stop');
});

t.test('pause() stops data events until resume(), and nothing is lost', async (t) => {
  const received: Buffer[] = [];
  let connection: Connection | undefined;
  const { port } = await listening(t, {}, (c) => {
    connection = c;
    c.on('data', (d: Buffer) => {
      received.push(d);
      c.pause();
    });
  });
  const socket = await client(port);
  socket.write('first');
  await new Promise((r) => setTimeout(r, 200));
  const whilePaused = Buffer.concat(received).length;
  socket.write('second');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(Buffer.concat(received).length, whilePaused, 'no data while paused');
  connection!.resume();
  await new Promise((r) => setTimeout(r, 300));
  t.equal(Buffer.concat(received).toString(), 'firstsecond', 'everything arrives after resume');
  socket.destroy();
});

t.test('server listeners that throw lose no event of the batch: every close arrives, close() resolves, the errors surface', async (t) => {
  const script = join(__dirname, '..', 'fixtures', 'server-throwing-listeners.js');
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 30000 });
  // 5 connections: each handlerError and disconnect listener throws, then the close listener.
  t.same(JSON.parse(stdout), { closeResolved: true, connectionCloses: 5, uncaught: 11 });
});

t.test('a data listener that rejects is a handler error: only its connection is destroyed', async (t) => {
  const errors: unknown[] = [];
  const { server, port } = await listening(t, {}, (c) => {
    c.on('data', async (data: Buffer) => {
      if (data.toString() === 'bad') throw new Error('async handler bug');
      c.write(data);
    });
  });
  server.on('handlerError', (err) => errors.push(err));
  const bad = await client(port);
  const good = await client(port);
  bad.write('bad');
  const badEnd = await readAll(bad);
  t.equal(badEnd.length, 0, 'the failing connection got nothing back and was closed');
  good.write('good');
  const [echo] = (await once(good, 'data')) as [Buffer];
  t.equal(echo.toString(), 'good', 'the other connection is still served');
  t.equal(errors.length, 1);
  t.equal((errors[0] as Error).message, 'async handler bug');
  good.destroy();
});

t.test('a connection listener that rejects is a handler error for that connection', async (t) => {
  const errors: Array<[unknown, Connection]> = [];
  const { server, port } = await listening(t, {}, async (c) => {
    await Promise.resolve();
    throw new Error(`async connection bug ${c.id}`);
  });
  server.on('handlerError', (err, c: Connection) => errors.push([err, c]));
  await readAll(connect(port, '127.0.0.1'));  // the server may reset it before 'connect' is seen
  t.equal(errors.length, 1);
  t.equal((errors[0][0] as Error).message, `async connection bug ${errors[0][1].id}`);
});

t.test('writableLength follows what was sent: a ping-pong far past the high-water mark never sees write() return false', async (t) => {
  const MESSAGES = 2000;
  const SIZE = 100;  // 200 KB in all, three times the 64 KiB mark
  let falses = 0;
  let maxQueued = 0;
  const { port } = await listening(t, {}, (c) => {
    c.on('data', (data: Buffer) => {
      if (!c.write(data)) falses++;
      maxQueued = Math.max(maxQueued, c.writableLength);
    });
  });
  const socket = await client(port);
  const message = Buffer.alloc(SIZE, 0x61);
  for (let i = 0; i < MESSAGES; i++) {
    socket.write(message);
    let got = 0;
    while (got < SIZE) got += ((await once(socket, 'data')) as [Buffer])[0].length;
  }
  socket.destroy();
  t.equal(falses, 0, 'write() never said the queue was full');
  t.ok(maxQueued <= 2 * SIZE, `writableLength stayed near one message (at most ${maxQueued} bytes)`);
});

t.test('unknown or conflicting options are a TypeError naming the option', async (t) => {
  t.throws(() => createServer({ bogusOption: 1 } as ServerOptions), { name: 'IocpTcpArgumentError', code: ERROR_CODES.INVALID_ARG, message: /bogusOption/ });
  t.ok((() => {
    try {
      createServer({ bogusOption: 1 } as ServerOptions);
    } catch (err) {
      return err instanceof TypeError;
    }
    return false;
  })(), 'it is a TypeError');
  t.throws(() => createServer({ handler: 'echo' }, () => {}), { code: ERROR_CODES.INVALID_ARG, message: /handler 'echo'/ });
});

t.test('createServer(listener) takes the function as the connection listener', async (t) => {
  let called = false;
  const server = createServer((c) => {
    called = true;
    c.end();
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close({ drainTimeoutMs: 0 }));
  await readAll(await client(port));
  t.ok(called, 'the listener ran');
});

t.test('listen(port, host) works like listen({ port, host })', async (t) => {
  const server = createServer({ backend, handler: 'echo' });
  t.teardown(() => server.close({ drainTimeoutMs: 0 }));
  t.equal(server.listening, false, 'not listening before listen()');
  const address = await server.listen(0, '127.0.0.1');
  t.equal(address.address, '127.0.0.1');
  t.ok(address.port > 0);
  t.equal(server.listening, true);
});

t.test('a closed server says so: listening false, address() null, listen() rejects with ERR_IOCP_TCP_SERVER_STATE', async (t) => {
  const server = createServer({ backend, handler: 'echo' });
  await server.listen(0, '127.0.0.1');
  await server.close({ drainTimeoutMs: 0 });
  t.equal(server.listening, false);
  t.equal(server.address(), null);
  await t.rejects(server.listen(0, '127.0.0.1'), { code: ERROR_CODES.SERVER_STATE, message: /closed/ });
});
