import { EventEmitter } from 'node:events';

import { Registry } from 'prom-client';
import t from 'tap';

import type { DisconnectCause } from '../../src/connection';
import { DISCONNECT_CAUSES, METRIC_NAMES, VERSION, registerMetrics } from '../../src/metrics';
import type { ServerStats } from '../../src/server';

/** A stand-in for a Server: settable native totals, counts how often they are read. */
class FakeSource extends EventEmitter {
  reads = 0;
  maxConnections = 0;
  draining = false;
  backend: string | null = 'epoll';
  totals: ServerStats = {
    accepted: 0,
    acceptErrors: 0,
    rejected: { max_connections: 0 },
    receivedBytes: 0,
    sentBytes: 0,
    bufferedBytes: 0,
    overBudgetSeconds: 0,
    recvBuffersExhausted: 0,
    jsCalls: 0,
    jsEvents: 0,
    disconnects: Object.fromEntries(DISCONNECT_CAUSES.map((c) => [c, 0])) as Record<DisconnectCause, number>,
    threads: [],
  };

  stats(): ServerStats {
    this.reads++;
    return structuredClone(this.totals);
  }
}

/** Parses the text format into "name{labels}" -> value. */
function parse(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

function setup() {
  const registry = new Registry();
  const source = new FakeSource();
  registerMetrics(registry, source);
  const scrape = async () => parse(await registry.metrics());
  return { registry, source, scrape };
}

t.test('a fresh registry shows every contract series at zero, and the info gauge', async (t) => {
  const { scrape } = setup();
  const m = await scrape();
  for (const cause of DISCONNECT_CAUSES) t.equal(m.get(`${METRIC_NAMES.disconnects}{cause="${cause}"}`), 0, cause);
  t.equal(m.get(`${METRIC_NAMES.rejected}{reason="max_connections"}`), 0);
  for (const name of [METRIC_NAMES.accepted, METRIC_NAMES.acceptErrors, METRIC_NAMES.receivedBytes, METRIC_NAMES.sentBytes, METRIC_NAMES.active]) {
    t.equal(m.get(name), 0, name);
  }
  t.equal(m.get(`${METRIC_NAMES.info}{backend="epoll",version="${VERSION}"}`), 1, 'backend from the server, version of the package');
  t.equal(m.get(`${METRIC_NAMES.duration}_count`), 0);
  t.equal(m.get(METRIC_NAMES.max), 0, 'no connection limit');
  t.equal(m.get(METRIC_NAMES.draining), 0, 'not draining');
});

t.test('the limit and the draining state are read at each scrape', async (t) => {
  const { source, scrape } = setup();
  source.maxConnections = 500;
  source.draining = true;
  let m = await scrape();
  t.equal(m.get(METRIC_NAMES.max), 500);
  t.equal(m.get(METRIC_NAMES.draining), 1);
  source.draining = false;
  m = await scrape();
  t.equal(m.get(METRIC_NAMES.draining), 0);
});

t.test('counters follow the native totals across scrapes without counting twice', async (t) => {
  const { source, scrape } = setup();
  source.totals.accepted = 5;
  source.totals.receivedBytes = 100;
  source.totals.disconnects.peer_fin = 2;
  let m = await scrape();
  t.equal(m.get(METRIC_NAMES.accepted), 5);
  t.equal(m.get(METRIC_NAMES.receivedBytes), 100);
  m = await scrape();
  t.equal(m.get(METRIC_NAMES.accepted), 5, 'an unchanged total adds nothing');
  source.totals.accepted = 9;
  source.totals.sentBytes = 40;
  source.totals.disconnects.peer_reset = 1;
  m = await scrape();
  t.equal(m.get(METRIC_NAMES.accepted), 9);
  t.equal(m.get(METRIC_NAMES.sentBytes), 40);
  t.equal(m.get(`${METRIC_NAMES.disconnects}{cause="peer_fin"}`), 2);
  t.equal(m.get(`${METRIC_NAMES.disconnects}{cause="peer_reset"}`), 1);
});

t.test('active is accepted minus every disconnect, from the same snapshot', async (t) => {
  const { source, scrape } = setup();
  source.totals.accepted = 10;
  source.totals.disconnects.peer_fin = 3;
  source.totals.disconnects.local_abort = 2;
  source.totals.disconnects.shutdown = 1;
  const m = await scrape();
  t.equal(m.get(METRIC_NAMES.active), 4);
  const disconnects = DISCONNECT_CAUSES.reduce((sum, c) => sum + m.get(`${METRIC_NAMES.disconnects}{cause="${c}"}`)!, 0);
  t.equal(m.get(METRIC_NAMES.accepted)! - disconnects, m.get(METRIC_NAMES.active));
});

t.test('each I/O thread has its accepted counter and open gauge, from the first scrape that knows it', async (t) => {
  const { source, scrape } = setup();
  let m = await scrape();
  t.equal([...m.keys()].filter((k) => k.startsWith(METRIC_NAMES.threadAccepted)).length, 0, 'no thread before listen()');
  source.totals.threads = [{ accepted: 3, open: 1 }, { accepted: 0, open: 0 }];
  m = await scrape();
  t.equal(m.get(`${METRIC_NAMES.threadAccepted}{thread="0"}`), 3);
  t.equal(m.get(`${METRIC_NAMES.threadAccepted}{thread="1"}`), 0, 'an idle thread shows at 0');
  t.equal(m.get(`${METRIC_NAMES.threadActive}{thread="0"}`), 1);
  source.totals.threads = [{ accepted: 5, open: 0 }, { accepted: 2, open: 2 }];
  m = await scrape();
  t.equal(m.get(`${METRIC_NAMES.threadAccepted}{thread="0"}`), 5);
  t.equal(m.get(`${METRIC_NAMES.threadAccepted}{thread="1"}`), 2);
  t.equal(m.get(`${METRIC_NAMES.threadActive}{thread="0"}`), 0);
  t.equal(m.get(`${METRIC_NAMES.threadActive}{thread="1"}`), 2);
});

t.test('the engine is read once per scrape', async (t) => {
  const { source, scrape } = setup();
  const before = source.reads;
  await scrape();
  t.equal(source.reads, before + 1);
  await scrape();
  t.equal(source.reads, before + 2);
});

t.test('each disconnect event is observed in the duration histogram', async (t) => {
  const { source, scrape } = setup();
  source.emit('disconnect', 'peer_fin', 0.5);
  source.emit('disconnect', 'peer_reset', 20);
  const m = await scrape();
  t.equal(m.get(`${METRIC_NAMES.duration}_count`), 2);
  t.equal(m.get(`${METRIC_NAMES.duration}_sum`), 20.5);
  t.equal(m.get(`${METRIC_NAMES.duration}_bucket{le="1"}`), 1);
  t.equal(m.get(`${METRIC_NAMES.duration}_bucket{le="60"}`), 2);
});

t.test('the info gauge says none until the server runs a backend, then names it', async (t) => {
  const registry = new Registry();
  const source = new FakeSource();
  source.backend = null;
  registerMetrics(registry, source);
  let m = parse(await registry.metrics());
  t.equal(m.get(`${METRIC_NAMES.info}{backend="none",version="${VERSION}"}`), 1);
  source.backend = 'io_uring';
  m = parse(await registry.metrics());
  t.equal(m.get(`${METRIC_NAMES.info}{backend="io_uring",version="${VERSION}"}`), 1);
  t.equal(m.get(`${METRIC_NAMES.info}{backend="none",version="${VERSION}"}`), undefined, 'the old series is gone');
});

t.test('several named servers share one registry, each series labelled with its server', async (t) => {
  const registry = new Registry();
  const edge = new FakeSource();
  const admin = new FakeSource();
  registerMetrics(registry, edge, { server: 'edge' });
  registerMetrics(registry, admin, { server: 'admin' });
  edge.totals.accepted = 7;
  edge.totals.disconnects.peer_fin = 2;
  admin.totals.accepted = 1;
  admin.totals.threads = [{ accepted: 1, open: 1 }];
  edge.emit('disconnect', 'peer_fin', 0.5);
  let m = parse(await registry.metrics());
  t.equal(m.get(`${METRIC_NAMES.accepted}{server="edge"}`), 7);
  t.equal(m.get(`${METRIC_NAMES.accepted}{server="admin"}`), 1);
  t.equal(m.get(`${METRIC_NAMES.active}{server="edge"}`), 5);
  t.equal(m.get(`${METRIC_NAMES.disconnects}{server="edge",cause="peer_fin"}`), 2);
  t.equal(m.get(`${METRIC_NAMES.disconnects}{server="admin",cause="peer_fin"}`), 0, 'every cause of every server from the start');
  t.equal(m.get(`${METRIC_NAMES.threadActive}{server="admin",thread="0"}`), 1);
  t.equal(m.get(`${METRIC_NAMES.duration}_count{server="edge"}`), 1);
  t.equal(m.get(`${METRIC_NAMES.info}{server="admin",backend="epoll",version="${VERSION}"}`), 1);
  admin.totals.accepted = 4;
  m = parse(await registry.metrics());
  t.equal(m.get(`${METRIC_NAMES.accepted}{server="admin"}`), 4, 'each server\'s counters follow its own totals');
  t.equal(m.get(`${METRIC_NAMES.accepted}{server="edge"}`), 7);
});

t.test('a second server without a name, a repeated name or the same server twice is refused with the reason', async (t) => {
  const registry = new Registry();
  const first = new FakeSource();
  registerMetrics(registry, first);
  t.throws(() => registerMetrics(registry, new FakeSource()), { code: 'ERR_IOCP_TCP_INVALID_ARG', message: /give each \{ server: name \}/ });
  t.throws(() => registerMetrics(registry, first), { message: /already on this registry/ });
  const named = new Registry();
  registerMetrics(named, new FakeSource(), { server: 'a' });
  t.throws(() => registerMetrics(named, new FakeSource(), { server: 'a' }), { message: /a server named a is already/ });
  t.throws(() => registerMetrics(named, new FakeSource()), { message: /give each/ });
  t.throws(() => registerMetrics(new Registry(), new FakeSource(), { server: '' }), { message: /server must be a non-empty string/ });
});

t.test('a registry its owner cleared gets the metrics again', async (t) => {
  const registry = new Registry();
  registerMetrics(registry, new FakeSource());
  registry.clear();
  const source = new FakeSource();
  source.totals.accepted = 2;
  registerMetrics(registry, source);
  t.equal(parse(await registry.metrics()).get(METRIC_NAMES.accepted), 2);
});

t.test('the function registerMetrics returns takes that server off; the old four-argument call is refused', async (t) => {
  const registry = new Registry();
  const edge = new FakeSource();
  const admin = new FakeSource();
  const unregisterEdge = registerMetrics(registry, edge, { server: 'edge' });
  registerMetrics(registry, admin, { server: 'admin' });
  edge.totals.accepted = 3;
  let m = parse(await registry.metrics());
  t.equal(m.get(`${METRIC_NAMES.accepted}{server="edge"}`), 3);
  unregisterEdge();
  m = parse(await registry.metrics());
  t.equal([...m.keys()].filter((k) => k.includes('server="edge"')).length, 0, 'no edge series left');
  t.equal(m.get(`${METRIC_NAMES.accepted}{server="admin"}`), 0, 'admin still there');
  t.equal(edge.listenerCount('disconnect'), 0, 'the histogram stops listening');
  registerMetrics(registry, new FakeSource(), { server: 'edge' });  // the name is free again
  t.throws(() => registerMetrics(new Registry(), new FakeSource(), 'epoll' as never), { message: /backend and version now come from the server/ });
});
