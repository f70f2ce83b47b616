import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import t from 'tap';

import type { CloseInfo, Connection } from '../../src/connection';
import { ERROR_CODES } from '../../src/errors';
import { AddressInfo, Server, ServerOptions, createServer } from '../../src/server';
import { repoRoot } from '../../toolkit/service';
import { backend, client, listening, nextClose, numbered, readAll } from './fixtures/servers';

/** Resolves once `check()` holds; rejects after `timeoutMs`. */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('bad options are rejected with ERR_IOCP_TCP_INVALID_ARG', async (t) => {
  t.throws(() => createServer({ ioThreads: 0 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ writeHighWaterBytes: -1 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ handler: 'nope' as 'js' }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({}).close({ drainTimeoutMs: Infinity }), { code: ERROR_CODES.INVALID_ARG, message: /drainTimeoutMs/ });
  t.throws(() => createServer({}).close({ drainTimeoutMs: -1 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ maxConnections: -1 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ idleTimeoutMs: 1.5 }), { code: ERROR_CODES.INVALID_ARG });
  t.throws(() => createServer({ bufferBudgetGraceMs: -1 }), { code: ERROR_CODES.INVALID_ARG });
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
  const script = join(repoRoot, 'test', 'fixtures', 'server-throwing-listeners.js');
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
  t.throws(() => createServer({ handler: 'echo', inline: true }), { code: ERROR_CODES.INVALID_ARG, message: /inline/ });
  t.throws(() => createServer({ ioThreads: 2 }, () => {}), { code: ERROR_CODES.INVALID_ARG, message: /ioThreads is for inline: false/ });
  t.throws(() => createServer({ inline: 'yes' as unknown as boolean }, () => {}), { code: ERROR_CODES.INVALID_ARG, message: /inline must be a boolean/ });
  t.throws(() => createServer({ borrowed: 1 as unknown as boolean }, () => {}), { code: ERROR_CODES.INVALID_ARG, message: /borrowed must be a boolean/ });
  t.doesNotThrow(() => createServer({ ioThreads: 2, inline: false }, () => {}), 'threaded JS handlers take ioThreads');
});

t.test("a JS handler's round trips never wait for the engine's 100 ms tick", async (t) => {
  // A completion the event loop does not hear of (io_uring posting it without
  // waking the loop's watch, a re-armed receive left unsubmitted) waits for
  // the next tick: each such round trip takes about 100 ms.
  const { port } = await listening(t, {}, (c) => c.on('data', (d) => c.write(d)));
  const socket = await client(port);
  const slow: number[] = [];
  for (let i = 0; i < 300; i++) {
    const echoed = once(socket, 'data');
    const sent = Date.now();
    socket.write(`ping ${i}`);
    await echoed;
    if (Date.now() - sent >= 80) slow.push(i);
  }
  socket.destroy();
  t.ok(slow.length <= 3, `${slow.length} of 300 round trips took 80 ms or more`, { slow });
});

t.test('a JS handler runs inline by default: one engine thread, the JS thread; inline: false gives it ioThreads of its own', async (t) => {
  const inline = await listening(t, {}, () => {});
  t.same(inline.server.stats().threads.length, 1, 'inline: one worker');
  const ownThreads = await listening(t, { inline: false, ioThreads: 2 }, () => {});
  t.same(ownThreads.server.stats().threads.length, 2, 'threaded: ioThreads workers');
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

t.test("listen() takes node:net's arguments, resolves with the address and calls the callback without arguments", async (t) => {
  const forms: Array<[string, string, (server: Server, callback: () => void) => Promise<AddressInfo>]> = [
    ['port, host, backlog, callback', '127.0.0.1', (s, callback) => s.listen(0, '127.0.0.1', 16, callback)],
    ['port, host, callback', '127.0.0.1', (s, callback) => s.listen(0, '127.0.0.1', callback)],
    ['port, backlog, callback', '0.0.0.0', (s, callback) => s.listen(0, 16, callback)],
    ['port, callback', '0.0.0.0', (s, callback) => s.listen(0, callback)],
    ['callback', '0.0.0.0', (s, callback) => s.listen(callback)],
    ['options, callback', '127.0.0.1', (s, callback) => s.listen({ port: 0, host: '127.0.0.1', backlog: 16 }, callback)],
  ];
  for (const [form, host, listen] of forms) {
    const server = createServer({ backend, handler: 'echo' });
    t.teardown(() => server.close({ drainTimeoutMs: 0 }));
    let calledWith: unknown[] | undefined;
    let listeningThen = false;
    const address = await listen(server, (...args: unknown[]) => {
      calledWith = args;
      listeningThen = server.listening;
    });
    t.match(address, { address: host, family: 'IPv4', port: Number }, `${form}: the address`);
    await until(() => calledWith !== undefined);
    t.same(calledWith, [], `${form}: the callback ran without arguments`);
    t.ok(listeningThen, `${form}: while listening`);
    (await client(address.port)).destroy();
  }
});

t.test('listen() refuses a bad backlog and the options it lacks; a listen that fails rejects and never calls its callback', async (t) => {
  const server = createServer({ backend, handler: 'echo' });
  await t.rejects(server.listen(0, '127.0.0.1', -1), { code: ERROR_CODES.INVALID_ARG, message: /backlog/ });
  await t.rejects(server.listen({ port: 0, backlog: 1.5 }), { code: ERROR_CODES.INVALID_ARG, message: /backlog/ });
  await t.rejects(server.listen({ path: '/tmp/iocp-tcp.sock', ipv6Only: true } as never), {
    code: ERROR_CODES.INVALID_ARG,
    message: 'unknown listen option path, ipv6Only',
  });
  const { port } = await listening(t, { handler: 'echo' });
  let called = false;
  await t.rejects(server.listen(port, '127.0.0.1', () => (called = true)), { code: 'EADDRINUSE' });
  await new Promise((r) => setTimeout(r, 20));
  t.equal(called, false, 'no callback');
});

t.test('close(callback) runs once closed, or with ERR_SERVER_NOT_RUNNING when not listening; close() still returns a promise', async (t) => {
  const never = createServer({ backend, handler: 'echo' });
  let returned: Promise<void> | undefined;
  const notListening = await new Promise<Error | undefined>((resolve) => (returned = never.close(resolve)));
  t.type(returned, Promise, 'a promise, as before');
  await returned;
  t.match(notListening, { code: 'ERR_SERVER_NOT_RUNNING' }, 'never listened');

  const { server, port } = await listening(t, { handler: 'echo' });
  const socket = await client(port);
  socket.on('error', () => {});
  const events: string[] = [];
  server.on('close', () => events.push('close event'));
  const closing = server.close({ drainTimeoutMs: 5000 }, (err) => events.push(`callback ${err}`));
  await new Promise((r) => setTimeout(r, 100));
  t.same(events, [], 'not while a connection drains');
  socket.end();
  await closing;
  t.same(events, ['close event', 'callback undefined'], 'once closed, without an error');
  const closedAlready = await new Promise<Error | undefined>((resolve) => void server.close(resolve));
  t.match(closedAlready, { code: 'ERR_SERVER_NOT_RUNNING' }, 'closed already');
  t.throws(() => server.close({}, 'nope' as never), { code: ERROR_CODES.INVALID_ARG });
});

t.test('backend is null until listen() starts the engine, then the one that runs', async (t) => {
  const server = createServer({ backend, handler: 'echo' });
  t.equal(server.backend, null);
  await server.listen(0, '127.0.0.1');
  t.teardown(() => server.close({ drainTimeoutMs: 0 }));
  t.ok(['io_uring', 'epoll', 'iocp'].includes(server.backend!), `backend ${server.backend}`);
});

t.test("a connection's address() is its local end, as node:net's socket.address()", async (t) => {
  let seen: Connection | undefined;
  const { port } = await listening(t, {}, (c) => {
    seen = c;
    c.end();
  });
  await readAll(await client(port));
  t.same(seen!.address(), { address: '127.0.0.1', family: 'IPv4', port });
});

t.test("setEncoding: 'data' brings strings, a character split across writes comes whole, an unfinished one as U+FFFD before 'end'", async (t) => {
  const received: unknown[] = [];
  let seen: Connection | undefined;
  const { port } = await listening(t, {}, (c) => {
    seen = c;
    const text = c.setEncoding('utf8');
    text.on('data', (chunk) => received.push(chunk));
    text.on('end', () => received.push('<end>'));
  });
  const socket = await client(port);
  const euro = Buffer.from('€');  // e2 82 ac
  socket.write(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)]));
  await until(() => received.length === 1);
  socket.write(Buffer.concat([euro.subarray(2), Buffer.from('b'), euro.subarray(0, 1)]));
  await until(() => received.length === 2);
  socket.end();
  await readAll(socket);
  t.same(received, ['a', '€b', '\ufffd', '<end>']);
  t.equal(seen!.bytesRead, 6, 'bytesRead counts bytes');
  t.throws(() => seen!.setEncoding(null as never), { code: ERROR_CODES.INVALID_ARG }, 'no way back to Buffers');
  t.throws(() => seen!.setEncoding('klingon' as never), { code: ERROR_CODES.INVALID_ARG, message: /klingon/ });
});

