// TLS in the engine (createServer({ tls })): node's tls client against the
// native echo and JS handlers, on the lane's backend and JS mode.
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TLSSocket, connect as tlsConnect } from 'node:tls';

import t from 'tap';

import type { Connection } from '../../src/connection';
import { ERROR_CODES } from '../../src/errors';
import { Server, createServer } from '../../src/server';
import { repoRoot } from '../../toolkit/service';
import type { HandshakeInfo, TlsOptions } from '../../src/tls';
import { Registry } from 'prom-client';
import { registerMetrics } from '../../src/metrics';
import { backend, client, listening, nextClose, numbered, readAll, within } from './fixtures/servers';

const fixtures = join(repoRoot, 'test', 'fixtures');
const cert = readFileSync(join(fixtures, 'tls-cert.pem'));
const key = readFileSync(join(fixtures, 'tls-key.pem'));
const tls: TlsOptions = { cert, key };

/** A TLS client that trusts the test certificate, connected (handshake done). */
async function tlsClient(port: number, options: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; cert?: Buffer; key?: Buffer } = {}): Promise<TLSSocket> {
  const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: cert, ...options });
  await once(socket, 'secureConnect');
  return socket;
}

/** Everything the socket receives until its 'end' (the server's close_notify or FIN). */
async function readToEnd(socket: TLSSocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  await once(socket, 'end');
  return Buffer.concat(chunks);
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The server's next 'tlsHandshake'. */
const nextHandshake = (server: Server): Promise<HandshakeInfo> => once(server, 'tlsHandshake').then(([info]) => info as HandshakeInfo);

t.test('the seed scenario over TLS: 120 clients x 5 messages to a JS handler, then close_notify and FIN; every reply intact', async (t) => {
  const seen: Array<{ encrypted: boolean; protocol: string | null; servername: string | false }> = [];
  const { server, port } = await listening(t, { tls }, (c: Connection) => {
    seen.push({ encrypted: c.encrypted, protocol: c.getProtocol(), servername: c.servername });
    c.on('data', (data: Buffer) => c.write(Buffer.concat([Buffer.from('ok:'), data])));
  });
  const registry = new Registry();
  registerMetrics(registry, server);
  const handshakes: HandshakeInfo[] = [];
  server.on('tlsHandshake', (info) => handshakes.push(info));
  const conversation = async (n: number): Promise<string> => {
    const socket = await tlsClient(port);
    const replies = readToEnd(socket);
    for (let i = 0; i < 5; ++i) {
      socket.write(`areyouok ${n}.${i}\n`);
      // One at a time, as the seed's clients do: each reply before the next message.
      const [reply] = (await once(socket, 'data')) as [Buffer];
      if (reply.toString() !== `ok:areyouok ${n}.${i}\n`) return `client ${n}: got ${JSON.stringify(reply.toString())}`;
    }
    socket.end();  // close_notify, then FIN
    await replies;
    return 'ok';
  };
  const results = await within(Promise.all(Array.from({ length: 120 }, (_, n) => conversation(n))), 60_000, '120 conversations');
  t.same(results.filter((r) => r !== 'ok'), [], 'every reply as sent');
  t.equal(seen.length, 120, "120 'connection' events");
  t.ok(seen.every((s) => s.encrypted && s.protocol === 'TLSv1.3' && s.servername === 'localhost'),
    `each connection encrypted, TLSv1.3, SNI localhost (first: ${JSON.stringify(seen[0])})`);
  await within((async () => {
    while (server.stats().disconnects.peer_fin < 120) await new Promise((r) => setTimeout(r, 20));
  })(), 10_000, '120 peer_fin disconnects');
  t.equal(server.stats().disconnects.tls_error, 0, 'no tls_error');
  t.equal(handshakes.filter((h) => h.result === 'ok' && h.protocol === 'TLSv1.3' && h.durationSeconds < 10).length, 120, "120 'tlsHandshake' ok, TLSv1.3");
  const scrape = await registry.metrics();
  t.match(scrape, /iocp_tcp_tls_handshakes_total\{result="ok"\} 120\n/, 'metrics: 120 handshakes ok');
  t.match(scrape, /iocp_tcp_tls_handshakes_total\{result="not_tls"\} 0\n/, 'every result present');
  t.match(scrape, /iocp_tcp_tls_negotiated_total\{version="TLSv1.3"\} 120\n/, '120 negotiated TLSv1.3');
  t.match(scrape, /iocp_tcp_tls_handshake_duration_seconds_count 120\n/, '120 handshake times');
  // The test certificate is valid until 2126-01-01T00:00:00Z.
  t.match(scrape, /iocp_tcp_tls_certificate_not_after_seconds 4922899200\n/, 'the certificate\'s expiry');
});

t.test('the native echo serves TLS with no JS: 4 MiB each way, hashed', async (t) => {
  const { port } = await listening(t, { handler: 'echo', tls });
  const socket = await tlsClient(port);
  const payload = numbered(4 * 1024 * 1024);
  const echoed = readToEnd(socket);
  socket.end(payload);
  t.equal(sha(await within(echoed, 30_000, 'the echo')), sha(payload), 'the echo is the payload');
});

t.test('TLS 1.2 is served by default; minVersion TLSv1.3 refuses it (tls_error) and goes on serving', async (t) => {
  const { port } = await listening(t, { tls }, (c) => c.on('data', (d: Buffer) => c.end(`${c.getProtocol()} ${c.getCipher()?.name} ${d}`)));
  const old = await tlsClient(port, { maxVersion: 'TLSv1.2' });
  const reply = readToEnd(old);
  old.write('hi');
  t.match((await reply).toString(), /^TLSv1\.2 ECDHE-ECDSA-\S+ hi$/, 'a TLS 1.2 client is served');

  const { server: strict, port: strictPort } = await listening(t, { tls: { ...tls, minVersion: 'TLSv1.3' } }, (c) => c.end('hello'));
  const closed = nextClose(strict);
  const handshake = nextHandshake(strict);
  const refused = tlsConnect({ port: strictPort, host: '127.0.0.1', ca: cert, servername: 'localhost', maxVersion: 'TLSv1.2' });
  const [err] = (await once(refused, 'error')) as [Error & { code?: string }];
  t.match(err.code, /^ERR_SSL_/, `the TLS 1.2 client fails: ${err.code}`);
  t.equal((await closed)[0], 'tls_error', 'the server counts tls_error');
  t.match(await handshake, { result: 'protocol', reason: /protocol/ }, 'handshake result protocol, with OpenSSL\'s reason');
  const modern = await tlsClient(strictPort);
  t.equal((await readToEnd(modern)).toString(), 'hello', 'and serves the next client');
});

t.test('a plain TCP client on the TLS port is closed (tls_error); the server goes on serving', async (t) => {
  const { server, port } = await listening(t, { tls }, (c) => c.end('hello'));
  const closed = nextClose(server);
  const handshake = nextHandshake(server);
  const plain = await client(port);
  plain.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  const answer = await within(readAll(plain), 5000, 'the plain client closed');
  t.equal((await closed)[0], 'tls_error', 'cause tls_error');
  t.equal((await handshake).result, 'not_tls', 'handshake result not_tls');
  t.notOk(answer.includes('HTTP/1.1'), `the plain client gets no HTTP back (${answer.length} bytes: a TLS alert at most)`);
  const socket = await tlsClient(port);
  t.equal((await readToEnd(socket)).toString(), 'hello', 'a TLS client is served after it');
});

t.test('a peer that stalls mid-handshake is reset after handshakeTimeout (tls_error)', async (t) => {
  const { server, port } = await listening(t, { tls: { ...tls, handshakeTimeout: 300 } }, () => t.fail('no connection event'));
  const closed = nextClose(server);
  const handshake = nextHandshake(server);
  const silent = await client(port);
  const started = Date.now();
  await within(readAll(silent), 5000, 'the silent client closed');
  const [cause] = await closed;
  t.equal(cause, 'tls_error', 'cause tls_error');
  t.equal((await handshake).result, 'timeout', 'handshake result timeout');
  t.ok(Date.now() - started >= 250, `not before the timeout (${Date.now() - started} ms)`);
});

t.test('a client leaving before its handshake is peer_fin, and no handler hears of it', async (t) => {
  const { server, port } = await listening(t, { tls }, () => t.fail('no connection event'));
  const closed = nextClose(server);
  const handshake = nextHandshake(server);
  const leaving = await client(port);
  leaving.end();
  t.equal((await within(closed, 5000, 'the close'))[0], 'peer_fin');
  t.equal((await handshake).result, 'aborted', 'handshake result aborted');
});

t.test('writes to a stalled TLS reader back up (write() false, then drain); every byte arrives; callbacks follow the plaintext', async (t) => {
  const payload = numbered(20 * 1024 * 1024);
  const progress = { falseReturns: 0, drains: 0, callbacks: 0, maxWritable: 0 };
  let conn: Connection | undefined;
  const { port } = await listening(t, { tls }, (c) => {
    conn = c;
    let offset = 0;
    const pump = (): void => {
      while (offset < payload.length) {
        const piece = payload.subarray(offset, offset + 256 * 1024);
        offset += piece.length;
        const more = c.write(piece, () => ++progress.callbacks);
        progress.maxWritable = Math.max(progress.maxWritable, c.writableLength);
        if (!more) {
          ++progress.falseReturns;
          c.once('drain', () => {
            ++progress.drains;
            pump();
          });
          return;
        }
      }
      c.end();
    };
    pump();
  });
  const socket = await tlsClient(port);
  socket.pause();  // stalled: the server's writes back up
  await new Promise((r) => setTimeout(r, 300));
  t.ok(progress.falseReturns >= 1, `write() returned false (${progress.falseReturns} times)`);
  t.ok(progress.maxWritable < 4 * 1024 * 1024, `the server held at most ${progress.maxWritable} bytes`);
  socket.resume();
  const received = await within(readToEnd(socket), 60_000, '20 MiB');
  t.equal(sha(received), sha(payload), '20 MiB intact');
  await within((async () => {
    while (progress.callbacks < 80) await new Promise((r) => setTimeout(r, 10));
  })(), 5000, 'the write callbacks');
  t.equal(progress.callbacks, 80, 'every write callback ran');
  t.equal(conn!.writableLength, 0, 'writableLength counts plaintext: 0 once all is sent');
  t.ok(progress.drains >= 1, `'drain' came (${progress.drains})`);
});

t.test('a client reset mid-handshake: result aborted, cause peer_reset, and no handler hears of it', async (t) => {
  const { server, port } = await listening(t, { tls }, () => t.fail('no connection event'));
  const closed = nextClose(server);
  const handshake = nextHandshake(server);
  const raw = await client(port);
  // The first bytes of a ClientHello (a handshake record's header), then a reset.
  raw.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
  await new Promise((r) => setTimeout(r, 50));
  raw.resetAndDestroy();
  t.equal((await within(closed, 5000, 'the close'))[0], 'peer_reset');
  t.equal((await handshake).result, 'aborted');
});

t.test('20 MiB from the client to a handler that pauses: reading stops, then every byte arrives', async (t) => {
  const payload = numbered(20 * 1024 * 1024);
  const chunks: Buffer[] = [];
  let conn: Connection | undefined;
  const { server, port } = await listening(t, { tls, allowHalfOpen: true }, (c) => {
    conn = c;
    c.pause();
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => c.end());
  });
  const socket = await tlsClient(port);
  socket.resume();  // to see the server's close_notify
  socket.end(payload);
  await new Promise((r) => setTimeout(r, 300));
  const whilePaused = server.stats().receivedBytes;
  t.ok(whilePaused < payload.length / 2, `paused, the server read ${whilePaused} of ${payload.length} bytes`);
  conn!.resume();
  await within(once(socket, 'close'), 30_000, 'the close');
  t.equal(sha(Buffer.concat(chunks)), sha(payload), '20 MiB intact once resumed');
});

