import t from 'tap';
import { Client } from '../../toolkit/client';
import { fixturePath, ms, needsOwnService, sleep, spawnService } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

// A handler that ends the connection while the peer is still sending must keep
// reading after its FIN, so the peer's FIN closes the connection at once
// instead of the server waiting out its 5 s close timeout.
t.test(
  'after the handler ends a connection the peer may keep sending, and its FIN closes it at once',
  { skip: needsOwnService('needs the handler-end fixture') },
  async (t) => {
    const svc = await spawnService(t, { handler: fixturePath('handler-end.js') });
    const before = await scrape(svc);
    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());

    await client.write('first');
    for (let i = 0; i < 10; i++) {
      await client.write(`more ${i}\n`);  // keeps arriving after the server's FIN
      await sleep(20);
    }
    const finAt = Date.now();
    client.end();
    const rest = await client.readToEnd(ms(10000));
    t.equal(rest.toString(), 'goodbye\n', 'the reply, then EOF');

    // local_close is counted when the connection is fully closed: well before
    // the 5 s timeout if the peer's FIN was read.
    await expectDelta(t, svc, before, { accepted: 1, active: 0, causes: { local_close: 1 } });
    const closedAfter = Date.now() - finAt;
    t.ok(closedAfter < ms(2500), `closed ${closedAfter} ms after the peer's FIN (the timeout is 5000 ms)`);
  },
);