t.test('setEncoding: for await yields strings too', async (t) => {
  const { port } = await listening(t, { allowHalfOpen: true }, (c) => {
    void (async () => {
      const parts: unknown[] = [];
      for await (const text of c.setEncoding('hex')) parts.push(text);
      c.end(JSON.stringify(parts));
    })();
  });
  const socket = await client(port);
  socket.end(Buffer.from([1, 2, 255]));
  const parts = JSON.parse((await readAll(socket)).toString()) as unknown[];
  t.ok(parts.every((part) => typeof part === 'string'), 'strings');
  t.equal(parts.join(''), '0102ff');
});

t.test('a closed server says so: listening false, address() null, listen() rejects with ERR_IOCP_TCP_SERVER_STATE', async (t) => {
  const server = createServer({ backend, handler: 'echo' });
  await server.listen(0, '127.0.0.1');
  await server.close({ drainTimeoutMs: 0 });
  t.equal(server.listening, false);
  t.equal(server.address(), null);
  await t.rejects(server.listen(0, '127.0.0.1'), { code: ERROR_CODES.SERVER_STATE, message: /closed/ });
});

t.test('a connection knows both ends and its readyState follows end() and the peer FIN', async (t) => {
  const states: string[] = [];
  let seen: Connection | undefined;
  const { port } = await listening(t, { allowHalfOpen: true }, (c) => {
    seen = c;
    states.push(c.readyState);
    c.on('end', () => {
      states.push(c.readyState);
      c.end('bye', () => states.push(c.readyState));
    });
    c.on('close', () => states.push(c.readyState));
  });
  const socket = await client(port);
  const clientPort = socket.localPort;
  socket.end();
  await readAll(socket);
  await new Promise((r) => setTimeout(r, 50));
  t.same(states, ['open', 'writeOnly', 'closed', 'closed'], 'open, writeOnly after the peer FIN, closed after both');
  t.equal(seen!.remoteFamily, 'IPv4');
  t.equal(seen!.localAddress, '127.0.0.1');
  t.equal(seen!.localPort, port);
  t.equal(seen!.remotePort, clientPort);
});

