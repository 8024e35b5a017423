// Renders JSON values as YAML text laid out the way go-yaml v3 marshals a node (gnostic's Any.yaml).
//
// Consumers (kube-openapi's proto models in kubectl) parse this text back with a YAML 1.1
// parser, so the one hard requirement is that it round-trips; the layout follows yaml.v3
// (4-space mapping indent, sequences indented under keys, mappings in sequence items
// aligned after "- ") so the bytes match the real apiserver's for the common cases.
// Strings that cannot stay plain are double-quoted rather than choosing yaml.v3's
// single-quoted or literal styles.

const INDENT = 4;

// Words YAML 1.1 (yaml.v2, used by kubectl) or 1.2 would read as bool or null.
const RESERVED = new Set(
  ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~'].flatMap((w) => [w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1)]),
);
// Starts with a letter or underscore (so never a number, timestamp or indicator) and has no
// character that means something in a block context (":", "#", quotes, brackets...).
const PLAIN_SAFE = /^[A-Za-z_](?:[A-Za-z0-9_.,/()+ -]*[A-Za-z0-9_./()+-])?$/;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  const s = String(value);
  if (PLAIN_SAFE.test(s) && !RESERVED.has(s)) return s;
  return JSON.stringify(s);
}

const isCollection = (v: unknown): v is object => typeof v === 'object' && v !== null;
const isEmpty = (v: object): boolean => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);

/** Indentation for a collection nested under a mapping key at `indent` (yaml.v3 rounds to multiples of 4). */
const nestedIndent = (indent: number): number => INDENT * Math.floor((indent + INDENT) / INDENT);

function emitMapping(obj: Record<string, unknown>, indent: number, firstPrefix: string, out: string[]): void {
  let prefix = firstPrefix;
  for (const [key, value] of Object.entries(obj)) {
    const head = `${prefix}${scalar(key)}:`;
    prefix = ' '.repeat(indent);
    if (isCollection(value) && !isEmpty(value)) {
      out.push(`${head}\n`);
      emitBlock(value, nestedIndent(indent), ' '.repeat(nestedIndent(indent)), out);
    } else {
      out.push(`${head} ${inline(value)}\n`);
    }
  }
}

function emitSequence(list: unknown[], indent: number, firstPrefix: string, out: string[]): void {
  let prefix = firstPrefix;
  for (const item of list) {
    // The first level inside a sequence item just skips the "- " indicator.
    if (isCollection(item) && !isEmpty(item)) emitBlock(item, indent + 2, `${prefix}- `, out);
    else out.push(`${prefix}- ${inline(item)}\n`);
    prefix = ' '.repeat(indent);
  }
}

function emitBlock(value: object, indent: number, firstPrefix: string, out: string[]): void {
  if (Array.isArray(value)) emitSequence(value, indent, firstPrefix, out);
  else emitMapping(value as Record<string, unknown>, indent, firstPrefix, out);
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (isCollection(value)) return '{}';
  return scalar(value);
}

/** YAML text for a JSON value, newline-terminated like yaml.Marshal's output. */
export function toGoYaml(value: unknown): string {
  if (!isCollection(value) || isEmpty(value)) return `${inline(value)}\n`;
  const out: string[] = [];
  emitBlock(value, 0, '', out);
  return out.join('');
}
