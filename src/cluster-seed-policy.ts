// Stores the default RBAC policy in a new RBAC cluster, as kube-apiserver's rbac/bootstrap-roles post-start hook does.
import { randomUUID } from 'node:crypto';
import { InProcessClient } from './client/client.js';
import { rfc3339, type Clock } from './clock/clock.js';
import { applyAggregatedRules, settledAggregation } from './controllers/clusterrole-aggregation/clusterrole-aggregation.js';
import { cloneJson, deepFreeze } from './meta/deep-equal.js';
import type { KubeObject } from './meta/types.js';
import type { Registry } from './registry/registry.js';
import { bootstrapPolicy } from './auth/bootstrap-policy/bootstrap-policy.js';

// Upstream's post-start hook writes through its own client; the managedFields record that writer.
const fieldManager = 'kube-apiserver';

interface StoredPolicyObject {
  key: string;
  /** As stored, without uid and resourceVersion; its timestamps are replaced by the new cluster's now. */
  object: KubeObject;
}

/** The policy as the first RBAC cluster of this process stored it, aggregated or not; later clusters copy it. */
const stored = new Map<boolean, readonly StoredPolicyObject[]>();

export interface SeedPolicyOptions {
  /** Whether the clusterrole-aggregation controller runs: without it admin, edit and view stay without rules. */
  aggregate: boolean;
}

/**
 * Stores the policy with admin, edit and view already aggregated, as they are by the time a real cluster answers
 * (the clusterrole-aggregation controller then finds nothing to do). The first cluster of a process writes it through
 * the API (defaults, validation, managedFields, the controller's apply); later ones copy those stored objects
 * straight into their store, which costs a fraction of a millisecond instead of ~15 ms.
 */
export async function seedBootstrapPolicy(registry: Registry, clock: Clock, options: SeedPolicyOptions): Promise<void> {
  const copy = stored.get(options.aggregate);
  if (copy) {
    await copyStoredPolicy(registry, clock, copy);
    return;
  }
  const keys = await writeThroughApi(registry, options.aggregate);
  const objects: StoredPolicyObject[] = [];
  for (const key of keys) {
    const record = await registry.store.get(key);
    if (!record) throw new Error(`seed: ${key} was not stored`);
    const object = cloneJson(record.object) as KubeObject;
    delete object.metadata.uid;
    delete object.metadata.resourceVersion;
    objects.push({ key, object });
  }
  stored.set(options.aggregate, deepFreeze(objects));
}

async function writeThroughApi(registry: Registry, aggregate: boolean): Promise<string[]> {
  const policy = bootstrapPolicy();
  const writes: [string, readonly KubeObject[]][] = [
    ['clusterroles', policy.clusterRoles],
    ['clusterrolebindings', policy.clusterRoleBindings],
    ['roles', policy.roles],
    ['rolebindings', policy.roleBindings],
  ];
  const keys: string[] = [];
  for (const [resource, objects] of writes) {
    const target = registry.lookup('rbac.authorization.k8s.io', 'v1', resource);
    if (!target) throw new Error(`seed: ${resource} is not served in rbac.authorization.k8s.io/v1`);
    for (const object of objects) {
      await registry.create(target, object.metadata.namespace, cloneJson(object), { fieldManager });
      keys.push(target.key(object.metadata.namespace, object.metadata.name!));
    }
  }
  if (aggregate) {
    const client = new InProcessClient(registry);
    for (const [name, rules] of settledAggregation(policy.clusterRoles)) await applyAggregatedRules(client, name, rules);
  }
  return keys;
}

async function copyStoredPolicy(registry: Registry, clock: Clock, objects: readonly StoredPolicyObject[]): Promise<void> {
  const now = rfc3339(clock.now());
  for (const { key, object } of objects) {
    const copy = cloneJson(object);
    copy.metadata.uid = randomUUID();
    copy.metadata.creationTimestamp = now;
    for (const entry of (copy.metadata.managedFields ?? []) as { time?: string }[]) entry.time = now;
    await registry.store.create(key, copy as unknown as Record<string, unknown>);
  }
}
