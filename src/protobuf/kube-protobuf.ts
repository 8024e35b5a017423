// Decodes `application/vnd.kubernetes.protobuf` request bodies into the object's ordinary Kubernetes JSON form.
import protobuf from 'protobufjs';
import { ValueError } from './go-values.js';
import { loadProtoFile, protoPackageOf, protoVersionIndex } from './proto-loader.js';
import { messageToGoJson } from './proto-json.js';

/** Bad protobuf input; the HTTP layer answers it with 400 BadRequest. */
export class ProtobufDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

/** `k8s\0`, which prefixes every Kubernetes protobuf payload. */
export const KUBE_PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const RUNTIME_PROTO = 'k8s.io/apimachinery/pkg/runtime/generated.proto';
const META_VERSION = 'meta/v1';

/**
 * metav1 kinds that every group version registers (metav1.AddToGroupVersion) or that live in
 * meta.k8s.io; the scheme, not the proto files, says they are kinds.
 */
const META_KINDS = new Set([
  'DeleteOptions',
  'ListOptions',
  'GetOptions',
  'CreateOptions',
  'UpdateOptions',
  'PatchOptions',
  'Status',
  'WatchEvent',
  'APIVersions',
  'APIGroup',
  'APIGroupList',
  'APIResourceList',
  'Table',
  'PartialObjectMetadata',
  'PartialObjectMetadataList',
]);

let unknownType: protobuf.Type | undefined;
const packageByFile = new Map<string, string | undefined>();
const typeCache = new Map<string, protobuf.Type>();

/**
 * Proto directory name for an API group: built-in groups are named `<name>`, `<name>.k8s.io`
 * or `<name>.<sub>.k8s.io` (rbac.authorization.k8s.io, flowcontrol.apiserver.k8s.io), and their
 * protos live in `.../<name>/<version>/generated.proto`; the core group's directory is `core`.
 */
function protoDirName(group: string): string | undefined {
  if (group === '') return 'core';
  if (!group.includes('.')) return group;
  if (!group.endsWith('.k8s.io')) return undefined;
  return group.split('.')[0];
}

function lookupKind(file: string, kind: string, requireKindShape: boolean): protobuf.Type | undefined {
  if (!packageByFile.has(file)) packageByFile.set(file, protoPackageOf(file));
  const pkg = packageByFile.get(file);
  if (!pkg) return undefined;
  const root = loadProtoFile(file);
  const found = root.lookup(`${pkg}.${kind}`);
  if (!(found instanceof protobuf.Type)) return undefined;
  // Nested structs such as PodSpec are messages too, but never kinds: every built-in kind
  // carries metadata, except option objects and the admission review envelope.
  if (requireKindShape && !found.fields.metadata && !kind.endsWith('Options') && kind !== 'AdmissionReview') return undefined;
  return found;
}

/** The proto message for apiVersion+kind, or undefined when no bundled proto defines it. */
export function kubeProtoType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const key = `${apiVersion}\n${kind}`;
  const cached = typeCache.get(key);
  if (cached) return cached;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const index = protoVersionIndex();
  const dir = protoDirName(group);
  let type: protobuf.Type | undefined;
  if (dir && /^[A-Z]\w*$/.test(kind) && /^v\d+\w*$/.test(version) && (group !== '' || slash < 0)) {
    const file = index.get(`${dir}/${version}`);
    const metaFile = index.get(META_VERSION);
    if (file && dir !== 'meta') type = lookupKind(file, kind, true);
    if (!type && file && metaFile && version === 'v1' && META_KINDS.has(kind)) type = lookupKind(metaFile, kind, false);
  }
  // Only hits are cached, so clients sending made-up kinds cannot grow the map.
  if (type) typeCache.set(key, type);
  return type;
}

function envelopeType(): protobuf.Type {
  unknownType ??= loadProtoFile(RUNTIME_PROTO).lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  return unknownType;
}

/**
 * Decodes a Kubernetes protobuf body (`k8s\0` + runtime.Unknown) into the JSON object a Go
 * client would have sent for the same object, with `kind` and `apiVersion` from the envelope.
 */
export function decodeKubeProtobuf(body: Buffer | Uint8Array): Record<string, unknown> {
  if (body.length < KUBE_PROTOBUF_MAGIC.length || !KUBE_PROTOBUF_MAGIC.equals(body.subarray(0, KUBE_PROTOBUF_MAGIC.length))) {
    throw new ProtobufDecodeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let envelope: Record<string, unknown>;
  try {
    envelope = envelopeType().decode(body.subarray(KUBE_PROTOBUF_MAGIC.length)) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new ProtobufDecodeError(`malformed protobuf envelope: ${describe(err)}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (!kind) throw new ProtobufDecodeError("Object 'Kind' is missing in protobuf envelope");
  if (!apiVersion) throw new ProtobufDecodeError("Object 'apiVersion' is missing in protobuf envelope");
  const encoding = String(envelope.contentEncoding ?? '');
  if (encoding !== '') throw new ProtobufDecodeError(`unsupported protobuf content encoding ${JSON.stringify(encoding)}`);
  const type = kubeProtoType(apiVersion, kind);
  if (!type) throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}" in protobuf`);
  const raw = (envelope.raw as Uint8Array | undefined) ?? new Uint8Array(0);
  let message: Record<string, unknown>;
  try {
    message = type.decode(raw) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new ProtobufDecodeError(`malformed protobuf for ${kind} ${apiVersion}: ${describe(err)}`);
  }
  let json: unknown;
  try {
    json = messageToGoJson(type, message, (nested) => decodeKubeProtobuf(Buffer.from(nested)));
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    if (err instanceof ValueError) throw new ProtobufDecodeError(`invalid ${kind} ${apiVersion}: ${err.message}`);
    throw new ProtobufDecodeError(`cannot convert ${kind} ${apiVersion} from protobuf: ${describe(err)}`);
  }
  // TypeMeta is inlined first in every Go kind, so kind and apiVersion lead the JSON.
  return { kind, apiVersion, ...(json as Record<string, unknown>) };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
