// Finds keys repeated within one JSON object of a request body, named as upstream's strict decoder names them.

import type { FieldScan } from '../registry/generic/field-validation.js';

/**
 * Scans raw JSON for keys that appear twice in the same object (JSON.parse silently keeps the last value, as Go
 * does, so only the text can tell). Paths read `metadata.name`, `spec.containers[0].name`.
 */
export function scanFields(text: string, limit = 100): FieldScan {
  const duplicates: { path: string; at: number }[] = [];
  const firstSeen = new Map<string, number>();
  const seen = new Set<string>();
  // One frame per open container: object frames remember their keys, array frames their index.
  const stack: { keys?: Set<string>; index: number; path: string; key?: string }[] = [];
  let i = 0;
  const n = text.length;
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.keys) return top.path ? `${top.path}.${top.key}` : top.key!;
    return `${top.path}[${top.index}]`;
  };
  while (i < n && duplicates.length < limit) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      const top = stack[stack.length - 1];
      let j = i + 1;
      while (j < n && (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t')) j++;
      if (top?.keys && text[j] === ':') {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        const path = top.path ? `${top.path}.${key}` : key;
        if (top.keys.has(key)) {
          if (!seen.has(path)) {
            seen.add(path);
            duplicates.push({ path, at: start });
          }
        } else if (!firstSeen.has(path)) {
          firstSeen.set(path, start);
        }
        top.keys.add(key);
        top.key = key;
      }
      i++;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = childPath();
      stack.push(c === 0x7b ? { keys: new Set(), index: 0, path } : { index: 0, path });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top && !top.keys) top.index++;
    }
    i++;
  }
  return { duplicates, firstSeen };
}

export function duplicateFields(text: string): string[] {
  return scanFields(text).duplicates.map((d) => d.path);
}
