// Handler modules as the service loads them (--handler <path>): CommonJS and
// ES modules, each way of exporting the function; TypeScript where the
// service's Node strips types, and where it does not, a message that says how
// to compile it; and the modules that must exit 2.
import t, { type Test } from 'tap';

import { startProcess } from '../../toolkit/service';
import { Client } from '../../toolkit/client';
import { config, fixturePath, ms, needsOwnService, runCli, spawnService } from './fixtures/harness';

const ownService = needsOwnService('loads handler modules');

/** Starts the service with `file` as its handler and returns the reply to one line. */
async function replyOf(t: Test, file: string): Promise<string> {
  const svc = await spawnService(t, { handler: fixturePath(file) });
  const client = await Client.connect(svc.tcp, ms(10000));
  t.teardown(() => client.destroy());
  await client.write('hi\n');
  return client.readLine(ms(10000));
}

const LOADED: Array<[file: string, reply: string, what: string]> = [
  ['handler-end.js', 'goodbye', 'CommonJS, module.exports'],
  ['handler-cjs-named.cjs', 'cjs handler hi', 'CommonJS .cjs, exports.handler'],
  ['handler-compiled-default.js', 'compiled default hi', 'CommonJS as tsc emits export default (exports.default)'],
  ['handler-esm-default.mjs', 'esm default hi', 'ES module .mjs, export default after a top-level await'],
  ['handler-esm-named.mjs', 'esm handler hi', 'ES module .mjs, export function handler'],
  ['esm-package/handler.js', 'esm package hi', 'ES module .js under "type": "module"'],
];

for (const [file, reply, what] of LOADED) {
  t.test(`${what}: ${file} serves`, { skip: ownService }, async (t) => {
    t.equal(await replyOf(t, file), reply);
  });
}

const TYPESCRIPT: Array<[file: string, reply: string]> = [
  ['handler-typed.ts', 'typed ts hi'],
  ['handler-typed.cts', 'typed cts hi'],
  ['handler-typed.mts', 'typed mts hi'],
];

/** Whether the Node that runs the service strips TypeScript types (22.18+, 23.6+, or with the flag). */
async function serviceStripsTypes(): Promise<boolean> {
  const probe = await startProcess([...config.launch, '-p', 'Boolean(process.features.typescript)'], (out) => out.trim() || undefined);
  probe.cleanup();
  return probe.ready === 'true';
}

t.test('TypeScript handlers', { skip: ownService }, async (t) => {
  const strips = await serviceStripsTypes();
  t.test('run where Node strips types', { skip: !strips && "the service's Node does not strip types" }, async (t) => {
    for (const [file, reply] of TYPESCRIPT) t.equal(await replyOf(t, file), reply, file);
  });
  t.test('exit 2 saying how to compile them where Node does not', { skip: strips && "the service's Node strips types" }, async (t) => {
    for (const [file] of TYPESCRIPT) {
      const run = await runCli(['--handler', fixturePath(file), '--port', '0', '--metrics-port', '0']);
      t.equal(run.code, 2, `${file}: exit 2`);
      const said = new RegExp(`${file.replace(/\./g, '\\.')}: this Node \\(v[\\d.]+\\) cannot run TypeScript: compile it with tsc to \\.js, or use Node 22\\.18\\+ or 23\\.6\\+`);
      t.match(run.stderr, said, `${file}: says why and what to do`);
      t.notMatch(run.stdout, '"listening"', `${file}: before anything binds`);
    }
  });
});

t.test('an ES module with a syntax error exits 2 naming the file and the line', { skip: ownService }, async (t) => {
  const run = await runCli(['--handler', fixturePath('handler-esm-syntax-error.mjs'), '--port', '0', '--metrics-port', '0']);
  t.equal(run.code, 2);
  t.match(run.stderr, /handler-esm-syntax-error\.mjs:4/, 'stderr names file:line', { stderr: run.stderr });
});

t.test('a module that exports no function exits 2 saying so', { skip: ownService }, async (t) => {
  const run = await runCli(['--handler', fixturePath('handler-exports-nothing.mjs'), '--port', '0', '--metrics-port', '0']);
  t.equal(run.code, 2);
  t.match(run.stderr, /handler-exports-nothing\.mjs exports no function \(module\.exports, export default or handler\)/);
});
