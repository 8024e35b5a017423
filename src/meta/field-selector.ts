// Field selectors: upstream pkg/fields parsing (with backslash escaping), a compiled matcher, and the unsupported-field errors.
import { ApiError, errors } from './errors.js';
import { goQuote } from './field-errors.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is folded into `=`, as upstream's hasTerm does. */
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Returns the field and value to use instead, or throws (typically unsupportedFieldError). */
export type FieldTransform = (field: string, value: string) => [field: string, value: string];

/** Escape `\`, `,` and `=` so a literal value survives the selector syntax (upstream EscapeValue). */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

export class FieldSelector {
  /** True when the selector does not restrict anything. */
  readonly empty: boolean;
  private readonly fields: string[];
  private readonly values: string[];
  private readonly negated: boolean[];

  constructor(readonly requirements: readonly FieldRequirement[]) {
    this.empty = requirements.length === 0;
    this.fields = requirements.map((r) => r.field);
    this.values = requirements.map((r) => r.value);
    this.negated = requirements.map((r) => r.op === '!=');
  }

  /** A missing field reads as "", as upstream's fields.Set.Get does. */
  matches(fields: (name: string) => string | undefined): boolean {
    const fs = this.fields;
    for (let i = 0; i < fs.length; i++) {
      const equal = (fields(fs[i]) ?? '') === this.values[i];
      if (equal === this.negated[i]) return false;
    }
    return true;
  }

  /** The value `field` must equal, when an `=` requirement pins it. */
  requiresExactMatch(field: string): string | undefined {
    for (const r of this.requirements) if (r.op === '=' && r.field === field) return r.value;
    return undefined;
  }

  /**
   * upstream Selector.Transform: rewrites each requirement (e.g. spec.host → spec.nodeName) and drops
   * those whose field and value both become empty. Errors thrown by `fn` propagate.
   */
  transform(fn: FieldTransform): FieldSelector {
    const next: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const [field, value] = fn(r.field, r.value);
      if (field === '' && value === '') continue;
      next.push({ field, op: r.op, value });
    }
    return new FieldSelector(next);
  }

  toString(): string {
    return this.requirements.map((r) => r.field + r.op + escapeFieldValue(r.value)).join(',');
  }
}

const everything = new FieldSelector([]);

/** fields.Everything(). */
export function everythingFieldSelector(): FieldSelector {
  return everything;
}

/** Comma-separated terms; a backslash protects the next character, which stays in the term. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inSlash) inSlash = false;
    else if (c === 0x5c) inSlash = true;
    else if (c === 0x2c) {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

/** The first operator occurrence splits the term; the left side has no escaping. */
function splitTerm(term: string): [string, (typeof termOperators)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** upstream UnescapeValue, error texts included (Go prints the offending rune as its number). */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const ch of s) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      throw errors.badRequest(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Go's string ordering (UTF-8 bytes, i.e. code points), which differs from UTF-16 order only past the BMP. */
function compareGo(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * Parse a `fieldSelector` query value like upstream fields.ParseSelector (terms sorted, empty terms
 * skipped, empty field-and-value terms dropped). Throws a 400 BadRequest with upstream's message.
 * Which fields are allowed is the caller's business (see unsupportedFieldError).
 */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort(compareGo);
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    const value = unescapeValue(rhs);
    if (field === '' && value === '') continue;
    reqs.push({ field, op: op === '!=' ? '!=' : '=', value });
  }
  return reqs.length === 0 ? everything : new FieldSelector(reqs);
}

/**
 * The 400 for a field a resource does not support, from a resource's registered field label
 * conversion (pods, nodes, events, namespaces, secrets, services, replicationcontrollers, custom
 * resources...): `field label not supported: <field>`. `resourceLabel` is only for callers' logs;
 * upstream does not name the resource.
 */
export function unsupportedFieldError(field: string, resourceLabel?: string): ApiError {
  void resourceLabel;
  return errors.badRequest(`field label not supported: ${field}`);
}

/**
 * The 400 for resources with no registered conversion (upstream DefaultMetaV1FieldSelectorConversion,
 * e.g. configmaps, deployments): only metadata.name and metadata.namespace are known.
 */
export function unknownFieldSelectorError(field: string): ApiError {
  return errors.badRequest(
    `${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
  );
}
