import { register } from 'prom-client';
import t from 'tap';
import { config, echoService, needsOwnService, spawnService } from './fixtures/harness';
import { CAUSES, httpGet, M, parseExposition, value } from './fixtures/metrics';

const FAMILIES: Record<string, string> = {
  [M.accepted]: 'counter',
  [M.active]: 'gauge',
  [M.max]: 'gauge',
  [M.draining]: 'gauge',
  [M.buffered]: 'gauge',
  [M.overBudget]: 'counter',
  [M.recvBuffersExhausted]: 'counter',
  [M.threadAccepted]: 'counter',
  [M.threadActive]: 'gauge',
  [M.rejected]: 'counter',
  [M.acceptErrors]: 'counter',
  [M.received]: 'counter',
  [M.sent]: 'counter',
  [M.disconnects]: 'counter',
  [M.duration]: 'histogram',
  [M.info]: 'gauge',
};

t.test('the health and readiness endpoints answer 200 while the service listens', async (t) => {
  const svc = await echoService(t);
  t.equal((await httpGet(svc.metrics, '/healthz')).status, 200, '/healthz is 200');
  t.equal((await httpGet(svc.metrics, '/readyz')).status, 200, '/readyz is 200');
});

t.test('/metrics serves every contract series in the Prometheus text format', async (t) => {
  const svc = await echoService(t);
  const res = await httpGet(svc.metrics, '/metrics');
  t.equal(res.status, 200, '/metrics is 200');
  t.equal(res.contentType, register.contentType, "the content type is prom-client's");
  const exp = parseExposition(res.body);

  for (const [name, type] of Object.entries(FAMILIES)) {
    t.equal(exp.types.get(name), type, `${name} is declared as a ${type}`);
  }
  for (const name of [M.accepted, M.active, M.acceptErrors, M.received, M.sent]) {
    t.ok(value(exp, name) >= 0, `${name} has a sample`);
  }
  t.ok(value(exp, M.max) >= 0, `${M.max} has a sample`);
  t.equal(value(exp, M.draining), 0, `${M.draining} is 0 while the service listens`);
  for (const cause of CAUSES) {
    t.ok(value(exp, M.disconnects, { cause }) >= 0, `disconnects has a cause="${cause}" series`);
  }
  t.ok(value(exp, `${M.duration}_count`) >= 0, 'the duration histogram has a _count');
  t.ok(value(exp, `${M.duration}_sum`) >= 0, 'the duration histogram has a _sum');
  t.ok(value(exp, `${M.duration}_bucket`, { le: '+Inf' }) >= 0, 'the duration histogram has a +Inf bucket');

  const info = exp.samples.filter((s) => s.name === M.info);
  t.equal(info.length, 1, 'iocp_tcp_info has exactly one series');
  t.equal(info[0]?.value, 1, 'iocp_tcp_info is 1');
  t.ok(info[0]?.labels.version, 'iocp_tcp_info has a version label', info[0]?.labels);
  if (svc.child) {
    t.type(svc.loggedBackend, 'string', 'the listening line names the backend');
    t.not(svc.loggedBackend, 'auto', 'the listening line names the backend that runs, not "auto"');
    t.equal(info[0]?.labels.backend, svc.loggedBackend, 'iocp_tcp_info shows the backend the service logged');
  } else {
    t.ok(info[0]?.labels.backend, 'iocp_tcp_info has a backend label', info[0]?.labels);
  }
  if (config.backend !== 'auto') {
    t.equal(info[0]?.labels.backend, config.backend, `the backend is the requested ${config.backend}`);
  }
});

t.test(
  'a fresh service reports every contract counter and every disconnect cause at 0',
  { skip: needsOwnService('a fresh service') },
  async (t) => {
    const svc = await spawnService(t);
    const exp = parseExposition((await httpGet(svc.metrics, '/metrics')).body);
    for (const name of [M.accepted, M.active, M.acceptErrors, M.received, M.sent, `${M.duration}_count`]) {
      t.equal(value(exp, name), 0, `${name} is 0`);
    }
    for (const cause of CAUSES) t.equal(value(exp, M.disconnects, { cause }), 0, `cause="${cause}" is 0`);
    const rejected = exp.samples.filter((s) => s.name === M.rejected);
    t.same(
      rejected.map((s) => [s.labels.reason, s.value]),
      [['max_connections', 0]],
      'the max_connections rejection series is present at 0',
    );
  },
);