t.test('a client reset mid-stream closes with peer_reset', async (t) => {
  const { server, port } = await listening(t, { tls }, (c) => c.on('data', (d: Buffer) => c.write(d)));
  const raw = await client(port);  // the TCP socket under the TLS client, to reset
  const socket = tlsConnect({ socket: raw, servername: 'localhost', ca: cert });
  await once(socket, 'secureConnect');
  socket.write('hello');
  await once(socket, 'data');
  const closed = nextClose(server);
  raw.resetAndDestroy();
  t.equal((await within(closed, 5000, 'the close'))[0], 'peer_reset');
});

t.test('setSecureContext(): new connections get the new certificate, an open one keeps its own; one OpenSSL refuses changes nothing', async (t) => {
  const cert2 = readFileSync(join(fixtures, 'tls-cert-2.pem'));
  const key2 = readFileSync(join(fixtures, 'tls-key-2.pem'));
  const { server, port } = await listening(t, { tls }, (c) => c.on('data', (d: Buffer) => c.write(d)));
  const fingerprint = async (socket: TLSSocket): Promise<string> => socket.getPeerCertificate().fingerprint256;
  const trustBoth = (): Promise<TLSSocket> => {
    const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: [cert, cert2] });
    return once(socket, 'secureConnect').then(() => socket);
  };
  const before = await trustBoth();
  const first = await fingerprint(before);
  server.setSecureContext({ cert: cert2, key: key2 });
  const after = await trustBoth();
  t.not(await fingerprint(after), first, 'a new connection gets the new certificate');
  t.equal(server.tlsCertificateNotAfter, Date.parse('2100-01-01T00:00:00Z') / 1000, 'tlsCertificateNotAfter follows it');
  before.write('still here');
  t.equal(((await once(before, 'data')) as [Buffer])[0].toString(), 'still here', 'the open connection goes on');
  t.throws(() => server.setSecureContext({ cert: 'not a certificate', key: key2 }), { code: ERROR_CODES.TLS });
  const later = await trustBoth();
  t.equal(await fingerprint(later), await fingerprint(after), 'after a refused one, the last good certificate serves');
  t.throws(() => createServer({}).setSecureContext({ cert, key }), { code: ERROR_CODES.SERVER_STATE });
  for (const socket of [before, after, later]) socket.destroy();
});

