// Label requirements: upstream's NewRequirement validation, Go integer parsing and the requirement's string form.
import { aggregateMessage, invalidCause } from './field-errors.js';
import { isQualifiedName, isValidLabelValue } from './name-validation.js';
import type { StatusCause } from './types.js';

/** upstream selection.Operator values. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64); null when Go would fail. No allocation for values under 16 digits. */
export function parseInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0) return null;
  const c0 = s.charCodeAt(0);
  const start = c0 === 0x2b || c0 === 0x2d ? 1 : 0;
  if (start === n) return null;
  let acc = 0;
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
    acc = acc * 10 + (c - 0x30);
  }
  if (n - start <= 15) return c0 === 0x2d ? -acc : acc;
  const big = BigInt(s);
  return big < INT64_MIN || big > INT64_MAX ? null : big;
}

function sortedCopy(values: readonly string[]): string[] {
  return [...values].sort();
}

export function requirementString(r: LabelRequirement): string {
  const vals = r.values.length === 1 ? r.values[0] : sortedCopy(r.values).join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return '!' + r.key;
    case 'in':
      return `${r.key} in (${vals})`;
    case 'notin':
      return `${r.key} notin (${vals})`;
    case 'gt':
      return `${r.key}>${vals}`;
    case 'lt':
      return `${r.key}<${vals}`;
    default:
      return r.key + r.operator + vals;
  }
}

/** An internal Go-style error; parse() decides whether it gets the "unable to parse requirement" prefix. */
export class SelectorError extends Error {}

export function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** upstream labels.NewRequirement validation; `values` null stands for Go's nil slice (prints as null). */
export function newRequirement(key: string, operator: LabelOperator, values: string[] | null): LabelRequirement {
  const causes: StatusCause[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) causes.push(invalidCause('key', key, keyErrs.join('; ')));
  const vals = values ?? [];
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) causes.push(invalidCause('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) causes.push(invalidCause('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) causes.push(invalidCause('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) causes.push(invalidCause('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === null) {
          causes.push(invalidCause(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  vals.forEach((v, i) => {
    const errs = isValidLabelValue(v);
    if (errs.length > 0) causes.push(invalidCause(`values[${i}][${key}]`, v, errs.join('; ')));
  });
  if (causes.length > 0) throw new SelectorError(aggregateMessage(causes));
  return { key, operator, values: vals };
}
