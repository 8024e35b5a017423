// A DaemonSet's ControllerRevisions (daemon/update.go): the current template's revision, duplicates, and pruning.
import type { KubeObject } from '../../meta/types.js';
import { deleteControllerRevision, goJson, revisionNumber, setRevisionNumber, templatePatch } from '../shared/controller-revision.js';
import { controllerRefTo, templateHash } from '../shared/pod-util.js';
import type { ControllerContext } from '../runtime/controller.js';
import type { SharedInformer } from '../runtime/informer.js';
import { errorCode } from '../shared/api-errors.js';
import { claimObjects, fieldManager } from '../shared/statefulset-daemonset-common.js';
import type { LabelSelector } from '../../meta/label-selector.js';

/** The pod and revision label both controllers use (apps.DefaultDaemonSetUniqueLabelKey). */
export const hashLabel = 'controller-revision-hash';

export interface DaemonSetSpec {
  selector?: unknown;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export function dsSpec(ds: KubeObject): DaemonSetSpec {
  return (ds.spec ?? {}) as DaemonSetSpec;
}

export function collisionCountOf(ds: KubeObject): number | undefined {
  return (ds.status as { collisionCount?: number } | undefined)?.collisionCount;
}

/** Match: whether the revision recorded exactly this DaemonSet's template. */
export function matchesTemplate(ds: KubeObject, revision: KubeObject): boolean {
  return goJson(templatePatch(dsSpec(ds).template)) === goJson(revision.data ?? null);
}

export interface HistoryEnv {
  ctx: ControllerContext;
  revisions: SharedInformer;
  /** The DaemonSet's pods, claimed; for relabelling when duplicate revisions collapse. */
  daemonPods(ds: KubeObject): Promise<KubeObject[]>;
}

async function controlledHistories(env: HistoryEnv, ds: KubeObject, selector: LabelSelector): Promise<KubeObject[]> {
  const candidates = env.revisions.list().filter((r) => r.metadata.namespace === ds.metadata.namespace);
  return claimObjects(candidates, {
    client: env.ctx.client,
    owner: ds,
    ownerResource: 'daemonsets',
    selector,
    apiVersion: 'apps/v1',
    resource: 'controllerrevisions',
  });
}

/** constructHistory: the revision of the current template (created or renumbered to be the newest) and the others. */
export async function constructHistory(env: HistoryEnv, ds: KubeObject, selector: LabelSelector): Promise<{ cur: KubeObject; old: KubeObject[] }> {
  const { client } = env.ctx;
  const current: KubeObject[] = [];
  const old: KubeObject[] = [];
  for (let history of await controlledHistories(env, ds, selector)) {
    // Revisions from before the label existed get their name as hash, which cannot collide.
    if (history.metadata.labels?.[hashLabel] === undefined) {
      const relabelled = structuredClone(history);
      relabelled.metadata.labels = { ...(relabelled.metadata.labels ?? {}), [hashLabel]: relabelled.metadata.name! };
      history = await client.update('apps/v1', 'controllerrevisions', ds.metadata.namespace, relabelled, { fieldManager });
    }
    (matchesTemplate(ds, history) ? current : old).push(history);
  }
  const currentRevision = Math.max(0, ...old.map(revisionNumber)) + 1;
  if (current.length === 0) return { cur: await snapshot(env, ds, currentRevision), old };
  const cur = await dedupCurrent(env, ds, current);
  if (revisionNumber(cur) < currentRevision) await setRevisionNumber(client, cur, currentRevision);
  return { cur, old };
}

/** Keeps the newest of several revisions of the same template, moving pods onto its hash first. */
async function dedupCurrent(env: HistoryEnv, ds: KubeObject, current: KubeObject[]): Promise<KubeObject> {
  if (current.length === 1) return current[0];
  let keep = current[0];
  for (const history of current) if (revisionNumber(history) >= revisionNumber(keep)) keep = history;
  const hash = keep.metadata.labels?.[hashLabel];
  for (const pod of await env.daemonPods(ds)) {
    if (pod.metadata.labels?.[hashLabel] === hash) continue;
    await env.ctx.client.patch('v1', 'pods', ds.metadata.namespace, pod.metadata.name!, 'merge', { metadata: { labels: { [hashLabel]: hash } } }, { fieldManager });
  }
  for (const history of current) if (history !== keep) await deleteControllerRevision(env.ctx.client, history);
  return keep;
}

/**
 * Records the template as revision `revision`, named `<ds>-<hash>`. A name taken by another template bumps
 * status.collisionCount (so the next try hashes differently) and fails this sync.
 */
async function snapshot(env: HistoryEnv, ds: KubeObject, revision: number): Promise<KubeObject> {
  const { client } = env.ctx;
  const template = dsSpec(ds).template;
  const hash = templateHash(template, collisionCountOf(ds) ?? 0);
  const name = `${ds.metadata.name}-${hash}`;
  const history: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name, namespace: ds.metadata.namespace, labels: { ...(template?.metadata?.labels ?? {}), [hashLabel]: hash }, ownerReferences: [controllerRefTo(ds)] },
    data: templatePatch(template),
    revision,
  };
  if (ds.metadata.annotations && Object.keys(ds.metadata.annotations).length > 0) history.metadata.annotations = { ...ds.metadata.annotations };
  try {
    return await client.create('apps/v1', 'controllerrevisions', ds.metadata.namespace, history, { fieldManager });
  } catch (err) {
    if (errorCode(err) !== 409) throw err;
    const existing = await client.get('apps/v1', 'controllerrevisions', ds.metadata.namespace, name);
    if (matchesTemplate(ds, existing)) return existing;
    const fresh = await client.get('apps/v1', 'daemonsets', ds.metadata.namespace, ds.metadata.name!);
    if (collisionCountOf(fresh) !== collisionCountOf(ds)) {
      throw new Error(
        `found a stale collision count (${collisionCountOf(ds)}, expected ${collisionCountOf(fresh)}) of DaemonSet "${ds.metadata.name}" while processing; will retry until it is updated`,
      );
    }
    fresh.status = { ...((fresh.status as object) ?? {}), collisionCount: (collisionCountOf(fresh) ?? 0) + 1 };
    await client.update('apps/v1', 'daemonsets', ds.metadata.namespace, fresh, { subresource: 'status', fieldManager });
    throw err;
  }
}

/** cleanupHistory: the oldest revisions no pod wears go until revisionHistoryLimit old ones remain. */
export async function cleanupHistory(env: HistoryEnv, ds: KubeObject, old: KubeObject[], pods: KubeObject[]): Promise<void> {
  let toKill = old.length - (dsSpec(ds).revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const liveHashes = new Set(pods.map((p) => p.metadata.labels?.[hashLabel]).filter((h): h is string => Boolean(h)));
  for (const history of [...old].sort((a, b) => revisionNumber(a) - revisionNumber(b))) {
    if (toKill <= 0) break;
    if (liveHashes.has(history.metadata.labels?.[hashLabel] ?? '')) continue;
    await deleteControllerRevision(env.ctx.client, history);
    toKill--;
  }
}
