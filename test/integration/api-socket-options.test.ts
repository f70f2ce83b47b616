// The socket options and per-connection timeout of the Connection API, on the
// backend under test (Linux: io_uring, epoll; Windows lane: IOCP under Wine).
// Keepalive is read back from the kernel: /proc/net/tcp shows the timer of
// the server's end of each connection (Wine's sockets are host sockets).
import t from 'tap';
import { Client } from '../../toolkit/client';
import { fixturePath, ms, needsOwnService, sleep, spawnService } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

const KEEPALIVE_TIMER = 2;
// The kernel's view comes from /proc/net/tcp: Linux (and Wine, whose sockets are Linux's) only.
const readsProc = process.platform === 'linux' ? false : 'reads the keepalive timer from /proc/net/tcp, which only Linux has';
const handler = fixturePath('handler-socket-options.js');

async function command(client: Client, line: string): Promise<void> {
  await client.write(`${line}\n`);
  const answer = await client.readLine(ms(5000));
  if (answer !== `ok ${line.split(' ')[0]}`) throw new Error(`"${line}" answered "${answer}"`);
}

// The keepalive timer, once the reply's ACK is in (until then the kernel shows its retransmit timer).
async function keepaliveTimer(client: Client): Promise<{ timer: number; whenMs: number } | undefined> {
  for (let tries = 0; tries < 50; tries++) {
    const timer = client.serverTimer();
    if (timer?.timer === KEEPALIVE_TIMER) return timer;
    await sleep(10);
  }
  return client.serverTimer();
}

t.test('a connection knows both of its ends, as node:net names them', { skip: needsOwnService('handler module') }, async (t) => {
  const svc = await spawnService(t, { handler });
  const client = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => client.destroy());
  const ends = JSON.parse(await client.readLine(ms(5000)));
  t.same(ends, {
    remoteAddress: '127.0.0.1',
    remotePort: client.localPort,
    remoteFamily: 'IPv4',
    localAddress: '127.0.0.1',
    localPort: svc.tcp.port,
    readyState: 'open',
  });
});

t.test('setKeepAlive sets the kernel keepalive timer: initial delay, then the probe interval; off again', { skip: needsOwnService('handler module') || readsProc }, async (t) => {
  const svc = await spawnService(t, { handler });
  const client = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => client.destroy());
  await client.readLine(ms(5000));
  t.not(client.serverTimer()?.timer, KEEPALIVE_TIMER, 'no keepalive by default');

  // 1 s of silence, then probes every 5 s: the first probe goes out after
  // 1 s, and from then on the timer counts the 5 s interval.
  await command(client, 'keepalive 1 1000 5000 3');
  const armed = await keepaliveTimer(client);
  t.equal(armed?.timer, KEEPALIVE_TIMER, 'keepalive timer armed');
  t.ok(armed!.whenMs <= 1000, `first probe due within the 1 s initial delay (${armed!.whenMs} ms), not in 2 hours`);
  await sleep(1600);
  const probing = client.serverTimer();
  t.equal(probing?.timer, KEEPALIVE_TIMER);
  t.ok(probing!.whenMs > 2500 && probing!.whenMs <= 5000, `after the first probe the timer counts the 5 s interval (${probing!.whenMs} ms)`);

  await command(client, 'keepalive 0 0 0 0');
  t.not(client.serverTimer()?.timer, KEEPALIVE_TIMER, 'setKeepAlive(false) stops it');
});

t.test('--keepalive-ms and --keepalive-interval-ms apply to every connection', { skip: needsOwnService('service flags') || readsProc }, async (t) => {
  const svc = await spawnService(t, { args: ['--keepalive-ms', '1000', '--keepalive-interval-ms', '5000'] });
  const client = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => client.destroy());
  t.equal((await client.roundtrip('ping', ms(5000))).toString(), 'ping');
  const armed = await keepaliveTimer(client);
  t.equal(armed?.timer, KEEPALIVE_TIMER, 'keepalive timer armed on the accepted connection');
  t.ok(armed!.whenMs <= 1000, `first probe within 1 s (${armed!.whenMs} ms)`);
  await sleep(1600);
  const probing = client.serverTimer();
  t.ok(probing!.whenMs > 2500 && probing!.whenMs <= 5000, `then the 5 s interval (${probing!.whenMs} ms)`);
});

t.test('setTimeout: the timeout listener ends a silent connection, counted as idle_timeout', { skip: needsOwnService('handler module') }, async (t) => {
  const svc = await spawnService(t, { handler });
  const before = await scrape(svc);
  const client = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => client.destroy());
  const ends = await client.readLine(ms(5000));
  await command(client, 'timeout 400');
  const silentSince = Date.now();
  t.equal((await client.readToEnd(ms(5000))).toString(), 'timeout\n', 'the listener ran and ended the connection');
  const afterMs = Date.now() - silentSince;
  t.ok(afterMs >= 400 - 50, `not before the timeout (${afterMs} ms)`);
  client.end();
  await expectDelta(t, svc, before, {
    accepted: 1,
    received: 'timeout 400\n'.length,
    sent: ends.length + 1 + 'ok timeout\n'.length + 'timeout\n'.length,
    causes: { idle_timeout: 1 },
  });
});

t.test('setNoDelay(false) lets Nagle hold a small write back; true sends it at once', { skip: needsOwnService('handler module') }, async (t) => {
  const svc = await spawnService(t, { handler });
  // Milliseconds for ROUNDS request/reply rounds whose reply is two small
  // writes: with Nagle each second write waits for the client's delayed ACK.
  const ROUNDS = 10;
  const roundsMs = async (noDelay: 0 | 1): Promise<number> => {
    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    await client.readLine(ms(5000));
    await command(client, `nodelay ${noDelay}`);
    const start = Date.now();
    for (let i = 0; i < ROUNDS; i++) {
      await client.write('pair\n');
      const reply = await client.readLine(ms(5000));
      if (reply !== 'ab') throw new Error(`pair answered ${JSON.stringify(reply)}`);
    }
    return Date.now() - start;
  };
  const nagle = await roundsMs(0);
  const noDelay = await roundsMs(1);
  t.ok(nagle > noDelay + ROUNDS * 20, `${ROUNDS} rounds took ${nagle} ms with Nagle, ${noDelay} ms with TCP_NODELAY`);
});
