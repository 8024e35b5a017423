// The JSONPath subset CRDs use (printer columns, selectable fields): fields, indexes, slices, wildcards, filters.

/** A path that did not parse, worded like client-go's jsonpath parser errors. */
export class JsonPathError extends Error {}

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'index'; start?: number; end?: number; step?: number; single: boolean }
  | { kind: 'filter'; left: Step[]; op?: FilterOperator; right?: unknown };

type FilterOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';

export interface JsonPath {
  /** Every value the path reaches, in document order; empty when a key is missing (missing keys are allowed). */
  find(data: unknown): unknown[];
}

/** Parses `.spec.replicas`, `{.status.conditions[?(@.type=="Ready")].status}`, `$.metadata.labels.app`… */
export function parseJsonPath(text: string): JsonPath {
  let source = text.trim();
  if (source.startsWith('{') && source.endsWith('}')) source = source.slice(1, -1).trim();
  const steps = new Parser(source).steps(false);
  return { find: (data) => evaluate(steps, [data]) };
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  steps(insideFilter: boolean): Step[] {
    const steps: Step[] = [];
    if (this.text[this.pos] === '$' || (insideFilter && this.text[this.pos] === '@')) this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (insideFilter && (ch === ' ' || ch === ')' || '=!<>'.includes(ch))) break;
      if (ch === '.') {
        if (this.text[this.pos + 1] === '.') {
          this.pos++;
          steps.push({ kind: 'recursive' });
          continue;
        }
        this.pos++;
        if (this.text[this.pos] === '*') {
          this.pos++;
          steps.push({ kind: 'wildcard' });
        } else if (this.pos < this.text.length && this.text[this.pos] !== '[' && this.text[this.pos] !== '.') {
          steps.push({ kind: 'field', name: this.fieldName(insideFilter) });
        }
      } else if (ch === '[') {
        steps.push(this.bracket());
      } else {
        throw new JsonPathError(`unrecognized character in action: U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`);
      }
    }
    return steps;
  }

  private fieldName(insideFilter: boolean): string {
    let name = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === '\\' && this.pos + 1 < this.text.length) {
        name += this.text[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (ch === '.' || ch === '[' || (insideFilter && (ch === ' ' || ch === ')' || '=!<>'.includes(ch)))) break;
      name += ch;
      this.pos++;
    }
    return name;
  }

  private bracket(): Step {
    const close = this.matchingBracket(this.pos);
    const inner = this.text.slice(this.pos + 1, close).trim();
    this.pos = close + 1;
    if (inner === '*') return { kind: 'wildcard' };
    const quoted = /^(['"])(.*)\1$/s.exec(inner);
    if (quoted) return { kind: 'field', name: quoted[2]! };
    if (inner.startsWith('?(') && inner.endsWith(')')) return parseFilter(inner.slice(2, -1).trim());
    if (/^-?\d*(:-?\d*){0,2}$/.test(inner) && inner !== '') {
      const parts = inner.split(':').map((p) => (p === '' ? undefined : Number(p)));
      if (parts.length === 1) return { kind: 'index', start: parts[0], single: true };
      return { kind: 'index', start: parts[0], end: parts[1], step: parts[2], single: false };
    }
    throw new JsonPathError(`invalid array index ${inner}`);
  }

  private matchingBracket(open: number): number {
    let depth = 0;
    let quote: string | undefined;
    for (let i = open; i < this.text.length; i++) {
      const ch = this.text[i]!;
      if (quote) {
        if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '[') depth++;
      else if (ch === ']' && --depth === 0) return i;
    }
    throw new JsonPathError('unterminated array');
  }
}

function parseFilter(expression: string): Step {
  // Paths never contain comparison characters, so the first one starts the operator.
  const at = expression.search(/==|!=|<=|>=|<|>/);
  const left = new Parser((at < 0 ? expression : expression.slice(0, at)).trim()).steps(true);
  if (at < 0) return { kind: 'filter', left };
  const match = /^(==|!=|<=|>=|<|>)\s*(.+)$/s.exec(expression.slice(at));
  if (!match) throw new JsonPathError(`unrecognized filter ${expression}`);
  return { kind: 'filter', left, op: match[1] as FilterOperator, right: literal(match[2]!.trim()) };
}

function literal(text: string): unknown {
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted) return quoted[2];
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'nil' || text === 'null') return null;
  const n = Number(text);
  if (!Number.isNaN(n)) return n;
  throw new JsonPathError(`unrecognized literal ${text}`);
}

function evaluate(steps: readonly Step[], start: unknown[]): unknown[] {
  let current = start;
  for (const step of steps) current = current.flatMap((value) => apply(step, value));
  return current;
}

function apply(step: Step, value: unknown): unknown[] {
  switch (step.kind) {
    case 'field':
      return isObject(value) && Object.hasOwn(value, step.name) ? [value[step.name]] : [];
    case 'wildcard':
      if (Array.isArray(value)) return value;
      return isObject(value) ? Object.values(value) : [];
    case 'recursive':
      return descendants(value);
    case 'index':
      return Array.isArray(value) ? indexed(step, value) : [];
    case 'filter': {
      const candidates = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
      return candidates.filter((candidate) => matches(step, candidate));
    }
  }
}

function indexed(step: Extract<Step, { kind: 'index' }>, list: unknown[]): unknown[] {
  const length = list.length;
  const at = (n: number) => (n < 0 ? n + length : n);
  if (step.single) {
    const i = at(step.start ?? 0);
    return i >= 0 && i < length ? [list[i]] : [];
  }
  const from = Math.max(0, Math.min(length, at(step.start ?? 0)));
  const to = Math.max(0, Math.min(length, at(step.end ?? length)));
  const stride = step.step && step.step > 0 ? step.step : 1;
  const out: unknown[] = [];
  for (let i = from; i < to; i += stride) out.push(list[i]);
  return out;
}

function descendants(value: unknown): unknown[] {
  const out: unknown[] = [value];
  const children = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  for (const child of children) out.push(...descendants(child));
  return out;
}

function matches(step: Extract<Step, { kind: 'filter' }>, candidate: unknown): boolean {
  const found = evaluate(step.left, [candidate]);
  if (step.op === undefined) return found.length > 0 && found[0] !== null && found[0] !== false;
  if (found.length === 0) return false;
  const left = found[0];
  const right = step.right;
  switch (step.op) {
    case '==':
      return looselyEqual(left, right);
    case '!=':
      return !looselyEqual(left, right);
    default:
      return compare(left, right, step.op);
  }
}

/** Go's jsonpath compares a number with its text form as equal (both are printed before comparing). */
function looselyEqual(left: unknown, right: unknown): boolean {
  if (typeof left === typeof right) return left === right;
  return String(left) === String(right);
}

function compare(left: unknown, right: unknown, op: FilterOperator): boolean {
  if (typeof left !== 'number' || typeof right !== 'number') return false;
  if (op === '<') return left < right;
  if (op === '>') return left > right;
  if (op === '<=') return left <= right;
  return left >= right;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
