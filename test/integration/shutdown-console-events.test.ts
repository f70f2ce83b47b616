// The console control events Windows sends a console process: `docker stop`
// sends CTRL_SHUTDOWN, closing the console CTRL_CLOSE, a logoff CTRL_LOGOFF.
// Wine delivers only CTRL_C, so the service is started with
// IOCP_TCP_TEST_CONSOLE_EVENTS=1 and its handler module has the addon call the
// installed console handler from a new thread, as Windows does
// (test/fixtures/handler-console-events.js).
import t from 'tap';
import { Client } from '../../toolkit/client';
import { config, fixturePath, ms, needsOwnService, sleep, spawnService, within, type Service } from './fixtures/harness';

const onWindows = config.underWine || process.platform === 'win32';
const windowsOnly = needsOwnService('raises console events') ||
  (onWindows ? false : 'console control events exist on Windows only (the Windows lane runs these)');
const handler = fixturePath('handler-console-events.js');
const testEntry = { IOCP_TCP_TEST_CONSOLE_EVENTS: '1' };

/** Asks the fixture handler, on a connection of its own, to call the console handler with `event`. */
async function callConsoleHandler(control: Client, event: string): Promise<string> {
  await control.write(`CONSOLE-EVENT ${event}\n`);
  return control.readLine(ms(10000));
}

const linesNamed = (svc: Service, msg: string) => svc.logLines().filter((line) => line.msg === msg);

/**
 * CLIENTS echo conversations of ROUNDS rounds that stop after BEFORE rounds
 * until `go` resolves: every one is open, with rounds left, when the stop comes.
 * Resolves once all have reached that point; `done` with each one's outcome.
 */
async function conversations(svc: Service, go: Promise<void>) {
  const CLIENTS = 10;
  const ROUNDS = 6;
  const BEFORE = 2;
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(svc.tcp, ms(10000))));
  t.teardown(() => clients.forEach((c) => c.destroy()));
  const reached: Promise<void>[] = [];
  const done = clients.map((c, i) => {
    let reach = () => {};
    reached.push(new Promise<void>((r) => (reach = r)));
    return (async () => {
      let right = 0;
      try {
        for (let r = 0; r < ROUNDS; r++) {
          if (r === BEFORE) {
            reach();
            await go;
          }
          if (r > 0) await sleep(50);
          const msg = `client ${i} round ${r}\n`;
          if ((await c.roundtrip(msg, ms(10000))).toString() === msg) right++;
        }
      } finally {
        reach();
      }
      c.end();
      return { right, rest: (await c.readToEnd(ms(10000))).length };
    })().catch((err: Error) => err.message);
  });
  await Promise.all(reached);
  return { done: Promise.all(done), expected: clients.map(() => ({ right: ROUNDS, rest: 0 })) };
}

// CLOSE, LOGOFF and SHUTDOWN end the process as soon as the handler returns:
// it must not return while the drain runs. BREAK (like C) has no such limit.
const EVENTS = [
  { event: 'CTRL_SHUTDOWN', blocks: true },
  { event: 'CTRL_CLOSE', blocks: true },
  { event: 'CTRL_LOGOFF', blocks: true },
  { event: 'CTRL_BREAK', blocks: false },
];

for (const { event, blocks } of EVENTS) {
  t.test(`${event} drains conversations caught mid-way, then the process exits 0`, { skip: windowsOnly }, async (t) => {
    const svc = await spawnService(t, { handler, env: testEntry, drainTimeoutMs: 30000 });
    let go = () => {};
    const talks = await conversations(svc, new Promise<void>((r) => (go = r)));

    const control = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => control.destroy());
    t.equal(await callConsoleHandler(control, event), `called ${event}`, 'the handler was called');
    control.end();  // the control connection must not hold the drain
    go();

    t.same(await talks.done, talks.expected, 'every client finished all its rounds intact and got EOF after its own FIN');
    const exit = await within(svc.exited!, ms(20000));
    if (!exit) t.comment(svc.logs());
    t.same(exit, { code: 0, signal: null }, 'the process exits 0');

    const draining = linesNamed(svc, 'draining');
    t.same(draining.map((line) => line.signal), [event], `one drain, started by ${event}`);
    t.equal(linesNamed(svc, 'stopped').length, 1, 'the drain finished ("stopped")');
    const returned = linesNamed(svc, 'test: console handler returned');
    if (blocks) {
      t.same(returned, [], `the ${event} handler did not return: the drain ended the process first`);
    } else {
      t.same(returned.map((line) => line.returned), [true], `the ${event} handler returned TRUE (handled) at once`);
    }
  });
}

