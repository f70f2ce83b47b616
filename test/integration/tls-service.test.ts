// The service with --tls-cert/--tls-key: TLS clients served by the native
// echo and a JS handler, the handshake metrics, a plain client refused, and
// certificate files it cannot use refused before binding.
import { once } from 'node:events';
import { connect as tcpConnect } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t from 'tap';
import { config, echoHandlers, fixturePath, ms, needsOwnService, runCli, spawnService, within } from './fixtures/harness';
import { httpGet, parseExposition, value } from './fixtures/metrics';

const ownService = needsOwnService('serves TLS');
const tlsArgs = ['--tls-cert', fixturePath('tls-cert.pem'), '--tls-key', fixturePath('tls-key.pem')];
const ca = readFileSync(fixturePath('tls-cert.pem'));

for (const handler of echoHandlers) {
  t.test(`${handler} over TLS: 20 clients x 5 messages echoed, then close_notify; the handshakes counted`, { skip: ownService }, async (t) => {
    const svc = await spawnService(t, { handler, args: tlsArgs });
    const conversation = async (n: number): Promise<boolean> => {
      const socket = tlsConnect({ host: svc.tcp.host, port: svc.tcp.port, ca, servername: 'localhost' });
      await once(socket, 'secureConnect');
      let ok = socket.getProtocol() === 'TLSv1.3';
      for (let i = 0; i < 5; ++i) {
        const message = `areyouok ${n}.${i}\n`;
        socket.write(message);
        let echoed = '';
        while (echoed.length < message.length) echoed += ((await once(socket, 'data')) as [Buffer])[0].toString();
        ok &&= echoed === message;
      }
      socket.end();
      await once(socket, 'close');
      return ok;
    };
    const results = await within(Promise.all(Array.from({ length: 20 }, (_, n) => conversation(n))), ms(30_000));
    t.equal(results?.filter(Boolean).length, 20, 'every echo intact, over TLSv1.3, within 30 s');

    const plain = tcpConnect(svc.tcp.port, svc.tcp.host);
    plain.on('error', () => {});
    plain.write('GET / HTTP/1.1\r\n\r\n');
    t.ok(await within(once(plain, 'close'), ms(5000)), 'the plain client is closed');

    // The server counts a close once the peer's FIN is in: scrape until the plain client's is.
    const scrapeTls = async () => parseExposition((await httpGet(svc.metrics, '/metrics')).body);
    let exp = await scrapeTls();
    for (const deadline = Date.now() + ms(5000); value(exp, 'iocp_tcp_disconnects_total', { cause: 'tls_error' }) < 1 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 50));
      exp = await scrapeTls();
    }
    t.equal(value(exp, 'iocp_tcp_tls_handshakes_total', { result: 'ok' }), 20, '20 handshakes ok');
    t.equal(value(exp, 'iocp_tcp_tls_handshakes_total', { result: 'not_tls' }), 1, 'the plain client: not_tls');
    t.equal(value(exp, 'iocp_tcp_tls_negotiated_total', { version: 'TLSv1.3' }), 20, '20 TLSv1.3');
    t.equal(value(exp, 'iocp_tcp_tls_certificate_not_after_seconds'), Date.parse('2126-01-01T00:00:00Z') / 1000, 'the certificate expiry');
    t.equal(value(exp, 'iocp_tcp_disconnects_total', { cause: 'tls_error' }), 1, 'one tls_error disconnect');
  });
}

t.test('a certificate file OpenSSL refuses exits 2 before binding, with its reason', { skip: ownService }, async (t) => {
  const run = await runCli(['--backend', config.backend, '--port', '0', '--metrics-port', '0',
    '--tls-cert', fixturePath('tls-key.pem'), '--tls-key', fixturePath('tls-key.pem')]);
  t.equal(run.code, 2);
  const failure = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'cannot listen');
  t.match(failure, { code: 'ERR_IOCP_TCP_TLS', message: /cert: no PEM certificate/ }, 'one line with the code and OpenSSL\'s reason', { stdout: run.stdout });
  t.notMatch(run.stdout, /"stack"/, 'no stack trace');
});

