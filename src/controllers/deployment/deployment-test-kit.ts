// Test support for the deployment controller: Deployment fixtures, and a stand-in for the ReplicaSet controller's status.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import { controllerOf, type Controller } from '../runtime/index.js';
import { revisionOf } from './deployment-annotations.js';
import { specReplicas, type Deployment, type IntOrString, type ReplicaSet } from './deployment-util.js';

/** The part of the controller testbed the kit drives. */
export interface Bed {
  client: InProcessClient;
  settle(): Promise<void>;
}

/**
 * A testbed started afresh for every test of the file (and closed after it) with the given controllers; the object
 * returned always stands for the current test's, so suites can hold on to it at the top level.
 */
export function testbedPerTest(controllers: () => Controller[]): ControllerTestbed {
  let current: ControllerTestbed | undefined;
  beforeEach(async () => {
    current = await startControllerTestbed(controllers());
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const live = (): ControllerTestbed => {
    if (!current) throw new Error('the testbed exists only while a test runs');
    return current;
  };
  return {
    get cluster() {
      return live().cluster;
    },
    get client() {
      return live().client;
    },
    get clock() {
      return live().clock;
    },
    get manager() {
      return live().manager;
    },
    get errors() {
      return live().errors;
    },
    settle: () => live().settle(),
    advance: (ms) => live().advance(ms),
    createUnvalidated: (apiVersion, resource, namespace, object) => live().createUnvalidated(apiVersion, resource, namespace, object),
    close: () => live().close(),
  };
}

export interface DeploymentFixture {
  replicas?: number;
  image?: string;
  strategy?: 'RollingUpdate' | 'Recreate';
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  extraSpec?: Record<string, unknown>;
  annotations?: Record<string, string>;
}

export function deploymentFixture(name: string, fixture: DeploymentFixture = {}): KubeObject {
  const strategy: Record<string, unknown> = { type: fixture.strategy ?? 'RollingUpdate' };
  if (fixture.strategy !== 'Recreate') strategy.rollingUpdate = { maxSurge: fixture.maxSurge ?? '25%', maxUnavailable: fixture.maxUnavailable ?? '25%' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(fixture.annotations ? { annotations: fixture.annotations } : {}) },
    spec: {
      replicas: fixture.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      strategy,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: fixture.image ?? 'nginx:1' }] } },
      ...fixture.extraSpec,
    },
  };
}

export async function getDeployment(bed: Bed, name: string): Promise<Deployment> {
  return (await bed.client.get('apps/v1', 'deployments', 'default', name)) as Deployment;
}

/** Creates the deployment and lets its first ReplicaSet come up fully, a second before the test goes on. */
export async function createAvailable(tb: ControllerTestbed, rsc: FakeReplicaSetController, name: string, fixture: DeploymentFixture): Promise<void> {
  await tb.client.create('apps/v1', 'deployments', 'default', deploymentFixture(name, fixture));
  await tb.settle();
  await rsc.podsReady(name);
  await tb.advance(1000);
}

/** Merge-patches the deployment's spec (a template change is a new rollout) and settles. */
export async function patchSpec(bed: Bed, name: string, spec: Record<string, unknown>): Promise<void> {
  await bed.client.patch('apps/v1', 'deployments', 'default', name, 'merge', { spec });
  await bed.settle();
}

export async function setImage(bed: Bed, name: string, image: string): Promise<void> {
  await patchSpec(bed, name, { template: { spec: { containers: [{ name: 'app', image }] } } });
}

/** The deployment's ReplicaSets, lowest revision first. */
export async function replicaSetsOf(bed: Bed, name: string): Promise<ReplicaSet[]> {
  const d = await getDeployment(bed, name);
  const { items } = await bed.client.list('apps/v1', 'replicasets', 'default');
  return (items as ReplicaSet[]).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid).sort((a, b) => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0));
}

export function imageOf(rs: ReplicaSet): string {
  return ((rs.spec.template?.spec?.containers as { image: string }[] | undefined) ?? [])[0]?.image ?? '';
}

