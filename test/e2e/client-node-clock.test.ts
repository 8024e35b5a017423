// The /kubefake/v1 clock and settle endpoints driven from @kubernetes/client-node, as a non-JS user's CI would.
import * as k8s from '@kubernetes/client-node';
import type { Controller } from '../../src/controllers/runtime/index.js';
import { startTestCluster, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, type Clients } from './client-node-support.js';

/** A custom controller that records every reconcile of ConfigMaps labelled `tick`, revisiting each every minute. */
function ticker(log: string[], now: () => number): Controller {
  return {
    name: 'ticker',
    start(ctx) {
      ctx.informers.informerFor('v1', 'configmaps').addEventHandler({
        onAdd: (obj) => {
          if (obj.metadata.labels?.tick) ctx.enqueue(obj);
        },
      });
    },
    async reconcile(key) {
      log.push(`${key}@${now()}`);
      return { requeueAfter: 60_000 };
    },
  };
}

interface ClockView {
  apiVersion: string;
  kind: string;
  mode: string;
  now: string;
}

async function control(kc: k8s.KubeConfig, method: string, path: string): Promise<{ status: number; body: unknown }> {
  const init = await kc.applyToFetchOptions({ method });
  const response = await fetch(`${kc.getCurrentCluster()!.server}${path}`, { method, headers: init.headers as Record<string, string> });
  return { status: response.status, body: await response.json() };
}

describe('virtual clock', () => {
  let cluster: TestCluster;
  let c: Clients;
  const log: string[] = [];

  beforeAll(async () => {
    const holder: { now?: () => number } = {};
    cluster = await startTestCluster({ clock: 'virtual', customControllers: [ticker(log, () => holder.now!())] });
    holder.now = () => cluster.clock.now();
    c = clientsFor(cluster);
  });
  afterAll(() => cluster.close());

  test('GET /kubefake/v1/clock reports a virtual clock that stands still', async () => {
    const first = await control(c.kc, 'GET', '/kubefake/v1/clock');
    expect(first.status).toBe(200);
    const view = first.body as ClockView;
    expect(view).toMatchObject({ apiVersion: 'kubefake/v1', kind: 'Clock', mode: 'virtual' });
    expect(Date.parse(view.now)).toBe(cluster.clock.now());
    await c.core.createNamespace({ body: { metadata: { name: 'still' } } });
    expect(((await control(c.kc, 'GET', '/kubefake/v1/clock')).body as ClockView).now).toBe(view.now);
  });

  test('settle waits for the controllers, clock:advance plays minutes of their life', async () => {
    const start = cluster.clock.now();
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'tick', labels: { tick: 'yes' } } } });
    const settled = await control(c.kc, 'POST', '/kubefake/v1/settle');
    expect(settled.status).toBe(200);
    expect(log).toEqual([`default/tick@${start}`]);

    const advanced = await control(c.kc, 'POST', '/kubefake/v1/clock:advance?by=5m');
    expect(advanced.status).toBe(200);
    expect(Date.parse((advanced.body as ClockView).now)).toBe(start + 300_000);
    // One reconcile at creation, then one per minute of virtual time, each at exactly its due time.
    expect(log).toEqual([0, 1, 2, 3, 4, 5].map((m) => `default/tick@${start + m * 60_000}`));
  });

  test('bad requests get a metav1.Status', async () => {
    const missing = await control(c.kc, 'POST', '/kubefake/v1/clock:advance');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    const invalid = await control(c.kc, 'POST', '/kubefake/v1/clock:advance?by=5x');
    expect(invalid.status).toBe(400);
    expect((invalid.body as { message: string }).message).toContain('time: unknown unit "x" in duration "5x"');
    const backwards = await control(c.kc, 'POST', '/kubefake/v1/clock:advance?by=-1m');
    expect(backwards.status).toBe(400);
    const wrongMethod = await control(c.kc, 'GET', '/kubefake/v1/settle');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    const unknown = await control(c.kc, 'GET', '/kubefake/v1/nothing');
    expect(unknown.status).toBe(404);
    // The typed API is untouched by any of it.
    const err = await apiError(c.core.readNamespace({ name: 'absent' }));
    expect(err.code).toBe(404);
  });
});

describe('real clock', () => {
  let cluster: TestCluster;
  let c: Clients;
  beforeAll(async () => {
    cluster = await startTestCluster();
    c = clientsFor(cluster);
  });
  afterAll(() => cluster.close());

  test('reports mode real, settles, and refuses to advance', async () => {
    const view = (await control(c.kc, 'GET', '/kubefake/v1/clock')).body as ClockView;
    expect(view.mode).toBe('real');
    expect((await control(c.kc, 'POST', '/kubefake/v1/settle')).status).toBe(200);
    const refused = await control(c.kc, 'POST', '/kubefake/v1/clock:advance?by=1m');
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toContain('--clock=virtual');
  });

  test('POST /kubefake/v1/reset takes the cluster back to its state at start', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-a-test' } } });
    const reset = await control(c.kc, 'POST', '/kubefake/v1/reset');
    expect(reset.status).toBe(200);
    // The real clock keeps the node heartbeats going, so only the test's own object is counted for sure.
    expect(reset.body).toMatchObject({ apiVersion: 'kubefake/v1', kind: 'Reset', created: 0 });
    expect((reset.body as { deleted: number }).deleted).toBeGreaterThanOrEqual(1);
    expect((await apiError(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'from-a-test' }))).code).toBe(404);
    expect((await control(c.kc, 'GET', '/kubefake/v1/reset')).status).toBe(405);
  });
});
