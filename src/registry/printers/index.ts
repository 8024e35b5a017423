// Server-side printers (meta.k8s.io/v1 Table columns and cells); each resource's strategy picks its own.
import type { TablePrinter } from '../strategy.js';
import { cronJobTable, jobTable } from './batch-tables.js';
import { configMapTable, namespaceTable, secretTable, serviceAccountTable } from './config-tables.js';
import { defaultTable } from './default-table.js';
import { eventTable, eventsV1EventTable, type SelfNamedTablePrinter } from './event-table.js';
import { ingressTable } from './ingress-table.js';
import { nodeTable } from './node-table.js';
import { podTable } from './pod-table.js';
import { endpointsTable, serviceTable } from './service-tables.js';
import { persistentVolumeClaimTable, persistentVolumeTable } from './storage-tables.js';
import {
  daemonSetTable,
  deploymentTable,
  replicaSetTable,
  replicationControllerTable,
  statefulSetTable,
} from './workload-tables.js';

export { nameColumn, ageColumn } from './columns.js';
export { humanDuration, translateTimestampSince } from './human-duration.js';
export { defaultTable } from './default-table.js';
export type { SelfNamedTablePrinter } from './event-table.js';
export {
  configMapTable,
  cronJobTable,
  daemonSetTable,
  deploymentTable,
  endpointsTable,
  eventTable,
  eventsV1EventTable,
  ingressTable,
  jobTable,
  namespaceTable,
  nodeTable,
  persistentVolumeClaimTable,
  persistentVolumeTable,
  podTable,
  replicaSetTable,
  replicationControllerTable,
  secretTable,
  serviceAccountTable,
  serviceTable,
  statefulSetTable,
};

/**
 * True for printers whose columns already contain NAME (the event printers, where it is last and
 * wide-only); for every other printer the caller prepends `nameColumn` and `metadata.name`.
 */
export function includesNameColumn(printer: TablePrinter): printer is SelfNamedTablePrinter {
  return (printer as Partial<SelfNamedTablePrinter>).includesName === true;
}