/** Messages of the deployment's Events with this reason, oldest first. */
export async function eventMessages(bed: Bed, name: string, reason: string): Promise<string[]> {
  const { items } = await bed.client.list('v1', 'events', 'default');
  return items
    .filter((e) => (e.involvedObject as { name?: string }).name === name && e.reason === reason)
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
    .map((e) => String(e.message));
}

export interface PodCounts {
  replicas: number;
  ready: number;
  available: number;
}

/**
 * Plays the ReplicaSet controller (and kubelet) in deployment tests: each call writes the status a ReplicaSet
 * controller would report for the pods the test says exist, computed from the ReplicaSet as it stands at the write.
 */
export class FakeReplicaSetController {
  constructor(private readonly bed: Bed) {}

  async setStatus(name: string, counts: (rs: ReplicaSet) => PodCounts): Promise<void> {
    for (;;) {
      const current = (await this.bed.client.get('apps/v1', 'replicasets', 'default', name)) as ReplicaSet;
      const { replicas, ready, available } = counts(current);
      current.status = {
        replicas,
        fullyLabeledReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: available,
        terminatingReplicas: 0,
        observedGeneration: current.metadata.generation,
      };
      try {
        await this.bed.client.update('apps/v1', 'replicasets', 'default', current, { subresource: 'status' });
        return;
      } catch (err) {
        // The deployment controller resized it in between: report on the new size instead.
        if ((err as { code?: number }).code !== 409) throw err;
      }
    }
  }

  /** Every ReplicaSet of the deployment now runs spec.replicas pods; new pods are not ready, removed ones were. */
  async podsCreated(name: string): Promise<void> {
    for (const rs of await replicaSetsOf(this.bed, name)) {
      await this.setStatus(rs.metadata.name!, (fresh) => {
        const available = Math.min(fresh.status?.availableReplicas ?? 0, specReplicas(fresh));
        return { replicas: specReplicas(fresh), ready: available, available };
      });
    }
    await this.bed.settle();
  }

  /** Every pod of the deployment's ReplicaSets exists and is available. */
  async podsReady(name: string): Promise<void> {
    for (const rs of await replicaSetsOf(this.bed, name)) {
      await this.setStatus(rs.metadata.name!, (fresh) => ({ replicas: specReplicas(fresh), ready: specReplicas(fresh), available: specReplicas(fresh) }));
    }
    await this.bed.settle();
  }
}

/**
 * Watches the deployment's ReplicaSets and samples, after every single write to any of them, the sum of their
 * spec.replicas (what the controller asked for) and of their status.availableReplicas (what serves).
 */
export async function watchReplicaSets(bed: Bed, name: string): Promise<{ totals: number[]; available: number[]; stop(): void }> {
  const d = await getDeployment(bed, name);
  const owned = (rs: ReplicaSet) => controllerOf(rs)?.uid === d.metadata.uid;
  // Seeded from a list so the first samples are whole sums, not ReplicaSets trickling in one ADDED event at a time.
  const list = await bed.client.list('apps/v1', 'replicasets', 'default');
  const current = new Map((list.items as ReplicaSet[]).filter(owned).map((rs) => [rs.metadata.name!, rs]));
  const totals: number[] = [];
  const available: number[] = [];
  const handle = await bed.client.watch('apps/v1', 'replicasets', 'default', { resourceVersion: list.resourceVersion }, (event) => {
    const rs = event.object as ReplicaSet;
    if (event.type === 'ERROR' || !owned(rs)) return;
    if (event.type === 'DELETED') current.delete(rs.metadata.name!);
    else current.set(rs.metadata.name!, rs);
    totals.push([...current.values()].reduce((sum, r) => sum + specReplicas(r), 0));
    available.push([...current.values()].reduce((sum, r) => sum + (r.status?.availableReplicas ?? 0), 0));
  });
  return { totals, available, stop: () => handle.stop() };
}
