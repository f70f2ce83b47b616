import t from 'tap';
import { Client, firstDifference, patternedBytes } from '../../toolkit/client';
import { ms, needsOwnService, spawnService } from './fixtures/harness';
import { M, scrape, settle, value } from './fixtures/metrics';

const BUDGET = 1024 * 1024;
// What a thread may take in past the budget before it hears of it: on
// io_uring, what its receive buffer ring (4 MiB) already holds for the
// connections it pauses; elsewhere one read (64 KiB) per connection.
const OVERSHOOT = 4 * 1024 * 1024;
const CLIENTS = 4;
const PAYLOAD = 16 * 1024 * 1024;  // well above what the kernel buffers of a connection hold

t.test(
  `with --buffer-budget-bytes ${BUDGET}, ${CLIENTS} clients that send ${PAYLOAD} bytes each and read nothing hold the server near its budget, and lose nothing`,
  { skip: needsOwnService('--buffer-budget-bytes') },
  async (t) => {
    // A per-connection mark above the payload: only the budget can stop the reads.
    const svc = await spawnService(t, {
      args: ['--buffer-budget-bytes', String(BUDGET), '--write-high-water-bytes', String(2 * PAYLOAD), '--io-threads', '1'],
    });
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(svc.tcp, ms(10000))));
    t.teardown(() => clients.forEach((c) => c.destroy()));
    const payloads = clients.map((_, i) => patternedBytes(PAYLOAD, i + 1));
    clients.forEach((c) => c.pauseReading());
    const writes = clients.map((c, i) => c.write(payloads[i]));

    // Until the server stops reading: the highest buffered value seen on the way.
    let highest = 0;
    let last = -1;
    const stalled = await settle(svc, (s) => {
      highest = Math.max(highest, value(s.exposition, M.buffered));
      const still = s.received === last;
      last = s.received;
      return still && s.received > 0;
    }, ms(20000));
    t.ok(stalled.received < CLIENTS * PAYLOAD, `the server stopped reading (${stalled.received} of ${CLIENTS * PAYLOAD} bytes read)`);
    t.ok(highest <= BUDGET + OVERSHOOT + 1024 * 1024, `buffered bytes stayed near the budget (at most ${highest})`);
    t.ok(value(stalled.exposition, M.overBudget) > 0, 'time over the budget is counted');

    clients.forEach((c) => c.resumeReading());
    await Promise.all(writes);
    clients.forEach((c) => c.end());
    const echoes = await Promise.all(clients.map((c) => c.readToEnd(ms(30000))));
    const wrong = echoes.map((e, i) => (e.length === PAYLOAD ? firstDifference(e, payloads[i]) : -2)).filter((d) => d !== -1);
    t.same(wrong, [], 'every client got its whole payload back, byte for byte, then EOF');
    const after = await settle(svc, (s) => value(s.exposition, M.buffered) === 0 && s.active === 0);
    t.equal(value(after.exposition, M.buffered), 0, 'nothing stays buffered');
    const overBefore = value(after.exposition, M.overBudget);
    const later = await scrape(svc);
    t.equal(value(later.exposition, M.overBudget), overBefore, 'the over-budget time stopped growing');
  },
);
