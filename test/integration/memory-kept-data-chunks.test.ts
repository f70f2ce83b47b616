// A handler that keeps every 'data' Buffer (a parser holding partial frames,
// as node:net allows) must pin those bytes, not the receive memory they
// arrived in: a slow sender dripping one byte at a time, each in its own
// batch, once cost a 16 KiB receive block per byte kept.
import t from 'tap';
import { Client } from '../../toolkit/client';
import { residentBytes } from '../../toolkit/service';
import { config, fixturePath, ms, needsOwnService, spawnService, type Service } from './fixtures/harness';
import { M, scrape, value } from './fixtures/metrics';

const DRIPS = 2500;
// What 2500 one-byte Buffers and their objects keep is a few hundred KiB
// (measured: 1.1-1.8 MB of resident memory, with the heap's own growth); a
// 16 KiB receive block each (a page of it touched) was 13 MB.
const GROWTH_LIMIT = 4 * 1024 * 1024;

/** Resident memory of the service: its own metric, else (Wine, where prom-client has none) the process's. */
async function resident(svc: Service): Promise<number> {
  const reported = value((await scrape(svc)).exposition, M.resident);
  return reported > 0 ? reported : residentBytes(svc.child!.pid!);
}

t.test(
  `a handler that keeps each of ${DRIPS} one-byte 'data' Buffers grows the server by those bytes, not by a receive block each`,
  { skip: needsOwnService('handler module') },
  async (t) => {
    const svc = await spawnService(t, { handler: fixturePath('handler-keep-chunks.js') });
    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    const drip = async (n: number) => {
      for (let i = 0; i < n; i++) await client.roundtrip('x', ms(5000));
    };
    // Measured after a full garbage collection in the server (the handler's "G").
    const settled = async () => {
      t.equal((await client.roundtrip('G', ms(5000))).toString(), 'g', 'the server collected its garbage');
      return resident(svc);
    };
    await drip(DRIPS);  // what the server allocates once, the young generation at its working size
    const before = await settled();
    await drip(DRIPS);
    const after = await settled();
    const growth = after - before;
    t.comment(`resident memory: ${before} -> ${after} bytes (${Math.round(growth / DRIPS)} per byte kept)`);
    if (config.sanitize) {
      t.comment('not judged under the sanitizers (ASan keeps freed memory resident on purpose)');
    } else {
      t.ok(growth < GROWTH_LIMIT, `it grew by ${growth} bytes, less than ${GROWTH_LIMIT}`);
    }
  },
);
