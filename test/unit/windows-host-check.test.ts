// scripts/windows-host-check.mjs, the checks only a Windows host can make, and
// .github/workflows/windows.yml, which runs them: their plan as --dry-run
// prints it (which commands, with which tag, ports, timeouts and environment),
// the arguments it refuses, the comparison of two runs' results, the probe it
// loads each build with, and a workflow that holds no logic of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t, { type Test } from 'tap';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'windows-host-check.mjs');
const onWindows = process.platform === 'win32';

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the script (tap's loader kept out of it) and returns what it printed. */
function hostCheck(...args: string[]): Run {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const run = spawnSync(process.execPath, [script, ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The commands a dry run prints (lines starting with "$ "), without the "$ ". */
const commands = (run: Run) => run.stdout.split('\n').filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));

/** The checks a dry run prints ("  check: ..." lines), without the prefix. */
const checks = (run: Run) => run.stdout.split('\n').filter((l) => l.startsWith('  check: ')).map((l) => l.slice(9));

/** A temporary folder removed at teardown. */
function scratch(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'iocp-tcp-host-check-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const STEPS = ['setup', 'build', 'install-source', 'test-source', 'test-prebuild', 'compare', 'image', 'container-test', 'stop-test', 'collect', 'cleanup'];

t.test('--help lists every step and option and exits 0', async (t) => {
  const run = hostCheck('--help');
  t.equal(run.code, 0);
  for (const step of STEPS) t.match(run.stdout, new RegExp(`^  ${step} `, 'm'), `step ${step}`);
  for (const option of ['--dry-run', '--out', '--windows-tag', '--windows-build']) t.match(run.stdout, option);
});

t.test('unknown steps and options, missing values and no step at all exit 2 naming the problem', async (t) => {
  const cases: Array<[string[], string]> = [
    [['bogus', '--dry-run'], "unknown step 'bogus': the steps are setup, build,"],
    [['build', '--frobnicate'], 'unknown option --frobnicate'],
    [['build', '--out'], '--out needs a value'],
    [['build', '--out', '--dry-run'], '--out needs a value'],
    [['--dry-run'], 'name at least one step (or all)'],
    [['image', '--dry-run', '--windows-build', 'ltsc2022'], '--windows-build must be a build number'],
    [['image', '--windows-build', '20348'], "--windows-build only stands in for the host's Windows in a --dry-run"],
    [['image', '--dry-run', '--windows-build', '10240'], 'Windows build 10240 is older than every Windows Server Core image this checks'],
  ];
  for (const [args, message] of cases) {
    const run = hostCheck(...args);
    t.equal(run.code, 2, `${args.join(' ')}: exit 2`);
    t.match(run.stderr, message, `${args.join(' ')}: says why`);
    t.equal(run.stdout, '', `${args.join(' ')}: runs no step`);
  }
});

t.test('off Windows it refuses to run for real, and says that --dry-run shows the plan', { skip: onWindows ? 'this is Windows: the steps run for real here' : false }, async (t) => {
  for (const steps of [['build'], ['all'], ['image', 'cleanup']]) {
    const run = hostCheck(...steps);
    t.equal(run.code, 2, `${steps.join(' ')}: exit 2`);
    t.match(run.stderr, `only on Windows, and this is ${process.platform}`, `${steps.join(' ')}: says it needs Windows`);
    t.match(run.stderr, 'Add --dry-run to see what would run');
    t.equal(run.stdout, '', 'and runs nothing');
  }
  const image = hostCheck('image', '--dry-run');
  t.equal(image.code, 2, 'a dry run of the image off Windows needs to be told which Windows');
  t.match(image.stderr, 'needs --windows-build <n> or --windows-tag <tag>');
});

t.test('the image is built with the WINDOWS_TAG of the host\'s Windows release, or the one given', async (t) => {
  const cases: Array<[string[], string]> = [
    [['--windows-build', '20348'], 'ltsc2022'],
    [['--windows-build', '26100'], 'ltsc2025'],
    [['--windows-build', '17763'], 'ltsc2019'],
    [['--windows-build', '22631'], 'ltsc2022'],  // Windows 11: the newest Server image not newer than it
    [['--windows-tag', 'ltsc2025'], 'ltsc2025'],
    [['--windows-build', '20348', '--windows-tag', '10.0.20348.2966'], '10.0.20348.2966'],
  ];
  for (const [args, tag] of cases) {
    const run = hostCheck('image', '--dry-run', ...args);
    t.equal(run.code, 0, `${args.join(' ')}: exit 0`);
    t.ok(commands(run).includes(`docker build -f Dockerfile.windows --build-arg WINDOWS_TAG=${tag} -t iocp-tcp:host-check-${tag} .`),
      `${args.join(' ')}: docker build with WINDOWS_TAG=${tag}`);
    t.ok(commands(run).includes(`docker image inspect iocp-tcp:host-check-${tag}`), 'and inspects that image');
  }
  t.match(hostCheck('image', '--dry-run', '--windows-build', '22631').stdout, 'which Docker runs with Hyper-V isolation there',
    'a client Windows is told its isolation');
});

t.test('container-test: docker run with the ports, --stop-timeout 40, health, then the suite in target mode against 127.0.0.1', async (t) => {
  const run = hostCheck('container-test', '--dry-run', '--windows-build', '26100');
  t.equal(run.code, 0);
  const shown = commands(run);
  t.ok(shown.includes('docker run -d --name iocp-tcp-host-check --stop-timeout 40 -p 8090:8090 -p 9464:9464 iocp-tcp:host-check-ltsc2025'), 'docker run');
  t.ok(shown.some((c) => c.startsWith('docker inspect --format "{{json .State}}" iocp-tcp-host-check  (every 2 s until HEALTHCHECK reports healthy')),
    'waits for the HEALTHCHECK');
  for (const probe of ['reg query HKLM\\SYSTEM\\CurrentControlSet\\Control /v WaitToKillServiceTimeout',
    'reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\cexecsvc /v ProcessShutdownTimeoutSeconds',
    'node.exe --version', 'certutil -hashfile C:\\nodejs\\node.exe SHA256', 'tasklist /v /fo csv']) {
    t.ok(shown.includes(`docker exec iocp-tcp-host-check ${probe}`), `in the container: ${probe}`);
  }
  t.ok(shown.includes('IOCP_TCP_TEST_TARGET=127.0.0.1:8090 IOCP_TCP_TEST_METRICS=127.0.0.1:9464 IOCP_TCP_TEST_BACKEND=iocp ' +
    'IOCP_TCP_TEST_TIMEOUT_SCALE=2 node scripts/test-integration.mjs -- --output-dir=windows-host-check-output/tap-container'), 'the suite in target mode');
  for (const check of ['the build wrote WaitToKillServiceTimeout = 300000 ms', 'cexecsvc ProcessShutdownTimeoutSeconds = 300 s',
    'node.exe on the container\'s PATH is v22.23.3', "has the Dockerfile's NODE_SHA256", "the service's node.exe runs as ContainerUser",
    'the published ports answer on 127.0.0.1', 'backend iocp, version 0.1.0']) {
    t.ok(checks(run).some((c) => c.includes(check)), `checks: ${check}`);
  }
});

t.test('stop-test: docker stop while a client talks on; drain by CTRL_SHUTDOWN, replies intact, exit 0, timed against 40 s', async (t) => {
  const run = hostCheck('stop-test', '--dry-run');
  t.equal(run.code, 0, 'needs no Windows tag: the container is named, not the image');
  const shown = commands(run);
  t.ok(shown.some((c) => c.startsWith('docker stop iocp-tcp-host-check  (while the client below is mid-conversation')), 'docker stop, without --time');
  t.ok(shown.includes('docker inspect --format "{{.State.Status}} {{.Config.StopTimeout}}" iocp-tcp-host-check'), 'checks the stop timeout first');
  t.match(run.stdout, '3 echo rounds, then docker stop, then 14 more, one every 500 ms (7.0 s)');
  for (const check of ['every reply came back intact (17 rounds)', 'the drain started by CTRL_SHUTDOWN', 'the log shows "stopped"',
    'the container exited with code 0', 'less than 40 s (Docker did not kill it)']) {
    t.ok(checks(run).some((c) => c.includes(check)), `checks: ${check}`);
  }
});

t.test('test-source loads build/Release, test-prebuild the prebuild with PREBUILDS_ONLY=1; both keep raw TAP for compare', async (t) => {
  const run = hostCheck('test-source', 'test-prebuild', '--dry-run', '--out', 'elsewhere');
  t.equal(run.code, 0);
  const shown = commands(run);
  t.ok(shown.includes('node scripts/windows-host-probe.cjs'), 'source: the probe, with what node-gyp-build picks unforced');
  t.ok(shown.includes('IOCP_TCP_TEST_OUTPUT_DIR=elsewhere/tap-source node scripts/test.mjs'), 'source: npm test');
  t.ok(shown.includes('PREBUILDS_ONLY=1 node scripts/windows-host-probe.cjs'), 'prebuild: the probe');
  t.ok(shown.includes('PREBUILDS_ONLY=1 IOCP_TCP_TEST_OUTPUT_DIR=elsewhere/tap-prebuild node scripts/test.mjs'), 'prebuild: npm test');
  t.match(run.stdout, 'node-gyp-build picks build/Release/iocp_tcp.node');
  t.match(run.stdout, 'node-gyp-build picks prebuilds/win32-x64/iocp-tcp.node');
  t.match(run.stdout, "its SHA-256 is prebuilds/manifest.json's");
  t.match(run.stdout, 'TCP_KEEPCNT');
});

t.test('all --dry-run walks every step in order and touches nothing', async (t) => {
  const out = join(scratch(t), 'not-made');
  const run = hostCheck('all', '--dry-run', '--windows-build', '20348', '--out', out);
  t.equal(run.code, 0);
  const order = [...run.stdout.matchAll(/^== ([\w-]+):/gm)].map((m) => m[1]);
  t.same(order, STEPS.filter((s) => s !== 'collect'), 'every step but collect, in order');
  t.ok(commands(run).includes('npm ci --no-audit --no-fund'), 'setup: npm ci');
  t.ok(commands(run).includes('npm run build:native'), 'build: node-gyp rebuild');
  t.ok(commands(run).some((c) => c.startsWith('npm install --build-from-source --no-audit --no-fund ')), "install-source: the user's install");
  t.ok(commands(run).includes('docker rm -f iocp-tcp-host-check'), 'cleanup');
  t.match(run.stdout, /dry run: 10 steps, \d+ commands shown; nothing was run/);
  t.notOk(existsSync(out), 'no output folder was made');
});

/** Runs the parser of scripts/tap-results.mjs (an ES module) on `tap` in a child. */
function parseTap(tap: string): Record<string, { status: string; failed: string[]; reason?: string }> {
  const code = "import('./scripts/tap-results.mjs').then((m) => process.stdout.write(JSON.stringify(Object.fromEntries(m.parseTap(process.argv[1])))))";
  const run = spawnSync(process.execPath, ['-e', code, tap], { cwd: root, encoding: 'utf8' });
  return JSON.parse(run.stdout);
}

t.test('the raw TAP of a test file reads as one outcome per test, with its failed assertions', async (t) => {
  const tap = [
    'TAP version 14',
    '# Subtest: a peer reset \\# counted',
    '    ok 1 - should be equal',
    '    # Subtest: nested',
    '        not ok 1 - got 3 of 4 echoes',
    '          ---',
    '          ok 2 - not a point: inside the diagnostics',
    '          ...',
    '        1..1',
    '    not ok 2 - nested # time=3ms',
    '    1..2',
    'not ok 1 - a peer reset \\# counted # time=9ms',
    'ok 2 - needs its own service # SKIP IOCP_TCP_TEST_TARGET is set',
    'ok 3 - later # TODO not yet',
    '# Subtest: same title',
    '    1..0',
    'ok 4 - same title # time=1ms',
    '# Subtest: same title',
    '    1..0',
    'ok 5 - same title # time=1ms',
    '1..5',
  ].join('\r\n');
  t.same(parseTap(tap), {
    'a peer reset # counted > nested': { status: 'fail', failed: ['got 3 of 4 echoes'] },
    'a peer reset # counted': { status: 'fail', failed: [] },
    'needs its own service': { status: 'skip', failed: [], reason: 'IOCP_TCP_TEST_TARGET is set' },
    later: { status: 'todo', failed: [], reason: 'not yet' },
    'same title': { status: 'pass', failed: [] },
    'same title #2': { status: 'pass', failed: [] },
    '': { status: 'pass', failed: [] },
  });
  t.same(parseTap('TAP version 14\n# Subtest: cut short\n    ok 1 - fine\n')[''],
    { status: 'fail', failed: ['ended without a plan (the test process stopped early)'] }, 'a file that stopped early fails as a whole');
});

t.test('compare passes when both builds agree test by test and fails naming each test that differs', async (t) => {
  const out = scratch(t);
  const probe = { echo: true, backend: 'iocp', keepAliveProbes: 'accepted' };
  const tests = {
    'unit-iocp/test/unit/server.test.ts': { status: 'pass', failed: [] },
    'unit-iocp/test/unit/server.test.ts > echoes': { status: 'pass', failed: [] },
    'integration-iocp/test/integration/limits-idle-timeout.test.ts > idle': { status: 'fail', failed: ['timed out'] },
  };
  const write = (build: string, content: object) => writeFileSync(join(out, `results-${build}.json`), JSON.stringify({ build, probe, tests, ...content }));
  write('source', {});
  write('prebuild', {});
  const same = hostCheck('compare', '--out', out);
  t.equal(same.code, 0, same.stdout);
  t.match(same.stdout, 'ok   every test has the same outcome with the MSVC build as with the prebuild');
  t.match(same.stdout, 'both failed: integration-iocp/test/integration/limits-idle-timeout.test.ts > idle', 'failures of both are listed apart');
  t.match(same.stdout, /^checks: 3 passed, 0 failed$/m);

  write('prebuild', { tests: { ...tests, 'unit-iocp/test/unit/server.test.ts > echoes': { status: 'fail', failed: ['should be equal'] } } });
  const differ = hostCheck('compare', '--out', out);
  t.equal(differ.code, 1);
  t.match(differ.stdout, 'FAIL every test has the same outcome with the MSVC build as with the prebuild: 1 differ');
  t.match(differ.stdout, 'unit-iocp/test/unit/server.test.ts > echoes: source pass, prebuild fail (failed: should be equal)');
  t.ok(existsSync(join(out, 'compare.json')), 'the verdict is kept');

  rmSync(join(out, 'results-source.json'));
  const missing = hostCheck('compare', '--out', out);
  t.equal(missing.code, 1);
  t.match(missing.stdout, /missing .*results-source\.json: run test-source and test-prebuild first/);
});

t.test('the probe names the addon this node loaded and serves an echo with keepalive probes set', async (t) => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.IOCP_TCP_ADDON;
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'windows-host-probe.cjs')], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  t.same(report.loaded, [report.resolved], 'what node-gyp-build picks is the one .node file loaded');
  t.equal(report.echo.echoed, true, `the native echo answered on ${report.echo.backend}`);
  t.equal(report.keepAliveProbes.listened, true, 'listen() with keepAliveCount succeeded here');
  t.equal(spawnSync(process.execPath, [join(root, 'scripts', 'windows-host-probe.cjs'), '--bogus'], { encoding: 'utf8' }).status, 2, 'bad arguments: exit 2');
});

