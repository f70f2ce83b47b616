import t, { type Test } from 'tap';
import { Client, patternedBytes, probeConnect } from '../../toolkit/client';
import { config, echoHandlers, ms, needsStopSignal, skipHandler, sleep, spawnService, within, type Service } from './fixtures/harness';
import { CAUSES, delta, httpGet, M, parseExposition, scrape, settle, value, type Snapshot } from './fixtures/metrics';

const SIGNAL = config.stopSignal;

/** Probe until a connect is refused; returns the last outcome and when it was seen. */
async function waitRefused(svc: Service, withinMs: number): Promise<{ outcome: string; afterMs: number }> {
  const start = Date.now();
  let outcome = '';
  while (Date.now() - start <= withinMs) {
    outcome = await probeConnect(svc.tcp, ms(1000));
    if (outcome === 'ECONNREFUSED') break;
    await sleep(25);
  }
  return { outcome, afterMs: Date.now() - start };
}

/** Poll /readyz until it answers `status` (or the time is up); returns the last status or error code. */
async function waitReadyz(svc: Service, status: number, withinMs: number): Promise<number | string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    let got: number | string;
    try {
      got = (await httpGet(svc.metrics, '/readyz')).status;
    } catch (e) {
      got = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    if (got === status || Date.now() > deadline) return got;
    await sleep(25);
  }
}

/** Wait for the child to exit, at most `withinMs`. */
async function waitExit(t: Test, svc: Service, withinMs: number) {
  const result = await within(svc.exited!, withinMs);
  if (!result) t.comment(svc.logs());
  return result;
}

t.test(
  `${SIGNAL} stops accepting at once and lets 50 conversations caught mid-way finish before exiting 0`,
  { skip: needsStopSignal(`sends ${SIGNAL}`) },
  async (t) => {
    const svc = await spawnService(t, { drainTimeoutMs: 30000 });
    const CLIENTS = 50;
    const ROUNDS = 8;
    /** Rounds each client finishes before the signal; the rest run while the service drains. */
    const BEFORE = 3;
    const msg = (c: number, r: number) => `client ${c} round ${r}\n`;
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(svc.tcp, ms(10000))));
    t.teardown(() => clients.forEach((c) => c.destroy()));

    // Each client stops at round BEFORE until the signal is sent: every conversation is
    // open, with rounds left, when the drain starts.
    let release = () => {};
    const signalled = new Promise<void>((r) => (release = r));
    const halfway: Promise<number>[] = [];
    const conversations = clients.map((c, i) => {
      let reached = (_right: number) => {};
      halfway.push(new Promise<number>((r) => (reached = r)));
      return (async () => {
        let right = 0;
        try {
          for (let r = 0; r < ROUNDS; r++) {
            if (r === BEFORE) {
              reached(right);
              await signalled;
            }
            if (r > 0) await sleep(50);
            if ((await c.roundtrip(msg(i, r), ms(10000))).toString() === msg(i, r)) right++;
          }
        } finally {
          reached(-1);  // a client that failed early does not hold up the others
        }
        c.end();
        const rest = await c.readToEnd(ms(10000));
        return { right, rest: rest.length };
      })();
    });
    // Settled below; until then a failed conversation must not count as unhandled.
    conversations.forEach((p) => p.catch(() => {}));
    const firstRounds = await within(Promise.all(halfway), ms(20000));
    t.same(firstRounds, clients.map(() => BEFORE), `every client finished its first ${BEFORE} rounds before ${SIGNAL}`);

    // Signal and let the conversations go on in the same tick: their next rounds meet the drain.
    svc.child!.kill(SIGNAL);
    release();

    const refused = await waitRefused(svc, ms(2000));
    t.equal(refused.outcome, 'ECONNREFUSED', `a new connect is refused ${refused.afterMs} ms after ${SIGNAL}`);
    t.equal(await waitReadyz(svc, 503, ms(2000)), 503, '/readyz answers 503 while draining');
    t.equal((await httpGet(svc.metrics, '/healthz')).status, 200, '/healthz still answers 200 while draining');
    const duringDrain = parseExposition((await httpGet(svc.metrics, '/metrics')).body);
    t.equal(value(duringDrain, M.draining), 1, `${M.draining} is 1 while draining`);

    const results = await Promise.allSettled(conversations);
    t.same(
      results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
      clients.map(() => ({ right: ROUNDS, rest: 0 })),
      'every client finished all its rounds intact and got EOF after its own FIN',
    );
    clients.forEach((c) => c.destroy());

    const exit = await waitExit(t, svc, ms(10000));
    t.same(exit, { code: 0, signal: null }, 'the service exits 0 once the connections are gone, before the drain timeout');
    const draining = svc.logLines().find((line) => line.msg === 'draining');
    t.equal(draining?.signal, config.stopName, `the drain was started by ${config.stopName}`);
  },
);

