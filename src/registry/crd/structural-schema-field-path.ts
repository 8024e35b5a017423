// upstream cel.ValidFieldPath: a JSON path of field and map accessors checked against a structural schema.
import type { JSONSchemaProps } from './crd-types.js';
import { additionalPropertiesOf } from './structural-schema.js';

export interface ValidFieldPath {
  /** The path as field.Path prints it (`spec.labels[key]`), and its first segment. */
  path: string;
  root: string;
  /** The schema the path points at; undefined when it ends inside an `additionalProperties: true` map. */
  schema: JSONSchemaProps | undefined;
}

/** Splits like upstream's scanner: `.`, `[`, `]` alone, single-quoted strings whole, text between delimiters. */
function tokens(jsonPath: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < jsonPath.length) {
    const ch = jsonPath[i]!;
    if (ch === "'") {
      let j = i + 1;
      while (j < jsonPath.length && !(jsonPath[j] === "'" && jsonPath[j - 1] !== '\\')) j++;
      out.push(jsonPath.slice(i, Math.min(j + 1, jsonPath.length)));
      i = j + 1;
    } else if (ch === '.' || ch === '[' || ch === ']') {
      out.push(ch);
      i++;
    } else {
      let j = i;
      while (j < jsonPath.length && !'.[]'.includes(jsonPath[j]!)) j++;
      out.push(jsonPath.slice(i, j));
      i = j;
    }
  }
  return out;
}

const escapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', "'": "'", '\\': '\\' };

/** Go's strconv.UnquoteChar rules for a single-quoted segment, as upstream's scanner applies them. */
function unescapeSingleQuote(text: string): string {
  return text.replace(/\\(.)/g, (match, directive: string) => {
    const out = escapes[directive];
    if (out === undefined) throw new Error(`invalid string literal: invalid escape char ${match}`);
    return out;
  });
}

/** Resolves `jsonPath` against `schema`, or throws an Error worded as upstream's. */
export function validFieldPath(jsonPath: string, schema: JSONSchemaProps, allowArrayNotation = true): ValidFieldPath {
  let current: JSONSchemaProps | undefined = schema;
  let path = '';
  let root = '';
  const step = (name: string): void => {
    if (current?.properties) {
      path = path === '' ? name : `${path}.${name}`;
      const next: JSONSchemaProps | undefined = current.properties[name];
      if (!next) throw new Error('does not refer to a valid field');
      current = next;
    } else if (current && additionalPropertiesOf(current) !== undefined) {
      path = `${path}[${name}]`;
      const additional: JSONSchemaProps | boolean | undefined = additionalPropertiesOf(current);
      current = typeof additional === 'object' ? additional : undefined;
    } else {
      throw new Error('does not refer to a valid field');
    }
    if (root === '') root = name;
  };
  const toks = tokens(jsonPath);
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok === '[') {
      if (!allowArrayNotation) throw new Error('array notation is not allowed');
      const quoted = toks[++i];
      if (quoted === undefined) throw new Error('unexpected end of JSON path');
      if (quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) throw new Error(`expected single quoted string but got ${quoted}`);
      step(unescapeSingleQuote(quoted.slice(1, -1)));
      const close = toks[++i];
      if (close === undefined) throw new Error('unexpected end of JSON path');
      if (close !== ']') throw new Error(`expected ] but got ${close}`);
    } else if (tok === '.') {
      const name = toks[++i];
      if (name === undefined) throw new Error('unexpected end of JSON path');
      step(name);
    } else {
      throw new Error(`expected [ or . but got: ${tok}`);
    }
  }
  return { path, root, schema: current };
}
