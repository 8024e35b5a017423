// What rancher's local-path provisioner makes of a claim: a node-local directory PV, or the error it reports.
import type { KubeObject } from '../../meta/types.js';
import { claimSpec, volumeSpec, type StorageClass } from '../shared/storage-helpers.js';

/** kind's local-path-config nodePathMap: one directory for every node. */
export const LOCAL_PATH_ROOT = '/var/local-path-provisioner';
/** On the PV: the node it lives on (the provisioner's own annotation). */
export const ANN_LOCAL_PATH_SELECTED_NODE = 'local.path.provisioner/selected-node';
const DEFAULT_NODE_AFFINITY_KEY = 'kubernetes.io/hostname';

export type ProvisionResult = { volume: KubeObject } | { error: string };

function volumeSource(volumeType: string, path: string): Record<string, unknown> | undefined {
  switch (volumeType.toLowerCase()) {
    case 'local':
      return { local: { path } };
    case 'hostpath':
      return { hostPath: { path, type: 'DirectoryOrCreate' } };
    default:
      return undefined;
  }
}

/**
 * local-path's Provision (nodePathMap mode, as kind configures it): one ReadWriteOnce(Pod) Filesystem volume per
 * claim at `<root>/<pv>_<namespace>_<claim>` on the selected node, pinned there by node affinity. The helper pod that
 * would create the directory is not run. `pathPattern` is not supported.
 */
export function provisionLocalPathVolume(claim: KubeObject, storageClass: StorageClass, pvName: string, node: KubeObject | undefined): ProvisionResult {
  const spec = claimSpec(claim);
  if (spec.selector) return { error: 'claim.Spec.Selector is not supported' };
  if ((spec.accessModes ?? []).some((mode) => mode !== 'ReadWriteOnce' && mode !== 'ReadWriteOncePod')) {
    return { error: 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes' };
  }
  if (!node) return { error: 'configuration error, no node was specified' };
  const nodeName = node.metadata.name ?? '';
  const requestedPath = storageClass.parameters?.nodePath ?? '';
  if (requestedPath !== '' && requestedPath !== LOCAL_PATH_ROOT) {
    return { error: `config doesn't contain path ${requestedPath} on node ${nodeName}` };
  }
  const path = `${LOCAL_PATH_ROOT}/${pvName}_${claim.metadata.namespace}_${claim.metadata.name}`;
  const volumeType = claim.metadata.annotations?.volumeType ?? storageClass.metadata.annotations?.defaultVolumeType ?? 'hostPath';
  const source = volumeSource(volumeType, path);
  if (!source) return { error: `failed to create persistent volume source: "${volumeType}" is not a recognised volume type` };
  const affinityKey = storageClass.parameters?.nodeAffinityKey || DEFAULT_NODE_AFFINITY_KEY;
  const affinityValue = node.metadata.labels?.[affinityKey] ?? nodeName;
  return {
    volume: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { [ANN_LOCAL_PATH_SELECTED_NODE]: nodeName } },
      spec: {
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        accessModes: structuredClone(spec.accessModes),
        volumeMode: 'Filesystem',
        capacity: { storage: spec.resources?.requests?.storage ?? '0' },
        ...source,
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: affinityKey, operator: 'In', values: [affinityValue] }] }] },
        },
      },
    },
  };
}

type NodeSelectorTerm = { matchExpressions?: { operator?: string; values?: string[] }[] };

/**
 * local-path's getPathAndNodeForPV, run before it deletes a volume: the directory and the node it lives on, or why
 * the volume cannot be one of its own.
 */
export function localPathOf(pv: KubeObject): { path: string; node: string } | { error: string } {
  const spec = volumeSpec(pv);
  const wrap = (message: string) => ({ error: `failed to delete volume ${pv.metadata.name}: failed to delete volume ${pv.metadata.name}: ${message}` });
  let path: string;
  if (spec.hostPath && !spec.local) path = spec.hostPath.path ?? '';
  else if (spec.local && !spec.hostPath) path = spec.local.path ?? '';
  else return wrap('no path set');
  const affinity = spec.nodeAffinity as { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } | undefined;
  if (!affinity) return wrap('no NodeAffinity set');
  if (!affinity.required) return wrap('no NodeAffinity.Required set');
  for (const term of affinity.required.nodeSelectorTerms ?? []) {
    const expression = (term.matchExpressions ?? []).find((e) => e.operator === 'In');
    if (!expression) continue;
    if ((expression.values ?? []).length !== 1) return wrap('multiple values for the node affinity');
    return { path, node: expression.values![0] };
  }
  return wrap('cannot find affinited node');
}
