import t from 'tap';
import { Client } from '../../toolkit/client';
import { fixturePath, ms, needsOwnService, sleep, spawnService } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

const IDLE_MS = 500;
/** The active client sends this often, well inside the timeout, for ACTIVE_FOR_MS. */
const EVERY_MS = 100;
const ACTIVE_FOR_MS = 1500;

t.test(
  `with --idle-timeout-ms ${IDLE_MS} a silent connection is reset after about that long and an active one is kept`,
  { skip: needsOwnService('--idle-timeout-ms') },
  async (t) => {
    const svc = await spawnService(t, { args: ['--idle-timeout-ms', String(IDLE_MS)] });
    const before = await scrape(svc);

    const silent = await Client.connect(svc.tcp, ms(10000));
    // The server's idle clock starts at its accept, which is after this.
    const silentSince = Date.now();
    t.teardown(() => silent.destroy());
    const active = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => active.destroy());

    const silentClosed = silent.waitPeerClose(IDLE_MS + ms(5000)).then((info) => ({ info, afterMs: Date.now() - silentSince }));

    let rounds = 0;
    let bytes = 0;
    let failure: string | undefined;
    const activeStart = Date.now();
    while (!failure && Date.now() - activeStart < ACTIVE_FOR_MS) {
      const msg = `tick ${rounds}\n`;
      try {
        const echo = await active.roundtrip(msg, ms(2000));
        if (echo.toString() !== msg) failure = `round ${rounds} echoed ${JSON.stringify(echo.toString())}`;
      } catch (e) {
        failure = `round ${rounds}: ${(e as Error).message}`;
      }
      rounds++;
      bytes += msg.length;
      await sleep(EVERY_MS);
    }
    const activeMs = Date.now() - activeStart;

    const { info, afterMs } = await silentClosed;
    t.equal(info.errorCode, 'ECONNRESET', 'the silent client was reset by the server', info);
    t.equal(silent.received, 0, 'the silent client got no data');
    t.ok(afterMs >= IDLE_MS - 50, `not before the idle timeout (${afterMs} ms)`);
    t.ok(afterMs < IDLE_MS + ms(1500), `soon after the idle timeout (${afterMs} ms)`);

    t.equal(failure, undefined, `every one of the active client's ${rounds} round trips was echoed`);
    t.ok(activeMs >= ACTIVE_FOR_MS, `the active client talked for ${activeMs} ms, three times the timeout`);
    t.notOk(active.ended || active.closed || active.error, 'the active client was not closed', {
      ended: active.ended,
      closed: active.closed,
      error: active.error?.code,
    });
    active.end();
    t.equal((await active.readToEnd(ms(10000))).length, 0, 'the active client gets its EOF after its FIN');
    active.destroy();

    await expectDelta(t, svc, before, {
      accepted: 2,
      active: 0,
      received: bytes,
      sent: bytes,
      causes: { idle_timeout: 1, peer_fin: 1 },
    });
  },
);

t.test(
  `with --idle-timeout-ms ${IDLE_MS} a connection the server streams to is kept while the peer only reads`,
  { skip: needsOwnService('--idle-timeout-ms and a handler module') },
  async (t) => {
    // The handler writes 16 KiB every 50 ms for 2 s, then ends: traffic goes one way only.
    const svc = await spawnService(t, { handler: fixturePath('handler-stream.js'), args: ['--idle-timeout-ms', String(IDLE_MS)] });
    const before = await scrape(svc);
    const reader = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => reader.destroy());
    const streamed = await reader.readToEnd(ms(10000)).catch((e: Error) => e);
    t.ok(!(streamed instanceof Error), 'the stream ended with the server\'s FIN, not a reset', { error: String(streamed) });
    t.equal(streamed instanceof Error ? 0 : streamed.length, 40 * 16 * 1024, 'all of it arrived, four times as long as the idle timeout');
    reader.end();
    reader.destroy();
    await expectDelta(t, svc, before, { accepted: 1, received: 0, sent: 40 * 16 * 1024, causes: { local_close: 1 } });
  },
);
