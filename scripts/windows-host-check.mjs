#!/usr/bin/env node
// What only a Windows host shows, checked on one: the addon built from source
// with MSVC and the suite against it and against the prebuild, compared test
// by test; the user's `npm install --build-from-source`; `docker build` of
// Dockerfile.windows, the container's health, settings, user and published
// ports, the suite against it, and `docker stop` with a client mid-conversation.
// .github/workflows/windows.yml runs it step by step on hosted runners; a
// person runs the same on their own machine (README "Checking on a Windows host").
//
// Each step prints every command it runs ("$ ...") and every check it makes
// ("ok" / "FAIL ... : why"); --dry-run prints them without running anything,
// on any OS. Logs, raw TAP and results go to the output folder.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { WINDOWS_RELEASES, cleanup, collect, containerTest, image, stopTest, targetWindows } from './host-check-container.mjs';
import { Context, StepAbort, UsageError, exitedZero, seconds, sha256 } from './host-check-runner.mjs';
import { root } from './lanes.mjs';
import { compareResults, readTapDir, tally } from './tap-results.mjs';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ADDON_SOURCE = join('build', 'Release', 'iocp_tcp.node');
const ADDON_PREBUILD = join('prebuilds', 'win32-x64', 'iocp-tcp.node');

const STEPS = {
  setup: { summary: 'npm ci and the TypeScript build (dist/)', run: setup },
  build: { summary: 'the addon from source with MSVC: node-gyp rebuild into build/Release', needs: ['setup'], run: build },
  'install-source': {
    summary: 'npm pack, then `npm install --build-from-source` of the tarball into an empty app, which must load its own MSVC build',
    needs: ['setup'], run: installSource,
  },
  'test-source': { summary: 'npm test (unit tests, integration suite) against build/Release', needs: ['build'], run: (ctx) => testBuild(ctx, 'source') },
  'test-prebuild': {
    summary: 'npm test against prebuilds/win32-x64, loaded as users get it (PREBUILDS_ONLY=1)', needs: ['setup'],
    run: (ctx) => testBuild(ctx, 'prebuild'),
  },
  compare: { summary: 'the results of test-source and test-prebuild, test by test: any difference fails', anyOs: true, run: compare },
  image: { summary: 'docker build -f Dockerfile.windows with the WINDOWS_TAG of this Windows', usesImage: true, run: image },
  'container-test': {
    summary: 'docker run; HEALTHCHECK healthy; what the build wrote; ContainerUser; ports on 127.0.0.1; the suite against it',
    needs: ['setup', 'image'], usesImage: true, run: containerTest,
  },
  'stop-test': {
    summary: 'docker stop with a client mid-conversation: replies intact, drain on CTRL_SHUTDOWN, exit 0, how long it took',
    needs: ['image'], run: stopTest,
  },
  collect: { summary: 'docker logs and docker inspect of the container, printed and kept (after a failure)', run: collect },
  cleanup: { summary: 'docker rm -f the container', run: cleanup },
};
const ALL = ['setup', 'build', 'install-source', 'test-source', 'test-prebuild', 'compare', 'image', 'container-test', 'stop-test', 'cleanup'];

const USAGE = `usage: node scripts/windows-host-check.mjs <step>... [--dry-run] [--out <dir>] [--windows-tag <tag>] [--windows-build <n>]

Runs on Windows (Docker in Windows-containers mode for the container steps,
Visual Studio with the C++ workload and Python 3 for the source builds).
Steps run in the order given; \`all\` is ${ALL.join(', ')}.

steps:
${Object.entries(STEPS).map(([name, step]) => `  ${name.padEnd(15)} ${step.summary}`).join('\n')}

options:
  --dry-run            print what each step would run and check; run nothing (any OS)
  --out <dir>          logs, raw TAP and results (default: windows-host-check-output)
  --windows-tag <tag>  base image tag (default: the host's Windows: ${WINDOWS_RELEASES.map((r) => `${r.tag} on build ${r.build}`).join(', ')})
  --windows-build <n>  with --dry-run: plan for this Windows build instead of the host's

Commands are shown as NAME=value command: the variable is set for that command only.
Exit status: 0 when every check passed, 1 when one failed, 2 for bad arguments.`;

