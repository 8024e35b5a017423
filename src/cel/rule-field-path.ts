// Field paths for CRD validation rules: Go field.Path rendering and upstream's ValidFieldPath for a rule's fieldPath.
import type { JSONSchemaProps } from '../registry/crd/crd-types.js';

/** field.Path.Child: a nil (empty) parent renders as the bare name. */
export function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

export function indexPath(parent: string, index: number | string): string {
  return `${parent}[${index}]`;
}

/** field.Path.String() of a possibly nil path. */
export function renderPath(path: string): string {
  return path === '' ? '<nil>' : path;
}

const escapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', "'": "'", '\\': '\\' };

function unescapeSingleQuoted(text: string): string {
  return text.replace(/\\(.)/g, (match, directive: string) => {
    const out = escapes[directive];
    if (out === undefined) throw new Error(`invalid string literal: invalid escape char ${match}`);
    return out;
  });
}

/** The tokens upstream's scanner yields: `.`, `[`, `]`, quoted strings and the identifiers between them. */
function tokens(jsonPath: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < jsonPath.length) {
    const c = jsonPath[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < jsonPath.length && !(jsonPath[j] === "'" && jsonPath[j - 1] !== '\\')) j++;
      out.push(jsonPath.slice(i, j + 1));
      i = j + 1;
    } else if (c === '.' || c === '[' || c === ']') {
      out.push(c);
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

/** upstream ValidFieldPath: the path (from a nil root) a rule's fieldPath names, or the error text. */
export function validFieldPath(jsonPath: string, schema: JSONSchemaProps): { path: string } | { error: string } {
  let path = '';
  let node: JSONSchemaProps = schema;
  const step = (name: string): string | undefined => {
    if (node.properties) {
      path = childPath(path, name);
      const next = node.properties[name];
      if (!next) return 'does not refer to a valid field';
      node = next;
      return undefined;
    }
    if (node.additionalProperties !== undefined && node.additionalProperties !== false) {
      path = indexPath(path, name);
      node = typeof node.additionalProperties === 'object' ? node.additionalProperties : {};
      return undefined;
    }
    return 'does not refer to a valid field';
  };
  const list = tokens(jsonPath);
  for (let i = 0; i < list.length; i++) {
    const token = list[i]!;
    if (token === '[') {
      const quoted = list[++i];
      if (quoted === undefined) return { error: 'unexpected end of JSON path' };
      if (quoted.length < 2 || !quoted.startsWith("'") || !quoted.endsWith("'")) {
        return { error: `expected single quoted string but got ${quoted}` };
      }
      let name: string;
      try {
        name = unescapeSingleQuoted(quoted.slice(1, -1));
      } catch (e) {
        return { error: (e as Error).message };
      }
      const problem = step(name);
      if (problem) return { error: problem };
      const close = list[++i];
      if (close === undefined) return { error: 'unexpected end of JSON path' };
      if (close !== ']') return { error: `expected ] but got ${close}` };
    } else if (token === '.') {
      const name = list[++i];
      if (name === undefined) return { error: 'unexpected end of JSON path' };
      const problem = step(name);
      if (problem) return { error: problem };
    } else {
      return { error: `expected [ or . but got: ${token}` };
    }
  }
  return { path };
}
