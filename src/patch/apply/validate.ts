// Checks an applied configuration against the schema as upstream's typed conversion does (ValidationErrors and their text).
import { isPlainObject } from '../../meta/types.js';
import { compareStrings, elementKey, elementString, type PathElement } from './path-element.js';
import { deduceAtom, listItemElement, type ListAtom, type MapAtom, type TypeRef } from './typed-schema.js';

export interface ValidationError {
  /** Path string from the top (`.spec.template.spec.containers[name="x"].env`), '' at the top. */
  path: string;
  message: string;
}

/** The errors for value, with upstream's duplicate-key check (live objects are read allowing duplicates). */
export function validateTyped(value: unknown, type: TypeRef, allowDuplicates = false): ValidationError[] {
  return validate(value, type, allowDuplicates);
}

/** upstream ValidationErrors.Error(). */
export function validationMessage(errs: readonly ValidationError[]): string {
  const one = (e: ValidationError) => (e.path ? `${e.path}: ${e.message}` : e.message);
  if (errs.length === 1) return one(errs[0]);
  return ['errors:', ...errs.map((e) => '  ' + one(e))].join('\n');
}

function validate(value: unknown, type: TypeRef, allowDuplicates: boolean): ValidationError[] {
  const atom = deduceAtom(type, value);
  if (atom.map) return validateMap(atom.map, value, allowDuplicates);
  if (atom.scalar) return validateScalar(value);
  if (atom.list) return validateList(atom.list, value, allowDuplicates);
  return [];
}

const prefixed = (prefix: string, errs: ValidationError[]) => errs.map((e) => ({ path: prefix + e.path, message: e.message }));

// The published OpenAPI does not say which scalar type a leaf has, so only "some scalar" is checked here.
function validateScalar(value: unknown): ValidationError[] {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return [];
  return [{ path: '', message: `expected any scalar, got ${goValue(value)}` }];
}

function validateMap(t: MapAtom, value: unknown, allowDuplicates: boolean): ValidationError[] {
  if (value === null) return [];
  if (!isPlainObject(value)) return [{ path: '', message: `expected map, got ${goValue(value)}` }];
  const errs: ValidationError[] = [];
  for (const [key, child] of Object.entries(value)) {
    const prefix = '.' + key;
    const childType = t.field(key) ?? t.element;
    if (!childType) {
      // upstream stops looking at this map after the first undeclared field.
      errs.push({ path: prefix, message: 'field not declared in schema' });
      break;
    }
    errs.push(...prefixed(prefix, validate(child, childType, allowDuplicates)));
  }
  return errs;
}

function validateList(t: ListAtom, value: unknown, allowDuplicates: boolean): ValidationError[] {
  if (value === null) return [];
  if (!Array.isArray(value)) return [{ path: '', message: `expected list, got ${goValue(value)}` }];
  const errs: ValidationError[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    let pe: PathElement;
    if (!t.associative) pe = { kind: 'index', index: i };
    else {
      const got = listItemElement(t, value[i]);
      if (typeof got === 'string') {
        errs.push({ path: '', message: `element ${i}: ${got}` });
        return errs;
      }
      pe = got;
      const k = elementKey(pe);
      if (seen.has(k) && !allowDuplicates) errs.push({ path: '', message: `duplicate entries for key ${elementString(pe)}` });
      seen.add(k);
    }
    errs.push(...prefixed(elementString(pe), validate(value[i], t.element, allowDuplicates)));
  }
  return errs;
}

/** How Go's %v prints the *value.valueUnstructured upstream formats into these messages. */
function goValue(v: unknown): string {
  return `&{${goV(v)}}`;
}

function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isPlainObject(v)) {
    return `map[${Object.keys(v)
      .sort(compareStrings)
      .map((k) => `${k}:${goV(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}
