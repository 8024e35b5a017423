// Turns protobufjs-decoded Kubernetes messages into the JSON that encoding/json emits for the same Go struct.
//
// The wire carries every non-pointer scalar (even "" and 0), so the JSON shape has to come
// from the Go struct tags recorded in go-json-traits.ts: a zero plain `omitempty` field is
// dropped, a zero pointer field is kept, an absent value struct still appears (`status: {}`),
// and an empty list without `omitempty` is `null`, exactly as client-go's JSON would be.
import protobuf from 'protobufjs';
import { GO_JSON_TRAITS } from './go-json-traits.js';
import { ValueError, checkQuantity, formatGoDuration, formatRfc3339, int64ToNumber, isGoZeroTime } from './go-values.js';

type Msg = Record<string, unknown>;
/** Decodes RawExtension bytes that are not JSON (a nested `k8s\0` protobuf envelope). */
export type NestedDecoder = (raw: Uint8Array) => unknown;

interface FieldPlan {
  name: string;
  json: string;
  kind: 'scalar' | 'bytes' | 'message' | 'repeated' | 'map';
  protoType: string;
  msgType?: protobuf.Type;
  pointer: boolean;
  omitempty: boolean;
  omitzero: boolean;
  inline: boolean;
}

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1.';
const EXT = '.k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.';
const plans = new WeakMap<protobuf.Type, FieldPlan[]>();
const namedLists = new WeakMap<protobuf.Type, boolean>();

const has = (msg: Msg | undefined, name: string): msg is Msg => msg !== undefined && Object.prototype.hasOwnProperty.call(msg, name);

/**
 * Go named slice types (metav1.Verbs, authentication ExtraValue, ...) travel as a message whose
 * only field is `repeated string items` (marked `+protobuf.nullable=true` upstream); JSON shows
 * the bare array.
 */
export function isNamedList(type: protobuf.Type): boolean {
  let known = namedLists.get(type);
  if (known === undefined) {
    const fields = type.fieldsArray;
    known = fields.length === 1 && fields[0].name === 'items' && fields[0].repeated && !fields[0].map && fields[0].type === 'string';
    namedLists.set(type, known);
  }
  return known;
}

function planFor(type: protobuf.Type): FieldPlan[] {
  const cached = plans.get(type);
  if (cached) return cached;
  const traits = new Map<string, string>();
  for (const entry of (GO_JSON_TRAITS[type.fullName.slice(1)] ?? '').split(' ')) {
    const m = /^(\w+)(?:=([^*!?^~]+))?([*!?^~]*)$/.exec(entry);
    if (m) traits.set(m[1], `${m[2] ?? ''}|${m[3]}`);
  }
  const plan: FieldPlan[] = [];
  for (const field of type.fieldsArray) {
    const [rename = '', flags = ''] = (traits.get(field.name) ?? '|').split('|');
    if (flags.includes('~')) continue;
    field.resolve();
    const msgType = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    plan.push({
      name: field.name,
      json: rename || field.name,
      kind: field.map ? 'map' : field.repeated ? 'repeated' : msgType ? 'message' : field.type === 'bytes' ? 'bytes' : 'scalar',
      protoType: field.type,
      msgType,
      pointer: flags.includes('*'),
      omitempty: !flags.includes('!'),
      omitzero: flags.includes('?'),
      inline: flags.includes('^'),
    });
  }
  plans.set(type, plan);
  return plan;
}

function scalarToJson(protoType: string, value: unknown): unknown {
  switch (protoType) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return int64ToNumber(value);
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('base64');
    default:
      return value;
  }
}

function zeroScalar(protoType: string): unknown {
  if (protoType === 'string') return '';
  if (protoType === 'bool') return false;
  return 0;
}

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false;

/** Go JSON for a value of message `type`; `msg` undefined means the Go zero value. */
export function messageToGoJson(type: protobuf.Type, msg: Msg | undefined, nested: NestedDecoder): unknown {
  const special = SPECIAL[type.fullName];
  if (special) return special(msg, type, nested);
  if (isNamedList(type)) return msg ? [...(msg.items as string[])] : null;
  const out: Msg = {};
  for (const p of planFor(type)) {
    const value = has(msg, p.name) ? msg[p.name] : undefined;
    switch (p.kind) {
      case 'repeated': {
        const list = (value as unknown[] | undefined) ?? [];
        if (list.length === 0) {
          if (!p.omitempty) out[p.json] = null;
        } else {
          out[p.json] = list.map((v) => elementToJson(p, v, nested));
        }
        break;
      }
      case 'map': {
        const entries = Object.entries((value as Msg | undefined) ?? {});
        if (entries.length === 0) {
          if (!p.omitempty) out[p.json] = null;
        } else {
          const obj: Msg = {};
          for (const [k, v] of entries) setKey(obj, k, elementToJson(p, v, nested));
          out[p.json] = obj;
        }
        break;
      }
      case 'message': {
        const type = p.msgType as protobuf.Type;
        if (p.inline) {
          Object.assign(out, messageToGoJson(type, value as Msg | undefined, nested));
        } else if (value === undefined && (p.pointer || p.omitzero)) {
          if (!p.omitempty && !p.omitzero) out[p.json] = null;
        } else {
          const json = messageToGoJson(type, value as Msg | undefined, nested);
          const emptyList = Array.isArray(json) ? json.length === 0 : json === null && isNamedList(type);
          if ((p.omitzero && json === null) || (p.omitempty && !p.pointer && emptyList)) break;
          out[p.json] = json;
        }
        break;
      }
      case 'bytes': {
        // []byte behaves like a slice: absent is nil, present-but-empty is omitted only by omitempty.
        if (value === undefined) {
          if (!p.omitempty) out[p.json] = null;
        } else if (!(p.omitempty && (value as Uint8Array).length === 0)) {
          out[p.json] = scalarToJson('bytes', value);
        }
        break;
      }
      default: {
        if (p.pointer) {
          if (value !== undefined) out[p.json] = scalarToJson(p.protoType, value);
          else if (!p.omitempty) out[p.json] = null;
        } else {
          const v = value === undefined ? zeroScalar(p.protoType) : scalarToJson(p.protoType, value);
          if (!(p.omitempty && isZero(v))) out[p.json] = v;
        }
      }
    }
  }
  return out;
}

