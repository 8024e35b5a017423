// ControllerRevision history as StatefulSets and DaemonSets keep it: template patches, hashes, names, ordering, writes.
import type { InProcessClient } from '../../client/client.js';
import type { LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { controllerRefTo, safeEncode, stableStringify } from './pod-util.js';
import { controllerOf } from '../runtime/controller.js';
import { errorCode } from './api-errors.js';
import { fieldManager } from './statefulset-daemonset-common.js';

/** The label upstream's history package puts the revision's hash under. */
export const revisionHashLabel = 'controller.kubernetes.io/hash';

type Json = Record<string, unknown>;

/**
 * What Go's json.Marshal prints for a decoded JSON value: map keys sorted, and `<`, `>`, `&`, U+2028, U+2029 escaped.
 * Revision data is compared and hashed in this form, so hashes match those a real controller computes.
 */
export function goJson(value: unknown): string {
  return stableStringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** FNV-1 (not 1a) over the UTF-8 bytes: Go's fnv.New32, which HashControllerRevision uses. */
export function fnv1(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

/** Upstream's HashControllerRevision: the data's bytes, then the decimal collision count when there is one. */
export function hashControllerRevision(data: unknown, collisionCount?: number): string {
  const probe = collisionCount === undefined ? '' : String(collisionCount);
  return safeEncode(String(fnv1(goJson(data) + probe)));
}

/** `prefix-hash`, the prefix cut to 223 characters so the name stays within 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** The strategic merge patch both controllers record: the whole pod template, replacing whatever was there. */
export function templatePatch(template: unknown): Json {
  return { spec: { template: { ...((template as Json | undefined) ?? {}), $patch: 'replace' } } };
}

/** The pod template a revision recorded (its patch without the `$patch` directive). */
export function revisionTemplate(revision: KubeObject): Json | undefined {
  const template = ((revision.data as Json | undefined)?.spec as Json | undefined)?.template as Json | undefined;
  if (!template) return undefined;
  const { $patch: _directive, ...rest } = template;
  return structuredClone(rest);
}

export function revisionNumber(revision: KubeObject): number {
  return Number(revision.revision ?? 0);
}

/** history.SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions(revisions: KubeObject[]): KubeObject[] {
  return [...revisions].sort((a, b) => {
    const byRevision = revisionNumber(a) - revisionNumber(b);
    if (byRevision !== 0) return byRevision;
    const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (at !== bt) return at - bt;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  });
}

export function sameRevisionData(a: KubeObject, b: KubeObject): boolean {
  return goJson(a.data ?? null) === goJson(b.data ?? null);
}

/** history.EqualRevision: hash labels that parse as integers must agree, then the data must be identical. */
export function equalRevision(a: KubeObject, b: KubeObject): boolean {
  const parse = (r: KubeObject) => {
    const value = r.metadata.labels?.[revisionHashLabel];
    return value !== undefined && /^[+-]?[0-9]+$/.test(value) ? Number(value) : undefined;
  };
  const ah = parse(a);
  const bh = parse(b);
  if (ah !== undefined && bh !== undefined && ah !== bh) return false;
  return sameRevisionData(a, b);
}

/** One more than the highest revision of a sorted history, 1 for none. */
export function nextRevision(sorted: KubeObject[]): number {
  return sorted.length === 0 ? 1 : revisionNumber(sorted[sorted.length - 1]) + 1;
}

/** history.NewControllerRevision: owned by `parent`, the template's labels plus the hash label, named `parent-hash`. */
export function newControllerRevision(parent: KubeObject, templateLabels: Record<string, string> | undefined, data: Json, revision: number, collisionCount: number): KubeObject {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata.name!, hash),
      namespace: parent.metadata.namespace,
      labels: { ...(templateLabels ?? {}), [revisionHashLabel]: hash },
      ownerReferences: [controllerRefTo(parent)],
    },
    data,
    revision,
  };
}

/** ListControllerRevisions: the selector's revisions in the parent's namespace that it controls or nobody does. */
export function revisionsOf(parent: KubeObject, all: KubeObject[], selector: LabelSelector): KubeObject[] {
  return all.filter((r) => {
    if (r.metadata.namespace !== parent.metadata.namespace || !selector.matches(r.metadata.labels)) return false;
    const ref = controllerOf(r);
    return !ref || ref.uid === parent.metadata.uid;
  });
}

/**
 * CreateControllerRevision: on a name clash with different data, bumps `collision.count` and tries the next name; an
 * existing revision with the same data is taken as is.
 */
export async function createControllerRevision(client: InProcessClient, parent: KubeObject, revision: KubeObject, collision: { count: number }): Promise<KubeObject> {
  for (;;) {
    const hash = hashControllerRevision(revision.data, collision.count);
    const candidate = structuredClone(revision);
    candidate.metadata.name = controllerRevisionName(parent.metadata.name!, hash);
    try {
      return await client.create('apps/v1', 'controllerrevisions', parent.metadata.namespace, candidate, { fieldManager });
    } catch (err) {
      if (errorCode(err) !== 409) throw err;
      const existing = await client.get('apps/v1', 'controllerrevisions', parent.metadata.namespace, candidate.metadata.name!);
      if (sameRevisionData(existing, candidate)) return existing;
      collision.count++;
    }
  }
}

/** UpdateControllerRevision: sets the revision number, re-reading and retrying on conflicts. */
export async function setRevisionNumber(client: InProcessClient, revision: KubeObject, newRevision: number): Promise<KubeObject> {
  let current = revision;
  for (let attempt = 0; ; attempt++) {
    if (revisionNumber(current) === newRevision) return current;
    try {
      return await client.update('apps/v1', 'controllerrevisions', current.metadata.namespace, { ...current, revision: newRevision }, { fieldManager });
    } catch (err) {
      if (errorCode(err) !== 409 || attempt >= 4) throw err;
      current = await client.get('apps/v1', 'controllerrevisions', current.metadata.namespace, current.metadata.name!);
    }
  }
}

export async function deleteControllerRevision(client: InProcessClient, revision: KubeObject): Promise<void> {
  await client.delete('apps/v1', 'controllerrevisions', revision.metadata.namespace, revision.metadata.name!);
}
