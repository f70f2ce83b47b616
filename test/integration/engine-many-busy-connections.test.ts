import t from 'tap';
import { Client } from '../../toolkit/client';
import { config, echoService, ms } from './fixtures/harness';
import { M, scrape, value } from './fixtures/metrics';

const CLIENTS = 1000;
const ROUNDS = 20;

t.test(
  `${CLIENTS} connections in ping-pong at once are served without running the receive buffers dry`,
  // Under Wine a thousand sockets crawl, and the ring is io_uring's (epoll counts 0).
  { skip: config.underWine ? 'under Wine: too slow for this load' : false },
  async (t) => {
    const svc = await echoService(t);
    const before = await scrape(svc);
    const clients: Client[] = [];
    t.teardown(() => clients.forEach((c) => c.destroy()));
    for (let i = 0; i < CLIENTS; i += 100) {
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => Client.connect(svc.tcp, ms(10000))))));
    }
    const message = 'x'.repeat(64);
    const rounds = await Promise.all(clients.map(async (c) => {
      let right = 0;
      for (let i = 0; i < ROUNDS; i++) if ((await c.roundtrip(message, ms(20000))).toString() === message) right++;
      return right;
    }));
    t.equal(rounds.reduce((a, b) => a + b, 0), CLIENTS * ROUNDS, 'every echo came back');
    const after = await scrape(svc);
    const exhausted = value(after.exposition, M.recvBuffersExhausted) - value(before.exposition, M.recvBuffersExhausted);
    // Running dry now and then is allowed; once per hundred messages is a ring too small for the load.
    t.ok(exhausted <= (CLIENTS * ROUNDS) / 100, `the buffer ring ran dry ${exhausted} times for ${CLIENTS * ROUNDS} messages`);
  },
);
