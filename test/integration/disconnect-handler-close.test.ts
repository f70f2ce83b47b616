import t from 'tap';
import { Client } from '../../toolkit/client';
import { fixturePath, ms, needsOwnService, spawnService } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

const handlerEnd = fixturePath('handler-end.js');
const handlerDestroy = fixturePath('handler-destroy.js');
const { REPLY } = require(handlerEnd) as { REPLY: string };
const REQUEST = 'hello handler\n';

t.test(
  "a handler that ends the connection is counted as local_close and the client gets the reply, then EOF",
  { skip: needsOwnService('custom handler') },
  async (t) => {
    const svc = await spawnService(t, { handler: handlerEnd });
    const before = await scrape(svc);

    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    await client.write(REQUEST);
    const reply = await client.readToEnd(ms(10000));
    t.equal(reply.toString(), REPLY, 'the client received the reply before EOF');
    t.equal(client.error, undefined, 'no socket error on the client');
    // The server ended first; finishing our side lets it complete the graceful close.
    client.end();
    const closed = await client.waitClosed(ms(10000));
    t.ok(closed.sawEof, 'the connection closed after the EOF');

    await expectDelta(t, svc, before, {
      accepted: 1,
      active: 0,
      received: Buffer.byteLength(REQUEST),
      sent: Buffer.byteLength(REPLY),
      causes: { local_close: 1 },
    });
  },
);

t.test(
  'a handler that destroys the connection is counted as local_abort and the client sees a reset or close',
  { skip: needsOwnService('custom handler') },
  async (t) => {
    const svc = await spawnService(t, { handler: handlerDestroy });
    const before = await scrape(svc);

    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    await client.write(REQUEST);
    // Stay quiet so the client keeps its socket until the server's abort reaches it.
    const closed = await client.waitPeerClose(ms(10000));
    t.ok(
      closed.errorCode === 'ECONNRESET' || (closed.sawEof && closed.errorCode === undefined),
      'the client saw a reset or an EOF',
      closed,
    );
    t.equal(client.received, 0, 'no data reached the client');
    client.destroy();

    await expectDelta(t, svc, before, {
      accepted: 1,
      active: 0,
      received: Buffer.byteLength(REQUEST),
      sent: 0,
      causes: { local_abort: 1 },
    });
  },
);

t.test(
  'a handler whose async listener rejects costs only its own connection: logged, the service keeps serving',
  { skip: needsOwnService('custom handler') },
  async (t) => {
    const svc = await spawnService(t, { handler: fixturePath('handler-async-reject.js') });
    const before = await scrape(svc);
    const bad = await Client.connect(svc.tcp, ms(10000));
    const good = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => [bad, good].forEach((c) => c.destroy()));
    await bad.write('boom');
    const closed = await bad.waitPeerClose(ms(10000));
    t.ok(closed.errorCode === 'ECONNRESET' || closed.sawEof, 'the failing connection is closed', closed);
    t.equal((await good.roundtrip('still here', ms(10000))).toString(), 'still here', 'the other client is served');
    t.equal(svc.child!.exitCode, null, 'the service is still running');
    const logged = svc.logLines().find((l) => l.msg === 'handler threw; connection destroyed');
    t.match(JSON.stringify(logged), 'async boom', 'one JSON log line names the error');
    good.end();
    await good.readToEnd(ms(10000));
    await expectDelta(t, svc, before, {
      accepted: 2, active: 0, received: 14, sent: 10, causes: { handler_error: 1, peer_fin: 1 },
    });
  },
);