// The workflow: the script is its only logic, so the checks above are the workflow's.
const workflowFile = join(root, '.github', 'workflows', 'windows.yml');

interface Step { run?: string; uses?: string; if?: string; with?: Record<string, unknown> }
interface Job { 'runs-on': string; strategy: { matrix: Record<string, unknown[]> }; steps: Step[] }

t.test('the workflow runs the script\'s steps on windows-2022 and windows-2025 and nothing else of its own', async (t) => {
  const text = readFileSync(workflowFile, 'utf8');
  const { jobs } = parse(text) as { jobs: Record<string, Job> };
  t.same(Object.keys(jobs), ['host', 'container']);
  const stepsOf = (job: Job) => job.steps.flatMap((s) => (s.run?.startsWith('node scripts/windows-host-check.mjs ') ? [s.run.split(' ')[2]] : []));
  for (const [name, job] of Object.entries(jobs)) {
    t.equal(job['runs-on'], '${{ matrix.os }}', `${name}: runs on the matrix's os`);
    t.same(job.strategy.matrix.os, ['windows-2022', 'windows-2025'], `${name}: on Windows Server 2022 and 2025`);
    for (const step of job.steps) {
      if (step.run) {
        t.ok(step.run === 'git config --global core.autocrlf false' || /^node scripts\/windows-host-check\.mjs [\w-]+$/.test(step.run),
          `${name}: "${step.run}" is a step of the script (or keeps line endings)`);
      } else {
        t.match(step.uses, /^actions\/(checkout|setup-node|upload-artifact)@v\d+$/, `${name}: ${step.uses} is checkout, setup-node or upload-artifact`);
      }
    }
    for (const step of stepsOf(job)) t.ok(STEPS.includes(step), `${name}: ${step} is a step the script has`);
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    t.equal(upload?.with?.path, 'windows-host-check-output/', `${name}: uploads the script's default output folder`);
    t.equal(upload?.if, '${{ always() }}', `${name}: even after a failure`);
    // A property of matrix that the matrix lacks would run on no runner (or an empty one).
    const used = new Set([...JSON.stringify(job).matchAll(/matrix\.(\w+)/g)].map((m) => m[1]));
    for (const key of used) t.ok(key in job.strategy.matrix, `${name}: matrix.${key} is in its matrix`);
  }
  t.same(jobs.host.strategy.matrix.node, [20, 22, 24], 'host: Node 20, 22 and 24');
  t.same(stepsOf(jobs.host), ['setup', 'build', 'install-source', 'test-source', 'test-prebuild', 'compare']);
  t.same(stepsOf(jobs.container), ['setup', 'image', 'container-test', 'stop-test', 'collect', 'cleanup']);
  t.equal(jobs.container.steps.find((s) => s.run?.endsWith(' collect'))?.if, '${{ failure() }}', 'container: logs and inspect after a failure');
});