t.test('readyState is readOnly after end() while the peer may still send', async (t) => {
  let state: string | undefined;
  const { port } = await listening(t, {}, (c) => {
    c.end();
    state = c.readyState;
  });
  await readAll(await client(port));
  t.equal(state, 'readOnly');
});

t.test('write(data, callback) calls back once the bytes are sent, in order; end(callback) after the last', async (t) => {
  const order: string[] = [];
  const { server, port } = await listening(t, {}, (c) => {
    c.write('one', (err) => order.push(`one ${err ?? 'ok'}`));
    c.write('two', 'utf8', (err) => order.push(`two ${err ?? 'ok'}`));
    c.end('three', () => order.push('end'));
  });
  // The client's close can come before the server has heard what was sent: wait for the server's.
  const closed = nextClose(server);
  t.equal((await readAll(await client(port))).toString(), 'onetwothree');
  await closed;
  t.same(order, ['one ok', 'two ok', 'end']);
});

t.test("the peer's FIN after this side's end() still emits 'end', then 'close' (local_close)", async (t) => {
  const events: string[] = [];
  const { server, port } = await listening(t, {}, (c) => {
    c.on('end', () => events.push('end'));
    c.on('close', ({ cause }) => events.push(`close ${cause}`));
    c.end('bye');
  });
  const socket = await client(port);
  const closed = nextClose(server);
  socket.on('end', () => setTimeout(() => socket.end(), 50));  // our FIN comes well after the server's
  t.equal((await readAll(socket)).toString(), 'bye');
  await closed;
  t.same(events, ['end', 'close local_close']);
});

