#!/usr/bin/env node
// `node scripts/check-deploy.mjs`: checks the operator's assets in deploy/.
// promtool validates the Prometheus config (and its commented Kubernetes
// example), the alert rules and their unit tests, and every PromQL expression
// of the Grafana dashboard; a metric name the service does not export fails,
// so does a Kubernetes manifest that loses a field the service depends on.
// Prints "ok <what>" or "FAIL <what>: <why>" per check, then
// "deploy: N passed, M failed"; exits 1 on any failure.
// promtool comes from the Debian package `prometheus`, installed if missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { parse, parseAllDocuments, stringify } from 'yaml';

import { ensureDebianPackages } from './windows-tools.mjs';

const root = join(import.meta.dirname, '..');
const deploy = join(root, 'deploy');
const read = (name) => readFileSync(join(deploy, name), 'utf8');

// What the service exports, asked of the service's own code (dist/, built by
// npm ci): its metrics registered on a fresh registry with prom-client's
// defaults, as service.ts does, plus `up` from Prometheus itself. A classic
// histogram has only its _bucket, _sum and _count series.
const KNOWN_METRICS = await (async () => {
  const require = createRequire(import.meta.url);
  const { Registry, collectDefaultMetrics } = require('prom-client');
  const { registerMetrics } = require('../dist/metrics.js');
  const { createServer } = require('../dist/server.js');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerMetrics(registry, createServer({ handler: 'echo' }));
  const families = await registry.getMetricsAsJSON();
  return new Set(['up', ...families.flatMap(({ name, type }) =>
    type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])]);
})();

const METRICS_PORT = 9464;
const SERVICE_PORT = 8090;

let passed = 0;
let failed = 0;

/**
 * Runs one check: `fn` throws an Error whose message says why it failed, or
 * returns a note on what it could not check.
 */
function check(what, fn) {
  try {
    const note = fn();
    passed += 1;
    console.log(`ok ${what}${note ? ` (${note})` : ''}`);
  } catch (err) {
    failed += 1;
    console.log(`FAIL ${what}: ${err.message}`);
  }
}

/** Throws `why` unless `condition` holds. */
function expect(condition, why) {
  if (!condition) throw new Error(why);
}

const indent = (text) => text.trim().split('\n').map((line) => `    ${line}`).join('\n');

// promtool from PATH; only if it is missing, from the Debian package.
const havePromtool = () => spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
let promtoolProblem;
if (!havePromtool()) {
  try {
    ensureDebianPackages(['prometheus']);
    if (!havePromtool()) promtoolProblem = 'promtool is not on PATH (the Debian package prometheus is installed)';
  } catch (err) {
    promtoolProblem = `promtool is missing and installing the Debian package prometheus failed: ${err.message}`;
  }
}

