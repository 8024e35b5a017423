// A StatefulSet's revision history: finding or recording its current and update revisions, and pruning the rest.
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import {
  createControllerRevision,
  deleteControllerRevision,
  equalRevision,
  newControllerRevision,
  nextRevision,
  revisionTemplate,
  setRevisionNumber,
  templatePatch,
} from '../shared/controller-revision.js';
import { podRevision, setSpec, setStatus } from './statefulset-utils.js';

/** upstream's newRevision: the template patch, the template's labels, and the set's annotations copied on. */
export function newStatefulSetRevision(set: KubeObject, revision: number, collisionCount: number): KubeObject {
  const template = setSpec(set).template;
  const cr = newControllerRevision(set, template?.metadata?.labels, templatePatch(template), revision, collisionCount);
  const annotations = set.metadata.annotations ?? {};
  if (Object.keys(annotations).length > 0) cr.metadata.annotations = { ...annotations };
  return cr;
}

/** ApplyRevision: the set as it was at `revision`, i.e. with the template that revision recorded. */
export function applyRevision(set: KubeObject, revision: KubeObject): KubeObject {
  const restored = structuredClone(set);
  const template = revisionTemplate(revision);
  if (template) (restored.spec as Record<string, unknown>).template = template;
  return restored;
}

export interface SetRevisions {
  current: KubeObject;
  update: KubeObject;
  collisionCount: number;
}

/**
 * getStatefulSetRevisions: the update revision is the set's template now (an equal revision is reused, and moved to
 * the top of the history when it is not there already); the current one is the status's, or the update one at first.
 */
export async function statefulSetRevisions(client: InProcessClient, set: KubeObject, sorted: KubeObject[]): Promise<SetRevisions> {
  const collision = { count: setStatus(set).collisionCount ?? 0 };
  let update = newStatefulSetRevision(set, nextRevision(sorted), collision.count);
  const equal = sorted.filter((r) => equalRevision(r, update));
  const latest = sorted[sorted.length - 1];
  if (equal.length > 0 && equalRevision(latest, equal[equal.length - 1])) {
    update = latest;
  } else if (equal.length > 0) {
    update = await setRevisionNumber(client, equal[equal.length - 1], Number(update.revision));
  } else {
    update = await createControllerRevision(client, set, update, collision);
  }
  const current = sorted.find((r) => r.metadata.name === setStatus(set).currentRevision) ?? update;
  return { current, update, collisionCount: collision.count };
}

/**
 * truncateHistory: revisions neither current, update, nor worn by a pod are history; the oldest go until at most
 * revisionHistoryLimit remain.
 */
export async function truncateHistory(client: InProcessClient, set: KubeObject, pods: KubeObject[], sorted: KubeObject[], current?: KubeObject, update?: KubeObject): Promise<void> {
  const live = new Set<string>();
  if (current) live.add(current.metadata.name!);
  if (update) live.add(update.metadata.name!);
  for (const pod of pods) live.add(podRevision(pod));
  const history = sorted.filter((r) => !live.has(r.metadata.name!));
  const limit = setSpec(set).revisionHistoryLimit ?? 10;
  if (limit < 0 || history.length <= limit) return;
  for (const revision of history.slice(0, history.length - limit)) await deleteControllerRevision(client, revision);
}
