// The whole default cluster (scheduler, kubelet, storage, every controller) on the virtual clock: workloads finish by advance().
import type { KubeObject } from '../../src/meta/types.js';
import { kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ clock: 'virtual' });
});
afterAll(() => cluster.close());

const ns = 'default';
type Obj = KubeObject & { spec?: any; status?: any };
const get = (apiVersion: string, resource: string, name: string) => cluster.client.get(apiVersion, resource, ns, name) as Promise<Obj>;
const list = async (apiVersion: string, resource: string, labelSelector?: string) =>
  (await cluster.client.list(apiVersion, resource, ns, { labelSelector })).items as Obj[];
const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...extra },
});

test('kubectl rollout status returns while the test advances the clock', async () => {
  const binary = kubectlBinaries().at(-1)!;
  const k = kubectlOf(binary, () => cluster);
  await cluster.client.create('apps/v1', 'deployments', ns, {
    metadata: { name: 'web' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
  } as KubeObject);
  await cluster.settle();
  // Nothing has run yet: time stands still until the test moves it.
  expect((await get('apps/v1', 'deployments', 'web')).status?.availableReplicas ?? 0).toBe(0);
  const rollout = k.start(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  await rollout.waitFor((out) => out.includes('Waiting'));
  await cluster.advance('5s');
  await rollout.done();
  expect(rollout.exitCode).toBe(0);
  expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
  const pods = await list('v1', 'pods', 'app=web');
  expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3);
});

test('an hourly CronJob runs one Job per hour and each completes', async () => {
  await cluster.client.create('batch/v1', 'cronjobs', ns, {
    metadata: { name: 'hourly' },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template({ job: 'hourly' }, { restartPolicy: 'Never' }) } } },
  } as KubeObject);
  await cluster.advance('3h');
  const jobs = (await list('batch/v1', 'jobs')).filter((j) => j.metadata.ownerReferences?.[0]?.name === 'hourly');
  expect(jobs).toHaveLength(3);
  for (const job of jobs) expect(job.status.conditions.map((c: { type: string }) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
  const cronJob = await get('batch/v1', 'cronjobs', 'hourly');
  expect(cronJob.status.lastSuccessfulTime).toBeDefined();
});

test('a StatefulSet with a claim template gets Bound claims and Ready pods, in order', async () => {
  await cluster.client.create('v1', 'services', ns, { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } } as KubeObject);
  await cluster.client.create('apps/v1', 'statefulsets', ns, {
    metadata: { name: 'db' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: template({ app: 'db' }),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  } as KubeObject);
  await cluster.advance('1m');
  const claims = await list('v1', 'persistentvolumeclaims', 'app=db');
  expect(claims.map((c) => [c.metadata.name, c.status.phase, c.spec.storageClassName])).toEqual([
    ['data-db-0', 'Bound', 'standard'],
    ['data-db-1', 'Bound', 'standard'],
    ['data-db-2', 'Bound', 'standard'],
  ]);
  const pods = (await list('v1', 'pods', 'app=db')).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  expect(pods.map((p) => [p.metadata.name, p.status.phase])).toEqual([['db-0', 'Running'], ['db-1', 'Running'], ['db-2', 'Running']]);
  // OrderedReady: each pod was created only once the one before it was Ready.
  const created = pods.map((p) => Date.parse(p.metadata.creationTimestamp as string));
  const ready = pods.map((p) => Date.parse(p.status.conditions.find((c: { type: string }) => c.type === 'Ready').lastTransitionTime));
  expect(created[1]).toBeGreaterThanOrEqual(ready[0]!);
  expect(created[2]).toBeGreaterThanOrEqual(ready[1]!);
  const endpoints = (await get('v1', 'endpoints', 'db')) as unknown as { subsets: { addresses: { hostname: string }[] }[] };
  expect(endpoints.subsets[0]!.addresses.map((a) => a.hostname).sort()).toEqual(['db-0', 'db-1', 'db-2']);
});

test('a DaemonSet covers every node', async () => {
  await cluster.client.create('apps/v1', 'daemonsets', ns, {
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }) },
  } as KubeObject);
  await cluster.advance('10s');
  const nodes = (await cluster.client.list('v1', 'nodes')).items.map((n) => n.metadata.name).sort();
  const pods = await list('v1', 'pods', 'app=agent');
  expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(nodes);
  expect((await get('apps/v1', 'daemonsets', 'agent')).status).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3, numberAvailable: 3 });
});

test('a crash-looping pod shows CrashLoopBackOff', async () => {
  await cluster.client.create('v1', 'pods', ns, {
    metadata: { name: 'crasher', annotations: { 'kubefake.dev/crash-loop': 'true' } },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  } as KubeObject);
  // Step through a minute, a second at a time, recording the container's state after each step.
  const states: string[] = [];
  for (let second = 0; second < 60; second++) {
    await cluster.advance('1s');
    const status = (await get('v1', 'pods', 'crasher')).status.containerStatuses?.[0];
    states.push(status?.state.waiting?.reason ?? (status?.state.running ? 'Running' : 'Other'));
  }
  expect(states).toContain('CrashLoopBackOff');
  expect(states).toContain('Running');
  const pod = await get('v1', 'pods', 'crasher');
  expect(pod.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(3);
  const events = (await list('v1', 'events')).filter((e) => (e as Obj & { involvedObject: { name: string } }).involvedObject.name === 'crasher');
  expect(events.map((e) => (e as Obj & { reason: string }).reason)).toContain('BackOff');
});
