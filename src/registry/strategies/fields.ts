// Reads dotted field paths (`spec.type`, `status.replicas`) from objects as the strings field selectors compare.
import type { KubeObject } from '../../meta/types.js';

function read(object: unknown, path: string[]): string {
  let value: unknown = object;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return '';
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A selectableFields function for the given dotted paths. */
export function fieldGetter(fields: readonly string[]): (object: KubeObject) => Record<string, string> {
  const paths = fields.map((f) => [f, f.split('.')] as const);
  return (object) => {
    const out: Record<string, string> = {};
    for (const [field, path] of paths) out[field] = read(object, path);
    return out;
  };
}
