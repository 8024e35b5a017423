// Label maps and metav1.LabelSelectors rendered as the printers show them (labels.FormatLabels, metav1.FormatLabelSelector).
import { isPlainObject } from '../../meta/types.js';
import { objs, str, strMap, strs } from './fields.js';

/** Go's sort.Strings order: by UTF-16 code unit, which matches byte order for the ASCII that labels allow. */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `k1=v1,k2=v2` sorted, as labels.Set.String(). */
export function labelsString(labels: unknown): string {
  return Object.entries(strMap(labels))
    .map(([k, v]) => `${k}=${v}`)
    .sort(byteCompare)
    .join(',');
}

/** labels.FormatLabels: the set string, or "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  return labelsString(labels) || '<none>';
}

const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN_RE.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME_RE.test(name);
}

function validLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_RE.test(value));
}

interface Requirement {
  key: string;
  op: 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

function requirementString(r: Requirement): string {
  // A single value is printed as given; several are sorted on output only.
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort(byteCompare).join(',');
  switch (r.op) {
    case 'Equals':
      return `${r.key}=${values}`;
    case 'In':
      return `${r.key} in (${values})`;
    case 'NotIn':
      return `${r.key} notin (${values})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): "" for a nil or empty selector, requirements sorted by key,
 * or undefined when the selector would not convert (bad operator, key or value).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (!isPlainObject(selector)) return '';
  const matchLabels = strMap(selector.matchLabels);
  const exprs = objs(selector.matchExpressions);
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    if (!validLabelKey(key) || !validLabelValue(value)) return undefined;
    reqs.push({ key, op: 'Equals', values: [value] });
  }
  for (const e of exprs) {
    const key = str(e.key);
    const values = strs(e.values);
    const op = str(e.operator);
    if (!validLabelKey(key) || !values.every(validLabelValue)) return undefined;
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) return undefined;
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length !== 0) return undefined;
    } else {
      return undefined;
    }
    reqs.push({ key, op, values });
  }
  // Upstream sorts by key only; a stable sort keeps matchLabels ahead of expressions on the same key.
  reqs.sort((a, b) => byteCompare(a.key, b.key));
  return reqs.map(requirementString).join(',');
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s || '<none>';
}
