import t from 'tap';
import { Client } from '../../toolkit/client';
import { echoHandlers, echoService, ms, skipHandler, type Endpoint } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

const CLIENTS = 120;
const ROUNDS = 5;
const MESSAGE = 'areyouok';

interface Outcome {
  echoesRight: number;
  sawEof: boolean;
  extraBytes: number;
  error?: string;
}

/** One client: ROUNDS ping-pongs, then FIN, then read to the server's FIN. */
async function converse(ep: Endpoint): Promise<Outcome> {
  const out: Outcome = { echoesRight: 0, sawEof: false, extraBytes: 0 };
  let client: Client | undefined;
  try {
    client = await Client.connect(ep, ms(10000));
    for (let i = 0; i < ROUNDS; i++) {
      const echo = await client.roundtrip(MESSAGE, ms(10000));
      if (echo.toString('latin1') === MESSAGE) out.echoesRight++;
    }
    client.end();
    out.extraBytes = (await client.readToEnd(ms(10000))).length;
    out.sawEof = true;
  } catch (e) {
    out.error = (e as Error).message;
  } finally {
    client?.destroy();
  }
  return out;
}

for (const handler of echoHandlers) {
  t.test(
    `${CLIENTS} concurrent clients each get ${ROUNDS} echoes and an EOF after their FIN with the ${handler} handler`,
    { skip: skipHandler(handler) },
    async (t) => {
      const svc = await echoService(t, handler);
      const before = await scrape(svc);

      const outcomes = await Promise.all(Array.from({ length: CLIENTS }, () => converse(svc.tcp)));

      const errors = outcomes.filter((o) => o.error).map((o) => o.error);
      t.same(errors.slice(0, 5), [], 'no client failed', { failures: errors.length });
      t.equal(
        outcomes.reduce((a, o) => a + o.echoesRight, 0),
        CLIENTS * ROUNDS,
        'every echo came back byte for byte',
      );
      t.equal(outcomes.filter((o) => o.sawEof).length, CLIENTS, 'every client saw EOF after its FIN');
      t.equal(outcomes.reduce((a, o) => a + o.extraBytes, 0), 0, 'nothing arrived after the last echo');

      const bytes = CLIENTS * ROUNDS * Buffer.byteLength(MESSAGE);
      await expectDelta(t, svc, before, {
        accepted: CLIENTS,
        active: 0,
        received: bytes,
        sent: bytes,
        causes: { peer_fin: CLIENTS },
      });
    },
  );
}
