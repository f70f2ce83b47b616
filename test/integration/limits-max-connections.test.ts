import t from 'tap';
import { Client } from '../../toolkit/client';
import { ms, needsOwnService, sleep, spawnService, type Endpoint } from './fixtures/harness';
import { assertInvariant, delta, expectDelta, M, scrape, settle, value, type Snapshot } from './fixtures/metrics';

const LIMIT = 5;
const EXTRA = 3;

/** How a connection over the limit went: how it ended and how many bytes it got. */
interface OverLimit {
  /** ECONNRESET / EPIPE (reset), EOF (FIN), `connect <code>`, or `still open` (not rejected). */
  outcome: string;
  received: number;
}

/** Connect, send a probe, and wait for the server to drop the connection without an echo. */
async function connectOverLimit(ep: Endpoint): Promise<OverLimit> {
  let client: Client;
  try {
    client = await Client.connect(ep, ms(5000));
  } catch (e) {
    // A reset that beats node's connect event surfaces here.
    return { outcome: `connect ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, received: 0 };
  }
  try {
    // A served connection would echo this; a rejected one never reads it. A write that
    // meets the reset is reported through the socket's error, which the Client records.
    client.socket.write('over the limit?');
    const closed = await client.waitPeerClose(ms(5000));
    return { outcome: closed.errorCode ?? (closed.sawEof ? 'EOF' : 'closed'), received: client.received };
  } catch {
    return { outcome: 'still open', received: client.received };
  } finally {
    client.destroy();
  }
}

const isRejection = (o: OverLimit) =>
  o.received === 0 && ['ECONNRESET', 'EPIPE', 'EOF', 'connect ECONNRESET'].includes(o.outcome);

t.test(
  `with --max-connections ${LIMIT} the connections over the limit are reset and counted as rejected while the others are served`,
  { skip: needsOwnService('--max-connections') },
  async (t) => {
    const svc = await spawnService(t, { args: ['--max-connections', String(LIMIT)] });
    const before = await scrape(svc);
    t.equal(value(before.exposition, M.max), LIMIT, `${M.max} shows the limit`);
    const rejectedMax = (s: Snapshot) => value(s.exposition, M.rejected, { reason: 'max_connections' });

    const served = await Promise.all(Array.from({ length: LIMIT }, () => Client.connect(svc.tcp, ms(10000))));
    t.teardown(() => served.forEach((c) => c.destroy()));
    let bytes = 0;
    const roundtrips = async (tag: string) => {
      const echoes = await Promise.all(served.map((c, i) => c.roundtrip(`${tag} ${i}\n`, ms(10000))));
      bytes += echoes.reduce((a, e) => a + e.length, 0);
      return echoes.map(String);
    };
    t.same(await roundtrips('first'), served.map((_, i) => `first ${i}\n`), `all ${LIMIT} clients under the limit are served`);

    const over = await Promise.all(Array.from({ length: EXTRA }, () => connectOverLimit(svc.tcp)));
    t.ok(over.every(isRejection), `each of ${EXTRA} clients over the limit saw a reset or EOF and no echo`, { over });

    t.same(await roundtrips('still'), served.map((_, i) => `still ${i}\n`), 'the clients under the limit are still served');

    const mid = await settle(svc, (s) => {
      const d = delta(before, s);
      return d.accepted === LIMIT && d.active === LIMIT && rejectedMax(s) - rejectedMax(before) === EXTRA;
    });
    const dMid = delta(before, mid);
    t.equal(rejectedMax(mid) - rejectedMax(before), EXTRA, `rejected_total{reason="max_connections"} rose by ${EXTRA}`);
    t.equal(dMid.rejected, EXTRA, 'no other rejection reason moved');
    t.equal(dMid.accepted, LIMIT, `accepted_total rose by ${LIMIT} only: rejected connections are not accepted`);
    t.equal(dMid.active, LIMIT, `${LIMIT} connections are active`);
    assertInvariant(t, mid, svc);

    // One leaves; its slot frees once the server has closed it (accounting is asynchronous).
    const leaving = served.shift()!;
    leaving.end();
    t.equal((await leaving.readToEnd(ms(10000))).length, 0, 'the leaving client gets its EOF');
    leaving.destroy();

    let retriesRejected = 0;
    let newcomer: Client | undefined;
    const deadline = Date.now() + ms(3000);
    while (!newcomer && Date.now() < deadline) {
      const c = await Client.connect(svc.tcp, ms(5000)).catch(() => undefined);
      try {
        if (c && (await c.roundtrip('back in\n', ms(2000))).toString() === 'back in\n') newcomer = c;
      } catch {
        // reset: the server had not counted the leaving connection out yet
      }
      if (!newcomer) {
        c?.destroy();
        retriesRejected++;
        await sleep(50);
      }
    }
    t.ok(newcomer, `a new client is served after one left (${retriesRejected} attempts rejected first)`);
    if (newcomer) {
      served.push(newcomer);
      bytes += 'back in\n'.length;
    }

    for (const c of served) c.end();
    const rests = await Promise.all(served.map((c) => c.readToEnd(ms(10000)).then((r) => r.length, String)));
    t.same(rests, served.map(() => 0), 'every served client gets its EOF after its FIN');
    served.forEach((c) => c.destroy());

    const accepted = LIMIT + (newcomer ? 1 : 0);
    await expectDelta(t, svc, before, {
      accepted,
      active: 0,
      rejected: EXTRA + retriesRejected,
      received: bytes,
      sent: bytes,
      causes: { peer_fin: accepted },
    });
  },
);
