// Server-side printing of core/v1 Nodes: STATUS from the Ready condition, ROLES from labels, and node info.
import type { KubeObject } from '../../meta/types.js';
import type { TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { ageColumn, column } from './columns.js';
import { obj, objs, path, str, strMap } from './fields.js';
import { translateTimestampSince } from './human-duration.js';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` keys and a non-empty `kubernetes.io/role` value, sorted. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(strMap(node.metadata.labels))) {
    if (key.startsWith(ROLE_LABEL_PREFIX)) {
      const role = key.slice(ROLE_LABEL_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (key === LEGACY_ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "Ready" / "NotReady" / "Unknown" (no Ready condition), plus ",SchedulingDisabled" when cordoned. */
export function nodeStatus(node: KubeObject): string {
  const spec = obj(node.spec);
  // Only Ready is reported; with duplicate conditions the last one wins, as in upstream's map.
  const ready = objs(path(node.status).conditions).filter((c) => c.type === 'Ready').pop();
  const status: string[] = [];
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (spec.unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

function firstAddress(node: KubeObject, type: string): string {
  const addr = objs(path(node.status).addresses).find((a) => a.type === type);
  return addr ? str(addr.address) : '<none>';
}

export const nodeTable: TablePrinter = {
  columns: [
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    column('Version', 'string', docs.nodeSystemInfoKubeletVersion),
    column('Internal-IP', 'string', docs.nodeStatusAddresses, 1),
    column('External-IP', 'string', docs.nodeStatusAddresses, 1),
    column('OS-Image', 'string', docs.nodeSystemInfoOsImage, 1),
    column('Kernel-Version', 'string', docs.nodeSystemInfoKernelVersion, 1),
    column('Container-Runtime', 'string', docs.nodeSystemInfoContainerRuntimeVersion, 1),
  ],
  cells(node, now) {
    const info = path(node.status, 'nodeInfo');
    return [
      nodeStatus(node),
      nodeRoles(node).join(',') || '<none>',
      translateTimestampSince(node.metadata.creationTimestamp, now),
      str(info.kubeletVersion),
      firstAddress(node, 'InternalIP'),
      firstAddress(node, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
};
