import { EventEmitter } from 'node:events';

import { Registry } from 'prom-client';
import t from 'tap';

import type { DisconnectCause } from '../../src/connection';
import { DISCONNECT_CAUSES, METRIC_NAMES, registerMetrics } from '../../src/metrics';
import type { ServerStats } from '../../src/server';

/** A stand-in for a Server: settable native totals, counts how often they are read. */
class FakeSource extends EventEmitter {
  reads = 0;
  maxConnections = 0;
  draining = false;
  totals: ServerStats = {
    accepted: 0,
    acceptErrors: 0,
    rejected: { max_connections: 0 },
    receivedBytes: 0,
    sentBytes: 0,
    bufferedBytes: 0,
    overBudgetSeconds: 0,
    recvBuffersExhausted: 0,
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
  registerMetrics(registry, source, 'epoll', '1.2.3');
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
  t.equal(m.get(`${METRIC_NAMES.info}{backend="epoll",version="1.2.3"}`), 1);
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
  const before = source.reads;  // registration reads once, to show the known series at 0
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
