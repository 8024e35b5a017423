// Field requirements of stage selectors: kwok-style `key operator values` on paths such as `pod.status.phase`.

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  /** A dotted path; keys holding dots are written in brackets: `pod.metadata.annotations['kubefake.dev/crash-loop']`. */
  key: string;
  operator: Operator;
  /** Compared with the field's text: strings as they are, numbers and booleans as JSON writes them. */
  values?: string[];
}

const pathCache = new Map<string, string[]>();

/** `a.b['c.d'].e` → ['a', 'b', 'c.d', 'e']. */
export function parsePath(key: string): string[] {
  const cached = pathCache.get(key);
  if (cached) return cached;
  const segments: string[] = [];
  const pattern = /([^.[\]]+)|\['([^']*)'\]|\["([^"]*)"\]/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(key)) !== null) segments.push(match[1] ?? match[2] ?? match[3]!);
  pathCache.set(key, segments);
  return segments;
}

export function lookup(subject: unknown, key: string): unknown {
  let value: unknown = subject;
  for (const segment of parsePath(key)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A missing (or null) field does not exist; `NotIn` holds for it, as label selectors treat a missing label. */
export function matches(subject: unknown, requirement: Requirement): boolean {
  const value = lookup(subject, requirement.key);
  const exists = value !== undefined && value !== null;
  switch (requirement.operator) {
    case 'Exists':
      return exists;
    case 'DoesNotExist':
      return !exists;
    case 'In':
      return exists && (requirement.values ?? []).includes(text(value) ?? '\u0000');
    case 'NotIn':
      return !exists || !(requirement.values ?? []).includes(text(value) ?? '\u0000');
  }
}

export function matchesAll(subject: unknown, requirements: Requirement[] | undefined): boolean {
  return (requirements ?? []).every((r) => matches(subject, r));
}
