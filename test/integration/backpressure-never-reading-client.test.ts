// A client that writes as fast as the server takes it and never reads its echo.
//
// What can be checked in bounded time: with backpressure the flow stops within
// the socket buffers on both sides plus the server's high-water mark (tens of
// MiB on loopback at most), so the client's writes stall after a few MiB;
// without it the server would swallow all of MAX_BYTES. So the client writes
// until its writes stall (no 'drain' for STALL_MS), MAX_BYTES are written, or
// TRY_MS pass. While it stalls, what the engine buffers must stay within
// BUFFERED_LIMIT (its high-water mark and a read), the native echo's resident
// memory within MEMORY_BUDGET of where it was (a JS handler's moves with its
// garbage collector; what JS keeps is tested with a forced collection in
// memory-kept-data-chunks), and the server must not read the connection any more. Then the client reads: since everything it wrote is bounded, the
// whole stream comes back and is compared byte for byte, which covers the
// prefix the server had accepted before pausing (and proves nothing was
// dropped when reading resumed).
import t from 'tap';
import { Client, firstDifference, patternedBytes } from '../../toolkit/client';
import { config, echoHandlers, echoService, ms, skipHandler, sleep, type Service } from './fixtures/harness';
import { expectDelta, M, scrape, value } from './fixtures/metrics';

const MAX_BYTES = 256 * 1024 * 1024;
const TRY_MS = ms(15000);
const STALL_MS = ms(2000);
const MEMORY_BUDGET = 16 * 1024 * 1024;
const BUFFERED_LIMIT = 4 * 64 * 1024;
const WARM_UP_CLIENTS = 4;
const PROMPT_MS = ms(1000);
const CHUNK = 64 * 1024;
/** The stream repeats a pattern of prime length, so a shifted or repeated chunk shows. */
const PERIOD = 65521;
const PATTERN = patternedBytes(PERIOD + CHUNK, 0x5eed);

/** The CHUNK bytes at stream offset `offset` (a multiple of CHUNK). */
const chunkAt = (offset: number) => PATTERN.subarray(offset % PERIOD, (offset % PERIOD) + CHUNK);

/** Write the stream, honouring 'drain', until the writes stall, MAX_BYTES, or TRY_MS. */
const pump = (client: Client) => client.pushUntilStalled(chunkAt, { maxBytes: MAX_BYTES, tryMs: TRY_MS, stallMs: STALL_MS });

/** Read `total` bytes a MiB at a time and compare each chunk with the stream; offset of the first wrong byte or -1. */
async function readBack(client: Client, total: number): Promise<number> {
  const STEP = 16 * CHUNK;
  for (let offset = 0; offset < total; offset += STEP) {
    const piece = await client.read(Math.min(STEP, total - offset), ms(30000));
    for (let i = 0; i < piece.length; i += CHUNK) {
      const diff = firstDifference(piece.subarray(i, i + CHUNK), chunkAt(offset + i));
      if (diff >= 0) return offset + i + diff;
    }
  }
  return -1;
}

/**
 * Bulk echoes on several connections at once, so that what the server
 * allocates once and keeps (io_uring's receive buffers on every I/O thread, the
 * JS heap's young generation) is already in the baseline. Bytes echoed, or a
 * description of what went wrong.
 */
async function warmUp(svc: Service): Promise<number | string> {
  const payload = patternedBytes(4 * 1024 * 1024, 0x3a3a);
  const clients = await Promise.all(Array.from({ length: WARM_UP_CLIENTS }, () => Client.connect(svc.tcp, ms(10000))));
  const echoes = await Promise.all(
    clients.map((c) => {
      c.socket.write(payload);
      c.end();
      return c.readToEnd(ms(30000)).finally(() => c.destroy());
    }),
  );
  const wrong = echoes.filter((e) => !e.equals(payload)).length;
  return wrong === 0 ? payload.length * clients.length : `${wrong} of ${clients.length} warm-up echoes wrong`;
}

/** Resident set size of the service and what its engine buffers, in bytes (NaN when a metric is missing). */
async function memory(svc: Service): Promise<{ resident: number; buffered: number }> {
  const { exposition } = await scrape(svc);
  return { resident: value(exposition, M.resident), buffered: value(exposition, M.buffered) };
}
const resident = async (svc: Service) => (await memory(svc)).resident;

