// Column-definition builders and the cells several printers share (NAME, AGE, container names and images).
import type { TableColumn } from '../strategy.js';
import { docs } from './column-docs.js';
import { objs, path, str } from './fields.js';

/**
 * One column definition. `format` is always present because metav1.TableColumnDefinition serialises it
 * without omitempty, so real servers send `"format": ""`.
 */
export function column(
  name: string,
  type: TableColumn['type'],
  description: string,
  priority = 0,
  format = '',
): TableColumn {
  return { name, type, format, description, priority };
}

/** The NAME column every printer (bar events) starts with; the caller prepends it. */
export const nameColumn: TableColumn = column('Name', 'string', docs.objectMetaName, 0, 'name');

/** AGE: the creation timestamp rendered as a human duration. */
export const ageColumn: TableColumn = column('Age', 'string', docs.objectMetaCreationTimestamp);

export const containersColumn: TableColumn = column(
  'Containers',
  'string',
  'Names of each container in the template.',
  1,
);

export const imagesColumn: TableColumn = column(
  'Images',
  'string',
  'Images referenced by each container in the template.',
  1,
);

/** Container names and images of a pod spec, each comma-joined (layoutContainerCells). */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = objs(path(podSpec).containers);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}

/** The `spec.template.spec` of a workload object. */
export function templateSpec(spec: unknown): Record<string, unknown> {
  return path(spec, 'template', 'spec');
}
