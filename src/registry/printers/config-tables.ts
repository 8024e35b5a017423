// Server-side printing of namespaces, config maps, secrets and service accounts.
import type { TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { ageColumn, column } from './columns.js';
import { keyCount, obj, objs, path, str } from './fields.js';
import { translateTimestampSince } from './human-duration.js';

export const namespaceTable: TablePrinter = {
  columns: [column('Status', 'string', 'The status of the namespace'), ageColumn],
  cells(ns, now) {
    return [str(path(ns.status).phase), translateTimestampSince(ns.metadata.creationTimestamp, now)];
  },
};

export const configMapTable: TablePrinter = {
  columns: [column('Data', 'string', docs.configMapData), ageColumn],
  cells(cm, now) {
    return [keyCount(cm.data) + keyCount(cm.binaryData), translateTimestampSince(cm.metadata.creationTimestamp, now)];
  },
};

/**
 * Keys in data plus any stringData keys not already there: v1 → internal conversion merges stringData into
 * data, so a secret still carrying stringData counts each key once.
 */
function secretKeyCount(secret: Record<string, unknown>): number {
  const keys = new Set([...Object.keys(obj(secret.data)), ...Object.keys(obj(secret.stringData))]);
  return keys.size;
}

export const secretTable: TablePrinter = {
  columns: [column('Type', 'string', docs.secretType), column('Data', 'string', docs.secretData), ageColumn],
  cells(secret, now) {
    return [str(secret.type), secretKeyCount(secret), translateTimestampSince(secret.metadata.creationTimestamp, now)];
  },
};

export const serviceAccountTable: TablePrinter = {
  columns: [column('Secrets', 'string', docs.serviceAccountSecrets), ageColumn],
  cells(sa, now) {
    return [objs(sa.secrets).length, translateTimestampSince(sa.metadata.creationTimestamp, now)];
  },
};