for (const handler of echoHandlers) {
  t.test(
    `a client that never reads stalls against backpressure without growing the server's memory and others stay served with the ${handler} handler`,
    { skip: skipHandler(handler) },
    async (t) => {
      const svc = await echoService(t, handler);
      const before = await scrape(svc);
      const warmed = await warmUp(svc);
      if (typeof warmed === 'string') {
        t.fail(warmed);
        return;
      }
      const bystander = await Client.connect(svc.tcp, ms(10000));
      t.teardown(() => bystander.destroy());
      let bystanderBytes = 0;
      for (let i = 0; i < 5; i++) bystanderBytes += (await bystander.roundtrip(`warm ${i}\n`, ms(10000))).length;
      await resident(svc);
      const baseline = await resident(svc);
      t.ok(baseline > 0, `the service reports ${M.resident} (${baseline})`);

      const hog = await Client.connect(svc.tcp, ms(10000));
      t.teardown(() => hog.destroy());
      hog.pauseReading();

      // Meanwhile: the bystander keeps talking, and the server's memory is sampled.
      let stopTalking = false;
      let stopSampling = false;
      const latencies: number[] = [];
      const wrongEchoes: string[] = [];
      const talking = (async () => {
        for (let i = 0; !stopTalking; i++) {
          const msg = `meanwhile ${i}\n`;
          const sent = Date.now();
          try {
            const echo = (await bystander.roundtrip(msg, ms(10000))).toString();
            if (echo !== msg) wrongEchoes.push(echo);
            bystanderBytes += msg.length;
          } catch (e) {
            wrongEchoes.push((e as Error).message);
            return;
          }
          latencies.push(Date.now() - sent);
          await sleep(100);
        }
      })();
      let peak = baseline;
      let peakBuffered = 0;
      let samples = 0;
      const sampling = (async () => {
        while (!stopSampling) {
          const sample = await memory(svc).catch(() => ({ resident: NaN, buffered: NaN }));
          if (sample.resident > 0) {
            peak = Math.max(peak, sample.resident);
            peakBuffered = Math.max(peakBuffered, sample.buffered);
            samples++;
          }
          await sleep(200);
        }
      })();

      const pumped = await pump(hog);
      t.ok(pumped.stalled, `the never-reading client's writes stalled after ${pumped.written} bytes in ${pumped.ms} ms`);
      t.ok(pumped.written < MAX_BYTES, 'the server did not take everything the client had to send');

      // The server no longer reads the connection: with the other client quiet, its
      // received bytes stand still.
      stopTalking = true;
      await talking;
      const stalledAt = await scrape(svc);
      await sleep(ms(500));
      const stillStalled = await scrape(svc);
      const pending = hog.socket.writableLength;
      const serverUnsent = stillStalled.received - stillStalled.sent;
      t.comment(`while stalled the server held ${serverUnsent} bytes received but not sent (high-water mark 64 KiB)`);
      t.ok(
        pending > 0 && stillStalled.received === stalledAt.received,
        `the server stopped reading the never-reading client while it had ${pending} bytes queued`,
        { received: [stalledAt.received, stillStalled.received], serverUnsent },
      );

      stopSampling = true;
      await sampling;
      t.ok(samples >= 3, `the server's memory was sampled ${samples} times meanwhile`);
      t.ok(peakBuffered <= BUFFERED_LIMIT, `the engine buffered at most ${peakBuffered} bytes, within ${BUFFERED_LIMIT}`);
      if (config.sanitize || handler !== 'echo') {
        // ASan's quarantine keeps freed memory resident on purpose, and a JS
        // handler's moves with its garbage collector.
        t.comment(`resident memory grew by ${peak - baseline} bytes (not judged ${config.sanitize ? 'under the sanitizers' : 'for a JS handler'})`);
      } else {
        t.ok(peak - baseline <= MEMORY_BUDGET, `resident memory grew by ${peak - baseline} bytes, at most 16 MiB`, {
          baseline,
          peak,
          serverUnsent,
        });
      }
      t.same(wrongEchoes, [], 'every round trip of the other client meanwhile was echoed');
      t.ok(latencies.length >= 3, `the other client made ${latencies.length} round trips meanwhile`);
      const slowest = Math.max(...latencies);
      t.ok(slowest <= PROMPT_MS, `the slowest of them took ${slowest} ms`);

      // Now it reads: everything it wrote comes back, in order, then EOF after its FIN.
      hog.resumeReading();
      hog.end();
      const firstWrong = await readBack(hog, pumped.written).catch((e: Error) => e.message);
      t.equal(firstWrong, -1, `all ${pumped.written} bytes the client wrote came back intact`);
      t.equal((await hog.readToEnd(ms(10000))).length, 0, 'nothing more, then EOF after its FIN');
      hog.destroy();

      const after = Date.now();
      const echo = (await bystander.roundtrip('afterwards\n', ms(10000))).toString();
      const afterMs = Date.now() - after;
      t.equal(echo, 'afterwards\n', 'the other client is served afterwards');
      t.ok(afterMs <= PROMPT_MS, `promptly (${afterMs} ms)`);
      bystanderBytes += echo.length;
      bystander.end();
      t.equal((await bystander.readToEnd(ms(10000))).length, 0, 'the other client gets its EOF');
      bystander.destroy();

      await expectDelta(t, svc, before, {
        accepted: 2 + WARM_UP_CLIENTS,
        active: 0,
        received: warmed + pumped.written + bystanderBytes,
        sent: warmed + pumped.written + bystanderBytes,
        causes: { peer_fin: 2 + WARM_UP_CLIENTS },
      });
    },
  );
}
