// Peers that send but never read, enough of them to hold more than the buffer
// budget: they stop their own connections, never the others. Over the budget
// only the connections holding buffered bytes stop reading; a connection that
// holds none (a new one, one whose echo went out) is served as ever; and when
// the total stays above the budget for --buffer-budget-grace-ms, the largest
// holders are reset (cause buffer_budget) until it is back under.
import t, { type Test } from 'tap';
import { Client, patternedBytes } from '../../toolkit/client';
import { echoHandlers, ms, needsOwnService, sleep, spawnService, type Service } from './fixtures/harness';
import { expectDelta, M, scrape, settle, value, type Snapshot } from './fixtures/metrics';

const BUDGET = 1024 * 1024;
// Each holds about its high-water mark (64 KiB) and more in send-queue
// buffers: together well above the budget.
const PEERS = 64;
const CHUNK = patternedBytes(64 * 1024, 0x77);
const PROMPT_MS = ms(1000);

/** Connects PEERS clients that push until the server stops reading them; resolves once it has. */
async function stallPeers(t: Test, svc: Service): Promise<Client[]> {
  const peers = await Promise.all(Array.from({ length: PEERS }, () => Client.connect(svc.tcp, ms(10000))));
  t.teardown(() => peers.forEach((p) => p.destroy()));
  for (const peer of peers) {
    peer.pauseReading();
    void peer.pushUntilStalled(() => CHUNK, { maxBytes: 256 * 1024 * 1024, tryMs: ms(60000), stallMs: ms(60000) });
  }
  let last: Snapshot | undefined;
  await settle(svc, (s) => {
    const still = last !== undefined && s.received === last.received && overBudgetBetween(last, s);
    last = s;
    return still;
  }, ms(20000));
  return peers;
}

/**
 * Whether the server was over its budget between two scrapes: its time over
 * the budget grew. (It stays over until the total is under 3/4 of the budget,
 * while what the paused holders send drains into the kernel.)
 */
const overBudgetBetween = (a: Snapshot, b: Snapshot) => value(b.exposition, M.overBudget) > value(a.exposition, M.overBudget);

/** Two scrapes a moment apart. */
async function overBudgetNow(svc: Service): Promise<{ over: boolean; buffered: number }> {
  const a = await scrape(svc);
  await sleep(ms(300));
  const b = await scrape(svc);
  return { over: overBudgetBetween(a, b), buffered: value(b.exposition, M.buffered) };
}

/** Round trips of a fresh client: each must come back within PROMPT_MS. */
async function freshClientServed(t: Test, svc: Service, what: string): Promise<void> {
  const fresh = await Client.connect(svc.tcp, ms(10000));
  const slowest = { ms: 0, error: '' };
  for (let i = 0; i < 10 && !slowest.error; i++) {
    const started = Date.now();
    const echo = await fresh.roundtrip(`ping ${i}\n`, ms(5000)).catch((e: Error) => e);
    if (echo instanceof Error || echo.toString() !== `ping ${i}\n`) slowest.error = String(echo);
    slowest.ms = Math.max(slowest.ms, Date.now() - started);
  }
  // A bulk echo too: a connection that holds bytes only while they pass through.
  const bulk = patternedBytes(1024 * 1024, 0x99);
  const echoed = await fresh.roundtrip(bulk, ms(10000)).catch((e: Error) => e);
  fresh.end();
  await fresh.readToEnd(ms(5000)).catch(() => undefined);
  fresh.destroy();
  t.equal(slowest.error, '', `${what}: a fresh client's 10 round trips were echoed`);
  t.ok(slowest.ms <= PROMPT_MS, `${what}: the slowest took ${slowest.ms} ms`);
  t.ok(!(echoed instanceof Error) && echoed.equals(bulk), `${what}: its 1 MiB echo came back whole`);
}

const underBudget = (s: Snapshot) => value(s.exposition, M.buffered) <= BUDGET;

for (const handler of echoHandlers) {
  t.test(
    `${PEERS} peers that never read hold the server over its budget, yet a fresh client is served at once (${handler})`,
    { skip: needsOwnService('--buffer-budget-bytes') },
    async (t) => {
      const svc = await spawnService(t, {
        handler,
        args: ['--buffer-budget-bytes', String(BUDGET), '--buffer-budget-grace-ms', '3600000', '--io-threads', '1'],
      });
      await stallPeers(t, svc);
      const stalled = await overBudgetNow(svc);
      t.ok(stalled.over, `the peers hold the server over its ${BUDGET}-byte budget (${stalled.buffered} bytes now)`);
      await freshClientServed(t, svc, 'over the budget');
      const later = await overBudgetNow(svc);
      t.ok(later.over, 'still over the budget afterwards');
      t.equal((await scrape(svc)).active, PEERS, 'the peers are still open: nothing was reset within the grace');
    },
  );
}

t.test(
  'connections accepted while over the budget are watched from the start: their resets and FINs are counted at once',
  { skip: needsOwnService('--buffer-budget-bytes') },
  async (t) => {
    const svc = await spawnService(t, {
      args: ['--buffer-budget-bytes', String(BUDGET), '--buffer-budget-grace-ms', '3600000', '--io-threads', '1'],
    });
    await stallPeers(t, svc);
    t.ok((await overBudgetNow(svc)).over, 'the server is over its budget');
    const before = await scrape(svc);
    const late = await Promise.all(Array.from({ length: 10 }, () => Client.connect(svc.tcp, ms(10000))));
    t.teardown(() => late.forEach((c) => c.destroy()));
    await settle(svc, (s) => s.active === PEERS + late.length);
    late.slice(0, 5).forEach((c) => c.reset());
    late.slice(5).forEach((c) => c.end());
    await expectDelta(t, svc, before, { accepted: 10, active: 0, causes: { peer_reset: 5, peer_fin: 5 } }, ms(3000));
  },
);

t.test(
  'over the budget past its grace, the largest holders are reset (cause buffer_budget) until the total is back under',
  { skip: needsOwnService('--buffer-budget-bytes') },
  async (t) => {
    const graceMs = 1000;
    const svc = await spawnService(t, {
      args: ['--buffer-budget-bytes', String(BUDGET), '--buffer-budget-grace-ms', String(graceMs), '--io-threads', '2'],
    });
    const before = await scrape(svc);
    await stallPeers(t, svc);
    const shed = await settle(svc, (s) => underBudget(s) && s.causes.buffer_budget - before.causes.buffer_budget > 0, ms(10000));
    const reset = shed.causes.buffer_budget - before.causes.buffer_budget;
    const kept = value(shed.exposition, M.buffered);
    t.ok(reset > 0 && reset < PEERS, `${reset} of the ${PEERS} peers were reset for the budget, the others kept`);
    t.ok(kept <= BUDGET, `what the rest hold is back under the budget (${kept} bytes)`);
    await freshClientServed(t, svc, 'after the resets');
    // The peers left still push: where the kernel takes more of their echo,
    // the server may read on, pass the budget again and reset more, later.
    const after = await scrape(svc);
    const resetInAll = after.causes.buffer_budget - before.causes.buffer_budget;
    t.ok(resetInAll < PEERS, `${resetInAll} reset in all: never every peer`);
    await expectDelta(t, svc, before, { accepted: PEERS + 1, active: PEERS - resetInAll, causes: { buffer_budget: resetInAll, peer_fin: 1 } });
  },
);
