import t from 'tap';
import { Client } from '../../toolkit/client';
import { echoService, ms } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

const CLIENTS = 10;

t.test('clients that abort with a RST after a round trip are counted as peer_reset and nothing else', async (t) => {
  const svc = await echoService(t);
  const before = await scrape(svc);

  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(svc.tcp, ms(10000))));
  t.teardown(() => clients.forEach((c) => c.destroy()));
  const echoes = await Promise.all(clients.map((c, i) => c.roundtrip(`reset-me-${i}`, ms(10000))));
  t.same(
    echoes.map((e) => e.toString()),
    clients.map((_, i) => `reset-me-${i}`),
    'every client got its echo before resetting',
  );

  const mid = await scrape(svc);
  t.equal(mid.active - before.active, CLIENTS, 'the connections are active before the reset');

  for (const c of clients) c.reset();

  const bytes = echoes.reduce((a, e) => a + e.length, 0);
  await expectDelta(t, svc, before, {
    accepted: CLIENTS,
    active: 0,
    received: bytes,
    sent: bytes,
    causes: { peer_reset: CLIENTS },
  });
});
