// The in-tree volume plugins kube-controller-manager reclaims with: who may delete or recycle a released PV, and how.
import type { KubeObject } from '../../meta/types.js';
import { ANN_DYNAMICALLY_PROVISIONED, ANN_MIGRATED_TO, volumeSpec } from '../shared/storage-helpers.js';

/** How a released Delete-policy volume goes: deleted here, left to an external deleter, or failing with a message. */
export type DeleteOutcome = { kind: 'deleted' } | { kind: 'external' } | { kind: 'failed'; message: string };

const HOST_PATH_PLUGIN = 'kubernetes.io/host-path';
/** The other plugins kube-controller-manager loads: they recognise their volumes but cannot delete them. */
const NON_DELETING_PLUGINS = new Set(['kubernetes.io/nfs', 'kubernetes.io/local-volume', 'kubernetes.io/csi']);

function pluginBySpec(pv: KubeObject): string | undefined {
  const spec = volumeSpec(pv);
  if (spec.hostPath) return HOST_PATH_PLUGIN;
  if (spec.nfs) return 'kubernetes.io/nfs';
  if (spec.local) return 'kubernetes.io/local-volume';
  if (spec.csi) return 'kubernetes.io/csi';
  return undefined;
}

/**
 * The hostPath deleter, "for testing and local development only": it removes the directory when it lies under
 * /tmp (upstream's unanchored `/tmp/.+` match) and refuses anything else. Nothing on disk is touched here.
 */
function deleteHostPath(pv: KubeObject): DeleteOutcome {
  const path = volumeSpec(pv).hostPath?.path ?? '';
  if (!/\/tmp\/.+/.test(path)) return { kind: 'failed', message: `host_path deleter only supports /tmp/.+ but received provided ${path}` };
  return { kind: 'deleted' };
}

/**
 * Upstream's doDeleteVolume with findDeletablePlugin: the plugin that provisioned the volume deletes it (an external
 * provisioner's name means that provisioner will); CSI and migrated volumes belong to their driver; otherwise the
 * plugin matching the volume source, if it can delete at all.
 */
export function deleteReleasedVolume(pv: KubeObject): DeleteOutcome {
  const provisionedBy = pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] ?? '';
  if (provisionedBy !== '') {
    if (!provisionedBy.startsWith('kubernetes.io/')) return { kind: 'external' };
    if (provisionedBy === HOST_PATH_PLUGIN) return deleteHostPath(pv);
    if (NON_DELETING_PLUGINS.has(provisionedBy)) return { kind: 'failed', message: 'no deletable volume plugin matched' };
    return { kind: 'failed', message: `no volume plugin matched name: ${provisionedBy}` };
  }
  if (pv.metadata.annotations?.[ANN_MIGRATED_TO] || volumeSpec(pv).csi) return { kind: 'external' };
  const plugin = pluginBySpec(pv);
  if (plugin === HOST_PATH_PLUGIN) return deleteHostPath(pv);
  const reason = plugin ? 'no deletable volume plugin matched' : 'no volume plugin matched';
  return { kind: 'failed', message: `error getting deleter volume plugin for volume "${pv.metadata.name}": ${reason}` };
}

/** Whether an in-tree recycler exists for the volume's source (hostPath and NFS have one). */
export function hasRecycler(pv: KubeObject): boolean {
  const spec = volumeSpec(pv);
  return !!spec.hostPath || !!spec.nfs;
}