t.test('the service picks up a new certificate from its files; open connections keep theirs; a bad file is logged and changes nothing', { skip: ownService }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  // As Kubernetes swaps a secret: the new file is complete before it takes the name.
  const replace = (file: string, content: Buffer | string): void => {
    writeFileSync(`${file}.new`, content);
    renameSync(`${file}.new`, file);
  };
  replace(certFile, readFileSync(fixturePath('tls-cert.pem')));
  replace(keyFile, readFileSync(fixturePath('tls-key.pem')));
  const svc = await spawnService(t, { args: ['--tls-cert', certFile, '--tls-key', keyFile, '--tls-reload-ms', '100'] });
  const cert2 = readFileSync(fixturePath('tls-cert-2.pem'));
  const handshake = async (): Promise<TLSSocket> => {
    const socket = tlsConnect({ host: svc.tcp.host, port: svc.tcp.port, ca: [ca, cert2], servername: 'localhost' });
    await once(socket, 'secureConnect');
    return socket;
  };
  const servedCertificate = async (): Promise<string> => {
    const socket = await handshake();
    const fingerprint = socket.getPeerCertificate().fingerprint256;
    socket.destroy();
    return fingerprint;
  };
  const open = await handshake();
  const first = open.getPeerCertificate().fingerprint256;
  replace(keyFile, readFileSync(fixturePath('tls-key-2.pem')));
  replace(certFile, cert2);
  let now = first;
  for (const deadline = Date.now() + ms(5000); now === first && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 50));
    now = await servedCertificate();
  }
  t.not(now, first, 'new connections get the new certificate');
  open.write('still here');
  t.equal(((await once(open, 'data')) as [Buffer])[0].toString(), 'still here', 'the connection opened before goes on');
  const exp = parseExposition((await httpGet(svc.metrics, '/metrics')).body);
  t.equal(value(exp, 'iocp_tcp_tls_certificate_not_after_seconds'), Date.parse('2100-01-01T00:00:00Z') / 1000, 'the expiry gauge follows');
  replace(certFile, 'not a certificate');
  for (const deadline = Date.now() + ms(5000); !svc.logs().includes('not reloaded') && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
  t.match(svc.logs(), /TLS certificate not reloaded; the one before stays.*ERR_IOCP_TCP_TLS/, 'the bad file is logged with OpenSSL\'s code');
  t.equal(await servedCertificate(), now, 'and the last good certificate still serves');
  open.destroy();
});

t.test('--tls-client-auth require with --tls-ca, and --tls-alpn: a client with a certificate from the CA is served, one without is refused (certificate)', { skip: ownService }, async (t) => {
  const svc = await spawnService(t, {
    args: [...tlsArgs, '--tls-client-auth', 'require', '--tls-ca', fixturePath('tls-client-ca.pem'), '--tls-alpn', 'h2,http/1.1'],
  });
  const connect = (withCert: boolean) => tlsConnect({
    host: svc.tcp.host, port: svc.tcp.port, ca, servername: 'localhost', ALPNProtocols: ['http/1.1'],
    ...(withCert ? { cert: readFileSync(fixturePath('tls-client-cert.pem')), key: readFileSync(fixturePath('tls-client-key.pem')) } : {}),
  });
  const client = connect(true);
  await once(client, 'secureConnect');
  t.equal(client.alpnProtocol, 'http/1.1', 'ALPN settled on the protocol both speak');
  client.write('ping');
  t.equal(((await once(client, 'data')) as [Buffer])[0].toString(), 'ping', 'echoed');
  client.destroy();
  const stranger = connect(false);
  stranger.on('error', () => {});
  stranger.resume();
  let refused = 0;
  for (const deadline = Date.now() + ms(5000); refused < 1 && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 50));
    refused = value(parseExposition((await httpGet(svc.metrics, '/metrics')).body), 'iocp_tcp_tls_handshakes_total', { result: 'certificate' });
  }
  t.equal(refused, 1, 'the client without a certificate: handshake result certificate');
  stranger.destroy();
});

t.test('--tls-pfx with --tls-passphrase-file serves the certificate in the PKCS#12 file', { skip: ownService }, async (t) => {
  const svc = await spawnService(t, { args: ['--tls-pfx', fixturePath('tls.p12'), '--tls-passphrase-file', fixturePath('tls-passphrase.txt')] });
  const socket = tlsConnect({ host: svc.tcp.host, port: svc.tcp.port, ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  socket.write('from pfx');
  t.equal(((await once(socket, 'data')) as [Buffer])[0].toString(), 'from pfx', 'echoed, the certificate verified against the PEM one');
  socket.destroy();
  const wrong = await runCli(['--backend', config.backend, '--port', '0', '--metrics-port', '0', '--tls-pfx', fixturePath('tls.p12'),
    '--tls-passphrase-file', fixturePath('tls-cert.pem')]);
  t.equal(wrong.code, 2, 'a wrong passphrase exits 2 before binding');
  t.match(wrong.stdout, /ERR_IOCP_TCP_TLS.*pfx:/, 'naming the pfx');
});
