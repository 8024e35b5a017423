// Server-side printing of custom resources from a version's additionalPrinterColumns (upstream tableconvertor).
import type { KubeObject } from '../../meta/types.js';
import { docs } from '../printers/column-docs.js';
import { humanDuration, parseTimestamp } from '../printers/human-duration.js';
import type { TableColumn, TablePrinter } from '../strategy.js';
import type { CustomResourceColumnDefinition } from './crd-types.js';
import { parseJsonPath, type JsonPath } from './json-path.js';
import { goNumber } from './schema/go-values.js';

/** A version without columns prints AGE, as upstream's serveDefaultColumnsIfEmpty. */
const defaultColumns: CustomResourceColumnDefinition[] = [
  { name: 'Age', type: 'date', description: docs.objectMetaCreationTimestamp, jsonPath: '.metadata.creationTimestamp' },
];

/** The printer for one served version: NAME (added by the caller) then each column, in the CRD's order. */
export function customResourceTable(columns: readonly CustomResourceColumnDefinition[] | undefined): TablePrinter {
  const definitions = columns && columns.length > 0 ? columns : defaultColumns;
  const paths: (JsonPath | undefined)[] = [];
  const headers: TableColumn[] = [];
  for (const column of definitions) {
    let path: JsonPath | undefined;
    try {
      path = parseJsonPath(column.jsonPath);
    } catch {
      // Upstream falls back to NAME-only printing for a bad column; CRD validation makes this unreachable in practice.
      return { columns: [], cells: () => [] };
    }
    paths.push(path);
    headers.push({
      name: column.name,
      type: column.type as TableColumn['type'],
      format: column.format ?? '',
      description: column.description || `Custom resource definition column (in JSONPath format): ${column.jsonPath}`,
      priority: column.priority ?? 0,
    });
  }
  return {
    columns: headers,
    cells: (object: KubeObject, now: number) =>
      headers.map((header, i) => {
        const found = paths[i]!.find(object);
        // As upstream: only the first value of a path counts, and a path that finds nothing prints as null (<none>).
        if (found.length === 0) return null;
        return cell(header.type, found[0], now);
      }),
  };
}

function cell(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return printed(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      if (value === '' || value === 'null') return '<unknown>';
      const ms = parseTimestamp(value);
      if (ms === undefined) return Number.isNaN(Date.parse(value)) ? '<invalid>' : '<unknown>';
      return humanDuration(now - ms);
    }
    default:
      return null;
  }
}

/** What client-go's jsonpath prints for a value: text as is, numbers as Go's %v, objects and lists as JSON. */
export function printed(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return sortedJson(value);
}

/** Go's json.Marshal of a decoded value: map keys sorted. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
