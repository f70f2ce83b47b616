// The container steps of scripts/windows-host-check.mjs: docker build of
// Dockerfile.windows for this Windows, the container run, checked from outside
// and inside, the integration suite against it, and docker stop with a client
// mid-conversation. They read Dockerfile.windows, so they follow the file.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import { release } from 'node:os';
import { join } from 'node:path';

import { envPairs, last, parseDockerfile } from './dockerfile.mjs';
import { root } from './lanes.mjs';
import { UsageError, exitedZero, logLines, quiet, seconds, sleep } from './host-check-runner.mjs';
import { readTapDir, tally } from './tap-results.mjs';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const CONTAINER = 'iocp-tcp-host-check';
// Docker's wait after CTRL_SHUTDOWN before it kills the container: the image's
// drain (IOCP_TCP_DRAIN_TIMEOUT_MS) plus a margin, as README advises.
const STOP_TIMEOUT_S = 40;
// Windows Server LTSC releases, newest first: the build number of the host
// and the tag of mcr.microsoft.com/windows/servercore that matches it.
export const WINDOWS_RELEASES = [
  { build: 26100, tag: 'ltsc2025', name: 'Windows Server 2025' },
  { build: 20348, tag: 'ltsc2022', name: 'Windows Server 2022' },
  { build: 17763, tag: 'ltsc2019', name: 'Windows Server 2019' },
];

/** The servercore tag for a Windows build: the Server release of that build, or the newest one not newer than it. */
function windowsTagFor(build) {
  const exact = WINDOWS_RELEASES.find((r) => r.build === build);
  if (exact) return { tag: exact.tag, note: `${exact.name} (build ${build})` };
  const older = WINDOWS_RELEASES.find((r) => r.build < build);
  if (!older) {
    throw new UsageError(`Windows build ${build} is older than every Windows Server Core image this checks (${WINDOWS_RELEASES.at(-1).tag}, build ${WINDOWS_RELEASES.at(-1).build})`);
  }
  return {
    tag: older.tag,
    note: `build ${build} is no Windows Server release: ${older.tag} (build ${older.build}), which Docker runs with Hyper-V isolation there`,
  };
}

/** What the steps need to know of Dockerfile.windows: they follow the file, not a copy of it. */
function readDockerfile() {
  const { globalArgs, stages } = parseDockerfile(readFileSync(join(root, 'Dockerfile.windows'), 'utf8'));
  const [build, final] = [stages[0], stages.at(-1)];
  const env = Object.fromEntries(envPairs(final));
  const settings = final.instructions.find((i) => i.keyword === 'RUN' && !i.exec)?.text ?? '';
  const healthcheck = last(final, 'HEALTHCHECK');
  const durationS = (text) => Number(/^(\d+)s$/.exec(text ?? '')?.[1]);
  return {
    hasWindowsTag: 'WINDOWS_TAG' in globalArgs,
    nodeVersion: build.args.NODE_VERSION,
    nodeSha256: build.args.NODE_SHA256?.toLowerCase(),
    tcpPort: Number(env.IOCP_TCP_PORT),
    metricsPort: Number(env.IOCP_TCP_METRICS_PORT),
    drainMs: Number(env.IOCP_TCP_DRAIN_TIMEOUT_MS),
    user: last(final, 'USER')?.value,
    entrypoint: last(final, 'ENTRYPOINT')?.exec,
    healthcheck: healthcheck?.exec,
    health: {
      intervalS: durationS(healthcheck?.options.interval), startPeriodS: durationS(healthcheck?.options['start-period']),
      retries: Number(healthcheck?.options.retries ?? 3),
    },
    waitToKillMs: Number(/WaitToKillServiceTimeout .*?-Value '(\d+)'/.exec(settings)?.[1]),
    cexecsvcS: Number(/ProcessShutdownTimeoutSeconds .*?-Value (\d+)/.exec(settings)?.[1]),
  };
}

/** The Windows the image is for: the host's, or --windows-build under --dry-run; its tag and the image's name. */
export function targetWindows(opts) {
  let build = opts.windowsBuild;
  if (build === undefined && process.platform === 'win32') build = Number(release().split('.')[2]);
  if (!Number.isInteger(build)) build = undefined;
  let windows;
  if (opts.windowsTag) {
    windows = { build, tag: opts.windowsTag, note: 'given with --windows-tag' };
  } else if (build === undefined) {
    throw new UsageError('a --dry-run off Windows needs --windows-build <n> or --windows-tag <tag>: the image tag follows the host\'s Windows');
  } else {
    windows = { build, ...windowsTagFor(build) };
  }
  return { ...windows, image: `iocp-tcp:host-check-${windows.tag}` };
}

