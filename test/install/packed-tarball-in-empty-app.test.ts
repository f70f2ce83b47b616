// The package as a user gets it: `npm pack` of a copy of the checkout (which
// builds dist/ through the prepare script, in the copy: the other test of this
// lane copies the checkout's dist/ meanwhile), then `npm install --omit=dev <tarball>` into an empty app
// from the registry, as `npm install iocp-tcp` would do. Then:
// - the install takes the prebuild (no compiler run), and `require('iocp-tcp')`
//   alone does not load prom-client;
// - the package's own command serves a CommonJS handler, exposes /metrics and
//   stops on SIGTERM with exit 0;
// - a strict TypeScript app (skipLibCheck false) compiles against the
//   installed typings: the README's first example as a CommonJS app, and one
//   that names the Connection type.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t from 'tap';

import { Client } from '../../toolkit/client';
import { scrape } from '../../toolkit/prometheus';
import { startService } from '../../toolkit/service';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; files: string[] };
const typesNodeVersion = JSON.parse(readFileSync(join(root, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version as string;

// The app runs as a user's would: nothing of this checkout's npm run
// (npm_config_*, a forced source build), of tap (NODE_OPTIONS loads its
// TypeScript loader into every node) or of the suite (IOCP_TCP_ADDON) may
// steer its install or what it loads.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) =>
  !/^(npm_|tap_|INIT_CWD$|NODE_OPTIONS$|IOCP_TCP_ADDON$)/i.test(name))) as NodeJS.ProcessEnv;

const work = mkdtempSync(join(tmpdir(), 'iocp-tcp-packed-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'iocp-tcp');

const run = (command: string, args: string[], cwd: string, timeout = 300_000): string =>
  execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: 'pipe', timeout });

t.before(() => {
  const checkout = join(work, 'checkout');
  // What the package publishes and what its prepare script needs; dist/ is what prepare builds.
  const sources = [...pkg.files.filter((entry) => !entry.startsWith('!') && entry !== 'dist'), 'package.json', 'tsconfig.json', 'README.md', 'LICENSE'];
  for (const entry of sources) cpSync(join(root, entry), join(checkout, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'));
  run('npm', ['pack', '--pack-destination', work], checkout);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  // @types/node: what any TypeScript app on Node has; this checkout's version.
  run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(work, tarball), `@types/node@${typesNodeVersion}`], app);
});

t.test('the install took the prebuild and the dependencies, and the library alone loads no prom-client', async (t) => {
  t.notOk(existsSync(join(installed, 'build')), 'no build/ folder: nothing was compiled');
  t.ok(existsSync(join(installed, 'prebuilds', `${process.platform}-${process.arch}`)), 'the prebuild for this platform is in the package');
  t.ok(existsSync(join(app, 'node_modules', 'prom-client', 'package.json')), 'prom-client came with it');
  const loaded = run(process.execPath, ['-e', `
    const { createServer } = require('iocp-tcp');
    createServer({ handler: 'echo' });
    process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((file) => file.includes('prom-client'))));
  `], app);
  t.same(JSON.parse(loaded), [], 'no prom-client module loaded');
});

t.test("the package's command serves a CommonJS handler and /metrics, and exits 0 on SIGTERM", async (t) => {
  writeFileSync(join(app, 'handler.js'), "module.exports = (conn) => conn.on('data', (data) => conn.write(`handled ${data}`));\n");
  const service = await startService({
    launch: [],  // the command npm linked, as npx runs it
    cli: join(app, 'node_modules', '.bin', 'iocp-tcp'),
    args: ['--handler', './handler.js'],
    cwd: app,
    env,
  });
  t.teardown(async () => {
    await service.stop('SIGKILL', 5_000);
    service.cleanup();
  });
  const client = await Client.connect(service.tcp, 10_000);
  await client.write('hi\n');
  t.equal(await client.readLine(10_000), 'handled hi', "the handler's reply");
  client.destroy();
  const metrics = await scrape(service);
  t.equal(metrics.accepted, 1, 'the connection is counted');
  t.equal(metrics.version, pkg.version, 'iocp_tcp_info has the version');
  t.equal(metrics.backend, service.ready.backend, 'and the backend that runs');
  t.same(await service.stop('SIGTERM', 15_000), { code: 0, signal: null }, 'SIGTERM: drained, exit 0');
});

t.test('a strict TypeScript app with skipLibCheck false compiles against the installed typings', async (t) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const firstExample = /## The API\n\n```ts\n([^]*?)```/.exec(readme)?.[1];
  t.ok(firstExample, "the README's first API example");
  writeFileSync(join(app, 'readme-example.ts'), firstExample ?? '');
  writeFileSync(join(app, 'connection-types.ts'), `
import { createServer, registerMetrics, type CloseInfo, type Connection } from 'iocp-tcp';
import { Registry } from 'prom-client';

function onConnection(conn: Connection): void {
  conn.setEncoding('utf8').on('data', (text) => conn.write(text.toUpperCase()));
  conn.on('close', (info: CloseInfo) => console.log(info.cause, conn.address().port));
}

const server = createServer({ maxConnections: 100 }, onConnection);
registerMetrics(new Registry(), server);
void server.listen(0, '127.0.0.1', () => console.log(server.address()));
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'],
    },
    files: ['readme-example.ts', 'connection-types.ts'],
  }));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', app], { cwd: app, env, encoding: 'utf8', timeout: 120_000 });
  t.equal(compiled.status, 0, 'tsc finds nothing to report (the app is CommonJS: no "type" in its package.json)', { output: compiled.stdout });
});