/** Runs promtool in the repository root; throws with its output when it fails. */
function promtool(args, rename = (text) => text) {
  if (promtoolProblem) throw new Error(promtoolProblem);
  const run = spawnSync('promtool', args, { cwd: root, encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(`promtool ${args.join(' ')} exited with ${run.status}\n${indent(rename(run.stdout + run.stderr))}`);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'check-deploy-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

// --- PromQL: the metric names an expression selects -------------------------

/**
 * The metric names an expression selects: identifiers that are not functions,
 * keywords, label names (inside {} or by/without/on/ignoring/group_x lists),
 * durations or parts of numbers. Enough for the expressions of deploy/;
 * promtool checks the syntax.
 */
function metricNames(expr) {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'atan2', 'inf', 'nan']);
  const names = new Set();
  for (const [, name] of text.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    if (!keywords.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/** Throws naming every metric of `exprs` ({where, expr}) the service does not export. */
function expectKnownMetrics(exprs) {
  expect(exprs.length > 0, 'no expressions found');
  const unknown = exprs.flatMap(({ where, expr }) =>
    metricNames(expr).filter((name) => !KNOWN_METRICS.has(name)).map((name) => `${name} (${where})`));
  expect(unknown.length === 0, `not a metric of the service: ${unknown.join(', ')}`);
}

// --- Prometheus ---------------------------------------------------------------

check('promtool check config deploy/prometheus.yml', () => {
  promtool(['check', 'config', 'deploy/prometheus.yml']);
});

check('prometheus.yml scrapes job iocp-tcp at /metrics and loads alerts.yml', () => {
  const config = parse(read('prometheus.yml'));
  const job = config.scrape_configs?.find((scrape) => scrape.job_name === 'iocp-tcp');
  expect(job, 'no scrape config with job_name iocp-tcp (the alerts select job="iocp-tcp")');
  expect((job.metrics_path ?? '/metrics') === '/metrics', `metrics_path is ${job.metrics_path}`);
  expect(config.rule_files?.includes('alerts.yml'), 'rule_files does not list alerts.yml');
});

// The example is commented out, so nothing else would notice it rot: uncomment
// it ("  # - job_name:" becomes "  - job_name:"), swap it in for the static job
// and let promtool check the result.
check('the commented kubernetes_sd example of prometheus.yml is a valid config', () => {
  const lines = read('prometheus.yml').split('\n');
  const marker = lines.findIndex((line) => /^\s*# kubernetes_sd example/.test(line));
  expect(marker >= 0, 'no "# kubernetes_sd example" comment');
  const start = lines.findIndex((line, i) => i > marker && /^\s*#\s*- job_name:/.test(line));
  expect(start >= 0, 'no commented "- job_name:" after the kubernetes_sd example comment');
  const block = [];
  for (const line of lines.slice(start)) {
    const commented = /^(\s*)# ?(.*)$/.exec(line);
    if (!commented) break;
    block.push(commented[1] + commented[2]);
  }
  const jobs = parse(block.join('\n'));
  expect(Array.isArray(jobs) && jobs[0]?.kubernetes_sd_configs, 'the uncommented example is not a scrape config with kubernetes_sd_configs');
  expect(jobs[0].job_name === 'iocp-tcp', `the example's job_name is ${jobs[0].job_name}, the alerts select iocp-tcp`);
  const config = parse(read('prometheus.yml'));
  config.scrape_configs = jobs;
  config.rule_files = (config.rule_files ?? []).map((file) => join(deploy, file));
  const file = join(scratch, 'prometheus-kubernetes.yml');
  writeFileSync(file, stringify(config));
  try {
    promtool(['check', 'config', file]);
  } catch (err) {
    // Debian builds Prometheus without Kubernetes discovery (its client library
    // is not packaged): check the rest of the job with a static target instead.
    if (!/field kubernetes_sd_configs not found/.test(err.message)) throw err;
    const { kubernetes_sd_configs: discovery, ...job } = jobs[0];
    const roles = ['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress'];
    expect(discovery.every((sd) => roles.includes(sd.role)), `kubernetes_sd_configs roles must be among ${roles.join(', ')}`);
    jobs[0] = { ...job, static_configs: [{ targets: ['pod-ip:9464'] }] };
    writeFileSync(file, stringify(config));
    promtool(['check', 'config', file]);
    return 'kubernetes_sd_configs only by its role: this promtool is built without Kubernetes discovery, as Debian\'s is';
  }
});

check('promtool check rules deploy/alerts.yml', () => {
  promtool(['check', 'rules', 'deploy/alerts.yml']);
});

const alertRules = () => parse(read('alerts.yml')).groups.flatMap((group) => group.rules).filter((rule) => rule.alert);

check('every alert has a severity label and summary and description annotations', () => {
  const missing = alertRules().flatMap((rule) =>
    [['severity', rule.labels?.severity], ['summary', rule.annotations?.summary], ['description', rule.annotations?.description]]
      .filter(([, value]) => !value)
      .map(([field]) => `${rule.alert} has no ${field}`));
  expect(missing.length === 0, missing.join('; '));
});

check('the alerts use only metrics the service exports', () => {
  expectKnownMetrics(alertRules().map((rule) => ({ where: rule.alert, expr: rule.expr })));
});

check('every alert has a test case where it fires and one where it stays quiet', () => {
  const cases = parse(read('alerts.test.yml')).tests.flatMap((test) => test.alert_rule_test ?? []);
  const gaps = alertRules().flatMap((rule) => {
    const own = cases.filter((c) => c.alertname === rule.alert);
    return [
      own.some((c) => c.exp_alerts?.length > 0) ? [] : [`${rule.alert} never fires`],
      own.some((c) => !c.exp_alerts?.length) ? [] : [`${rule.alert} is never quiet`],
    ].flat();
  });
  expect(gaps.length === 0, `in deploy/alerts.test.yml: ${gaps.join('; ')}`);
});

check('promtool test rules deploy/alerts.test.yml', () => {
  promtool(['test', 'rules', 'deploy/alerts.test.yml']);
});

// --- Grafana ------------------------------------------------------------------

// Grafana's interval variables become durations; other variables stand in label
// values (instance=~"$instance"), where any string parses.
const GRAFANA_INTERVALS = { __rate_interval: '1m', __interval: '1m', __range: '1h', __interval_ms: '60000', __range_s: '3600', __range_ms: '3600000' };
const withoutVariables = (expr) =>
  expr.replace(/\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g, (_, a, b, c) => GRAFANA_INTERVALS[a ?? b ?? c] ?? 'placeholder');

let dashboard;
check('grafana-dashboard.json is a dashboard with panels and the datasource and instance variables', () => {
  try {
    dashboard = JSON.parse(read('grafana-dashboard.json'));
  } catch (err) {
    throw new Error(`not JSON: ${err.message}`);
  }
  const variables = dashboard.templating?.list ?? [];
  const datasource = variables.find((v) => v.type === 'datasource' && v.query === 'prometheus');
  expect(datasource, 'no datasource variable of type prometheus');
  expect(variables.some((v) => v.name === 'instance'), 'no instance variable');
  const panels = allPanels(dashboard).filter((panel) => panel.type !== 'row');
  expect(panels.length > 0, 'no panels');
  const problems = [];
  const ids = new Set();
  for (const panel of panels) {
    if (ids.has(panel.id)) problems.push(`panel id ${panel.id} is used twice`);
    ids.add(panel.id);
    if (!panel.targets?.some((target) => target.expr)) problems.push(`panel "${panel.title}" has no query`);
    for (const ds of [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)]) {
      if (ds?.uid !== `\${${datasource.name}}`) problems.push(`panel "${panel.title}" does not use the datasource variable $\{${datasource.name}}`);
    }
  }
  expect(problems.length === 0, [...new Set(problems)].join('; '));
});

/** Every panel, including those inside collapsed rows. */
function allPanels(board) {
  return (board.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** The dashboard's PromQL, each with where it sits: panel targets and label_values() selectors of variables. */
function dashboardExpressions() {
  expect(dashboard, 'the dashboard did not load');
  const exprs = allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).filter((target) => target.expr).map((target) => ({
      where: `panel "${panel.title}" target ${target.refId}`,
      expr: withoutVariables(target.expr),
    })));
  for (const variable of (dashboard.templating?.list ?? []).filter((v) => v.type === 'query')) {
    // The query runs; the definition is what the variable editor shows.
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    for (const [field, text] of [['query', query], ['definition', variable.definition]]) {
      const selector = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/.exec(text ?? '');
      if (selector) exprs.push({ where: `variable ${variable.name} ${field}`, expr: withoutVariables(selector[1]) });
    }
  }
  return exprs;
}

// promtool has no "parse this expression" command: write the expressions into
// a throw-away rules file as recording rules and have it checked.
check('every dashboard expression parses as PromQL (promtool check rules)', () => {
  const exprs = dashboardExpressions();
  const rules = exprs.map(({ expr }, i) => ({ record: `dashboard:expr_${i}`, expr }));
  const file = join(scratch, 'dashboard-rules.yml');
  writeFileSync(file, stringify({ groups: [{ name: 'grafana-dashboard', rules }] }));
  const rename = (text) => text.replace(/dashboard:expr_(\d+)/g, (_, i) => exprs[i].where);
  promtool(['check', 'rules', file], rename);
});

check('the dashboard uses only metrics the service exports', () => {
  expectKnownMetrics(dashboardExpressions());
});

// --- Kubernetes -----------------------------------------------------------------

let deployment;
let service;
check('kubernetes.yml parses into a Deployment and a Service', () => {
  const documents = parseAllDocuments(read('kubernetes.yml'));
  const errors = documents.flatMap((doc) => [...doc.errors, ...doc.warnings]);
  expect(errors.length === 0, errors.map((err) => err.message).join('; '));
  const objects = documents.map((doc) => doc.toJS()).filter(Boolean);
  deployment = objects.find((object) => object.kind === 'Deployment');
  service = objects.find((object) => object.kind === 'Service');
  expect(deployment, 'no Deployment');
  expect(service, 'no Service');
});

/** The pod template, its spec and the service's container of the Deployment. */
function pod() {
  expect(deployment, 'no Deployment to check');
  const template = deployment.spec?.template ?? {};
  const spec = template.spec ?? {};
  const containers = spec.containers ?? [];
  const container = containers.find((c) => c.name === 'iocp-tcp') ?? containers[0];
  expect(container, 'the pod has no container');
  return { template, spec, container };
}

/** The number a probe or Service port means: a number, or the name of a container port. */
function portNumber(container, port) {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((p) => p.name === port)?.containerPort;
}

check('the container serves TCP on 8090 and metrics on 9464', () => {
  const { container } = pod();
  for (const port of [SERVICE_PORT, METRICS_PORT]) {
    const declared = (container.ports ?? []).find((p) => p.containerPort === port);
    expect(declared, `no container port ${port}`);
    expect((declared.protocol ?? 'TCP') === 'TCP', `container port ${port} is ${declared.protocol}, not TCP`);
  }
});

check('the image tag is the package version', () => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const { image = '' } = pod().container;
  const tag = /:([^:/]+)$/.exec(image)?.[1];
  expect(tag === version, `image ${image} is not tagged ${version}`);
});

check('pods run on Windows nodes: nodeSelector kubernetes.io/os windows and the os=windows toleration', () => {
  const { spec } = pod();
  expect(spec.nodeSelector?.['kubernetes.io/os'] === 'windows', 'nodeSelector kubernetes.io/os is not windows');
  const tolerated = (spec.tolerations ?? []).some((t) =>
    t.key === 'os' && (t.operator ?? 'Equal') === 'Equal' && t.value === 'windows' && t.effect === 'NoSchedule');
  expect(tolerated, 'no toleration key os, operator Equal, value windows, effect NoSchedule');
});

check('the container runs as ContainerUser', () => {
  const { spec, container } = pod();
  // A container's own securityContext overrides the pod's.
  const user = container.securityContext?.windowsOptions?.runAsUserName ?? spec.securityContext?.windowsOptions?.runAsUserName;
  expect(user === 'ContainerUser', `securityContext.windowsOptions.runAsUserName is ${user}, not ContainerUser`);
});

check('liveness probes /healthz and readiness probes /readyz on port 9464', () => {
  const { container } = pod();
  for (const [probe, path] of [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']]) {
    const get = container[probe]?.httpGet;
    expect(get, `no ${probe}.httpGet (Kubernetes ignores the Dockerfile HEALTHCHECK)`);
    expect(get.path === path, `${probe} asks ${get.path}, not ${path}`);
    expect(portNumber(container, get.port) === METRICS_PORT, `${probe} port ${get.port} is not ${METRICS_PORT}`);
  }
});

check('the pod annotations tell Prometheus to scrape port 9464 at /metrics', () => {
  const annotations = pod().template.metadata?.annotations ?? {};
  const want = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/path': '/metrics' };
  const wrong = Object.entries(want).filter(([key, value]) => annotations[key] !== value);
  expect(wrong.length === 0, wrong.map(([key, value]) => `${key} is ${JSON.stringify(annotations[key])}, not "${value}"`).join('; '));
});

check('terminationGracePeriodSeconds exceeds the drain timeout', () => {
  const { spec, container } = pod();
  const env = (container.env ?? []).find((e) => e.name === 'IOCP_TCP_DRAIN_TIMEOUT_MS');
  expect(env, 'env IOCP_TCP_DRAIN_TIMEOUT_MS is not set');
  const drainSeconds = Number(env.value) / 1000;
  expect(Number.isFinite(drainSeconds), `IOCP_TCP_DRAIN_TIMEOUT_MS is ${JSON.stringify(env.value)}, not a number`);
  const grace = spec.terminationGracePeriodSeconds ?? 30;  // Kubernetes' default
  expect(grace > drainSeconds, `terminationGracePeriodSeconds ${grace} is not above the ${drainSeconds} s drain`);
});

/**
 * A setting of the container as the service resolves it: the last `--flag
 * value` or `--flag=value` of its args, else the literal value of its env
 * variable (an empty one counts as unset); undefined when unset.
 */
function containerSetting(container, flag, variable) {
  const args = container.args ?? [];
  let fromArgs;
  args.forEach((arg, i) => {
    if (arg === flag) fromArgs = args[i + 1];
    else if (arg.startsWith(`${flag}=`)) fromArgs = arg.slice(flag.length + 1);
  });
  if (fromArgs !== undefined) return fromArgs;
  const env = (container.env ?? []).find((e) => e.name === variable);
  expect(!env?.valueFrom, `env ${variable} comes from valueFrom: give it a literal value, the check follows it to the volume`);
  return env?.value || undefined;
}

// Windows paths: either slash, any case; no trailing separator.
const windowsPath = (path) => path.replace(/\//g, '\\').replace(/\\+$/, '').toLowerCase();

// The service reads its certificate and key at start; a pod whose env names
// files its volumes do not hold exits 2 at once. Follow each file to the
// Secret volume that must provide it.
check('the container serves TLS: IOCP_TCP_TLS_CERT and IOCP_TCP_TLS_KEY name tls.crt and tls.key of a Secret mounted read-only', () => {
  const { spec, container } = pod();
  const problems = [];
  for (const [flag, variable, key] of [['--tls-cert', 'IOCP_TCP_TLS_CERT', 'tls.crt'], ['--tls-key', 'IOCP_TCP_TLS_KEY', 'tls.key']]) {
    const file = containerSetting(container, flag, variable);
    if (!file) {
      problems.push(`${variable} (${flag}) is not set`);
      continue;
    }
    if (!/^[a-z]:[\\/]/i.test(file)) {
      problems.push(`${variable} ${file} is not an absolute Windows path (C:\\...)`);
      continue;
    }
    const path = windowsPath(file);
    // The innermost mount that holds the file, as the container sees it.
    const mount = (container.volumeMounts ?? [])
      .filter((m) => path.startsWith(`${windowsPath(m.mountPath ?? '')}\\`))
      .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!mount) {
      problems.push(`no volumeMount holds ${variable} ${file}`);
      continue;
    }
    const where = `the volumeMount ${mount.name} at ${mount.mountPath}`;
    if (mount.readOnly !== true) problems.push(`${where} is not readOnly`);
    if (mount.subPath || mount.subPathExpr) problems.push(`${where} has a subPath, which Windows nodes do not support`);
    const secret = (spec.volumes ?? []).find((v) => v.name === mount.name)?.secret;
    if (!secret?.secretName) {
      problems.push(`${where} is not a Secret volume`);
      continue;
    }
    if (secret.optional) problems.push(`the Secret volume ${mount.name} is optional: without the Secret the pod would start and exit 2`);
    // Without items a Secret volume holds one file per key, named as the key.
    const relative = path.slice(windowsPath(mount.mountPath).length + 1);
    const items = secret.items ?? [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }];
    const item = items.find((i) => windowsPath(i.path) === relative);
    if (item?.key !== key) {
      problems.push(`${variable} ${file} is not the key ${key} of the Secret ${secret.secretName} (a kubernetes.io/tls Secret holds tls.crt and tls.key)`);
    }
  }
  expect(problems.length === 0, [...new Set(problems)].join('; '));
});

check('the container sets cpu and memory requests and limits', () => {
  const { resources = {} } = pod().container;
  const missing = ['requests', 'limits'].flatMap((kind) =>
    ['cpu', 'memory'].filter((what) => resources[kind]?.[what] === undefined).map((what) => `${kind}.${what}`));
  expect(missing.length === 0, `no ${missing.join(', ')}`);
});

check("the Service selects the Deployment's pods and targets its ports 8090 and 9464", () => {
  const { template, container } = pod();
  expect(service, 'no Service to check');
  const labels = template.metadata?.labels ?? {};
  const matchLabels = deployment.spec?.selector?.matchLabels ?? {};
  const selector = service.spec?.selector ?? {};
  expect(Object.keys(selector).length > 0, 'the Service has no selector');
  const unmatched = (wanted) => Object.entries(wanted).filter(([key, value]) => labels[key] !== value).map(([key, value]) => `${key}=${value}`);
  expect(unmatched(matchLabels).length === 0, `the pod labels lack the Deployment selector's ${unmatched(matchLabels).join(', ')}`);
  expect(unmatched(selector).length === 0, `the pod labels lack the Service selector's ${unmatched(selector).join(', ')}`);
  const targets = (service.spec?.ports ?? []).map((p) => portNumber(container, p.targetPort ?? p.port));
  for (const port of [SERVICE_PORT, METRICS_PORT]) {
    expect(targets.includes(port), `no Service port targets container port ${port}`);
  }
});

console.log(`deploy: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
