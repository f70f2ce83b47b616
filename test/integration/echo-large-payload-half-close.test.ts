import t from 'tap';
import { Client, firstDifference, patternedBytes } from '../../toolkit/client';
import { echoHandlers, echoService, ms, skipHandler } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

const SIZE = 4 * 1024 * 1024;

for (const handler of echoHandlers) {
  t.test(
    `a 4 MiB payload written and half-closed at once comes back intact before the server's FIN with the ${handler} handler`,
    { skip: skipHandler(handler) },
    async (t) => {
      const svc = await echoService(t, handler);
      const payload = patternedBytes(SIZE, 0x1234567 + handler.length);
      const before = await scrape(svc);

      const client = await Client.connect(svc.tcp, ms(10000));
      t.teardown(() => client.destroy());
      // Write everything and FIN right away; the echo is read concurrently by the Client.
      client.socket.write(payload);
      client.end();
      const echoed = await client.readToEnd(ms(30000));

      t.equal(echoed.length, SIZE, 'every byte came back before EOF');
      t.equal(firstDifference(echoed, payload), -1, 'the echo is byte-identical to the payload');
      t.ok(client.ended, 'the server sent its FIN after the data');
      t.equal(client.error, undefined, 'no socket error on the client');
      client.destroy();

      await expectDelta(t, svc, before, {
        accepted: 1,
        active: 0,
        received: SIZE,
        sent: SIZE,
        causes: { peer_fin: 1 },
      });
    },
  );
}