export async function image(ctx) {
  const file = readDockerfile();
  ctx.require('Dockerfile.windows takes the base image tag as ARG WINDOWS_TAG', () => file.hasWindowsTag);
  const { windows } = ctx.opts;
  ctx.say(`this Windows: ${windows.note} → WINDOWS_TAG=${windows.tag}`);
  const engine = await ctx.run('docker', ['version', '--format', '{{.Server.Os}}'], { echo: false });
  ctx.require('the Docker engine runs Windows containers', () => {
    if (engine.code !== 0) return { ok: false, detail: `docker version failed: ${engine.stderr.trim()}` };
    const os = engine.stdout.trim();
    return { ok: os === 'windows', detail: os === 'windows' ? '' : `it runs ${os} containers: switch Docker to Windows containers` };
  });
  const host = await ctx.run('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion', '/v', 'UBR'], {
    echo: false, note: "this host's update revision: process isolation needs a base image no newer than it",
  });
  const hostRevision = () => Number.parseInt(/UBR\s+REG_DWORD\s+(0x[0-9a-f]+)/i.exec(host.stdout)?.[1], 16);
  const built = await ctx.run('docker', ['build', '-f', 'Dockerfile.windows', '--build-arg', `WINDOWS_TAG=${windows.tag}`, '-t', windows.image, '.'], {
    timeoutMs: 90 * 60_000, capture: false,
    note: "the build stage downloads node.exe and checks its SHA-256 in PowerShell (a mismatch throws); the final stage writes the registry's stop timeouts and the machine PATH, then COPYs from the build stage",
  });
  ctx.require(`docker build exits 0 (took ${ctx.dry ? '...' : seconds(built.ms)})`, () => exitedZero(built, 'docker build'));
  const inspected = await ctx.run('docker', ['image', 'inspect', windows.image], { echo: false });
  let img = {};
  ctx.require('docker image inspect reads the image', () => {
    [img] = JSON.parse(inspected.stdout);
    return Boolean(img);
  });
  ctx.check(`the image is Windows build ${windows.build ?? '(the host\'s)'}`, () => ({
    ok: img.Os === 'windows' && (windows.build === undefined || img.OsVersion?.split('.')[2] === String(windows.build)),
    detail: `${img.Os} ${img.OsVersion}`,
  }));
  ctx.warn(`the base image's update revision is not newer than this host's (else process isolation refuses to start it: 0xc0370106)`, () => {
    const [imageRevision, ours] = [Number(img.OsVersion?.split('.')[3]), hostRevision()];
    return !(imageRevision > ours) ||
      `image ${img.OsVersion}, host revision ${ours}: --windows-tag ${img.OsVersion.split('.').slice(0, 3).join('.')}.${ours} picks the base image of this host's patch level`;
  });
  ctx.check(`it runs as ${file.user}, ENTRYPOINT ${JSON.stringify(file.entrypoint)}, HEALTHCHECK ${JSON.stringify(file.healthcheck)}, exposes ${file.tcpPort} and ${file.metricsPort}`, () => {
    const c = img.Config ?? {};
    const ok = c.User === file.user && JSON.stringify(c.Entrypoint) === JSON.stringify(file.entrypoint) &&
      JSON.stringify(c.Healthcheck?.Test) === JSON.stringify(['CMD', ...file.healthcheck]) &&
      [file.tcpPort, file.metricsPort].every((p) => `${p}/tcp` in (c.ExposedPorts ?? {}));
    return { ok, detail: JSON.stringify({ User: c.User, Entrypoint: c.Entrypoint, Healthcheck: c.Healthcheck, ExposedPorts: c.ExposedPorts }) };
  });
  ctx.record = { tag: windows.tag, image: windows.image, osVersion: img.OsVersion, buildMs: built.ms };
}

/** Runs a command in the container (docker exec, as the image's user) and returns its stdout. */
async function inContainer(ctx, args, note) {
  const result = await ctx.run('docker', ['exec', CONTAINER, ...args], { echo: false, note });
  if (!ctx.dry) ctx.say(`   ${result.stdout.trim().split(/\r?\n/).join('\n   ')}`);
  return result;
}

