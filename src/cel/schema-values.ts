// CRD schema typing for CEL: JSON values converted by their schema (int, double, timestamp...) and compile-time field checks.
import { create } from '@bufbuild/protobuf';
import { DurationSchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import type { CelInput } from '@bufbuild/cel';
import type { JSONSchemaProps } from '../registry/crd/crd-types.js';
import { parseGoDuration } from '../meta/go-duration.js';
import { jsonToCel } from './cel-values.js';

const reservedWords = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** upstream cel.Escape: the CEL field name of a property, or undefined when the name cannot be a field. */
export function escapePropertyName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (reservedWords.has(name)) return `__${name}__`;
  let ok = true;
  const escaped = name.replace(/__|[-./]|[^a-zA-Z0-9_]/g, (s) => {
    switch (s) {
      case '__':
        return '__underscores__';
      case '.':
        return '__dot__';
      case '-':
        return '__dash__';
      case '/':
        return '__slash__';
      default:
        ok = false;
        return '';
    }
  });
  return ok ? escaped : undefined;
}

function objectSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

function itemsSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return Array.isArray(schema.items) ? schema.items[0] : schema.items;
}

/** Whether the node is dynamically typed in CEL (int-or-string, or untyped preserve-unknown-fields). */
function isDyn(schema: JSONSchemaProps): boolean {
  if (schema['x-kubernetes-int-or-string']) return true;
  if (!schema.type) return true;
  return (
    schema.type === 'object' &&
    !!schema['x-kubernetes-preserve-unknown-fields'] &&
    !schema.properties &&
    !objectSchema(schema) &&
    !schema['x-kubernetes-embedded-resource']
  );
}

function timestampValue(text: string): CelInput {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return text;
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
  const nanos = Number((fraction + '000000000').slice(0, 9));
  const seconds = BigInt(Math.floor(ms / 1000));
  return create(TimestampSchema, { seconds, nanos }) as unknown as CelInput;
}

function durationValue(text: string): CelInput {
  try {
    const total = parseGoDuration(text);
    return create(DurationSchema, {
      seconds: total / 1_000_000_000n,
      nanos: Number(total % 1_000_000_000n),
    }) as unknown as CelInput;
  } catch {
    return text;
  }
}

function stringValue(schema: JSONSchemaProps, value: string): CelInput {
  switch (schema.format) {
    case 'byte':
      return new Uint8Array(Buffer.from(value, 'base64'));
    case 'date-time':
    case 'date':
      return timestampValue(value);
    case 'duration':
      return durationValue(value);
    default:
      return value;
  }
}

/** The fields a resource root (the object itself, or an embedded resource) exposes beyond its declared properties. */
function resourceRootFields(value: Record<string, unknown>, out: Map<string, CelInput>): void {
  for (const key of ['apiVersion', 'kind'] as const) {
    if (typeof value[key] === 'string' && !out.has(key)) out.set(key, value[key] as string);
  }
  const metadata = value.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const visible = new Map<string, CelInput>();
    for (const key of ['name', 'generateName']) {
      const v = (metadata as Record<string, unknown>)[key];
      if (typeof v === 'string') visible.set(key, v);
    }
    out.set('metadata', visible);
  }
}

/** A JSON value as CEL sees it under `schema`, as upstream's UnstructuredToVal does. */
export function schemaToCel(schema: JSONSchemaProps, value: unknown, isResourceRoot = false): CelInput {
  if (value === null || value === undefined) return null;
  if (isDyn(schema)) return jsonToCel(value);
  switch (schema.type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : jsonToCel(value);
    case 'number':
      return typeof value === 'number' ? value : jsonToCel(value);
    case 'string':
      return typeof value === 'string' ? stringValue(schema, value) : jsonToCel(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : jsonToCel(value);
    case 'array': {
      if (!Array.isArray(value)) return jsonToCel(value);
      const items = itemsSchema(schema);
      return value.map((item) => (items ? schemaToCel(items, item, !!items['x-kubernetes-embedded-resource']) : jsonToCel(item)));
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return jsonToCel(value);
      const record = value as Record<string, unknown>;
      const out = new Map<string, CelInput>();
      const additional = objectSchema(schema);
      if (schema.properties) {
        for (const [name, propertySchema] of Object.entries(schema.properties)) {
          if (!(name in record)) continue;
          const field = escapePropertyName(name);
          if (field === undefined) continue;
          out.set(field, schemaToCel(propertySchema, record[name], !!propertySchema['x-kubernetes-embedded-resource']));
        }
      } else if (additional) {
        for (const [key, item] of Object.entries(record)) {
          out.set(key, schemaToCel(additional, item, !!additional['x-kubernetes-embedded-resource']));
        }
      } else if (schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties === true) {
        return jsonToCel(value);
      }
      if (isResourceRoot || schema['x-kubernetes-embedded-resource']) resourceRootFields(record, out);
      return out;
    }
    default:
      return jsonToCel(value);
  }
}

/** The CEL type name of a scalar schema node, as cel-go prints it in errors. */
function scalarTypeName(schema: JSONSchemaProps): string | undefined {
  switch (schema.type) {
    case 'integer':
      return 'int';
    case 'number':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'string':
      if (schema.format === 'byte') return 'bytes';
      if (schema.format === 'date-time' || schema.format === 'date') return 'google.protobuf.Timestamp';
      if (schema.format === 'duration') return 'google.protobuf.Duration';
      return 'string';
    default:
      return undefined;
  }
}

/** The compile-time check of `self.a.b`: cel-go's `undefined field 'b'` where the schema declares no such field. */
export function checkSchemaFields(schema: JSONSchemaProps, path: readonly string[], isResourceRoot: boolean): string | undefined {
  let node: JSONSchemaProps | undefined = schema;
  let root = isResourceRoot;
  let inMetadata = false;
  for (const field of path) {
    if (inMetadata) {
      if (field !== 'name' && field !== 'generateName') return `undefined field '${field}'`;
      return undefined;
    }
    if (!node || isDyn(node)) return undefined;
    const scalar = scalarTypeName(node);
    if (scalar) return `type '${scalar}' does not support field selection`;
    if (node.type !== 'object') return undefined;
    const resourceRoot = root || !!node['x-kubernetes-embedded-resource'];
    root = false;
    if (node.properties) {
      const match: [string, JSONSchemaProps] | undefined = Object.entries(node.properties).find(([name]) => escapePropertyName(name) === field);
      if (match) {
        node = match[1];
        if (resourceRoot && match[0] === 'metadata') inMetadata = true;
        continue;
      }
      if (resourceRoot && (field === 'apiVersion' || field === 'kind')) return undefined;
      if (resourceRoot && field === 'metadata') {
        inMetadata = true;
        continue;
      }
      return `undefined field '${field}'`;
    }
    const additional = objectSchema(node);
    if (additional) {
      node = additional;
      continue;
    }
    if (resourceRoot && (field === 'apiVersion' || field === 'kind')) return undefined;
    if (resourceRoot && field === 'metadata') {
      inMetadata = true;
      continue;
    }
    return undefined;
  }
  return undefined;
}
