// The ReplicaSet controller, and the replica controller core the ReplicationController controller shares with it.
import type { Controller, ControllerContext, ReconcileResult } from '../runtime/controller.js';
import { UIDTrackingControllerExpectations } from '../runtime/expectations.js';
import type { ReplicaContext } from './replicaset-context.js';
import { watchOwnersAndPods } from './replicaset-handlers.js';
import { replicaSetKind, type ReplicaKind } from './replicaset-kind.js';
import { syncReplicas } from './replicaset-sync.js';

export interface ReplicaControllerOptions {
  /** --concurrent-replicaset-syncs / --concurrent-rc-syncs; 5 by default, as kube-controller-manager. */
  workers?: number;
  /** Most pods created or deleted in one sync; upstream's BurstReplicas is 500. */
  burstReplicas?: number;
}

/** Upstream's ReplicaSetController, parametrised by kind as NewBaseController is. */
export class ReplicaController implements Controller {
  readonly name: string;
  readonly component: string;
  readonly workers: number;
  private state: ReplicaContext | undefined;

  constructor(
    private readonly kind: ReplicaKind,
    private readonly options: ReplicaControllerOptions = {},
  ) {
    this.name = kind.name;
    this.component = kind.component;
    this.workers = options.workers ?? 5;
  }

  start(ctx: ControllerContext): void {
    this.state = {
      kind: this.kind,
      ctx,
      owners: ctx.informers.informerFor(this.kind.apiVersion, this.kind.resource),
      pods: ctx.informers.informerFor('v1', 'pods'),
      expectations: new UIDTrackingControllerExpectations(ctx.clock),
      burstReplicas: this.options.burstReplicas ?? 500,
    };
    watchOwnersAndPods(this.state);
  }

  reconcile(key: string): Promise<ReconcileResult> {
    if (!this.state) throw new Error(`${this.name}: reconcile before start`);
    return syncReplicas(this.state, key);
  }

  /** The creates and deletes a sync of `key` still waits to observe, for tests. */
  pendingExpectations(key: string): { add: number; del: number } | undefined {
    return this.state?.expectations.pending(key);
  }
}

export function replicaSetController(options: ReplicaControllerOptions = {}): ReplicaController {
  return new ReplicaController(replicaSetKind, options);
}
