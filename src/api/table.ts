// Server-side printing: turns objects into a meta.k8s.io Table with the columns `kubectl get` shows.
import type { KubeObject } from '../meta/types.js';
import type { ObjectView } from '../registry/generic/context.js';
import type { Resource } from '../registry/resource.js';
import { defaultTable, includesNameColumn, nameColumn } from '../registry/printers/index.js';
import type { ListMeta } from './respond.js';

export function buildTable(
  resource: Resource,
  views: readonly ObjectView[],
  listMeta: ListMeta | undefined,
  includeObject: string,
  version: string,
  now: number,
): Record<string, unknown> {
  const printer = resource.strategy.table ?? defaultTable;
  // Event printers place NAME themselves (last, wide-only), as upstream does.
  const selfNamed = includesNameColumn(printer);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta ?? {},
    columnDefinitions: selfNamed ? printer.columns : [nameColumn, ...printer.columns],
    rows: views.map((view) => {
      const object = view.object as KubeObject;
      const row: Record<string, unknown> = {
        cells: selfNamed ? printer.cells(object, now) : [object.metadata.name ?? '', ...printer.cells(object, now)],
      };
      if (includeObject === 'Object') row.object = object;
      else if (includeObject !== 'None') {
        row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
      }
      return row;
    }),
  };
}
