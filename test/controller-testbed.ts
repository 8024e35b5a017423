// A cluster on the virtual clock running only the controllers a test names, for controller tests that never sleep.
import { startCluster, type Cluster } from '../src/cluster.js';
import type { InProcessClient } from '../src/client/client.js';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { ControllerManager, type Controller } from '../src/controllers/runtime/index.js';

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
  close(): Promise<void>;
}

export async function startControllerTestbed(controllers: Controller[], options: { start?: number } = {}): Promise<ControllerTestbed> {
  const clock = new VirtualClock(options.start);
  // The cluster's own controllers stay off: only the ones under test run, under this testbed's manager.
  const cluster = await startCluster({ clock, controllers: '' });
  const errors: unknown[] = [];
  const manager = new ControllerManager({ client: cluster.client, clock, controllers, logError: (err) => errors.push(err) });
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
    close: async () => {
      manager.stop();
      await cluster.close();
    },
  };
}
