// kubectl e2e: cordon/uncordon flip spec.unschedulable; drain evicts a node's pods through their PodDisruptionBudget.
import type { ClientWatchEvent } from '../../src/client/client.js';
import { rfc3339 } from '../../src/clock/clock.js';
import type { KubeObject } from '../../src/meta/types.js';
import type { WatchHandle } from '../../src/store/types.js';
import { kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
/**
 * The kubelet's part, which no component plays in this cluster: once a pod on a node of this suite is being deleted,
 * its containers are taken as stopped and the pod is removed with grace 0, as a kubelet does when it has
 * terminated a pod. Pods' Running/Ready status is likewise written by the test (see runningPod).
 */
let kubeletStandIn: WatchHandle;
const standInErrors: unknown[] = [];

beforeAll(async () => {
  cluster = await startTestCluster({ controllers: 'disruption' });
  kubeletStandIn = await cluster.client.watch('v1', 'pods', undefined, {}, (event: ClientWatchEvent) => {
    const pod = event.object;
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    if (event.type !== 'MODIFIED' || !pod.metadata.deletionTimestamp || !node.startsWith('drain-')) return;
    cluster.client
      .delete('v1', 'pods', pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } })
      .catch((err: { code?: number }) => {
        if (err.code !== 404 && err.code !== 409) standInErrors.push(err);
      });
  });
});

afterAll(async () => {
  kubeletStandIn.stop();
  await cluster.close();
  expect(standInErrors).toEqual([]);
});

/** /usr/bin/kubectl and two older minor versions. */
const binaries = [{ version: 'system', path: '/usr/bin/kubectl' }, ...kubectlBinaries().filter((b) => b.version === '1.27' || b.version === '1.30')];

describe.each(binaries)('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('drain', binary.version);
  const nodeName = `drain-${binary.version.replace('.', '-')}`;
  const elsewhere = `${nodeName}-spare`;

  const owner = async (apiVersion: string, resource: string, obj: KubeObject) => cluster.client.create(apiVersion, resource, ns, obj);
  const ref = (o: KubeObject) => ({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid!, controller: true });

  /** A pod bound to `node` with the status its kubelet would report once it runs and is Ready. */
  async function runningPod(name: string, node: string, controller: KubeObject, extra: Record<string, unknown> = {}): Promise<void> {
    const labels = (controller.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    const pod = await cluster.client.create('v1', 'pods', ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels, ownerReferences: [ref(controller)] },
      spec: { nodeName: node, containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra },
    });
    const now = rfc3339(cluster.clock.now());
    const status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: now }],
      containerStatuses: [{ name: 'app', image: 'nginx:1.27', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } }],
    };
    await cluster.client.update('v1', 'pods', ns, { ...pod, status }, { subresource: 'status' });
  }

  const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });
  const podNames = async (node: string) =>
    (await cluster.client.list('v1', 'pods', ns, { fieldSelector: `spec.nodeName=${node}` })).items.map((p) => p.metadata.name).sort();

  beforeAll(async () => {
    await cluster.client.create('v1', 'namespaces', undefined, { metadata: { name: ns } });
    for (const name of [nodeName, elsewhere]) await cluster.client.create('v1', 'nodes', undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  });

  test('cordon and uncordon flip spec.unschedulable', async () => {
    expect(await k.run(['cordon', nodeName])).toMatchObject({ code: 0, stdout: `node/${nodeName} cordoned\n` });
    expect((await cluster.client.get('v1', 'nodes', undefined, nodeName)).spec).toEqual({ unschedulable: true });
    expect(await k.run(['cordon', nodeName])).toMatchObject({ code: 0, stdout: `node/${nodeName} already cordoned\n` });
    expect(await k.run(['uncordon', nodeName])).toMatchObject({ code: 0, stdout: `node/${nodeName} uncordoned\n` });
    expect((await cluster.client.get('v1', 'nodes', undefined, nodeName)).spec ?? {}).toEqual({});
  });

  test('drain waits on the budget (429, retried every 5s) and finishes once enough pods are healthy elsewhere', async () => {
    const web = await owner('apps/v1', 'replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } });
    const cache = await owner('apps/v1', 'replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'cache' }, spec: { replicas: 1, selector: { matchLabels: { app: 'cache' } }, template: template({ app: 'cache' }) } });
    const agent = await owner('apps/v1', 'daemonsets', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }) } });
    await runningPod('web-1', nodeName, web);
    await runningPod('web-2', nodeName, web);
    await runningPod('cache-1', nodeName, cache, { volumes: [{ name: 'scratch', emptyDir: {} }] });
    await runningPod('agent-1', nodeName, agent);
    await cluster.client.create('policy/v1', 'poddisruptionbudgets', ns, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
    });
    await cluster.settle();
    const pdb = await k.run(['-n', ns, 'get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}/{.status.currentHealthy}']);
    expect(pdb).toMatchObject({ code: 0, stdout: '0/2' });

    // Without the flags, drain lists what it may not touch (after cordoning).
    const refused = await k.run(['drain', nodeName, '--timeout=30s']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)');
    expect(refused.stderr).toContain('cannot delete Pods with local storage (use --delete-emptydir-data to override)');

    const drain = k.start(['drain', nodeName, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s']);
    await drain.waitFor(() => drain.stderr.includes("Cannot evict pod as it would violate the pod's disruption budget."), 30_000);
    expect(drain.stderr).toMatch(/error when evicting pods\/"web-[12]" -n "drain-[a-z0-9-]+" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    expect(drain.stderr).toContain(`Warning: ignoring DaemonSet-managed Pods: ${ns}/agent-1`);

    // The ReplicaSet controller and scheduler would bring up replacements elsewhere; the test does it for them.
    await runningPod('web-3', elsewhere, web);
    await runningPod('web-4', elsewhere, web);
    await drain.done();
    expect({ code: drain.exitCode, stderr: drain.stderr }).toMatchObject({ code: 0 });
    for (const pod of ['cache-1', 'web-1', 'web-2']) {
      expect(drain.stdout).toContain(`evicting pod ${ns}/${pod}\n`);
      expect(drain.stdout).toContain(`pod/${pod} evicted\n`);
    }
    expect(drain.stdout).toContain(`node/${nodeName} drained\n`);
    expect(await podNames(nodeName)).toEqual(['agent-1']);
    expect((await cluster.client.get('v1', 'nodes', undefined, nodeName)).spec).toEqual({ unschedulable: true });
    await cluster.settle();
    expect(await k.run(['-n', ns, 'get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}/{.status.currentHealthy}/{.status.expectedPods}'])).toMatchObject({
      stdout: '0/2/2',
    });
  });
});