t.test("a reset after the peer's FIN on a half-open connection closes it at once", async (t) => {
  let ended = false;
  const { server, port } = await listening(t, { allowHalfOpen: true }, (c) => {
    c.on('end', () => (ended = true));  // and keep our side open
  });
  const socket = await client(port);
  socket.on('error', () => {});
  const closed = nextClose(server);
  socket.end();
  while (!ended) await new Promise((r) => setTimeout(r, 10));
  const resetAt = Date.now();
  socket.resetAndDestroy();
  const [cause] = await closed;
  const tookMs = Date.now() - resetAt;
  t.equal(cause, 'peer_fin', 'the cause is what came first: the FIN');
  t.ok(tookMs < 2000, `closed ${tookMs} ms after the reset`);
  t.equal(server.getConnections(), 0, 'nothing is left open');
});

t.test('a write callback whose bytes never left gets ERR_IOCP_TCP_CONNECTION_CLOSED with the cause', async (t) => {
  const result: { err?: Error & { code?: string; disconnectCause?: string }; afterClose?: Error & { code?: string } } = {};
  const done = new Promise<void>((resolve) => {
    void listening(t, { writeHighWaterBytes: 1024 }, (c) => {
      // More than the socket buffers take from a peer that never reads.
      c.write(Buffer.alloc(64 * 1024 * 1024), (err) => {
        result.err = err ?? undefined;
        c.write('x', (late) => {
          result.afterClose = late ?? undefined;
          resolve();
        });
      });
      setTimeout(() => c.destroy(), 200);
    }).then(({ port }) => client(port).then((s) => s.pause().on('error', () => {})));
  });
  await done;
  t.equal(result.err?.code, ERROR_CODES.CONNECTION_CLOSED);
  t.equal(result.err?.disconnectCause, 'local_abort');
  t.equal(result.afterClose?.code, ERROR_CODES.CONNECTION_CLOSED, 'a write after the close calls back with the error too');
});

t.test('setTimeout emits timeout after the silence and keeps the connection; end() there counts as idle_timeout', async (t) => {
  const events: string[] = [];
  let firedAt = 0;
  const { server, port } = await listening(t, {}, (c) => {
    c.setTimeout(300);
    t.equal(c.timeout, 300);
    c.on('data', () => events.push('data'));
    c.on('timeout', () => {
      firedAt = Date.now();
      events.push(`timeout ${c.readyState}`);
      c.end();
    });
  });
  const socket = await client(port);
  const closed = nextClose(server);
  // Traffic inside the timeout postpones it.
  let lastWriteAt = 0;
  for (let i = 0; i < 4; i++) {
    socket.write('x');
    lastWriteAt = Date.now();
    await new Promise((r) => setTimeout(r, 150));
  }
  const [cause] = await closed;
  t.equal(cause, 'idle_timeout', 'an end() from the timeout listener counts as idle_timeout');
  t.same(events, ['data', 'data', 'data', 'data', 'timeout open'], 'one timeout, after the last data, the connection still open');
  t.ok(firedAt - lastWriteAt >= 290, `fired ${firedAt - lastWriteAt} ms after the last data`);
  socket.destroy();
});

t.test('setTimeout(ms, callback) adds a once listener; setTimeout(0) turns it off; bad values throw', async (t) => {
  let calls = 0;
  let conn: Connection | undefined;
  const { server, port } = await listening(t, {}, (c) => {
    conn = c;
    c.setTimeout(100, () => {
      calls++;
      c.setTimeout(0);
    });
    t.throws(() => c.setTimeout(-1), { code: ERROR_CODES.INVALID_ARG });
    t.throws(() => c.setTimeout(Number.NaN), { code: ERROR_CODES.INVALID_ARG });
  });
  const socket = await client(port);
  await new Promise((r) => setTimeout(r, 700));
  t.equal(calls, 1, 'called once, then off');
  t.equal(conn!.timeout, 0);
  t.equal(server.getConnections(), 1, 'the connection stays open');
  socket.destroy();
});

