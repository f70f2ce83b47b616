import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import t from 'tap';
import { Client } from '../../toolkit/client';
import { config, fixturePath, ms, needsOwnService, needsStopSignal, repoRoot, runCli, sleep, spawnService, within } from './fixtures/harness';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;
const ownService = needsOwnService('runs the command itself');

t.test('--version and -v print the version and exit 0', { skip: ownService }, async (t) => {
  for (const flag of ['--version', '-v']) {
    const run = await runCli([flag]);
    t.same({ code: run.code, stdout: run.stdout.trim() }, { code: 0, stdout: version }, flag);
  }
});

t.test('a --host that does not resolve exits 1 with one JSON line naming ENOTFOUND, without a stack', { skip: ownService }, async (t) => {
  const run = await runCli(['--host', 'no-such-host.invalid', '--port', '0', '--metrics-port', '0', '--backend', config.backend]);
  t.equal(run.code, 1);
  const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const failure = lines.find((l) => l.msg === 'cannot listen');
  t.equal(failure?.code, 'ENOTFOUND', 'the code is ENOTFOUND', { lines });
  t.notMatch(run.stdout, /"stack"/, 'no stack trace for an operator mistake');
});

t.test('a handler module with a syntax error exits 2 naming the file and the line', { skip: ownService }, async (t) => {
  const handler = fixturePath('handler-syntax-error.js');
  const run = await runCli(['--handler', handler, '--port', '0', '--metrics-port', '0']);
  t.equal(run.code, 2);
  t.match(run.stderr, /handler-syntax-error\.js:4/, 'stderr names file:line', { stderr: run.stderr });
});

t.test(
  'a second stop request during the drain closes what is left at once (cause shutdown) and exits 0',
  { skip: needsStopSignal(`sends ${config.stopSignal} twice`) },
  async (t) => {
    const svc = await spawnService(t, { drainTimeoutMs: 60000 });
    const client = await Client.connect(svc.tcp, ms(10000));
    t.teardown(() => client.destroy());
    t.equal((await client.roundtrip('still here', ms(10000))).toString(), 'still here');
    svc.child!.kill(config.stopSignal);
    const deadline = Date.now() + ms(10000);
    while (!svc.logLines().some((l) => l.msg === 'draining') && Date.now() < deadline) await sleep(50);
    const secondAt = Date.now();
    svc.child!.kill(config.stopSignal);
    const exit = await within(svc.exited!, ms(10000));
    t.same(exit, { code: 0, signal: null }, 'exit 0');
    t.ok(Date.now() - secondAt < ms(5000), `within seconds of the second request, not after the 60 s drain (${Date.now() - secondAt} ms)`);
    const stopped = svc.logLines().find((l) => l.msg === 'stopped') as { disconnects?: Record<string, number> } | undefined;
    t.equal(stopped?.disconnects?.shutdown, 1, 'the open connection was closed as shutdown');
    t.ok(svc.logLines().some((l) => l.msg === 'stop requested again: closing the remaining connections now'), 'it says so');
  },
);

t.test('--log-level debug logs each rejection and idle timeout that metrics only count', { skip: ownService }, async (t) => {
  const svc = await spawnService(t, { args: ['--log-level', 'debug', '--max-connections', '1', '--idle-timeout-ms', '300'] });
  const first = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => first.destroy());
  t.equal((await first.roundtrip('x', ms(5000))).toString(), 'x');
  const second = await Client.connect(svc.tcp, ms(10000)).catch(() => undefined);  // reset at once: may fail its connect
  second?.socket.on('error', () => {});
  const deadline = Date.now() + ms(5000);
  const find = (msg: string) => svc.logLines().find((line) => line.msg === msg);
  while (!(find('connection rejected') && find('connection closed: idle timeout')) && Date.now() < deadline) await sleep(50);
  const rejected = find('connection rejected');
  t.match(rejected, { level: 'debug', reason: 'max_connections', remoteAddress: '127.0.0.1' }, 'the rejection, with the peer');
  t.match(find('connection closed: idle timeout'), { level: 'debug', durationSeconds: Number }, 'the idle timeout');
  second?.destroy();
});

t.test('at the default log level none of those lines appear', { skip: ownService }, async (t) => {
  const svc = await spawnService(t, { args: ['--max-connections', '1', '--idle-timeout-ms', '300'] });
  const first = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => first.destroy());
  const second = await Client.connect(svc.tcp, ms(10000)).catch(() => undefined);
  second?.socket.on('error', () => {});
  await first.waitPeerClose(ms(5000));
  await sleep(200);
  t.same(svc.logLines().filter((line) => line.level === 'debug'), [], 'no debug lines');
  second?.destroy();
});