t.test('ALPN: the first of the server\'s protocols the client offers; a client offering none of them is refused', async (t) => {
  const { server, port } = await listening(t, { tls: { ...tls, ALPNProtocols: ['h2', 'http/1.1'] } }, (c) => c.end(String(c.alpnProtocol)));
  const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: cert, ALPNProtocols: ['http/1.1', 'h2'] });
  await once(socket, 'secureConnect');
  t.equal(socket.alpnProtocol, 'h2', 'the server\'s preference wins');
  t.equal((await readToEnd(socket)).toString(), 'h2', 'and the connection says so');
  const handshake = nextHandshake(server);
  const stranger = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca: cert, ALPNProtocols: ['spdy/1'] });
  const [err] = (await once(stranger, 'error')) as [Error & { code?: string }];
  t.match(err.code, /ALERT_NO_APPLICATION_PROTOCOL/, `the stranger is refused: ${err.code}`);
  t.equal((await handshake).result, 'protocol');
});

t.test('maxVersion and ciphers settle what is negotiated', async (t) => {
  const options = { ...tls, maxVersion: 'TLSv1.2' as const, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' };
  const { port } = await listening(t, { tls: options }, (c) => c.end(`${c.getProtocol()} ${c.getCipher()?.name}`));
  t.equal((await readToEnd(await tlsClient(port))).toString(), 'TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256');
});

t.test('client certificates: required and checked against ca; without rejectUnauthorized the connection says why', async (t) => {
  const clientCa = readFileSync(join(fixtures, 'tls-client-ca.pem'));
  const clientCert = readFileSync(join(fixtures, 'tls-client-cert.pem'));
  const clientKey = readFileSync(join(fixtures, 'tls-client-key.pem'));
  const strangerCert = readFileSync(join(fixtures, 'tls-cert-2.pem'));
  const strangerKey = readFileSync(join(fixtures, 'tls-key-2.pem'));
  const seen: Array<{ authorized: boolean; error: string | undefined; peer: unknown }> = [];
  const record = (c: Connection): void => {
    seen.push({ authorized: c.authorized, error: c.authorizationError, peer: c.getPeerCertificate() });
    c.end('hello');
  };
  const strict = await listening(t, { tls: { ...tls, requestCert: true, ca: clientCa } }, record);
  const withCert = await tlsClient(strict.port, { cert: clientCert, key: clientKey });
  t.equal((await readToEnd(withCert)).toString(), 'hello', 'a client with a certificate from ca is served');
  t.match(seen[0], {
    authorized: true,
    error: undefined,
    peer: { subject: { CN: 'test-client' }, issuer: { CN: 'iocp-tcp test client CA' }, valid_to: 'Jan  1 00:00:00 2100 GMT', fingerprint256: new X509Certificate(clientCert).fingerprint256 },
  }, 'authorized, with its certificate as node:tls shows it');
  for (const [what, options] of [['no certificate', {}], ['a certificate from elsewhere', { cert: strangerCert, key: strangerKey }]] as const) {
    const handshake = nextHandshake(strict.server);
    const refused = tlsConnect({ port: strict.port, host: '127.0.0.1', servername: 'localhost', ca: cert, ...options });
    refused.on('error', () => {});
    refused.resume();
    t.match(await within(handshake, 5000, what), { result: 'certificate' }, `${what}: refused, handshake result certificate`);
    refused.destroy();
  }
  t.equal(seen.length, 1, 'no refused client reached the handler');

  const lenient = await listening(t, { tls: { ...tls, requestCert: true, rejectUnauthorized: false, ca: clientCa } }, record);
  await readToEnd(await tlsClient(lenient.port, { cert: strangerCert, key: strangerKey }));
  await readToEnd(await tlsClient(lenient.port));
  t.match(seen.slice(1), [
    { authorized: false, error: 'DEPTH_ZERO_SELF_SIGNED_CERT', peer: { subject: { CN: 'iocp-tcp test server 2' } } },
    { authorized: false, error: 'NO_PEER_CERTIFICATE', peer: {} },
  ], 'rejectUnauthorized: false lets them in, unauthorized, and says why');
});

t.test('after end() the peer\'s data is still read, all of it, then its close_notify once', async (t) => {
  let received = 0;
  let ends = 0;
  const done = new Promise<void>((resolve) => {
    void listening(t, { tls, allowHalfOpen: true }, (c) => {
      c.once('data', () => c.end('bye'));
      c.on('data', (d: Buffer) => (received += d.length));
      c.on('end', () => ++ends);
      c.on('close', () => resolve());
    }).then(async ({ port }) => {
      const socket = await tlsClient(port);
      socket.write('a');
      // Several records in one segment, after the server's end().
      await new Promise((r) => setTimeout(r, 100));
      socket.end(numbered(200 * 1024));
      socket.resume();
    });
  });
  await within(done, 10_000, 'the close');
  t.equal(received, 1 + 200 * 1024, 'every byte the peer sent after end() arrived');
  t.equal(ends, 1, "one 'end'");
});

t.test('pfx: a PKCS#12 file with its passphrase serves as cert and key do; a wrong passphrase fails listen()', async (t) => {
  const pfx = readFileSync(join(fixtures, 'tls.p12'));
  const { port } = await listening(t, { tls: { pfx, passphrase: 'fixture-passphrase' } }, (c) => c.end('from pfx'));
  const socket = await tlsClient(port);
  t.equal(socket.getPeerCertificate().fingerprint256, new X509Certificate(cert).fingerprint256, 'the certificate in the file');
  t.equal((await readToEnd(socket)).toString(), 'from pfx');
  await t.rejects(createServer({ backend, tls: { pfx, passphrase: 'wrong' } }, () => {}).listen({ host: '127.0.0.1', port: 0 }),
    { code: ERROR_CODES.TLS, message: /pfx:.*passphrase/ });
});

t.test('SNI: addContext() gives clients that ask for a name (or match *.name) their own certificate; others get the default', async (t) => {
  const cert2 = readFileSync(join(fixtures, 'tls-cert-2.pem'));
  const key2 = readFileSync(join(fixtures, 'tls-key-2.pem'));
  const { server, port } = await listening(t, { tls }, (c) => c.end(String(c.servername)));
  server.addContext('*.example.test', { cert: cert2, key: key2 });
  const served = async (servername: string): Promise<[string, string]> => {
    const socket = tlsConnect({ port, host: '127.0.0.1', servername, rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    const subject = String(socket.getPeerCertificate().subject.CN);
    return [subject, (await readToEnd(socket)).toString()];
  };
  t.same(await served('api.example.test'), ['iocp-tcp test server 2', 'api.example.test'], 'a name the pattern matches: its certificate');
  t.same(await served('localhost'), ['localhost', 'localhost'], 'another name: the default');
  t.same(await served('a.b.example.test'), ['localhost', 'a.b.example.test'], '*. matches one label only');
  server.addContext('localhost', { cert: cert2, key: key2 });
  t.same(await served('localhost'), ['iocp-tcp test server 2', 'localhost'], 'an exact name too, added while serving');
  t.throws(() => server.addContext('bad.test', { cert: 'nope', key: key2 }), { code: ERROR_CODES.TLS, message: /SNI bad\.test/ });
  t.same(await served('api.example.test'), ['iocp-tcp test server 2', 'api.example.test'], 'a refused one changes nothing');
});

t.test("end(data) sends the data, close_notify and FIN: the client sees 'end'", async (t) => {
  const { port } = await listening(t, { tls }, (c) => c.end('bye'));
  const socket = await tlsClient(port);
  t.equal((await within(readToEnd(socket), 5000, "the client's end")).toString(), 'bye');
});

t.test('bad TLS options fail at once; a key or certificate OpenSSL refuses fails listen() with ERR_IOCP_TCP_TLS', async (t) => {
  t.throws(() => createServer({ tls: { cert, key, SNICallback: () => {} } as TlsOptions }), { code: ERROR_CODES.INVALID_ARG, message: /SNICallback is not supported yet/ });
  t.throws(() => createServer({ tls: { cert, key, pfx: Buffer.alloc(1) } as unknown as TlsOptions }), { code: ERROR_CODES.INVALID_ARG, message: /pfx holds the certificate and key/ });
  t.throws(() => createServer({ tls: { cert, key, ca: cert } }), { code: ERROR_CODES.INVALID_ARG, message: /requestCert/ });
  t.throws(() => createServer({ tls: { cert, key, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } }), { code: ERROR_CODES.INVALID_ARG, message: /newer than/ });
  t.throws(() => createServer({ tls: { cert, key, ALPNProtocols: [''] } }), { code: ERROR_CODES.INVALID_ARG, message: /ALPNProtocols/ });
  t.throws(() => createServer({ tls: { cert, key, sessionIdContext: 'x' } as TlsOptions }), { code: ERROR_CODES.INVALID_ARG, message: /unknown TLS option sessionIdContext/ });
  t.throws(() => createServer({ tls: { cert } as TlsOptions }), { code: ERROR_CODES.INVALID_ARG, message: /tls\.key/ });
  t.throws(() => createServer({ tls: { cert, key, minVersion: 'TLSv1' as 'TLSv1.2' } }), { code: ERROR_CODES.INVALID_ARG, message: /minVersion/ });
  t.throws(() => createServer({ tls: { cert, key, handshakeTimeout: 0 } }), { code: ERROR_CODES.INVALID_ARG, message: /handshakeTimeout/ });
  const listen = (options: TlsOptions): Promise<unknown> => createServer({ backend, tls: options }, () => {}).listen({ host: '127.0.0.1', port: 0 });
  await t.rejects(listen({ cert: 'not a certificate', key }), { code: ERROR_CODES.TLS, message: /cert: no PEM certificate/ });
  await t.rejects(listen({ cert, key: 'not a key' }), { code: ERROR_CODES.TLS, message: /key:/ });
  await t.rejects(listen({ cert: key, key: cert }), { code: ERROR_CODES.TLS, message: /cert:/ });
  await t.rejects(listen({ cert, key, ciphers: 'NO-SUCH-CIPHER' }), { code: ERROR_CODES.TLS, message: /ciphers:/ });
  await t.rejects(listen({ cert, key, requestCert: true, ca: 'not a certificate' }), { code: ERROR_CODES.TLS, message: /ca:/ });
});

/** Runs test/fixtures/tls-client.py (Python's ssl) against `port`; its stdout. */
function pythonClient(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('python3', [join(fixtures, 'tls-client.py'), String(port), join(fixtures, 'tls-cert.pem'), ...args], { timeout: 30_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim())));
  });
}