t.test('for await reads every chunk, pausing the connection while the reader is behind', async (t) => {
  const size = 16 * 1024 * 1024;
  // How far the engine's reads ran ahead of the loop: without the pause, most of the payload.
  const seen = { total: 0, maxAhead: 0 };
  // allowHalfOpen, as with node:net: without it the server's FIN follows the peer's, before the reply.
  const { server, port } = await listening(t, { writeHighWaterBytes: 64 * 1024, allowHalfOpen: true }, (c) => {
    void (async () => {
      for await (const chunk of c) {
        seen.total += chunk.length;
        seen.maxAhead = Math.max(seen.maxAhead, server.stats().receivedBytes - seen.total);
        await new Promise((r) => setTimeout(r, 1));
      }
      c.end(`${seen.total}`);
    })();
  });
  const socket = await client(port);
  socket.end(Buffer.alloc(size, 1));
  t.equal((await readAll(socket)).toString(), String(size), 'every byte, then the loop ended at the FIN');
  // Bounded by the high-water mark plus what the engine reads before it stops (io_uring: its 4 MiB buffer ring).
  t.ok(seen.maxAhead < 6 * 1024 * 1024, `the engine read at most ${seen.maxAhead} bytes ahead of the loop`);
});

t.test('for await throws ERR_IOCP_TCP_CONNECTION_CLOSED on a reset; break destroys the connection', async (t) => {
  const outcome: { code?: string; cause?: string } = {};
  const reset = await listening(t, {}, (c) => {
    void (async () => {
      try {
        for await (const _ of c) void _;
      } catch (err) {
        Object.assign(outcome, { code: (err as { code: string }).code, cause: (err as { disconnectCause: string }).disconnectCause });
      }
    })();
  });
  const first = await client(reset.port);
  const closed = nextClose(reset.server);
  first.write('x');
  await new Promise((r) => setTimeout(r, 50));
  first.resetAndDestroy();
  await closed;
  await new Promise((r) => setTimeout(r, 20));
  t.same(outcome, { code: ERROR_CODES.CONNECTION_CLOSED, cause: 'peer_reset' });

  const early = await listening(t, {}, (c) => {
    void (async () => {
      for await (const _ of c) break;  // eslint-disable-line no-unreachable-loop
    })();
  });
  const second = (await client(early.port)).on('error', () => {});
  const [cause] = await Promise.all([nextClose(early.server).then(([c]) => c), second.write('x')]);
  t.equal(cause, 'local_abort', 'leaving the loop early destroys, as node:net');
  second.destroy();
});

t.test('getConnections() counts open connections, also through a callback', async (t) => {
  const { server, port } = await listening(t, { handler: 'echo' });
  t.equal(server.getConnections(), 0);
  const a = await client(port);
  const b = await client(port);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(server.getConnections(), 2);
  const viaCallback = await new Promise<number>((resolve) => server.getConnections((err, n) => resolve(err ? -1 : n)));
  t.equal(viaCallback, 2);
  let closed = 0;
  const bothClosed = new Promise<void>((resolve) => server.on('disconnect', () => ++closed === 2 && resolve()));
  a.destroy();
  b.destroy();
  await bothClosed;
  t.equal(server.getConnections(), 0, 'closed connections are not counted');
  t.same(server.stats().threads.map((thread) => thread.open), [0], 'nor in the I/O thread that held them');
});

t.test('a connection over maxConnections emits drop with the peer', async (t) => {
  const { server, port } = await listening(t, { handler: 'echo', maxConnections: 1 });
  const first = await client(port);
  const dropped = once(server, 'drop');
  // The reset may come before node reports the connect: its port is known only if it does.
  let secondPort: number | undefined;
  const second = connect(port, '127.0.0.1').on('error', () => {}).on('connect', () => (secondPort = second.localPort));
  const [info] = await dropped;
  t.equal(info.reason, 'max_connections');
  t.equal(info.remoteAddress, '127.0.0.1');
  t.ok(info.remotePort > 0 && info.remotePort !== first.localPort, `the second client's port ${info.remotePort}`);
  if (secondPort !== undefined) t.equal(info.remotePort, secondPort);
  first.destroy();
  second.destroy();
});

