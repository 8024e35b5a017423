// Encodes a swagger 2.0 JSON document as gnostic's openapi.v2.Document protobuf (GET /openapi/v2 for kubectl).
//
// Mirrors how gnostic's compiler (openapi_v2.NewDocument, which kube-apiserver runs on its
// JSON spec) maps each JSON value: which scalars it accepts, that x-* keys become NamedAny
// with the value re-rendered as YAML, and that a oneof takes the last alternative that parses
// without errors. Validation failures are collected rather than thrown so that a slightly
// off document still produces everything gnostic could read from it.
import type protobuf from 'protobufjs';
import { toGoYaml } from './go-yaml.js';
import { OPENAPI_V2_ONEOFS, OPENAPI_V2_SPECS, type Kind, type MessageSpec } from './openapi-v2-spec.js';
import { loadProtoFile } from './proto-loader.js';

type Obj = Record<string, unknown>;

/** Media type kubectl asks for when it wants this encoding. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

const OPENAPI_PROTO = 'openapiv2/OpenAPIv2.proto';
let documentType: protobuf.Type | undefined;

function docType(): protobuf.Type {
  documentType ??= loadProtoFile(OPENAPI_PROTO).lookupType('openapi.v2.Document');
  return documentType;
}

const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** gnostic's StringForScalarNode: strings, integers (as written) and null ("") are strings. */
function stringFor(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (v === null) return '';
  return undefined;
}

/** proto3 leaves zero scalars off the wire; protobufjs would write any value that is present. */
function put(out: Obj, field: string, value: unknown): void {
  if (value !== '' && value !== 0 && value !== false && value !== undefined) out[field] = value;
}

class Builder {
  readonly errors: string[] = [];

  message(name: string, node: unknown, path: string): Obj | undefined {
    switch (name) {
      case 'TypeItem':
        return this.typeItem(node, path);
      case 'ItemsItem':
        return this.itemsItem(node, path);
      case 'AdditionalPropertiesItem':
        return this.additionalProperties(node, path);
      case 'StringArray':
        // gnostic keeps a slot for every element, "" where the element is not a string.
        return { value: Array.isArray(node) ? node.map((v) => stringFor(v) ?? '') : [] };
    }
    const alternatives = OPENAPI_V2_ONEOFS[name];
    if (alternatives) return this.oneof(name, alternatives, node, path);
    const spec = OPENAPI_V2_SPECS.get(name);
    if (!spec) throw new Error(`no OpenAPI v2 spec for ${name}`);
    return this.object(name, spec, node, path);
  }

  private fail(path: string, message: string): void {
    this.errors.push(`${path || '/'}: ${message}`);
  }

  private object(name: string, spec: MessageSpec, node: unknown, path: string): Obj {
    const out: Obj = {};
    if (!isMap(node)) {
      this.fail(path, `${name} has unexpected value`);
      return out;
    }
    for (const key of spec.required) if (!hasOwn(node, key)) this.fail(path, `${name} is missing required property ${key}`);
    // One pass over the node's own keys: far cheaper than probing every field a Schema could have.
    let extensions: Obj[] | undefined;
    let entries: Obj[] | undefined;
    for (const key in node) {
      if (!hasOwn(node, key)) continue;
      const value = node[key];
      const fs = spec.byKey.get(key);
      if (fs) {
        this.field(out, fs.field, fs.kind, fs.enumValues, value, path, key);
      } else if (spec.named && (!spec.named.pattern || spec.named.pattern.test(key))) {
        const entry: Obj = {};
        put(entry, 'name', key);
        this.field(entry, 'value', spec.named.value, undefined, value, path, key);
        (entries ??= []).push(entry);
      } else if (key.startsWith('x-')) {
        if (spec.extensions) (extensions ??= []).push({ name: key, value: { yaml: toGoYaml(value) } });
      } else if (spec.strict) {
        this.fail(path, `${name} has invalid property ${key}`);
      }
    }
    if (extensions && spec.extensions) out[spec.extensions] = extensions;
    if (entries && spec.named) out[spec.named.field] = entries;
    return out;
  }

