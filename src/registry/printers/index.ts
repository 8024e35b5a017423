// Server-side printers (meta.k8s.io/v1 Table columns and cells) keyed by "<group>/<resource>".
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

/** Printers by "<group>/<resource>"; the core group is "", so pods are "/pods". */
export const tablePrinters: Readonly<Record<string, TablePrinter>> = Object.freeze({
  '/pods': podTable,
  '/replicationcontrollers': replicationControllerTable,
  '/services': serviceTable,
  '/endpoints': endpointsTable,
  '/nodes': nodeTable,
  '/namespaces': namespaceTable,
  '/configmaps': configMapTable,
  '/secrets': secretTable,
  '/serviceaccounts': serviceAccountTable,
  '/events': eventTable,
  '/persistentvolumes': persistentVolumeTable,
  '/persistentvolumeclaims': persistentVolumeClaimTable,
  'apps/deployments': deploymentTable,
  'apps/replicasets': replicaSetTable,
  'apps/statefulsets': statefulSetTable,
  'apps/daemonsets': daemonSetTable,
  'batch/jobs': jobTable,
  'batch/cronjobs': cronJobTable,
  'events.k8s.io/events': eventsV1EventTable,
  'networking.k8s.io/ingresses': ingressTable,
});

/** The printer for a resource, or the AGE-only default. */
export function tablePrinterFor(group: string, resource: string): TablePrinter {
  return tablePrinters[`${group}/${resource}`] ?? defaultTable;
}

/**
 * True for printers whose columns already contain NAME (the event printers, where it is last and
 * wide-only); for every other printer the caller prepends `nameColumn` and `metadata.name`.
 */
export function includesNameColumn(printer: TablePrinter): printer is SelfNamedTablePrinter {
  return (printer as Partial<SelfNamedTablePrinter>).includesName === true;
}