// Python's ssl and openssl s_client run in the Linux lanes, which install them; on Windows
// (under Wine, node.exe cannot start a Linux program; a Windows host may lack both) they are left out.
const linuxClients = process.platform === 'win32' ? 'the Linux lanes run it: python3 and openssl are Linux programs here' : false;
const python = linuxClients;

t.test("Python's ssl client: 20 conversations of 5 round trips, each closed with close_notify both ways", { skip: python }, async (t) => {
  const { port } = await listening(t, { tls }, (c) => c.on('data', (d: Buffer) => c.write(d)));
  t.equal(await pythonClient(port, 'seed', '20'), 'ok 20 TLSv1.3');
});

t.test('at the drain deadline a TLS connection gets close_notify before FIN', { skip: python }, async (t) => {
  const { server, port } = await listening(t, { tls }, () => {});
  const opened = once(server, 'tlsHandshake');
  const ended = pythonClient(port, 'wait');
  await opened;
  await server.close({ drainTimeoutMs: 200 });
  t.equal(await ended, 'close_notify', 'the client read close_notify, not a bare FIN');
});

t.test('renegotiation is refused: a TLS 1.2 client that asks gets no second handshake', async (t) => {
  const { port } = await listening(t, { tls }, (c) => c.on('data', (d: Buffer) => c.write(d)));
  const socket = await tlsClient(port, { maxVersion: 'TLSv1.2' });
  socket.on('error', () => {});
  // Allowed, it completes in a few ms with the callback's err null; refused, OpenSSL answers
  // no_renegotiation and the client's new handshake never completes.
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no second handshake within 1 s'), 1000);
    const started = socket.renegotiate({ rejectUnauthorized: false }, (err) => {
      clearTimeout(timer);
      resolve(err ? `refused: ${err.message}` : 'renegotiated');
    });
    if (!started) resolve('refused at once');
  });
  t.not(outcome, 'renegotiated', outcome);
  socket.destroy();
});

// openssl s_client, where the lane has it (Linux; the Windows lane has no openssl).
t.test('openssl s_client is served', { skip: linuxClients }, async (t) => {
  const openssl = await new Promise<boolean>((resolve) => execFile('openssl', ['version'], (err) => resolve(!err)));
  if (!openssl) {
    if (process.env.CI) t.fail('openssl is missing: .ci/run installs it');
    else t.comment('skipped: no openssl here');
    return;
  }
  const { port } = await listening(t, { tls }, (c) => c.on('data', (d: Buffer) => c.end(`echo:${d}`)));
  const output = await within(new Promise<string>((resolve, reject) => {
    const child = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-quiet', '-CAfile', join(fixtures, 'tls-cert.pem')],
      { timeout: 10_000 }, (err, stdout) => (err && !stdout ? reject(err) : resolve(stdout)));
    child.stdin!.end('areyouok\n');
  }), 15_000, 'openssl s_client');
  t.match(output, /echo:areyouok/, 'the echo came back');
});