/** Reads the command line into { steps, dryRun, out, windowsTag, windowsBuild, help }. */
function parseArgs(argv) {
  const opts = { steps: [], dryRun: false, out: 'windows-host-check-output', help: false };
  const valued = { '--out': 'out', '--windows-tag': 'windowsTag', '--windows-build': 'windowsBuild' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') opts.help = true;
    else if (arg === '--dry-run') opts.dryRun = true;
    else if (arg.startsWith('-')) {
      const [flag, inline] = arg.split(/=(.*)/s, 2);
      if (!valued[flag]) throw new UsageError(`unknown option ${flag}`);
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      opts[valued[flag]] = value;
    } else if (arg === 'all') opts.steps.push(...ALL);
    else if (STEPS[arg]) opts.steps.push(arg);
    else throw new UsageError(`unknown step '${arg}': the steps are ${Object.keys(STEPS).join(', ')} and all`);
  }
  if (opts.help) return opts;
  if (opts.steps.length === 0) throw new UsageError('name at least one step (or all)');
  if (opts.windowsBuild !== undefined) {
    if (!opts.dryRun) throw new UsageError("--windows-build only stands in for the host's Windows in a --dry-run");
    if (!/^\d+$/.test(opts.windowsBuild)) throw new UsageError(`--windows-build must be a build number such as 20348, got ${opts.windowsBuild}`);
    opts.windowsBuild = Number(opts.windowsBuild);
  }
  if (opts.windowsTag !== undefined && !/^[\w][\w.-]*$/.test(opts.windowsTag)) throw new UsageError(`--windows-tag is not a tag: ${opts.windowsTag}`);
  return opts;
}

// ---- the steps: host --------------------------------------------------------

async function setup(ctx) {
  ctx.say(`node ${process.version} (${ctx.show(process.execPath)}), ${process.platform} ${process.arch}${process.platform === 'win32' ? `, Windows ${release()}` : ''}`);
  ctx.warn('package.json has the line endings it was committed with (LF); some tests read files as text', () =>
    !readFileSync(join(root, 'package.json'), 'utf8').includes('\r\n') ||
      'this checkout converted them (core.autocrlf): to rule that out, clone again with git -c core.autocrlf=false clone ...');
  const builtBefore = existsSync(join(root, 'build'));
  const install = await ctx.run('npm', ['ci', '--no-audit', '--no-fund'], {
    timeoutMs: 30 * 60_000, note: 'the install script keeps prebuilds/win32-x64 when it loads, else builds from source',
  });
  ctx.require('npm ci exits 0', () => exitedZero(install, 'npm ci'));
  ctx.check('npm ci took the prebuild: it compiled nothing (no build/ appeared)', () => {
    if (builtBefore) return { ok: true, detail: 'build/ was there before: not judged' };
    const compiled = existsSync(join(root, 'build'));
    return { ok: !compiled, detail: compiled ? 'prebuilds/win32-x64 did not load in this node, so npm ci compiled the addon: see its output above' : '' };
  });
  const tsc = await ctx.run('npm', ['run', 'build']);
  ctx.require('npm run build (tsc) exits 0 and leaves dist/cli.js', () => exitedZero(tsc, 'tsc').ok && existsSync(join(root, 'dist', 'cli.js')));
}