t.test(
  'a connection still open when the drain timeout passes is closed by the server and counted as shutdown',
  { skip: needsStopSignal(`sends ${SIGNAL}`) },
  async (t) => {
    const DRAIN_MS = 500;
    const svc = await spawnService(t, { drainTimeoutMs: DRAIN_MS });
    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    t.equal((await client.roundtrip('hold on', ms(10000))).toString(), 'hold on', 'the client is served');
    const before = await scrape(svc);

    // Scrape continuously while draining: the last answer before the exit may show the close.
    const snapshots: Snapshot[] = [];
    let exited = false;
    void svc.exited!.then(() => (exited = true));
    const poller = (async () => {
      while (!exited) {
        try {
          snapshots.push(await scrape(svc));
        } catch {
          // the metrics server is going away with the process
        }
        await sleep(20);
      }
    })();

    const signalledAt = Date.now();
    svc.child!.kill(SIGNAL);
    t.equal(await waitReadyz(svc, 503, ms(2000)), 503, '/readyz answers 503 while draining');

    const closed = await client.waitPeerClose(ms(DRAIN_MS + 10000));
    const closedAfter = Date.now() - signalledAt;
    t.ok(
      closed.sawEof || closed.errorCode === 'ECONNRESET',
      `the server closed the idle connection (${JSON.stringify(closed)})`,
    );
    t.ok(closedAfter >= DRAIN_MS - 50, `not before the drain timeout (${closedAfter} ms)`);
    t.ok(closedAfter <= DRAIN_MS + ms(5000), `soon after the drain timeout (${closedAfter} ms)`);
    t.equal(client.received, 'hold on'.length, 'no data arrived after the round trip');
    client.destroy();

    const exit = await waitExit(t, svc, ms(10000));
    t.same(exit, { code: 0, signal: null }, 'the service exits 0 after closing it');
    exited = true;
    await poller;

    const moved = snapshots.map((s) => delta(before, s));
    const wrong = moved.filter((d) => CAUSES.some((c) => c !== 'shutdown' && d.causes[c] !== 0));
    t.same(wrong, [], `no cause but shutdown moved in any of ${snapshots.length} scrapes while draining`);
    // Where the count can be seen: a scrape after the close (the metrics server may
    // already be gone), or the disconnects by cause in the service's last log line.
    const afterClose = moved.filter((d) => d.active === -1).pop();
    const logged = svc
      .logLines()
      .filter((l) => l.disconnects && typeof l.disconnects === 'object')
      .pop()?.disconnects as Record<string, number> | undefined;
    t.ok(afterClose || logged, 'the disconnect cause is observable in a scrape after the close or in the last log line', {
      scrapes: snapshots.length,
      log: svc.logLines().slice(-3),
    });
    if (afterClose) {
      t.equal(afterClose.causes.shutdown, 1, 'a scrape after the close counts it as shutdown', afterClose.causes);
    }
    if (logged) {
      const nonZero = Object.fromEntries(Object.entries(logged).filter(([, n]) => n !== 0));
      t.same(nonZero, { shutdown: 1 }, 'the final log line counts the one connection as shutdown', logged);
    }
  },
);

t.test(
  'with a JS handler and a client still sending when the drain deadline passes, the service still exits 0',
  { skip: needsStopSignal(`sends ${SIGNAL}`) },
  async (t) => {
    const svc = await spawnService(t, { handler: 'js-echo', drainTimeoutMs: 300 });
    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    // Keep data flowing until the server closes: the last data events, the
    // closes and the engine's stop then arrive in JS close together.
    let streaming = true;
    const stream = (async () => {
      while (streaming && !client.ended && client.error === undefined) {
        await client.write(Buffer.alloc(16 * 1024, 0x61)).catch(() => undefined);
      }
    })();
    await sleep(ms(200));
    svc.child!.kill(SIGNAL);
    const exit = await within(svc.exited!, ms(10000));
    streaming = false;
    await stream;
    t.same(exit, { code: 0, signal: null }, 'the service exits 0');
    const stopped = svc.logLines().find((line) => line.msg === 'stopped');
    t.ok(stopped, 'it logged its final "stopped" line');
  },
);

for (const handler of echoHandlers) {
  t.test(
    `with the ${handler} handler, a connection with echo bytes still unsent at the drain deadline is reset, never ended with a FIN`,
    { skip: needsStopSignal(`sends ${SIGNAL}`) || skipHandler(handler) },
    async (t) => {
      const DRAIN_MS = 500;
      const PAYLOAD = 8 * 1024 * 1024;
      // A high-water mark above the payload: the server reads all of it and
      // holds the echo it cannot send, so nothing unread is left in the
      // kernel (closing a socket with unread bytes resets on its own).
      const svc = await spawnService(t, { handler, drainTimeoutMs: DRAIN_MS, args: ['--write-high-water-bytes', String(4 * PAYLOAD)] });
      const client = await Client.connect(svc.tcp, ms(10000));
      t.teardown(() => client.destroy());
      client.pauseReading();
      await client.write(patternedBytes(PAYLOAD));
      const read = await settle(svc, (s) => s.received === PAYLOAD, ms(20000));
      t.equal(read.received, PAYLOAD, 'the server has read the whole payload');
      svc.child!.kill(SIGNAL);
      const exit = await waitExit(t, svc, ms(DRAIN_MS + 15000));
      t.same(exit, { code: 0, signal: null }, 'the service exits 0 after the deadline');
      // Ask the kernel: node would take the reset for an EOF (see kernelState).
      t.equal(client.kernelState(), undefined, 'the server reset the connection (a FIN would leave it in CLOSE_WAIT)');
      client.resumeReading();
      await client.waitPeerClose(ms(10000));
      t.ok(client.received < PAYLOAD, `the client got only part of the echo (${client.received} of ${PAYLOAD} bytes)`);
      const logged = svc.logLines().filter((l) => l.msg === 'stopped').pop()?.disconnects as Record<string, number> | undefined;
      t.equal(logged?.shutdown, 1, 'the cause is still shutdown', { logged });
    },
  );
}
