// More connections than the service has file descriptors (prlimit --nofile):
// accepts fail (EMFILE on Linux, WSAEMFILE/WSAENOBUFS on Windows), the rest
// wait in the listen backlog. The listener must survive it and pick up again
// once descriptors are free. /metrics is scraped meanwhile, as Prometheus would:
// the metrics server's own accepts fail then too, and must not take the
// process down (Node reports them as an 'error' event on Windows).
import t from 'tap';
import { Client } from '../../toolkit/client';
import { config, ms, needsOwnService, sleep, spawnService, within, type Endpoint } from './fixtures/harness';
import { assertInvariant, delta, httpGet, invariantGap, scrape, settle } from './fixtures/metrics';

// Under Wine the limit is the wineserver's (see harness.ts), which holds about
// 290 descriptors of its own before the service accepts anything: pipes and
// sockets for every thread of every Wine process in the prefix. 300 would leave
// the service a handful, and the metrics server's first scrape could fail.
const NOFILE = config.underWine ? 500 : 300;
const CLIENTS = NOFILE + 100;
const AFTERWARDS = 10;

/** AFTERWARDS new clients that each got their echo, or what went wrong (then they are closed). */
async function serveBatch(ep: Endpoint): Promise<Client[] | string> {
  const connects = await Promise.allSettled(Array.from({ length: AFTERWARDS }, () => Client.connect(ep, ms(2000))));
  const batch = connects.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  const echoes = await Promise.allSettled(batch.map((c, i) => c.roundtrip(`again ${i}\n`, ms(2000))));
  const right = echoes.filter((e, i) => e.status === 'fulfilled' && e.value.toString() === `again ${i}\n`).length;
  if (right === AFTERWARDS) return batch;
  batch.forEach((c) => c.destroy());
  return `${AFTERWARDS - batch.length} connects failed, ${batch.length - right} not echoed`;
}

t.test(
  `with ${NOFILE} descriptors and ${CLIENTS} connections at once the service counts accept errors, stays up, and serves again once they leave`,
  { skip: needsOwnService(`prlimit --nofile=${NOFILE}`) || (process.platform === 'win32' ? 'prlimit, which sets the limit, is Linux\'s' : false) },
  async (t) => {
    const svc = await spawnService(t, { nofile: NOFILE });
    const before = await scrape(svc).catch((e: Error) => {
      throw new Error(`first scrape failed: ${e.message}\n${svc.logs()}`);
    });

    const attempts = await Promise.allSettled(Array.from({ length: CLIENTS }, () => Client.connect(svc.tcp, ms(5000))));
    const clients = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    t.teardown(() => clients.forEach((c) => c.destroy()));
    t.ok(clients.length > NOFILE, `${clients.length} of ${CLIENTS} connects completed, more than the service has descriptors`);

    // Every client asks; those the service accepted are answered, the others wait in the backlog.
    const PROBE = 'anyone there?';
    for (const c of clients) c.socket.write(PROBE);
    let errorsSeen = false;
    const holdUntil = Date.now() + ms(3000);
    while (Date.now() < holdUntil && !errorsSeen) {
      // The metrics server needs a descriptor too: while none is free this scrape may fail.
      const s = await scrape(svc, ms(500)).catch(() => undefined);
      errorsSeen = s !== undefined && s.acceptErrors > before.acceptErrors;
      await sleep(200);
    }
    t.comment(`accept errors ${errorsSeen ? 'were' : 'were not'} visible on /metrics while the descriptors were held`);
    const answered = clients.filter((c) => c.received === PROBE.length).length;
    t.ok(answered > 0, `the connections it accepted are served while it is out of descriptors (${answered} answered)`);
    const early = await within(svc.exited!, 0);
    t.equal(early, undefined, 'the service is still running while out of descriptors');
    if (early) {
      t.comment(svc.logs());
      return;
    }

    for (const c of clients) c.destroy();

    const healthDeadline = Date.now() + ms(5000);
    let health: number | string = '';
    while (health !== 200 && Date.now() < healthDeadline) {
      health = await httpGet(svc.metrics, '/healthz', ms(1000)).then(
        (r) => r.status,
        (e: NodeJS.ErrnoException) => e.code ?? e.message,
      );
      if (health !== 200) await sleep(100);
    }
    t.equal(health, 200, '/healthz answers 200 once the clients are gone');
    const counted = await settle(svc, (s) => s.acceptErrors > before.acceptErrors, ms(5000));
    t.ok(delta(before, counted).acceptErrors > 0, `iocp_tcp_accept_errors_total rose (by ${delta(before, counted).acceptErrors})`);

    // New clients are served again within a few seconds (the backlog is drained first).
    const started = Date.now();
    let fresh: Client[] = [];
    let lastFailure = '';
    while (Date.now() - started < ms(5000)) {
      const batch = await serveBatch(svc.tcp);
      if (typeof batch !== 'string') {
        fresh = batch;
        break;
      }
      lastFailure = batch;
      await sleep(100);
    }
    t.teardown(() => fresh.forEach((c) => c.destroy()));
    t.equal(fresh.length, AFTERWARDS, `${AFTERWARDS} new clients are served with correct echoes ${Date.now() - started} ms later`, {
      lastFailure,
    });
    for (const c of fresh) c.end();
    const rests = await Promise.all(fresh.map((c) => c.readToEnd(ms(10000)).then((r) => r.length, String)));
    t.same(rests, fresh.map(() => 0), 'each new client gets its EOF after its FIN');
    fresh.forEach((c) => c.destroy());

    const after = await settle(svc, (s) => s.active === before.active && invariantGap(s) === 0, ms(10000));
    t.equal(after.active, before.active, 'no connection is left active');
    assertInvariant(t, after, svc);
    t.equal(await within(svc.exited!, 0), undefined, 'the service is still running at the end');
  },
);
