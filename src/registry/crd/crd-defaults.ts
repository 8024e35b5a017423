// apiextensions.k8s.io/v1 defaulting of CustomResourceDefinitions (upstream SetDefaults_CustomResourceDefinition).
import type { KubeObject } from '../../meta/types.js';
import type { CustomResourceDefinition } from './crd-types.js';

/** Fills what the v1 decoder fills: singular and listKind from kind, conversion None, webhook port 443, storedVersions. */
export function defaultCustomResourceDefinition(object: KubeObject): void {
  const crd = object as CustomResourceDefinition;
  const spec = crd.spec;
  if (typeof spec !== 'object' || spec === null) return;
  const names = spec.names;
  if (typeof names === 'object' && names !== null) {
    if (!names.singular) names.singular = String(names.kind ?? '').toLowerCase();
    if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  }
  if (spec.conversion === undefined || spec.conversion === null) spec.conversion = { strategy: 'None' };
  const service = spec.conversion.webhook?.clientConfig?.service;
  if (service && service.port === undefined) service.port = 443;
  // Decoding defaults status too, though a create then clears it and records the storage version again.
  if (Array.isArray(spec.versions) && (crd.status?.storedVersions ?? []).length === 0) {
    const storage = spec.versions.find((v) => v?.storage);
    if (storage) crd.status = { ...(crd.status ?? {}), storedVersions: [storage.name] };
  }
}
