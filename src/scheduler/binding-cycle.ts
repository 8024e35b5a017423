// The binding cycle: bind PVs / request provisioning for WaitForFirstConsumer claims, wait for them, then bind the pod.
import type { TimerHandle } from '../clock/clock.js';
import type { ControllerContext } from '../controllers/runtime/index.js';
import { errorCode, messageOf } from '../controllers/shared/api-errors.js';
import type { KubeObject } from '../meta/types.js';
import { ANN_SELECTED_NODE, claimFullyBound, podClaimNames, type VolumeDecisions } from './plugins/volume-binding.js';
import { podKey } from './snapshot.js';

/** VolumeBindingArgs.bindTimeoutSeconds' default. */
export const BIND_TIMEOUT_MS = 600_000;

interface VolumeWait {
  pod: KubeObject;
  nodeName: string;
  timer: TimerHandle;
}

export interface BindingHooks {
  /** The pod now carries nodeName (or never will): forget the assumption. */
  forget(key: string): void;
  /** Binding failed: record SchedulerError and retry after backoff. */
  failed(pod: KubeObject, message: string): Promise<void>;
  claim(namespace: string, name: string): KubeObject | undefined;
  /** NominatedNodeNameForExpectation: tell others (an autoscaler) where a pod waiting in PreBind is headed. */
  nominate(pod: KubeObject, nodeName: string): Promise<void>;
}

export class BindingCycle {
  private readonly waits = new Map<string, VolumeWait>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly hooks: BindingHooks,
  ) {}

  isWaiting(key: string): boolean {
    return this.waits.has(key);
  }

  /** Keys of pods waiting on the claim `namespace/name`, to recheck when it changes. */
  waitingOnClaim(namespace: string, name: string): string[] {
    return [...this.waits.entries()]
      .filter(([, w]) => w.pod.metadata.namespace === namespace && podClaimNames(w.pod).some((c) => c.name === name))
      .map(([key]) => key);
  }

  cancel(key: string): void {
    this.waits.get(key)?.timer.cancel();
    this.waits.delete(key);
  }

  /** Reserve + PreBind (VolumeBinding) then Bind; the pod is assumed on `nodeName` meanwhile. */
  async start(pod: KubeObject, nodeName: string, volumes: VolumeDecisions | undefined): Promise<void> {
    if (volumes) {
      try {
        await this.hooks.nominate(pod, nodeName);
        await this.bindVolumes(nodeName, volumes);
      } catch (err) {
        await this.fail(pod, `running PreBind plugin "VolumeBinding": binding volumes: ${messageOf(err)}`);
        return;
      }
      if (!this.claimsBound(pod)) {
        const key = podKey(pod);
        const timer = this.ctx.clock.after(BIND_TIMEOUT_MS, () => {
          if (!this.waits.has(key)) return;
          this.waits.delete(key);
          this.ctx.track(this.fail(pod, 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded'));
        });
        this.waits.set(key, { pod, nodeName, timer });
        return;
      }
    }
    await this.bind(pod, nodeName);
  }

  /** Called when a claim the pod waits on changed: bind once every claim is bound. */
  async resume(key: string): Promise<void> {
    const wait = this.waits.get(key);
    if (!wait || !this.claimsBound(wait.pod)) return;
    this.cancel(key);
    await this.bind(wait.pod, wait.nodeName);
  }

  private claimsBound(pod: KubeObject): boolean {
    return podClaimNames(pod).every(({ name }) => {
      const pvc = this.hooks.claim(pod.metadata.namespace ?? '', name);
      return pvc !== undefined && claimFullyBound(pvc);
    });
  }

  /** bindAPIUpdate: PVs get a claimRef to their claim; claims to provision get the selected-node annotation. */
  private async bindVolumes(nodeName: string, volumes: VolumeDecisions): Promise<void> {
    const { client } = this.ctx;
    for (const { pv, pvc } of volumes.staticBindings) {
      const claimRef = {
        kind: 'PersistentVolumeClaim',
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pvc.metadata.resourceVersion,
      };
      const patch = { metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } }, spec: { claimRef } };
      await client.patch('v1', 'persistentvolumes', undefined, pv.metadata.name ?? '', 'merge', patch, { fieldManager: 'kube-scheduler' });
    }
    for (const pvc of volumes.provisions) {
      const patch = { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } };
      await client.patch('v1', 'persistentvolumeclaims', pvc.metadata.namespace, pvc.metadata.name ?? '', 'merge', patch, { fieldManager: 'kube-scheduler' });
    }
  }

  /** DefaultBinder, then the Scheduled Event finishBinding records. */
  private async bind(pod: KubeObject, nodeName: string): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    try {
      await this.ctx.client.bind(namespace ?? '', name ?? '', nodeName, { uid, fieldManager: 'kube-scheduler' });
    } catch (err) {
      await this.fail(pod, messageOf(err), errorCode(err) === 404);
      return;
    }
    this.hooks.forget(podKey(pod));
    this.ctx.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  private async fail(pod: KubeObject, message: string, gone = false): Promise<void> {
    this.hooks.forget(podKey(pod));
    if (!gone) await this.hooks.failed(pod, message);
  }
}