function elementToJson(p: FieldPlan, value: unknown, nested: NestedDecoder): unknown {
  return p.msgType ? messageToGoJson(p.msgType, value as Msg, nested) : scalarToJson(p.protoType, value);
}

/** Assigns without letting a "__proto__" key from the wire rewrite the object's prototype. */
function setKey(obj: Msg, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function timeToJson(msg: Msg | undefined, micro: boolean): string | null {
  // Go unmarshals an empty Time message to the zero time; an explicit 0 is the Unix epoch.
  if (!has(msg, 'seconds') && !has(msg, 'nanos')) return null;
  const seconds = int64ToNumber(msg?.seconds);
  // metav1.Time drops nanoseconds on unmarshal; MicroTime truncates them to microseconds.
  const nanos = micro ? Number(msg?.nanos ?? 0) : 0;
  if (isGoZeroTime(seconds, nanos)) return null;
  return formatRfc3339(seconds, nanos, micro);
}

/** RawExtension-style bytes holding JSON (or, for RawExtension, a nested protobuf envelope). */
function rawJson(raw: unknown, what: string, nested?: NestedDecoder): unknown {
  const bytes = raw as Uint8Array | undefined;
  if (!bytes || bytes.length === 0) return null;
  if (nested && bytes[0] === 0x6b && bytes[1] === 0x38 && bytes[2] === 0x73 && bytes[3] === 0) return nested(bytes);
  if (bytes[0] === 0xd9 && bytes[1] === 0xd9 && bytes[2] === 0xf7) throw new ValueError(`${what} holds CBOR, which is not supported`);
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new ValueError(`${what} does not hold valid JSON: ${(err as Error).message}`);
  }
}

function schemaOf(type: protobuf.Type, msg: Msg | undefined, nested: NestedDecoder): unknown {
  const field = type.fields.schema;
  return has(msg, 'schema') ? messageToGoJson(field.resolvedType as protobuf.Type, msg.schema as Msg, nested) : undefined;
}

function listOf(type: protobuf.Type, msg: Msg | undefined, name: string, nested: NestedDecoder): unknown[] {
  const list = (has(msg, name) ? (msg[name] as unknown[]) : []) ?? [];
  const elemType = type.fields[name].resolvedType;
  return list.map((v) => (elemType instanceof protobuf.Type ? messageToGoJson(elemType, v as Msg, nested) : v));
}

type Special = (msg: Msg | undefined, type: protobuf.Type, nested: NestedDecoder) => unknown;

/** Types whose Go MarshalJSON replaces the struct's fields with a custom form. */
const SPECIAL: Record<string, Special> = {
  [`${META}Time`]: (msg) => timeToJson(msg, false),
  [`${META}MicroTime`]: (msg) => timeToJson(msg, true),
  [`${META}Duration`]: (msg) => formatGoDuration(msg?.duration ?? 0),
  [`${META}FieldsV1`]: (msg) => rawJson(msg?.Raw, 'FieldsV1'),
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': (msg) => (msg ? checkQuantity(String(msg.string ?? '')) : '0'),
  '.k8s.io.apimachinery.pkg.api.resource.QuantityValue': (msg) => (msg ? checkQuantity(String(msg.string ?? '')) : '0'),
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': (msg) => {
    const kind = int64ToNumber(msg?.type ?? 0);
    if (kind === 0) return Number(msg?.intVal ?? 0);
    if (kind === 1) return String(msg?.strVal ?? '');
    throw new ValueError(`impossible IntOrString.Type ${kind}`);
  },
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': (msg, _type, nested) => rawJson(msg?.raw, 'RawExtension', nested),
  [`${EXT}JSON`]: (msg) => rawJson(msg?.raw, 'JSON'),
  [`${EXT}JSONSchemaPropsOrBool`]: (msg, type, nested) => schemaOf(type, msg, nested) ?? Boolean(msg?.allows),
  [`${EXT}JSONSchemaPropsOrStringArray`]: (msg, type, nested) => {
    const property = listOf(type, msg, 'property', nested);
    return property.length > 0 ? property : (schemaOf(type, msg, nested) ?? null);
  },
  [`${EXT}JSONSchemaPropsOrArray`]: (msg, type, nested) => {
    const schemas = listOf(type, msg, 'jSONSchemas', nested);
    return schemas.length > 0 ? schemas : (schemaOf(type, msg, nested) ?? null);
  },
};
