// DaemonSet controller: one pod per eligible node (selectors, affinity, taints), node churn, and status counts.
import { expect, test } from '@jest/globals';
import type { KubeObject } from '../../meta/types.js';
import { daemonSetController } from './daemonset.js';
import { targetNodeName } from './daemonset-scheduling.js';
import { listEvents, listPods, readyAll, setPhase, useTestbed } from '../shared/statefulset-daemonset-test-helpers.js';

const tb = useTestbed(() => [daemonSetController()]);

async function addNode(name: string, labels: Record<string, string> = {}, taints: unknown[] = []): Promise<void> {
  await tb.client.create('v1', 'nodes', undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: taints.length ? { taints } : {} });
}

async function createDaemonSet(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Promise<KubeObject> {
  const ds = await tb.client.create('apps/v1', 'daemonsets', 'default', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', ...metadata },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
      ...spec,
    },
  });
  await tb.settle();
  return ds;
}

/** Node name → the image of each of its daemon pods (not ready ones marked). */
async function podsByNode(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const pod of await listPods(tb)) {
    const conditions = (pod.status as { conditions?: { type: string; status: string }[] }).conditions ?? [];
    const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    const image = (pod.spec as { containers: { image: string }[] }).containers[0].image;
    (out[targetNodeName(pod)!] ??= []).push(ready ? image : `${image} (not ready)`);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function dsStatus(): Promise<Record<string, unknown>> {
  return (await tb.client.get('apps/v1', 'daemonsets', 'default', 'agent')).status as Record<string, unknown>;
}

test('runs a pod on each node matching the nodeSelector whose taints it tolerates, pinned there by node affinity', async () => {
  await addNode('ssd-1', { disk: 'ssd' });
  await addNode('hdd-1', { disk: 'hdd' });
  await addNode('ssd-dedicated', { disk: 'ssd' }, [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]);
  await addNode('ssd-cordoned', { disk: 'ssd' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
  await addNode('ssd-no-network', { disk: 'ssd' }, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]);
  const ds = await createDaemonSet({ template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'agent', image: 'agent:1' }] } } });

  expect(Object.keys(await podsByNode())).toEqual(['ssd-1', 'ssd-cordoned']);
  const pod = (await listPods(tb)).find((p) => targetNodeName(p) === 'ssd-1')!;
  const spec = pod.spec as { nodeName?: string; affinity?: unknown; tolerations?: unknown[] };
  expect(pod.metadata.generateName).toBe('agent-');
  expect(spec.nodeName).toBeUndefined();
  expect(spec.affinity).toEqual({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['ssd-1'] }] }] } },
  });
  expect(spec.tolerations).toEqual([
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ]);
  const revisions = (await tb.client.list('apps/v1', 'controllerrevisions', 'default')).items;
  expect(revisions).toHaveLength(1);
  // pod-template-generation follows the annotation the API server keeps for the template generation, when it does.
  const generation = ds.metadata.annotations?.['deprecated.daemonset.template.generation'];
  expect(pod.metadata.labels).toEqual({
    app: 'agent',
    'controller-revision-hash': revisions[0].metadata.labels!['controller-revision-hash'],
    ...(generation ? { 'pod-template-generation': generation } : {}),
  });
  expect(revisions[0].metadata.name).toBe(`agent-${pod.metadata.labels!['controller-revision-hash']}`);
  expect(revisions[0].metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);

  const events = await listEvents(tb);
  expect(events.map((e) => `${e.type} ${e.reason}`)).toEqual(['Normal SuccessfulCreate', 'Normal SuccessfulCreate']);
  expect(events[0].message).toMatch(/^Created pod: agent-[a-z0-9]{5}$/);
  expect(events[0].component).toBe('daemonset-controller');

  expect(await dsStatus()).toEqual({ currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 0, observedGeneration: 1, updatedNumberScheduled: 2, numberUnavailable: 2 });
  await readyAll(tb);
  expect(await dsStatus()).toEqual({ currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 1, updatedNumberScheduled: 2, numberAvailable: 2 });
});

