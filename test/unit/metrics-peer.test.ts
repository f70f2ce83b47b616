/**
 * prom-client is a dependency whose range holds every major the package
 * supports, so that npm shares the app's own copy: the app's copy, of any
 * version in the range, is the one the package uses. Each tested version is put in
 * an app directory beside an installed copy of this package (dist/, as npm
 * would unpack it), then the app serves one connection, scrapes, and its
 * TypeScript calling registerMetrics() must compile against that version's
 * types.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t from 'tap';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Every major of the declared range, by the dev dependency that holds it.
const VERSIONS = [
  { major: 14, module: 'prom-client-14' },
  { major: 15, module: 'prom-client' },
];

const APP_JS = `
const net = require('node:net');
const { Registry, version } = { Registry: require('prom-client').Registry, version: require('prom-client/package.json').version };
const { createServer, registerMetrics } = require('iocp-tcp');
(async () => {
  const server = createServer({ handler: 'echo' });
  const { port } = await server.listen(0, '127.0.0.1');
  const registry = new Registry();
  registerMetrics(registry, server);
  await new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end('ping'));
    socket.on('data', () => {}).on('close', resolve).on('error', reject);
  });
  await server.close();
  const text = await registry.metrics();
  console.log(JSON.stringify({ version, text }));
})();
`;

const APP_TS = `
import { Registry } from 'prom-client';
import { createServer, registerMetrics } from 'iocp-tcp';
registerMetrics(new Registry(), createServer({ handler: 'echo' }), { server: 'edge' });
`;

function makeApp(module: string): string {
  const app = mkdtempSync(join(tmpdir(), 'iocp-tcp-peer-'));
  const modules = join(app, 'node_modules');
  const installed = join(modules, 'iocp-tcp');
  mkdirSync(installed, { recursive: true });
  cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true });
  writeFileSync(join(installed, 'package.json'), JSON.stringify({ ...pkg, scripts: {} }));
  // Junctions: a Windows host makes them without the symlink privilege (elsewhere the type is ignored).
  for (const dir of ['build', 'prebuilds']) {
    if (existsSync(join(root, dir))) symlinkSync(join(root, dir), join(installed, dir), 'junction');
  }
  symlinkSync(join(root, 'node_modules', module), join(modules, 'prom-client'), 'junction');
  for (const dep of ['node-gyp-build', '@types']) symlinkSync(join(root, 'node_modules', dep), join(modules, dep), 'junction');
  writeFileSync(join(app, 'app.js'), APP_JS);
  writeFileSync(join(app, 'app.ts'), APP_TS);
  return app;
}

t.test('the declared range covers every tested major', async (t) => {
  t.equal(pkg.dependencies['prom-client'], VERSIONS.map(({ major }) => `^${major}.0.0`).join(' || '));
  t.equal(pkg.peerDependencies, undefined, 'a dependency only: the command needs it installed');
});

for (const { major, module } of VERSIONS) {
  t.test(`with the app's prom-client ${major}`, async (t) => {
    const app = makeApp(module);
    t.teardown(() => rmSync(app, { recursive: true, force: true }));
    const out = execFileSync(process.execPath, ['app.js'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    const { version, text } = JSON.parse(out) as { version: string; text: string };
    t.equal(Number(version.split('.')[0]), major, `prom-client ${version} is the app's`);
    t.match(text, /^iocp_tcp_connections_accepted_total 1$/m, 'the connection is counted');
    t.match(text, /^iocp_tcp_disconnects_total\{cause="peer_fin"\} 1$/m);
    t.match(text, new RegExp(`^iocp_tcp_info\\{backend="\\w+",version="${pkg.version}"\\} 1$`, 'm'), 'backend and version inferred');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', 'app.ts'];
    t.doesNotThrow(() => execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8', stdio: 'pipe' }),
      'registerMetrics(registry, server) compiles against its types');
  });
}
