import { readFileSync, readdirSync } from 'node:fs';

import t from 'tap';
import { Client } from '../../toolkit/client';
import { config, echoHandlers, ms, needsOwnService, skipHandler, spawnService } from './fixtures/harness';
import { M, settle, value } from './fixtures/metrics';

const THREADS = 4;
const CLIENTS = 200;

// A JS handler has I/O threads of its own when it runs threaded (inline, the JS thread is the one).
for (const handler of echoHandlers) {
  t.test(
    `with --io-threads ${THREADS} the ${handler} handler's connections spread evenly over every I/O thread`,
    { skip: needsOwnService('--io-threads') || skipHandler(handler) },
    async (t) => {
      const mode = handler === 'echo' ? [] : ['--js-mode', 'threaded'];
      const svc = await spawnService(t, { handler, args: ['--io-threads', String(THREADS), ...mode] });
      const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(svc.tcp, ms(10000))));
      t.teardown(() => clients.forEach((c) => c.destroy()));
      const echoes = await Promise.all(clients.map((c, i) => c.roundtrip(`hello ${i}\n`, ms(10000))));
      t.same(echoes.map(String), clients.map((_, i) => `hello ${i}\n`), 'every client is served');

      const perThread = (s: Awaited<ReturnType<typeof settle>>) =>
        Array.from({ length: THREADS }, (_, i) => value(s.exposition, M.threadActive, { thread: String(i) }));
      const s = await settle(svc, (snap) => perThread(snap).reduce((a, b) => a + b, 0) === CLIENTS);
      const open = perThread(s);
      t.equal(open.reduce((a, b) => a + b, 0), CLIENTS, `the threads hold all ${CLIENTS} connections`, { open });
      const fair = CLIENTS / THREADS;
      t.ok(open.every((n) => n >= fair * 0.8 && n <= fair * 1.2), `each thread holds ${fair} ± 20 %`, { open });
      const accepted = Array.from({ length: THREADS }, (_, i) => value(s.exposition, M.threadAccepted, { thread: String(i) }));
      t.same(accepted, open, 'per-thread accepts match (no connection closed yet)');
    },
  );
}

// A native Linux service only: under Wine the pid is wine's, and Windows names
// threads with SetThreadDescription, which /proc does not show.
t.test(
  'the I/O threads are named iocp-tcp-io-N',
  { skip: needsOwnService('thread names') || (process.platform !== 'linux' || config.underWine ? 'Linux only' : false) },
  async (t) => {
    const svc = await spawnService(t, { args: ['--io-threads', '3'] });
    const task = `/proc/${svc.child!.pid}/task`;
    const names = readdirSync(task).map((tid) => readFileSync(`${task}/${tid}/comm`, 'utf8').trim());
    t.same(names.filter((n) => n.startsWith('iocp-tcp-io-')).sort(), ['iocp-tcp-io-0', 'iocp-tcp-io-1', 'iocp-tcp-io-2']);
  },
);