test('required node affinity selects nodes, and host-network daemons tolerate network-unavailable', async () => {
  await addNode('a', { zone: 'east', cores: '8' });
  await addNode('b', { zone: 'west', cores: '16' });
  await addNode('c', { zone: 'east', cores: '32' }, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]);
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['east'] }, { key: 'cores', operator: 'Gt', values: ['4'] }] }],
      },
    },
  };
  await createDaemonSet({ template: { metadata: { labels: { app: 'agent' } }, spec: { hostNetwork: true, affinity, containers: [{ name: 'agent', image: 'agent:1' }] } } });
  expect(Object.keys(await podsByNode())).toEqual(['a', 'c']);
  // The user's affinity keeps its other parts; only the required terms are replaced by the node pin.
  const pod = (await listPods(tb))[0];
  type Pinned = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: unknown[] } } } };
  expect((pod.spec as Pinned).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNodeName(pod)] }] },
  ]);
});

test('follows the nodes: a new node gets a pod, a removed or relabelled node loses it, NoExecute evicts', async () => {
  await addNode('n1', { role: 'worker' });
  await createDaemonSet({ template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { role: 'worker' }, containers: [{ name: 'agent', image: 'agent:1' }] } } });
  expect(Object.keys(await podsByNode())).toEqual(['n1']);

  for (const name of ['n2', 'n3', 'n4']) await addNode(name, { role: 'worker' });
  await tb.settle();
  expect(Object.keys(await podsByNode())).toEqual(['n1', 'n2', 'n3', 'n4']);
  await readyAll(tb);

  await tb.client.delete('v1', 'nodes', undefined, 'n2');
  await tb.client.patch('v1', 'nodes', undefined, 'n3', 'merge', { metadata: { labels: { role: 'storage' } } });
  await tb.settle();
  expect(Object.keys(await podsByNode())).toEqual(['n1', 'n4']);

  // An untolerated NoSchedule taint keeps the running pod (now misscheduled); NoExecute removes it.
  await tb.client.patch('v1', 'nodes', undefined, 'n4', 'merge', { spec: { taints: [{ key: 'maintenance', effect: 'NoSchedule' }] } });
  await tb.settle();
  expect(Object.keys(await podsByNode())).toEqual(['n1', 'n4']);
  expect(await dsStatus()).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 1, numberReady: 1 });
  await tb.client.patch('v1', 'nodes', undefined, 'n4', 'merge', { spec: { taints: [{ key: 'maintenance', effect: 'NoExecute' }] } });
  await tb.settle();
  expect(Object.keys(await podsByNode())).toEqual(['n1']);
  expect(await dsStatus()).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1, numberAvailable: 1 });
  const deletions = (await listEvents(tb)).filter((e) => e.reason === 'SuccessfulDelete');
  expect(deletions).toHaveLength(3);
  expect(deletions[0].message).toMatch(/^Deleted pod: agent-/);
});

test('a failed pod is deleted and replaced, backing off when it keeps failing', async () => {
  await addNode('n1');
  await createDaemonSet();
  let [pod] = await listPods(tb);
  await setPhase(tb, pod, 'Failed');
  await tb.settle();
  const events = (await listEvents(tb)).filter((e) => e.reason === 'FailedDaemonPod');
  expect(events).toEqual([
    { type: 'Warning', reason: 'FailedDaemonPod', message: `Found failed daemon pod default/${pod.metadata.name} on node n1, will try to kill it`, involved: 'DaemonSet/agent', component: 'daemonset-controller' },
  ]);
  const [replacement] = await listPods(tb);
  expect(replacement.metadata.name).not.toBe(pod.metadata.name);

  // Failing again within the 1s backoff, it stays until the backoff has passed.
  pod = replacement;
  await setPhase(tb, pod, 'Failed');
  await tb.settle();
  expect((await listPods(tb)).map((p) => p.metadata.name)).toEqual([pod.metadata.name]);
  await tb.advance(1000);
  const [third] = await listPods(tb);
  expect(third.metadata.name).not.toBe(pod.metadata.name);
  expect((third.status as { phase: string }).phase).toBe('Pending');
});

test('pods carry pod-template-generation when the DaemonSet has the deprecated generation annotation', async () => {
  await addNode('n1');
  await createDaemonSet({}, { annotations: { 'deprecated.daemonset.template.generation': '3' } });
  const [pod] = await listPods(tb);
  expect(pod.metadata.labels).toMatchObject({ 'pod-template-generation': '3' });
});