t.test('socket options: bad keepalive values are a TypeError; the setters chain', async (t) => {
  t.throws(() => createServer({ keepAliveInitialDelay: -1 }), { code: ERROR_CODES.INVALID_ARG, message: /initial delay/ });
  t.throws(() => createServer({ keepAliveCount: 128 }), { code: ERROR_CODES.INVALID_ARG, message: /count/ });
  t.throws(() => createServer({ keepAlive: 'yes' as unknown as boolean }), { code: ERROR_CODES.INVALID_ARG, message: /keepAlive must be a boolean/ });
  let chained = false;
  const { port } = await listening(t, {}, (c) => {
    chained = c.setNoDelay(false).setKeepAlive(true, 1000, { interval: 1000, count: 3 }) === c;
    t.throws(() => c.setKeepAlive(true, 0, { interval: 40_000_000 }), { code: ERROR_CODES.INVALID_ARG });
    c.end();
  });
  await readAll(await client(port));
  t.ok(chained);
});

t.test('unref() lets the process exit while listening; ref() keeps it alive again', async (t) => {
  const script = (call: string) => `
    const { createServer } = require(${JSON.stringify(join(repoRoot, 'dist'))});
    const server = createServer({ handler: 'echo', backend: ${JSON.stringify(backend)} });
    server.listen(0, '127.0.0.1').then(() => { ${call}; setTimeout(() => { console.log('still running'); server.close(); }, 1500).unref(); });
  `;
  const run = (call: string) => promisify(execFile)(process.execPath, ['-e', script(call)], { timeout: 10_000 });
  const unrefed = await run('server.unref()');
  t.equal(unrefed.stdout, '', 'exited before the timer, with the server listening');
  const refed = await run('server.unref().ref()');
  t.equal(refed.stdout, 'still running\n', 'ref() kept it alive');
});

t.test('for await echoing each chunk: every write lands before the automatic end, as in node:net', async (t) => {
  const size = 4 * 1024 * 1024;
  const { port } = await listening(t, { writeHighWaterBytes: 16 * 1024 }, (c) => {
    void (async () => {
      for await (const chunk of c) {
        c.write(chunk);
        await new Promise((r) => setImmediate(r));
      }
    })();
  });
  const socket = await client(port);
  socket.end(Buffer.alloc(size, 2));
  const echoed = await readAll(socket);
  t.equal(echoed.length, size, 'the whole payload came back, then EOF');
});

t.test('breaking out of for await after end(reply) sends the whole reply, no reset', async (t) => {
  const size = 4 * 1024 * 1024;
  const { server, port } = await listening(t, {}, (c) => {
    void (async () => {
      for await (const _ of c) {
        c.end(Buffer.alloc(size, 3));
        break;
      }
    })();
  });
  const socket = await client(port);
  const closed = nextClose(server);
  socket.write('go');
  const reply = await readAll(socket);
  t.equal(reply.length, size, 'every byte of the reply');
  t.equal((await closed)[0], 'local_close');
});

t.test('for await started after the peer FIN or the close ends at once', async (t) => {
  const finished: string[] = [];
  const { port } = await listening(t, { allowHalfOpen: true }, (c) => {
    const iterate = async (when: string): Promise<void> => {
      for await (const _ of c) void _;
      finished.push(when);
    };
    c.on('end', () => void iterate('after end').then(() => c.end()));
    c.on('close', () => void iterate('after close'));
  });
  const socket = await client(port);
  socket.end();
  await readAll(socket);
  await new Promise((r) => setTimeout(r, 50));
  t.same(finished.sort(), ['after close', 'after end']);
});

