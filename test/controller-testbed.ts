// A cluster on the virtual clock running only the controllers a test names, for controller tests that never sleep.
import { startCluster, type Cluster } from '../src/cluster.js';
import type { InProcessClient } from '../src/client/client.js';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { ControllerManager, type Controller } from '../src/controllers/runtime/index.js';
import { apiExtensionsControllers } from '../src/controllers/apiextensions/index.js';
import type { KubeObject } from '../src/meta/types.js';

export interface ControllerTestbed {
  cluster: Cluster;
  client: InProcessClient;
  clock: VirtualClock;
  manager: ControllerManager;
  /** Errors controllers logged (reconcile throws are retried with backoff, and land here). */
  errors: unknown[];
  /** Resolves once every queue is empty and nothing is due now. */
  settle(): Promise<void>;
  /** Moves the virtual clock forward by `ms`, firing timers in order and settling after each. */
  advance(ms: number): Promise<void>;
  /**
   * Creates an object as an apiserver without the resource's own validation would (one stored before a rule existed,
   * or by a server with another zone database), so controllers meet what today's validation refuses.
   */
  createUnvalidated(apiVersion: string, resource: string, namespace: string | undefined, object: KubeObject): Promise<KubeObject>;
  close(): Promise<void>;
}

export async function startControllerTestbed(controllers: Controller[], options: { start?: number } = {}): Promise<ControllerTestbed> {
  const clock = new VirtualClock(options.start);
  // The cluster's own controllers stay off: only the ones under test run, under this testbed's manager.
  const cluster = await startCluster({ clock, controllers: '', nodes: 0 });
  // The apiserver's always-on CRD controllers move to this manager, so settle() and advance() cover them too.
  cluster.controllers.stop();
  const apiServer = apiExtensionsControllers().filter((c) => !controllers.some((own) => own.name === c.name));
  const errors: unknown[] = [];
  const manager = new ControllerManager({
    client: cluster.client,
    clock,
    controllers: [...apiServer, ...controllers],
    logError: (err) => errors.push(err),
  });
  await manager.start();
  await manager.settle();
  return {
    cluster,
    client: cluster.client,
    clock,
    manager,
    errors,
    settle: () => manager.settle(),
    advance: (ms) => manager.advance(ms),
    createUnvalidated: async (apiVersion, resource, namespace, object) => {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      const strategy = cluster.registry.lookup(group, version, resource)?.strategy;
      if (!strategy) throw new Error(`no resource ${resource} in ${apiVersion}`);
      const validate = strategy.validate;
      strategy.validate = undefined;
      try {
        return await cluster.client.create(apiVersion, resource, namespace, object);
      } finally {
        strategy.validate = validate;
      }
    },
    close: async () => {
      manager.stop();
      await cluster.close();
    },
  };
}
