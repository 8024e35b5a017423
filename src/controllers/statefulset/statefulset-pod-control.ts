// Creates, updates and deletes a StatefulSet's pods and claims, with upstream's events (stateful_pod_control.go).
import type { KubeObject } from '../../meta/types.js';
import type { ControllerContext } from '../runtime/controller.js';
import type { SharedInformer } from '../runtime/informer.js';
import { hasPodStaleOwnerRef, hasUnexpectedController, isClaimOwnerUpToDate, retentionPolicy, updateClaimOwnerRefs } from './statefulset-claim-retention.js';
import { errorCode, messageOf } from '../shared/api-errors.js';
import { aggregateError, fieldManager } from '../shared/statefulset-daemonset-common.js';
import { claimNameFor, claimsFor, identityMatches, ordinalOf, setSpec, storageMatches, updateIdentity, updateStorage } from './statefulset-utils.js';

function title(verb: string): string {
  return verb.charAt(0).toUpperCase() + verb.slice(1);
}

export class StatefulPodControl {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly pods: SharedInformer,
    private readonly claims: SharedInformer,
  ) {}

  private claim(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  /** Claims first, then the pod, then the claims' owner references as far as they can be set already. */
  async createStatefulPod(set: KubeObject, pod: KubeObject): Promise<void> {
    try {
      await this.createPersistentVolumeClaims(set, pod);
    } catch (err) {
      this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    try {
      await this.ctx.client.create('v1', 'pods', pod.metadata.namespace, pod, { fieldManager });
    } catch (err) {
      // A pod of that name already there is no news worth an event.
      if (errorCode(err) !== 409) this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    try {
      await this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
    this.recordPodEvent('create', set, pod);
  }

  /** Restores identity, storage and claim ownership on a pod that drifted, retrying on conflicts. */
  async updateStatefulPod(set: KubeObject, original: KubeObject): Promise<void> {
    let pod = structuredClone(original);
    let attempted = false;
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      let consistent = true;
      if (!identityMatches(set, pod)) {
        updateIdentity(set, pod);
        consistent = false;
      }
      try {
        if (!storageMatches(set, pod)) {
          updateStorage(set, pod);
          consistent = false;
          await this.createPersistentVolumeClaims(set, pod);
        }
        if (!this.claimsMatchRetentionPolicy(set, pod)) {
          await this.updatePodClaimForRetentionPolicy(set, pod);
          consistent = false;
        }
      } catch (err) {
        this.recordPodEvent('update', set, pod, err);
        throw err;
      }
      if (consistent) return;
      attempted = true;
      try {
        await this.ctx.client.update('v1', 'pods', pod.metadata.namespace, pod, { fieldManager });
        lastError = undefined;
        break;
      } catch (err) {
        lastError = err;
        if (errorCode(err) !== 409) break;
        const fresh = this.pods.get(`${set.metadata.namespace}/${pod.metadata.name}`);
        if (fresh) pod = structuredClone(fresh);
      }
    }
    if (attempted) this.recordPodEvent('update', set, pod, lastError);
    if (lastError) throw lastError;
  }

  async deleteStatefulPod(set: KubeObject, pod: KubeObject): Promise<void> {
    try {
      await this.ctx.client.delete('v1', 'pods', pod.metadata.namespace, pod.metadata.name!);
    } catch (err) {
      this.recordPodEvent('delete', set, pod, err);
      throw err;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** Whether every existing claim of the pod carries the owner references the retention policy asks for. */
  claimsMatchRetentionPolicy(set: KubeObject, pod: KubeObject): boolean {
    const ordinal = ordinalOf(pod);
    for (const template of setSpec(set).volumeClaimTemplates ?? []) {
      const claim = this.claim(set.metadata.namespace, claimNameFor(set, template, ordinal));
      // A missing claim is picked up on a later pass.
      if (claim && !isClaimOwnerUpToDate(claim, set, pod)) return false;
    }
    return true;
  }

  async updatePodClaimForRetentionPolicy(set: KubeObject, pod: KubeObject): Promise<void> {
    const ordinal = ordinalOf(pod);
    for (const template of setSpec(set).volumeClaimTemplates ?? []) {
      const claimName = claimNameFor(set, template, ordinal);
      const cached = this.claim(set.metadata.namespace, claimName);
      if (!cached) continue;
      if (hasUnexpectedController(cached, set, pod)) {
        this.ctx.recorder.event(
          set,
          'Warning',
          'ConflictingController',
          `PersistentVolumeClaim ${claimName} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`,
        );
      }
      if (isClaimOwnerUpToDate(cached, set, pod)) continue;
      const claim = structuredClone(cached);
      updateClaimOwnerRefs(claim, set, pod);
      try {
        await this.ctx.client.update('v1', 'persistentvolumeclaims', claim.metadata.namespace, claim, { fieldManager });
      } catch (err) {
        throw new Error(`could not update claim ${claimName} for delete policy ownerRefs: ${messageOf(err)}`);
      }
    }
  }

  /** Under whenScaled: Delete, a claim still owned by an earlier pod of this name must go before the pod returns. */
  podClaimIsStale(set: KubeObject, pod: KubeObject): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    return claimsFor(set, pod).some(({ claim }) => {
      const existing = this.claim(claim.metadata.namespace, claim.metadata.name!);
      return existing !== undefined && hasPodStaleOwnerRef(existing, pod);
    });
  }

  /** For a Pending pod: claims deleted under it are recreated, and their ownership set. */
  async createMissingPersistentVolumeClaims(set: KubeObject, pod: KubeObject): Promise<void> {
    await this.createPersistentVolumeClaims(set, pod);
    try {
      await this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
  }

  private async createPersistentVolumeClaims(set: KubeObject, pod: KubeObject): Promise<void> {
    const errs: unknown[] = [];
    for (const { claim } of claimsFor(set, pod)) {
      const existing = this.claim(claim.metadata.namespace, claim.metadata.name!);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errs.push(new Error(`pvc ${claim.metadata.name} is being deleted`));
        continue;
      }
      try {
        await this.ctx.client.create('v1', 'persistentvolumeclaims', claim.metadata.namespace, claim, { fieldManager });
        this.recordClaimEvent('create', set, pod, claim);
      } catch (err) {
        errs.push(new Error(`failed to create PVC ${claim.metadata.name}: ${messageOf(err)}`));
        if (errorCode(err) !== 409) this.recordClaimEvent('create', set, pod, claim, err);
      }
    }
    if (errs.length > 0) throw aggregateError(errs);
  }

  private recordPodEvent(verb: string, set: KubeObject, pod: KubeObject, err?: unknown): void {
    if (err === undefined) {
      this.ctx.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } else {
      this.ctx.recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${messageOf(err)}`);
    }
  }

  private recordClaimEvent(verb: string, set: KubeObject, pod: KubeObject, claim: KubeObject, err?: unknown): void {
    if (err === undefined) {
      this.ctx.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    } else {
      this.ctx.recorder.event(
        set,
        'Warning',
        `Failed${title(verb)}`,
        `${verb} Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${messageOf(err)}`,
      );
    }
  }
}