t.test('a write callback that throws is a handler error; the other callbacks and close still run', async (t) => {
  const seen: string[] = [];
  const { server, port } = await listening(t, {}, (c) => {
    c.write(Buffer.alloc(64 * 1024 * 1024), () => {
      throw new Error('callback failed');
    });
    c.write('more', (err) => seen.push(`second ${(err as { code?: string } | null | undefined)?.code}`));
    c.on('close', () => seen.push('close'));
    setTimeout(() => c.destroy(), 100);
  });
  const errors: string[] = [];
  server.on('handlerError', (err) => errors.push(err.message));
  (await client(port)).pause().on('error', () => {});
  await nextClose(server);
  await new Promise((r) => setTimeout(r, 20));
  t.same(seen, [`second ${ERROR_CODES.CONNECTION_CLOSED}`, 'close']);
  t.same(errors, ['callback failed']);
});

t.test('setTimeout again in the timeout listener arms the next one a full timeout later', async (t) => {
  const fired: number[] = [];
  let start = 0;
  const { port } = await listening(t, {}, (c) => {
    start = Date.now();
    const arm = (): void => {
      c.setTimeout(300, () => {
        fired.push(Date.now() - start);
        if (fired.length < 3) arm();
        else c.end();
      });
    };
    arm();
  });
  await readAll(await client(port));
  t.equal(fired.length, 3);
  for (let i = 1; i < fired.length; i++) {
    t.ok(fired[i] - fired[i - 1] >= 290, `timeout ${i + 1} came ${fired[i] - fired[i - 1]} ms after the one before`);
  }
});

t.test('end(callback) after end(data) waits for the data; end(data) after end() throws; readyState after destroy() is closed', async (t) => {
  const order: string[] = [];
  const { server, port } = await listening(t, {}, (c) => {
    c.end(Buffer.alloc(64 * 1024 * 1024), () => order.push('first'));
    c.end(() => order.push(`second, ${c.writableLength} unsent`));
    t.throws(() => c.end('more'), { code: ERROR_CODES.WRITE_AFTER_END });
  });
  const socket = await client(port);
  socket.pause();
  await new Promise((r) => setTimeout(r, 100));
  t.same(order, [], 'no callback while the data waits');
  const closed = nextClose(server);
  socket.resume();
  await readAll(socket);
  await closed;
  t.same(order, ['first', 'second, 0 unsent']);

  let state = '';
  const other = await listening(t, {}, (c) => {
    c.destroy();
    state = c.readyState;
  });
  await readAll(connect(other.port, '127.0.0.1'));
  t.equal(state, 'closed');
});

t.test('a throw inside a for await loop is a handler error, not local_abort', async (t) => {
  const { server, port } = await listening(t, {}, async (c) => {
    for await (const _ of c) throw new Error('loop failed');
  });
  const errors: string[] = [];
  server.on('handlerError', (err) => errors.push(err.message));
  const socket = (await client(port)).on('error', () => {});
  const closed = nextClose(server);
  socket.write('x');
  t.equal((await closed)[0], 'handler_error');
});