async function build(ctx) {
  const gyp = await ctx.run('npm', ['run', 'build:native'], {
    timeoutMs: 30 * 60_000, note: "node-gyp finds Visual Studio (C++ workload) and Python itself; MSVC compiles binding.gyp's sources",
  });
  ctx.require('node-gyp rebuild exits 0', () => exitedZero(gyp, 'node-gyp rebuild'));
  ctx.require(`${ADDON_SOURCE.replaceAll('\\', '/')} exists`, () => existsSync(join(root, ADDON_SOURCE)));
  await ctx.act(`keep a copy in ${ctx.show(ctx.outPath('msvc'))} and list MSVC's warnings in msvc/warnings.txt`, () => {
    mkdirSync(ctx.outPath('msvc'), { recursive: true });
    copyFileSync(join(root, ADDON_SOURCE), ctx.outPath('msvc', 'iocp_tcp.node'));
    const warnings = [...new Set(gyp.stdout.split(/\r?\n/).filter((line) => /\bwarning [A-Z]+\d{4}\b/.test(line)).map((l) => l.trim()))];
    writeFileSync(ctx.outPath('msvc', 'warnings.txt'), warnings.join('\n'));
    ctx.record = { addon: ADDON_SOURCE, sha256: sha256(join(root, ADDON_SOURCE)), warnings: warnings.length, ms: gyp.ms };
    ctx.say(`   ${warnings.length} distinct compiler warnings; sha256 ${ctx.record.sha256}; built in ${seconds(gyp.ms)}`);
  });
}

/** The probe's report (scripts/windows-host-probe.cjs), checked: which file loaded, echo, keepalive probes. */
async function probe(ctx, { env = {}, cwd = root, app, expected }) {
  const args = [join(root, 'scripts', 'windows-host-probe.cjs'), ...(app ? ['--app', app] : [])];
  const result = await ctx.run(process.execPath, args, { env, cwd, echo: false, timeoutMs: 60_000 });
  let report = {};
  ctx.require('the probe ran and reported', () => {
    report = JSON.parse(result.stdout.trim().split(/\r?\n/).at(-1));
    return { ok: result.code === 0, detail: result.stderr.trim() };
  });
  const expectedPath = () => (app ? join(app, 'node_modules', 'iocp-tcp', ADDON_SOURCE) : join(root, expected));
  ctx.check(`node-gyp-build picks ${app ? 'the installed package\'s ' : ''}${expected.replaceAll('\\', '/')}, and it is the .node file the process loaded`, () => ({
    ok: !report.loadError && samePath(report.resolved, expectedPath()) && report.loaded?.length === 1 && samePath(report.loaded[0], expectedPath()),
    detail: JSON.stringify({ resolved: report.resolved, loaded: report.loaded, loadError: report.loadError }),
  }));
  ctx.check('a native echo listens on backend iocp and answers a line intact', () => ({
    ok: report.echo?.listened && report.echo.backend === 'iocp' && report.echo.echoed, detail: JSON.stringify(report.echo),
  }));
  ctx.check('listen() with keepalive probes set succeeds (TCP_KEEPCNT: Windows 10 1703 / Server 2019 and later)', () => ({
    ok: report.keepAliveProbes?.listened && report.keepAliveProbes.echoed, detail: JSON.stringify(report.keepAliveProbes),
  }));
  return report;
}

/** Whether two paths name one file (Windows: whatever the case, and long names for 8.3 ones such as RUNNER~1). */
function samePath(a, b) {
  const canonical = (path) => {
    try {
      return realpathSync.native(path).toLowerCase();
    } catch {
      return resolve(path).toLowerCase();
    }
  };
  return typeof a === 'string' && canonical(a) === canonical(b);
}

async function installSource(ctx) {
  const packDir = ctx.outPath('install-source');
  const tarball = join(packDir, `${pkg.name}-${pkg.version}.tgz`);
  await ctx.act(`empty ${ctx.show(packDir)}`, () => rmSync(packDir, { recursive: true, force: true }));
  const pack = await ctx.run('npm', ['pack', '--pack-destination', packDir], { note: 'the prepare script compiles dist/ first' });
  ctx.require(`npm pack leaves ${ctx.show(tarball)}`, () => exitedZero(pack, 'npm pack').ok && existsSync(tarball));
  const app = ctx.dry ? join(tmpdir(), 'iocp-tcp-app-XXXXXX') : mkdtempSync(join(tmpdir(), 'iocp-tcp-app-'));
  await ctx.act(`an empty app in ${app} (a package.json, nothing else)`, () =>
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true })));
  const install = await ctx.run('npm', ['install', '--build-from-source', '--no-audit', '--no-fund', tarball], {
    cwd: app, unset: /^npm_/i, timeoutMs: 30 * 60_000,
    note: "as a user's shell runs it (no npm_* variables of this one): node-gyp-build skips the prebuild and runs node-gyp rebuild with MSVC",
  });
  ctx.require('npm install --build-from-source exits 0', () => exitedZero(install, 'npm install'));
  ctx.check(`the install compiled the addon: node_modules/iocp-tcp/${ADDON_SOURCE.replaceAll('\\', '/')} exists`, () =>
    existsSync(join(app, 'node_modules', 'iocp-tcp', ADDON_SOURCE)));
  ctx.record.probe = await probe(ctx, { cwd: app, app, expected: ADDON_SOURCE });
  await ctx.act(`remove ${app}`, () => rmSync(app, { recursive: true, force: true }));
}

