// Namespace lifecycle facts the controllers that fill namespaces share: active or not, and the terminating refusal.
import type { KubeObject } from '../../meta/types.js';

export function isNamespaceActive(ns: KubeObject | undefined): boolean {
  return (ns?.status as { phase?: string } | undefined)?.phase === 'Active';
}

/**
 * upstream HasStatusCause(err, NamespaceTerminatingCause): a create refused because the namespace is being deleted,
 * which is the end of the matter rather than something to retry.
 */
export function isNamespaceTerminating(err: unknown): boolean {
  const { code, details } = err as { code?: unknown; details?: { causes?: { reason?: string }[] } };
  return code === 403 && (details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}