  /** Converts `v` (found under `key` of the object at `parent`) into `out[field]`. */
  private field(out: Obj, field: string, kind: Kind, enumValues: readonly string[] | undefined, v: unknown, parent: string, key: string): void {
    // Paths are joined only when needed: doing it for every scalar doubled the cost.
    switch (kind) {
      case 'string': {
        const s = stringFor(v);
        if (s === undefined) this.fail(`${parent}/${key}`, 'expected a string');
        else if (enumValues && !enumValues.includes(s)) this.fail(`${parent}/${key}`, `unexpected value ${JSON.stringify(s)}`);
        else put(out, field, s);
        return;
      }
      case 'bool':
        if (typeof v === 'boolean') put(out, field, v);
        else this.fail(`${parent}/${key}`, 'expected a boolean');
        return;
      case 'int':
        if (typeof v === 'number' && Number.isInteger(v)) put(out, field, v);
        else this.fail(`${parent}/${key}`, 'expected an integer');
        return;
      case 'float':
        if (typeof v === 'number') put(out, field, v);
        else this.fail(`${parent}/${key}`, 'expected a number');
        return;
      case 'strings': {
        if (!Array.isArray(v)) return this.fail(`${parent}/${key}`, 'expected an array of strings');
        const list = v.map(stringFor).filter((s): s is string => s !== undefined);
        if (enumValues && !list.every((s) => enumValues.includes(s))) this.fail(`${parent}/${key}`, 'has unexpected values');
        if (list.length) out[field] = list;
        return;
      }
      case 'any':
        out[field] = { yaml: toGoYaml(v) };
        return;
      case 'anys':
        // Not an array: gnostic silently leaves the list empty.
        if (Array.isArray(v) && v.length) out[field] = v.map((item) => ({ yaml: toGoYaml(item) }));
        return;
    }
    const path = `${parent}/${key}`;
    if ('msg' in kind) {
      const built = this.message(kind.msg, v, path);
      if (built !== undefined) out[field] = built;
    } else if (Array.isArray(v) && v.length) {
      out[field] = v.map((item, i) => this.message(kind.msgs, item, `${path}/${i}`) ?? {});
    }
  }

  /** Runs `fn` and reports whether it added errors, discarding them either way. */
  private attempt<T>(fn: () => T): [T, boolean] {
    const mark = this.errors.length;
    const result = fn();
    const clean = this.errors.length === mark;
    this.errors.length = mark;
    return [result, clean];
  }

  private oneof(name: string, alternatives: readonly [string, string][], node: unknown, path: string): Obj {
    let out: Obj = {};
    let matched = false;
    if (isMap(node)) {
      for (const [field, message] of alternatives) {
        const [built, clean] = this.attempt(() => this.message(message, node, path));
        if (clean) {
          out = { [field]: built };
          matched = true;
        }
      }
    }
    if (!matched) this.fail(path, `contains an invalid ${name}`);
    return out;
  }

  private additionalProperties(node: unknown, path: string): Obj {
    let out: Obj | undefined;
    if (isMap(node)) {
      const [schema, clean] = this.attempt(() => this.message('Schema', node, path));
      if (clean) out = { schema };
    }
    // A oneof member is written even when false.
    if (typeof node === 'boolean') out = { boolean: node };
    if (!out) this.fail(path, 'contains an invalid AdditionalPropertiesItem');
    return out ?? {};
  }

  private typeItem(node: unknown, path: string): Obj {
    const text = (v: unknown): string => (v === null ? 'null' : String(v));
    if (Array.isArray(node)) {
      const value: string[] = [];
      for (const v of node) {
        if (isMap(v) || Array.isArray(v)) this.fail(path, 'has unexpected value for string array element');
        else value.push(text(v));
      }
      return { value };
    }
    if (isMap(node)) {
      this.fail(path, 'has unexpected value for string array');
      return {};
    }
    return { value: [text(node)] };
  }

  private itemsItem(node: unknown, path: string): Obj | undefined {
    if (!isMap(node)) {
      // Tuple-style `items: [...]` is not supported by gnostic's openapi_v2 model.
      this.fail(path, 'has unexpected value for item array');
      return {};
    }
    const mark = this.errors.length;
    const schema = this.message('Schema', node, path);
    // An invalid item schema leaves `items` unset (the error still stands).
    return this.errors.length === mark ? { schema: [schema] } : undefined;
  }
}

/** The openapi.v2.Document message (as a protobufjs-encodable object) and gnostic's validation errors. */
export function openApiV2DocumentMessage(doc: object): { message: Obj; errors: string[] } {
  const builder = new Builder();
  const message = builder.message('Document', doc, '') ?? {};
  return { message, errors: builder.errors };
}

/** Serialises a swagger 2.0 document the way kube-apiserver serves it to protobuf-speaking kubectl. */
export function encodeOpenApiV2Protobuf(doc: object): Buffer {
  const { message } = openApiV2DocumentMessage(doc);
  const bytes = docType().encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