t.test('pause() inside a for await loop holds until resume(), whatever the loop does', async (t) => {
  const size = 32 * 1024 * 1024;
  let total = 0;
  let pausedAt = -1;
  let conn: Connection | undefined;
  const { server, port } = await listening(t, { writeHighWaterBytes: 16 * 1024 }, (c) => {
    conn = c;
    void (async () => {
      for await (const chunk of c) {
        total += chunk.length;
        if (pausedAt < 0 && total >= 64 * 1024) {
          c.pause();
          pausedAt = server.stats().receivedBytes;
        }
      }
    })();
  });
  const socket = await client(port);
  socket.write(Buffer.alloc(size, 4));
  await new Promise((r) => setTimeout(r, 300));
  const received = server.stats().receivedBytes;
  // What the kernel buffers and the engine had read before the pause is at most a few MiB.
  t.ok(received < size / 2, `reading stayed paused: ${received} of ${size} bytes read`);
  conn!.resume();
  socket.end();
  for (const deadline = Date.now() + 10_000; total < size && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
  t.equal(total, size, 'after resume() the rest arrives');
  socket.destroy();
});

// The engine reads up to 64 KiB at a time: a message the peer sent in one
// piece arrives in one 'data' event, even where the receive buffer it
// starts in ends before it does (io_uring's provided buffers, once small
// messages have left them at odd offsets).
t.test('a 16 KiB message sent in one piece arrives in one piece, after smaller ones', async (t) => {
  const sizes: number[] = [];
  const { port } = await listening(t, {}, (c) => {
    c.on('data', (data: Buffer) => {
      sizes.push(data.length);
      c.write(data);
    });
  });
  const socket = await client(port);
  const roundTrip = async (message: Buffer): Promise<void> => {
    let echoed = 0;
    const arrived = new Promise<void>((resolve) => {
      const onData = (d: Buffer): void => {
        echoed += d.length;
        if (echoed < message.length) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    });
    socket.write(message);
    await arrived;
  };
  await roundTrip(Buffer.alloc(100, 1));
  sizes.length = 0;
  const message = numbered(16 * 1024);
  for (let i = 0; i < 40; ++i) await roundTrip(message);
  t.same(sizes.filter((size) => size !== message.length), [], `40 messages, ${sizes.length} 'data' events, each the whole message`);
  socket.destroy();
});

for (const borrowed of [false, true]) {
  t.test(`borrowed: ${borrowed}: 'data' gets ${borrowed ? 'views of the receive region' : 'copies'}; an echo of them arrives byte for byte`, async (t) => {
    const payload = numbered(8 * 1024 * 1024);
    let large = 0;
    const buffers = new Set<ArrayBufferLike>();  // under the chunks of 8 KiB or more
    const { port } = await listening(t, { borrowed }, (c) => {
      c.on('data', (data: Buffer) => {
        if (data.length >= 8192) {
          ++large;
          buffers.add(data.buffer);
        }
        c.write(data);  // a view is copied as the engine takes it: the region is reused at once
      });
      c.on('end', () => c.end());
    });
    const socket = await client(port);
    socket.end(payload);
    // The client reads nothing yet: the echo waits in the server's send
    // queue while later deliveries reuse the region.
    await new Promise((r) => setTimeout(r, 200));
    const received = await readAll(socket);
    t.ok(received.equals(payload), `echoed ${received.length} of ${payload.length} bytes, in order and intact`);
    t.ok(large > 0, `${large} chunks of 8 KiB or more`);
    // Views share the region (a new one only when a delivery outgrows it); copies have a buffer each.
    if (borrowed) t.ok(buffers.size * 4 <= large, `they are views of ${buffers.size} region(s)`);
    else t.equal(buffers.size, large, 'each of them a buffer of its own');
  });
}

t.test('borrowed: a for await loop still gets chunks it may keep', async (t) => {
  const payload = numbered(4 * 1024 * 1024);
  const kept: Buffer[] = [];
  const { port } = await listening(t, { borrowed: true, allowHalfOpen: true }, (c) => {
    void (async () => {
      for await (const chunk of c) kept.push(chunk);
      c.end();
    })();
  });
  const socket = await client(port);
  socket.end(payload);
  await readAll(socket);
  t.ok(Buffer.concat(kept).equals(payload), `the ${kept.length} kept chunks are the payload`);
});

t.test('IOCP_TCP_CHECK_BORROWED=1 detaches a borrowed view once its listener returned; writing it then throws', async (t) => {
  const saved = process.env.IOCP_TCP_CHECK_BORROWED;
  process.env.IOCP_TCP_CHECK_BORROWED = '1';
  t.teardown(() => {
    if (saved === undefined) delete process.env.IOCP_TCP_CHECK_BORROWED;
    else process.env.IOCP_TCP_CHECK_BORROWED = saved;
  });
  let during = '';
  let kept: Buffer | undefined;
  let conn: Connection | undefined;
  const { port } = await listening(t, { borrowed: true }, (c) => {
    conn = c;
    c.on('data', (data: Buffer) => {
      during = data.toString();
      kept = data;
      c.write(data);  // during the listener: fine
    });
  });
  const socket = await client(port);
  socket.write('hello');
  const [echo] = await once(socket, 'data') as [Buffer];
  t.equal(during, 'hello', 'the view holds the bytes during the listener');
  t.equal(echo.toString(), 'hello', 'and its write went out');
  t.equal(kept!.length, 0, 'after it, the kept view is empty');
  t.throws(() => conn!.write(kept!), { code: ERROR_CODES.INVALID_ARG, message: /detached/ });
  socket.destroy();
});
