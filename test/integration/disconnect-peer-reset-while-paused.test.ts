import t from 'tap';
import { Client, patternedBytes } from '../../toolkit/client';
import { echoService, fixturePath, ms, needsOwnService, spawnService } from './fixtures/harness';
import { expectDelta, scrape, settle } from './fixtures/metrics';

// A reset must be seen while the server is not reading the connection, not
// only when it reads again or stops: within this time.
const NOTICED_WITHIN_MS = 3000;

t.test(
  'a peer reset on a connection the JS handler paused is counted as peer_reset at once',
  { skip: needsOwnService('custom handler') },
  async (t) => {
    const svc = await spawnService(t, { handler: fixturePath('handler-pause.js') });
    const before = await scrape(svc);
    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    await client.write('unread bytes');
    await settle(svc, (s) => s.active - before.active === 1);
    client.reset();
    await expectDelta(t, svc, before, { accepted: 1, active: 0, causes: { peer_reset: 1 } }, ms(NOTICED_WITHIN_MS));
  },
);

t.test('a peer reset on a connection the native echo stopped reading (above the high-water mark) is counted at once', async (t) => {
  const svc = await echoService(t);
  const before = await scrape(svc);
  const client = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => client.destroy());
  // Never read: the echo backs up until the server stops reading this connection.
  client.pauseReading();
  void client.write(patternedBytes(32 * 1024 * 1024)).catch(() => undefined);
  let last = before.received;
  await settle(svc, (s) => {
    const stalled = s.received > before.received && s.received === last;
    last = s.received;
    return stalled;
  });
  client.reset();
  await expectDelta(t, svc, before, { accepted: 1, active: 0, causes: { peer_reset: 1 } }, ms(NOTICED_WITHIN_MS));
});
