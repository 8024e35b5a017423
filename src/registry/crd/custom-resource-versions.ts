// CRD facts several parts need: condition checks, the storage version, version priority and deprecation warnings.
import { createHash } from 'node:crypto';
import type { CustomResourceDefinition, CustomResourceDefinitionSpec } from './crd-types.js';

const kubeVersion = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const stability: Record<string, number> = { alpha: 0, beta: 1, ga: 2 };

/**
 * Kubernetes' version priority (CompareKubeAwareVersionStrings): positive when `a` comes first. GA before beta before
 * alpha, higher numbers first within each; versions not shaped like `v1beta2` come last, alphabetically.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = kubeVersion.exec(a);
  const pb = kubeVersion.exec(b);
  if (!pa && !pb) return a < b ? 1 : -1;
  if (!pa) return -1;
  if (!pb) return 1;
  const ta = stability[pa[2] ?? 'ga']!;
  const tb = stability[pb[2] ?? 'ga']!;
  if (ta !== tb) return ta - tb;
  const majors = Number(pa[1]) - Number(pb[1]);
  if (majors !== 0) return majors;
  return Number(pa[3] ?? 0) - Number(pb[3] ?? 0);
}

/** Versions sorted most preferred first. */
export function byVersionPriority(versions: Iterable<string>): string[] {
  return [...versions].sort((a, b) => compareKubeAwareVersions(b, a));
}

export function isConditionTrue(crd: CustomResourceDefinition, type: string): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Upstream's crdHandler serves a CRD once its names are accepted, even before the Established condition is set. */
export function isServable(crd: CustomResourceDefinition): boolean {
  return isConditionTrue(crd, 'NamesAccepted') || isConditionTrue(crd, 'Established');
}

export function storageVersionOf(spec: CustomResourceDefinitionSpec): string | undefined {
  return spec.versions.find((v) => v.storage)?.name;
}

/** discovery.StorageVersionHash: the first 8 bytes of sha256("group/version/kind"), base64. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** The Warning a deprecated version answers every request with when the CRD words none itself. */
export function defaultDeprecationWarning(version: string, spec: CustomResourceDefinitionSpec): string {
  const message = `${spec.group}/${version} ${spec.names.kind} is deprecated`;
  const newer = spec.versions
    .filter((v) => v.served && !v.deprecated && compareKubeAwareVersions(version, v.name) < 0)
    .map((v) => v.name);
  if (newer.length === 0) return message;
  return `${message}; use ${spec.group}/${byVersionPriority(newer)[0]} ${spec.names.kind}`;
}