/** Connects, sends a line, resolves with what came back (the line), within `timeoutMs`. */
function echoOnce(host, port, line, timeoutMs = 10_000) {
  return new Promise((done, fail) => {
    const socket = createConnection({ host, port });
    let got = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(line));
    socket.on('data', (chunk) => {
      got += chunk;
      if (got.length >= line.length) {
        socket.destroy();
        done(got);
      }
    });
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`closed after ${JSON.stringify(got)}`)));
  });
}

function httpStatus(host, port, path, timeoutMs = 10_000) {
  return new Promise((done, fail) => {
    const req = request({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      done(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', fail);
    req.end();
  });
}

/** Whether the service answers on host (echo and /healthz); the error otherwise. */
async function reachable(host, file) {
  try {
    const line = `host check ${Date.now()}\n`;
    if ((await echoOnce(host, file.tcpPort, line)) !== line) return 'the echo came back changed';
    const status = await httpStatus(host, file.metricsPort, '/healthz');
    return status === 200 ? true : `/healthz answered ${status}`;
  } catch (err) {
    return err.message;
  }
}

export async function containerTest(ctx) {
  const file = readDockerfile();
  const { windows } = ctx.opts;
  await ctx.run('docker', ['rm', '-f', CONTAINER], { echo: false, note: 'a leftover of an earlier run, if any (fails harmlessly when there is none)' });
  const started = await ctx.run('docker', ['run', '-d', '--name', CONTAINER, '--stop-timeout', String(STOP_TIMEOUT_S),
    '-p', `${file.tcpPort}:${file.tcpPort}`, '-p', `${file.metricsPort}:${file.metricsPort}`, windows.image]);
  ctx.require('docker run exits 0', () => ({ ok: started.code === 0, detail: started.stderr.trim() }));
  const startedAt = Date.now();
  const { intervalS, startPeriodS, retries } = file.health;
  const health = await ctx.poll('HEALTHCHECK reports healthy', 'docker', ['inspect', '--format', '{{json .State}}', CONTAINER], (r) => {
    if (r.code !== 0) return `docker inspect failed: ${r.stderr.trim()}`;
    const state = JSON.parse(r.stdout);
    if (!state.Running) return `the container stopped (exit code ${state.ExitCode})`;
    if (state.Health?.Status === 'unhealthy') return 'unhealthy';
    return state.Health?.Status === 'healthy';
  }, { everyMs: 2000, timeoutMs: (startPeriodS + (retries + 1) * intervalS + 60) * 1000 });
  ctx.check(`the HEALTHCHECK (node.exe healthcheck.js every ${intervalS} s) reports healthy`, () => ({
    ok: health.ok, detail: health.ok ? `after ${seconds(Date.now() - startedAt)}` : `${health.detail}; ${health.result?.stdout.trim()}`,
  }));
  ctx.check(`its first check ran on schedule: within ${intervalS} s (the interval) + 15 s of the start, and exited 0`, () => {
    const state = JSON.parse(health.result.stdout);
    const log = state.Health?.Log ?? [];
    const first = log[0];
    const afterS = first ? (Date.parse(first.Start) - Date.parse(state.StartedAt)) / 1000 : NaN;
    ctx.record.healthLog = log.map((l) => ({ start: l.Start, end: l.End, exitCode: l.ExitCode }));
    return { ok: afterS <= intervalS + 15 && first.ExitCode === 0, detail: `first check ${afterS.toFixed(1)} s after the start: ${JSON.stringify(ctx.record.healthLog)}` };
  });
  const logs = await ctx.run('docker', ['logs', CONTAINER], { echo: false });
  ctx.check(`the service logs "listening" on ${file.tcpPort} (metrics ${file.metricsPort}), backend iocp, version ${pkg.version}`, () => {
    const listening = logLines(logs.stdout).find((l) => l.msg === 'listening');
    return {
      ok: listening?.port === file.tcpPort && listening.metricsPort === file.metricsPort && listening.backend === 'iocp' && listening.version === pkg.version,
      detail: JSON.stringify(listening) ?? `${logs.stdout}${logs.stderr}`,
    };
  });
  ctx.check(`the service reads a CTRL_SHUTDOWN wait at least as long as its drain (${file.drainMs} ms): no start-up warning names CTRL_SHUTDOWN`, () => {
    const warning = logLines(logs.stdout).find((l) => l.msg?.startsWith('Windows ends the process before the drain timeout'));
    return { ok: !warning || !('CTRL_SHUTDOWN' in warning), detail: JSON.stringify(warning) };
  });
  const waitToKill = await inContainer(ctx, ['reg', 'query', 'HKLM\\SYSTEM\\CurrentControlSet\\Control', '/v', 'WaitToKillServiceTimeout']);
  ctx.check(`the build wrote WaitToKillServiceTimeout = ${file.waitToKillMs} ms`, () =>
    Number(/WaitToKillServiceTimeout\s+REG_SZ\s+(\d+)/.exec(waitToKill.stdout)?.[1]) === file.waitToKillMs);
  const cexecsvc = await inContainer(ctx, ['reg', 'query', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\cexecsvc', '/v', 'ProcessShutdownTimeoutSeconds']);
  ctx.check(`the build wrote cexecsvc ProcessShutdownTimeoutSeconds = ${file.cexecsvcS} s`, () =>
    Number.parseInt(/ProcessShutdownTimeoutSeconds\s+REG_DWORD\s+(0x[0-9a-f]+)/i.exec(cexecsvc.stdout)?.[1], 16) === file.cexecsvcS);
  const version = await inContainer(ctx, ['node.exe', '--version'], 'found through the machine PATH the build set');
  ctx.check(`node.exe on the container's PATH is v${file.nodeVersion}`, () => version.stdout.trim() === `v${file.nodeVersion}`);
  const hash = await inContainer(ctx, ['certutil', '-hashfile', 'C:\\nodejs\\node.exe', 'SHA256']);
  ctx.check("C:\\nodejs\\node.exe has the Dockerfile's NODE_SHA256", () =>
    hash.stdout.split(/\r?\n/).map((l) => l.replace(/\s/g, '').toLowerCase()).includes(file.nodeSha256));
  const tasks = await inContainer(ctx, ['tasklist', '/v', '/fo', 'csv']);
  ctx.check(`the service's node.exe runs as ${file.user}`, () => {
    const rows = tasks.stdout.split(/\r?\n/).filter((l) => /^"node\.exe"/i.test(l)).map((l) => l.split('","'));
    const users = rows.map((cells) => cells[6]);
    return { ok: users.length > 0 && users.every((u) => new RegExp(`\\\\${file.user}$`, 'i').test(u)), detail: JSON.stringify(users) };
  });
  let host = '127.0.0.1';
  const published = await ctx.act(`echo a line on 127.0.0.1:${file.tcpPort} and GET http://127.0.0.1:${file.metricsPort}/healthz (the published ports, from this host)`,
    () => reachable(host, file));
  ctx.check('the published ports answer on 127.0.0.1', () => ({ ok: published === true, detail: published === true ? '' : published }));
  if (!ctx.dry && published !== true) {
    const ip = (await quiet('docker', ['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', CONTAINER])).stdout.trim().split(' ')[0];
    const direct = ip ? await reachable(ip, file) : 'no address';
    ctx.say(`   the container's own address ${ip || '(none)'}: ${direct === true ? 'answers; the suite runs against it' : direct}`);
    if (direct === true) host = ip;
  }
  const endpoint = { tcp: `${host}:${file.tcpPort}`, metrics: `${host}:${file.metricsPort}` };
  ctx.save('container.json', { container: CONTAINER, image: windows.image, ...endpoint });
  const tapDir = ctx.outPath('tap-container');
  await ctx.act(`empty ${ctx.show(tapDir)}`, () => rmSync(tapDir, { recursive: true, force: true }));
  const suite = await ctx.run(process.execPath, [join(root, 'scripts', 'test-integration.mjs'), '--', `--output-dir=${tapDir}`], {
    env: { IOCP_TCP_TEST_TARGET: endpoint.tcp, IOCP_TCP_TEST_METRICS: endpoint.metrics, IOCP_TCP_TEST_BACKEND: 'iocp', IOCP_TCP_TEST_TIMEOUT_SCALE: '2' },
    timeoutMs: 60 * 60_000, capture: false,
    note: 'target mode: tests that need a service of their own are skipped, and say so; waits doubled (Docker NAT)',
  });
  await ctx.act('count the results', () => {
    const results = readTapDir(tapDir);
    ctx.record.suite = tally(results);
    ctx.save('results-container.json', { exitCode: suite.code, counts: ctx.record.suite, tests: results });
    const c = ctx.record.suite;
    ctx.say(`   ${c.tests} tests: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped`);
  });
  ctx.check('the integration suite against the container exits 0', () => exitedZero(suite, 'the suite'));
  await keepContainerState(ctx);
}

/** docker logs and docker inspect of the container, kept in the output folder (and printed when asked); returns both. */
async function keepContainerState(ctx, print = false) {
  const logs = await ctx.run('docker', ['logs', CONTAINER], { echo: print, note: `kept in ${ctx.show(ctx.outPath('container.log'))}` });
  const inspect = await ctx.run('docker', ['inspect', CONTAINER], { echo: print, note: `kept in ${ctx.show(ctx.outPath('container-inspect.json'))}` });
  if (!ctx.dry) {
    writeFileSync(ctx.outPath('container.log'), `${logs.stdout}${logs.stderr}`);
    writeFileSync(ctx.outPath('container-inspect.json'), inspect.code === 0 ? inspect.stdout : inspect.stderr);
  }
  return { logs, inspect };
}

/**
 * One client's conversation across `docker stop`: `before` rounds, then
 * `stop()` is called and `after` rounds follow, one every `gapMs`; then FIN,
 * and the rest until the server's FIN. Resolves with what went right.
 */
async function conversationAcrossStop(host, port, { before, after, gapMs }, stop) {
  const socket = createConnection({ host, port });
  await new Promise((done, fail) => socket.once('connect', done).once('error', fail));
  let buffered = '';
  let ended = false;
  const waiters = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  socket.on('data', (chunk) => {
    buffered += chunk;
    wake();
  });
  socket.on('end', () => {
    ended = true;
    wake();
  });
  socket.on('error', (err) => {
    buffered += `\n[${err.code ?? err.message}]`;
    ended = true;
    wake();
  });
  const until = async (test, ms) => {
    const deadline = Date.now() + ms;
    while (!test() && !ended && Date.now() < deadline) await new Promise((w) => (waiters.push(w), setTimeout(w, 100)));
    return test();
  };
  const outcome = { right: 0, rounds: before + after, lastRoundAt: 0, rest: '', ended: false, error: '' };
  for (let round = 0; round < before + after; round++) {
    if (round === before) stop();
    if (round >= before) await sleep(gapMs);
    const line = `round ${round} of a conversation across docker stop\n`;
    outcome.lastRoundAt = Date.now();
    socket.write(line);
    if (await until(() => buffered.includes(line), 10_000)) {
      outcome.right++;
      buffered = buffered.slice(buffered.indexOf(line) + line.length);
    } else {
      outcome.error = `round ${round}: got ${JSON.stringify(buffered)}${ended ? ' and the connection ended' : ''}`;
      break;
    }
  }
  socket.end();
  await until(() => false, 10_000);
  outcome.rest = buffered;
  outcome.ended = ended;
  socket.destroy();
  return outcome;
}

export async function stopTest(ctx) {
  const file = readDockerfile();
  const stateFile = ctx.outPath('container.json');
  let endpoint = { tcp: `127.0.0.1:${file.tcpPort}` };
  ctx.require(`container-test left its container's address in ${ctx.show(stateFile)}`, () => {
    if (existsSync(stateFile)) endpoint = JSON.parse(readFileSync(stateFile, 'utf8'));
    return { ok: existsSync(stateFile), detail: existsSync(stateFile) ? '' : 'run container-test first' };
  });
  const state = await ctx.run('docker', ['inspect', '--format', '{{.State.Status}} {{.Config.StopTimeout}}', CONTAINER], { echo: false });
  ctx.require(`the container runs, with the stop timeout it was started with (${STOP_TIMEOUT_S} s)`, () => ({
    ok: state.stdout.trim() === `running ${STOP_TIMEOUT_S}`, detail: `${state.stdout.trim()}${state.stderr.trim()}`,
  }));
  // Long enough after the stop to outlast Windows' default 5 s wait, well inside the image's drain.
  const gapMs = 500;
  const after = Math.floor((file.drainMs * 0.7) / gapMs);
  const plan = { before: 3, after, gapMs };
  const [host, port] = [endpoint.tcp.replace(/:\d+$/, ''), Number(endpoint.tcp.split(':').at(-1))];
  let stopRun;
  let stopAt = 0;
  let drainSeenAt = 0;
  ctx.say(`$ docker stop ${CONTAINER}  (while the client below is mid-conversation; the container's own --stop-timeout ${STOP_TIMEOUT_S} applies)`);
  const talk = await ctx.act(`a client on ${endpoint.tcp}: ${plan.before} echo rounds, then docker stop, then ${after} more, one every ${gapMs} ms (${seconds(after * gapMs)}), then FIN and read to the server's FIN; docker logs every 500 ms meanwhile, for "draining"`, async () => {
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const logs = await quiet('docker', ['logs', CONTAINER]);
        if (!drainSeenAt && logLines(logs.stdout).some((l) => l.msg === 'draining')) drainSeenAt = Date.now();
        await sleep(500);
      }
    })();
    try {
      const outcome = await conversationAcrossStop(host, port, plan, () => {
        stopAt = Date.now();
        stopRun = quiet('docker', ['stop', CONTAINER], { timeoutMs: (STOP_TIMEOUT_S + 60) * 1000 }).then((r) => ({ ...r, ms: Date.now() - stopAt }));
      });
      const stopped = await (stopRun ?? Promise.resolve({ code: -1, stderr: 'docker stop never started', ms: 0 }));
      return { outcome, stopped };
    } finally {
      watching = false;
      await watch;
    }
  });
  const { logs, inspect } = await keepContainerState(ctx);
  const lines = () => logLines(logs.stdout);
  ctx.check(`every reply came back intact (${plan.before + after} rounds) and the server's FIN followed ours with nothing more`, () => {
    const o = talk.outcome;
    return { ok: o.right === o.rounds && o.ended && o.rest === '', detail: JSON.stringify(o) };
  });
  ctx.check('docker stop exits 0', () => ({ ok: talk.stopped.code === 0, detail: `${talk.stopped.code} ${talk.stopped.stderr?.trim()}` }));
  ctx.check('the log shows the drain started by CTRL_SHUTDOWN, seen while the client was still mid-conversation', () => {
    const draining = lines().find((l) => l.msg === 'draining');
    return {
      ok: draining?.signal === 'CTRL_SHUTDOWN' && drainSeenAt > 0 && drainSeenAt < talk.outcome.lastRoundAt,
      detail: `${JSON.stringify(draining)}; seen ${drainSeenAt ? seconds(drainSeenAt - stopAt) : 'never'} after docker stop, last round at ${seconds(talk.outcome.lastRoundAt - stopAt)}`,
    };
  });
  ctx.check('then the log shows "stopped"', () => {
    const msgs = lines().map((l) => l.msg);
    return { ok: msgs.indexOf('stopped') > msgs.indexOf('draining') && msgs.includes('draining'), detail: msgs.join(', ') };
  });
  ctx.check('the container exited with code 0', () => {
    const s = JSON.parse(inspect.stdout)[0].State;
    return { ok: s.Status === 'exited' && s.ExitCode === 0 && !s.OOMKilled, detail: JSON.stringify({ Status: s.Status, ExitCode: s.ExitCode, Error: s.Error }) };
  });
  ctx.check(`docker stop took longer than the conversation went on (Windows waited past its 5 s default) and less than ${STOP_TIMEOUT_S} s (Docker did not kill it)`, () => {
    const talkedMs = talk.outcome.lastRoundAt - stopAt;
    ctx.record = { stopMs: talk.stopped.ms, drainSeenMs: drainSeenAt - stopAt, talkedAfterStopMs: talkedMs, ...ctx.record };
    return { ok: talk.stopped.ms >= talkedMs && talkedMs > 5000 && talk.stopped.ms < STOP_TIMEOUT_S * 1000, detail: `took ${seconds(talk.stopped.ms)}; the client talked ${seconds(talkedMs)} after it` };
  });
  if (!ctx.dry) ctx.say(`docker stop took ${seconds(talk.stopped.ms)}`);
}

export async function collect(ctx) {
  await keepContainerState(ctx, true);
}

export async function cleanup(ctx) {
  await ctx.run('docker', ['rm', '-f', CONTAINER], { note: 'fails harmlessly when there is none' });
}
