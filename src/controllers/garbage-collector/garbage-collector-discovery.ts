// What discovery tells the garbage collector and the namespace deleter: one served version per resource, and kinds.
import type { ServedResource } from '../../client/client.js';

/**
 * Kubernetes' version priority (apimachinery's CompareKubeAwareVersionStrings): GA before beta before alpha, higher
 * numbers first within each, and anything not of that shape last, alphabetically.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stability = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return 0;
}

/**
 * discovery's ServerPreferredResources: each group/resource once, in the most preferred version of its group that
 * serves it (several versions of one resource share storage, so walking one of them sees every object).
 */
export function preferredResources(resources: readonly ServedResource[]): ServedResource[] {
  const byGroupResource = new Map<string, ServedResource>();
  for (const r of resources) {
    const key = `${r.group}/${r.resource}`;
    const seen = byGroupResource.get(key);
    if (!seen || compareKubeVersions(r.version, seen.version) < 0) byGroupResource.set(key, r);
  }
  return [...byGroupResource.values()];
}

/** The served resource of a kind in exactly the version an ownerReference names, as a RESTMapper maps it. */
export function resourceForKind(resources: readonly ServedResource[], apiVersion: string, kind: string): ServedResource | undefined {
  return resources.find((r) => r.apiVersion === apiVersion && r.kind === kind);
}