t.test('a second console event during the drain does not start a second drain', { skip: windowsOnly }, async (t) => {
  const svc = await spawnService(t, { handler, env: testEntry, drainTimeoutMs: 30000 });
  const holder = await Client.connect(svc.tcp, ms(10000));  // keeps the drain going
  t.teardown(() => holder.destroy());
  t.equal((await holder.roundtrip('still here\n', ms(10000))).toString(), 'still here\n', 'a client is served');
  const control = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => control.destroy());

  t.equal(await callConsoleHandler(control, 'CTRL_SHUTDOWN'), 'called CTRL_SHUTDOWN', 'the first event');
  const deadline = Date.now() + ms(10000);
  while (linesNamed(svc, 'draining').length === 0 && Date.now() < deadline) await sleep(20);
  t.equal(await callConsoleHandler(control, 'CTRL_CLOSE'), 'called CTRL_CLOSE', 'a second event while draining');

  const exit = await within(svc.exited!, ms(20000));
  if (!exit) t.comment(svc.logs());
  t.same(exit, { code: 0, signal: null }, 'the process exits 0');
  t.same(linesNamed(svc, 'draining').map((line) => line.signal), ['CTRL_SHUTDOWN'], 'one drain, by the first event');
  const again = svc.logLines().filter((line) => line.level === 'warn' && String(line.msg).startsWith('stop requested again'));
  t.same(again.map((line) => line.signal), ['CTRL_CLOSE'], 'the second event closed what was left at once instead');
  t.same(linesNamed(svc, 'test: console handler returned'), [], 'neither handler call returned before the exit');
});

t.test('the test entry does not exist unless IOCP_TCP_TEST_CONSOLE_EVENTS=1 was set at start', { skip: needsOwnService('its own handler') }, async (t) => {
  const svc = await spawnService(t, { handler });
  const control = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => control.destroy());
  t.equal(await callConsoleHandler(control, 'CTRL_SHUTDOWN'), 'unavailable', 'the handler module finds no test entry in the addon');
  const echo = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => echo.destroy());
  t.equal((await echo.roundtrip('hello\n', ms(10000))).toString(), 'hello\n', 'the service still serves');
  await sleep(ms(300));
  t.same(linesNamed(svc, 'draining'), [], 'no drain started');
  t.equal(svc.exited && (await within(svc.exited, 0)), undefined, 'the service is still running');
});

t.test('a drain timeout longer than Windows waits for a console stop is warned about at start', { skip: windowsOnly }, async (t) => {
  const warning = (svc: Service) => svc.logLines().find((line) => line.level === 'warn' && String(line.msg).startsWith('Windows ends the process'));
  const long = await spawnService(t, { drainTimeoutMs: 3_600_000 });
  // Written right after the 'listening' line the spawn waits for: under Wine it may come in a later read.
  for (const deadline = Date.now() + ms(5000); warning(long) === undefined && Date.now() < deadline;) await sleep(20);
  const warned = warning(long);
  t.equal(warned?.drainTimeoutMs, 3_600_000, 'a one-hour drain timeout is warned about, with its value');
  for (const event of ['CTRL_CLOSE', 'CTRL_LOGOFF', 'CTRL_SHUTDOWN']) {
    const limit = warned?.[event];
    t.ok(typeof limit === 'number' && limit > 0 && limit < 3_600_000, `with the limit of ${event} (${String(limit)} ms)`);
  }
  const short = await spawnService(t, { drainTimeoutMs: 1000 });
  t.equal(warning(short), undefined, 'a 1 s drain timeout is not (every limit is longer)');
});
