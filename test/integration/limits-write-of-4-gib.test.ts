// One write() of 4 GiB (as large as a Buffer gets in Node 20) arrives whole.
// No send operation may ask the kernel for more than its length field holds:
// io_uring's is 32 bits (a remainder of exactly 2^32 became a send of 0 bytes,
// forever), Winsock's a ULONG with a 32-bit count of bytes done.
import net from 'node:net';
import t from 'tap';
import { patternedBytes } from '../../toolkit/client';
import { fixturePath, ms, needsOwnService, spawnService } from './fixtures/harness';
import { expectDelta, scrape } from './fixtures/metrics';

const SIZE = 2 ** 32;
const PATTERN = patternedBytes(251, 0x4242);
// The handler repeats PATTERN over the first and last EDGE bytes, zeros between.
const EDGE = 1024 * 1024;
const REPEATED = Buffer.alloc(EDGE + PATTERN.length).fill(PATTERN);
const ZEROS = Buffer.alloc(EDGE);

/** Whether `chunk`, found at `offset` of the payload, holds what the handler wrote there. */
function expected(chunk: Buffer, offset: number): boolean {
  for (let at = 0; at < chunk.length;) {
    const position = offset + at;
    const edge = position < EDGE || position >= SIZE - EDGE;
    const end = Math.min(chunk.length, at + (position < EDGE ? EDGE - position : position >= SIZE - EDGE ? SIZE - position : SIZE - EDGE - position));
    const want = edge ? REPEATED.subarray(position % PATTERN.length) : ZEROS;
    if (!chunk.subarray(at, end).equals(want.subarray(0, end - at))) return false;
    at = end;
  }
  return true;
}

t.test(
  `a single write() of ${SIZE} bytes reaches the peer whole, byte for byte, and is counted`,
  { skip: needsOwnService('handler module') },
  async (t) => {
    // A budget above the write: the budget is not what this is about.
    const svc = await spawnService(t, {
      handler: fixturePath('handler-write-huge.js'),
      args: ['--buffer-budget-bytes', String(2 * SIZE)],
    });
    const before = await scrape(svc);
    const request = Buffer.concat([Buffer.from(`send ${SIZE} ${PATTERN.length}\n`), PATTERN]);
    const outcome = await new Promise<{ received: number; wrongAt: number; eof: boolean; error?: string }>((resolve) => {
      const socket = net.connect(svc.tcp.port, svc.tcp.host, () => socket.write(request));
      let received = 0;
      let wrongAt = -1;
      const timer = setTimeout(() => finish(false, 'timed out'), ms(90000));
      const finish = (eof: boolean, error?: string) => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ received, wrongAt, eof, error });
      };
      socket.on('data', (chunk: Buffer) => {
        if (wrongAt < 0 && !expected(chunk, received)) wrongAt = received;
        received += chunk.length;
      });
      socket.on('end', () => finish(true));
      socket.on('error', (e: NodeJS.ErrnoException) => finish(false, e.code));
    });
    t.same(outcome, { received: SIZE, wrongAt: -1, eof: true, error: undefined }, `all ${SIZE} bytes arrived intact, then EOF`);
    await expectDelta(t, svc, before, { accepted: 1, received: request.length, sent: SIZE, causes: { local_close: 1 } }, ms(20000));
  },
);
