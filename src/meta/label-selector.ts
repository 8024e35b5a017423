// Label selectors: parsing entry points, metav1.LabelSelector conversion, and the compiled allocation-free matcher.
import { errors } from './errors.js';
import { goQuote } from './field-errors.js';
import {
  byKey,
  newRequirement,
  parseInt64,
  requirementString,
  SelectorError,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.js';
import { parseRequirements } from './label-selector-parser.js';

export type { LabelOperator, LabelRequirement } from './label-requirement.js';

export interface LabelSelector {
  /** True when the selector does not restrict anything (matches every object). */
  readonly empty: boolean;
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Record<string, string> | undefined | null): boolean;
  /** The single value `label` must have, when the selector pins it (=, == or a one-value in). */
  requiresExactMatch(label: string): string | undefined;
  toString(): string;
}

// Matcher kinds: each requirement is reduced to one of these at compile time.
const K_IN = 0;
const K_NOT_IN = 1;
const K_EXISTS = 2;
const K_NOT_EXISTS = 3;
const K_GT = 4;
const K_LT = 5;

interface Compiled {
  key: string;
  kind: number;
  one: string; // the value when there is exactly one
  many: readonly string[] | null; // several values, scanned linearly (few)
  set: Set<string> | null; // several values, hashed (many)
  num: number | bigint; // the bound of gt/lt
}

function compile(r: LabelRequirement): Compiled {
  const c: Compiled = { key: r.key, kind: K_IN, one: '', many: null, set: null, num: 0 };
  switch (r.operator) {
    case 'notin':
    case '!=':
      c.kind = K_NOT_IN;
      break;
    case 'exists':
      c.kind = K_EXISTS;
      return c;
    case '!':
      c.kind = K_NOT_EXISTS;
      return c;
    case 'gt':
    case 'lt':
      c.kind = r.operator === 'gt' ? K_GT : K_LT;
      c.num = parseInt64(r.values[0]) ?? 0;
      return c;
  }
  if (r.values.length === 1) c.one = r.values[0];
  else if (r.values.length <= 8) c.many = r.values;
  else c.set = new Set(r.values);
  return c;
}

function hasValue(c: Compiled, v: string): boolean {
  if (c.set !== null) return c.set.has(v);
  const many = c.many;
  if (many === null) return v === c.one;
  for (let i = 0; i < many.length; i++) if (many[i] === v) return true;
  return false;
}

class CompiledLabelSelector implements LabelSelector {
  readonly empty: boolean;
  private readonly compiled: Compiled[];

  constructor(readonly requirements: readonly LabelRequirement[]) {
    this.empty = requirements.length === 0;
    this.compiled = requirements.map(compile);
  }

  matches(labels: Record<string, string> | undefined | null): boolean {
    const cs = this.compiled;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      // typeof guards against inherited Object.prototype members such as "constructor".
      const v = labels == null ? undefined : labels[c.key];
      const has = typeof v === 'string';
      switch (c.kind) {
        case K_IN:
          if (!has || !hasValue(c, v)) return false;
          break;
        case K_NOT_IN:
          if (has && hasValue(c, v)) return false;
          break;
        case K_EXISTS:
          if (!has) return false;
          break;
        case K_NOT_EXISTS:
          if (has) return false;
          break;
        default: {
          if (!has) return false;
          const n = parseInt64(v);
          if (n === null) return false;
          if (c.kind === K_GT ? !(n > c.num) : !(n < c.num)) return false;
        }
      }
    }
    return true;
  }

  requiresExactMatch(label: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== label) continue;
      const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
      return exact && r.values.length === 1 ? r.values[0] : undefined;
    }
    return undefined;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

const nothing: LabelSelector = {
  empty: false,
  requirements: [],
  matches: () => false,
  requiresExactMatch: () => undefined,
  toString: () => '',
};

const everything: LabelSelector = new CompiledLabelSelector([]);

/** labels.Everything(). */
export function everythingSelector(): LabelSelector {
  return everything;
}

/** labels.Nothing(): what a nil metav1.LabelSelector converts to. */
export function nothingSelector(): LabelSelector {
  return nothing;
}

/**
 * Parse a `labelSelector` query value exactly as upstream labels.Parse does.
 * Throws a 400 BadRequest carrying upstream's message on a syntax or validation error.
 */
export function parseLabelSelector(s: string): LabelSelector {
  if (s === '') return everything;
  let reqs: LabelRequirement[];
  try {
    reqs = parseRequirements(s);
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
  return new CompiledLabelSelector(reqs.sort(byKey));
}

export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[] | null;
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirementObject[] | null;
}

const objectOperators: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: nil selects nothing, an empty selector selects everything.
 * Throws a 400 BadRequest with upstream's error text when a requirement is invalid.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel == null) return nothing;
  const labels = Object.entries(sel.matchLabels ?? {});
  const exprs = sel.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return everything;
  const reqs: LabelRequirement[] = [];
  try {
    for (const [k, v] of labels) reqs.push(newRequirement(k, '=', [v]));
    for (const e of exprs) {
      const op = Object.hasOwn(objectOperators, e.operator) ? objectOperators[e.operator] : undefined;
      if (!op) throw new SelectorError(`${goQuote(String(e.operator))} is not a valid label selector operator`);
      reqs.push(newRequirement(e.key ?? '', op, e.values && e.values.length > 0 ? [...e.values] : null));
    }
  } catch (e) {
    if (e instanceof SelectorError) throw errors.badRequest(e.message);
    throw e;
  }
  return new CompiledLabelSelector(reqs.sort(byKey));
}

/** labels.SelectorFromValidatedSet: every pair must match exactly; an empty set selects everything. */
export function selectorFromSet(set: Record<string, string> | null | undefined): LabelSelector {
  const entries = Object.entries(set ?? {});
  if (entries.length === 0) return everything;
  const reqs = entries.map(([key, v]): LabelRequirement => ({ key, operator: '=', values: [v] }));
  return new CompiledLabelSelector(reqs.sort(byKey));
}