async function testBuild(ctx, which) {
  const env = which === 'prebuild' ? { PREBUILDS_ONLY: '1' } : {};
  const expected = which === 'prebuild' ? ADDON_PREBUILD : ADDON_SOURCE;
  if (which === 'source') ctx.require(`${ADDON_SOURCE.replaceAll('\\', '/')} is there (the build step makes it)`, () => existsSync(join(root, ADDON_SOURCE)));
  const report = await probe(ctx, { env, expected });
  if (which === 'prebuild') {
    ctx.check("the prebuild is the committed binary: its SHA-256 is prebuilds/manifest.json's", () => {
      const manifest = JSON.parse(readFileSync(join(root, 'prebuilds', 'manifest.json'), 'utf8'));
      const actual = sha256(join(root, ADDON_PREBUILD));
      return { ok: manifest.files['win32-x64/iocp-tcp.node'] === actual, detail: actual };
    });
  }
  const tapDir = ctx.outPath(`tap-${which}`);
  await ctx.act(`empty ${ctx.show(tapDir)}`, () => rmSync(tapDir, { recursive: true, force: true }));
  const run = await ctx.run(process.execPath, [join(root, 'scripts', 'test.mjs')], {
    env: { ...env, IOCP_TCP_TEST_OUTPUT_DIR: tapDir }, timeoutMs: 90 * 60_000, capture: false,
    note: 'npm test: compile, unit tests, JS API tests with JS handlers threaded, the integration suite inline and threaded; backend iocp',
  });
  await ctx.act(`read the raw TAP into ${ctx.show(ctx.outPath(`results-${which}.json`))}`, () => {
    const results = readTapDir(tapDir);
    const counts = tally(results);
    ctx.save(`results-${which}.json`, { build: which, addon: expected, exitCode: run.code, probe: probeSummary(report), counts, tests: results });
    ctx.record = { counts, exitCode: run.code, ms: run.ms };
    ctx.say(`   ${counts.tests} tests: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped, ${counts.todo} todo`);
    const failed = Object.entries(results).filter(([, r]) => r.status === 'fail');
    for (const [test, r] of failed) ctx.say(`   failed: ${test}${r.failed.length ? ` (${r.failed.join('; ')})` : ''}`);
  });
  ctx.check('npm test exits 0', () => exitedZero(run, 'npm test'));
}

/** What of the probe's report both builds must agree on. */
const probeSummary = (report) => ({
  echo: Boolean(report.echo?.listened && report.echo.echoed), backend: report.echo?.backend,
  keepAliveProbes: report.keepAliveProbes?.listened ? 'accepted' : report.keepAliveProbes?.syscall ?? 'failed',
});

