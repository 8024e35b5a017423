// Deployment controller basics: the first ReplicaSet, status and conditions, events, adoption and hash collisions.
import { deploymentController } from './deployment.js';
import { templateHash } from '../shared/pod-util.js';
import {
  deploymentFixture,
  eventMessages,
  FakeReplicaSetController,
  getDeployment,
  replicaSetsOf,
  testbedPerTest,
} from './deployment-test-kit.js';

const tb = testbedPerTest(() => [deploymentController()]);
const rsc = new FakeReplicaSetController(tb);

async function create(name: string, fixture: Parameters<typeof deploymentFixture>[1] = {}): Promise<void> {
  await tb.client.create('apps/v1', 'deployments', 'default', deploymentFixture(name, fixture));
  await tb.settle();
}

test('a new deployment gets a ReplicaSet named by its template hash, labelled, annotated and owned', async () => {
  await create('web', { replicas: 3, annotations: { 'kubernetes.io/change-cause': 'first', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
  const d = await getDeployment(tb, 'web');
  const [rs, ...others] = await replicaSetsOf(tb, 'web');
  expect(others).toEqual([]);
  const hash = templateHash(d.spec.template, 0);
  expect(rs.metadata.name).toBe(`web-${hash}`);
  expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
  expect(rs.spec.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
  expect(rs.spec.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
  expect(rs.spec.replicas).toBe(3);
  expect(rs.metadata.ownerReferences).toEqual([
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  // The deployment's own annotations travel, the kubectl bookkeeping one does not.
  expect(rs.metadata.annotations).toEqual({
    'kubernetes.io/change-cause': 'first',
    'deployment.kubernetes.io/revision': '1',
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
  });
  expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  expect(await eventMessages(tb, 'web', 'ScalingReplicaSet')).toEqual([`Scaled up replica set web-${hash} from 0 to 3`]);
  expect(tb.errors).toEqual([]);
});

test('status follows the ReplicaSet, with Available and Progressing conditions as upstream words them', async () => {
  await create('web', { replicas: 3 });
  const [rs] = await replicaSetsOf(tb, 'web');
  let d = await getDeployment(tb, 'web');
  expect(d.status).toMatchObject({ observedGeneration: 1, unavailableReplicas: 3 });
  expect(d.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
    ['Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${rs.metadata.name}"`],
    ['Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
  ]);

  await rsc.podsCreated('web');
  d = await getDeployment(tb, 'web');
  expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, unavailableReplicas: 3, terminatingReplicas: 0 });
  expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
    reason: 'ReplicaSetUpdated',
    message: `ReplicaSet "${rs.metadata.name}" is progressing.`,
  });

  await tb.advance(5000);
  await rsc.podsReady('web');
  d = await getDeployment(tb, 'web');
  expect(d.status).toEqual({
    observedGeneration: 1,
    replicas: 3,
    updatedReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    terminatingReplicas: 0,
    conditions: [
      expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }),
      expect.objectContaining({
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
        lastUpdateTime: '2026-01-01T00:00:05Z',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      }),
    ],
  });
  expect(tb.errors).toEqual([]);
});

test('scaling a settled deployment resizes its only ReplicaSet and records both directions', async () => {
  await create('web', { replicas: 2 });
  await rsc.podsReady('web');
  await tb.client.patch('apps/v1', 'deployments', 'default', 'web', 'merge', { spec: { replicas: 5 } });
  await tb.settle();
  let [rs] = await replicaSetsOf(tb, 'web');
  expect(rs.spec.replicas).toBe(5);
  expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '7' });
  await rsc.podsReady('web');
  await tb.client.patch('apps/v1', 'deployments', 'default', 'web', 'merge', { spec: { replicas: 1 } });
  await tb.settle();
  [rs] = await replicaSetsOf(tb, 'web');
  expect(rs.spec.replicas).toBe(1);
  expect(await eventMessages(tb, 'web', 'ScalingReplicaSet')).toEqual([
    `Scaled up replica set ${rs.metadata.name} from 0 to 2`,
    `Scaled up replica set ${rs.metadata.name} from 2 to 5`,
    `Scaled down replica set ${rs.metadata.name} from 5 to 1`,
  ]);
});

test('an orphan ReplicaSet matching the selector is adopted, and released once its labels stop matching', async () => {
  const fixture = deploymentFixture('web', { replicas: 2 });
  const template = structuredClone((fixture.spec as { template: { metadata: { labels: Record<string, string> } } }).template);
  template.metadata.labels = { app: 'web', extra: 'x' };
  await tb.client.create('apps/v1', 'replicasets', 'default', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'handmade', labels: { app: 'web' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web', extra: 'x' } }, template },
  });
  await tb.client.create('apps/v1', 'deployments', 'default', fixture);
  await tb.settle();
  const d = await getDeployment(tb, 'web');
  const adopted = await tb.client.get('apps/v1', 'replicasets', 'default', 'handmade');
  expect(adopted.metadata.ownerReferences).toEqual([
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  // Its template differs, so it is an old ReplicaSet of the rollout, next to a new one of the deployment's own.
  const names = (await replicaSetsOf(tb, 'web')).map((rs) => rs.metadata.name);
  expect(names).toEqual(expect.arrayContaining(['handmade', `web-${templateHash(d.spec.template, 0)}`]));

  await tb.client.patch('apps/v1', 'replicasets', 'default', 'handmade', 'merge', { metadata: { labels: { app: 'other' } } });
  await tb.settle();
  const released = await tb.client.get('apps/v1', 'replicasets', 'default', 'handmade');
  expect(released.metadata.ownerReferences).toBeUndefined();
  expect(tb.errors).toEqual([]);
});

test('a name taken by a foreign ReplicaSet bumps collisionCount and the next hash is used', async () => {
  // Paused, the deployment creates no ReplicaSet, so its stored (defaulted) template can be hashed first.
  await create('web', { replicas: 1, extraSpec: { paused: true } });
  const template = (await getDeployment(tb, 'web')).spec.template;
  await tb.client.create('apps/v1', 'replicasets', 'default', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `web-${templateHash(template, 0)}`, labels: { app: 'squatter' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'squatter' } },
      template: { metadata: { labels: { app: 'squatter' } }, spec: { containers: [{ name: 'x', image: 'busybox' }] } },
    },
  });
  await tb.client.patch('apps/v1', 'deployments', 'default', 'web', 'merge', { spec: { paused: false } });
  await tb.settle();
  await tb.advance(1000);
  const d = await getDeployment(tb, 'web');
  expect(d.status?.collisionCount).toBe(1);
  const [rs] = await replicaSetsOf(tb, 'web');
  expect(rs.metadata.name).toBe(`web-${templateHash(template, 1)}`);
  expect(rs.spec.replicas).toBe(1);
  // The failed create is retried like any reconcile error.
  expect(tb.errors).toEqual([expect.objectContaining({ code: 409, reason: 'AlreadyExists' })]);
});

test('a deployment selecting everything is refused with a SelectingAll warning', async () => {
  const fixture = deploymentFixture('all');
  (fixture.spec as { selector: unknown }).selector = {};
  await tb.client.create('apps/v1', 'deployments', 'default', fixture);
  await tb.settle();
  expect(await eventMessages(tb, 'all', 'SelectingAll')).toEqual(['This deployment is selecting all pods. A non-empty selector is required.']);
  expect((await getDeployment(tb, 'all')).status?.observedGeneration).toBe(1);
  expect(await replicaSetsOf(tb, 'all')).toEqual([]);
});