async function compare(ctx) {
  const [source, prebuild] = ['source', 'prebuild'].map((which) => ctx.outPath(`results-${which}.json`));
  ctx.say(`compares ${ctx.show(source)} with ${ctx.show(prebuild)} (written by test-source and test-prebuild)`);
  const runs = {};
  ctx.require('both runs left their results', () => {
    const missing = [source, prebuild].filter((file) => !existsSync(file));
    for (const file of [source, prebuild].filter((f) => existsSync(f))) runs[file] = JSON.parse(readFileSync(file, 'utf8'));
    return { ok: missing.length === 0, detail: missing.length ? `missing ${missing.map((f) => ctx.show(f)).join(', ')}: run test-source and test-prebuild first` : '' };
  });
  const [a, b] = [runs[source], runs[prebuild]];
  ctx.check('the probe found the same with both builds (backend, echo, keepalive probes)', () => ({
    ok: JSON.stringify(a.probe) === JSON.stringify(b.probe), detail: `source ${JSON.stringify(a.probe)}, prebuild ${JSON.stringify(b.probe)}`,
  }));
  let verdict = { differences: [], failedInBoth: [] };
  ctx.check('every test has the same outcome with the MSVC build as with the prebuild', () => {
    verdict = compareResults(a.tests, b.tests);
    const lines = verdict.differences.map((d) => `\n  ${d.test}: source ${d.a}, prebuild ${d.b}${d.failed.length ? ` (failed: ${d.failed.join('; ')})` : ''}`);
    return { ok: verdict.differences.length === 0, detail: `${verdict.differences.length} differ (a difference may also be a flaky test: run both steps again to tell)${lines.join('')}` };
  });
  if (!ctx.dry) {
    ctx.say(`${Object.keys(a.tests).length} tests compared; ${verdict.failedInBoth.length} failed with both builds (the suite on this host, not a difference between the builds)`);
    for (const f of verdict.failedInBoth) ctx.say(`   both failed: ${f.test}`);
  }
  ctx.record = { compared: Object.keys(a?.tests ?? {}).length, ...verdict };
  ctx.save('compare.json', ctx.record);
}

// ---- main ----------------------------------------------------------------------

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`windows-host-check: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const needsWindows = opts.steps.filter((name) => !STEPS[name].anyOs);
  if (!opts.dryRun && process.platform !== 'win32' && needsWindows.length > 0) {
    process.stderr.write(`windows-host-check: ${[...new Set(needsWindows)].join(', ')} run${needsWindows.length === 1 ? 's' : ''} only on Windows, and this is ${process.platform}. ` +
      'Add --dry-run to see what would run; on Linux, npm run test:windows and test:image check the Windows build under Wine.\n');
    return 2;
  }
  try {
    if (opts.steps.some((name) => STEPS[name].usesImage)) opts.windows = targetWindows(opts);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`windows-host-check: ${err.message}\n`);
    return 2;
  }
  const outcomes = new Map();
  const record = {};
  for (const name of opts.steps) {
    const step = STEPS[name];
    process.stdout.write(`\n== ${name}: ${step.summary}\n`);
    const failedNeed = (step.needs ?? []).find((need) => outcomes.get(need) === false);
    if (failedNeed) {
      process.stdout.write(`skipped: ${failedNeed} failed\n`);
      outcomes.set(name, false);
      continue;
    }
    const ctx = new Context(opts, name);
    try {
      await step.run(ctx);
    } catch (err) {
      if (!(err instanceof StepAbort)) ctx.check(`${name} ran to its end`, () => ({ ok: false, detail: err.stack }));
    }
    const ok = ctx.checks.every((c) => c.ok);
    outcomes.set(name, ok);
    record[name] = { ok, checks: ctx.checks, ...ctx.record };
    if (opts.dryRun) record[name].commands = ctx.commands;
    else ctx.save(`${name}.json`, record[name]);
  }
  process.stdout.write('\n== summary\n');
  if (opts.dryRun) {
    const commands = Object.values(record).reduce((n, r) => n + r.commands, 0);
    process.stdout.write(`dry run: ${opts.steps.length} steps, ${commands} commands shown; nothing was run\n`);
    return 0;
  }
  let [passed, failed] = [0, 0];
  for (const name of opts.steps) {
    const checks = record[name]?.checks ?? [];
    passed += checks.filter((c) => c.ok).length;
    failed += checks.filter((c) => !c.ok).length + (record[name] ? 0 : 1);
    process.stdout.write(`${outcomes.get(name) ? 'ok  ' : 'FAIL'} ${name}${record[name] ? '' : ' (skipped)'}\n`);
  }
  process.stdout.write(`output in ${resolve(root, opts.out)}\nchecks: ${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
