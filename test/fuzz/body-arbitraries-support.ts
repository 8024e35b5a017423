// fast-check generators of bad object bodies: broken and deeply nested JSON/YAML, wrong types, huge strings, garbled protobuf.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { KUBE_PROTOBUF_MAGIC, kubeProtoType } from '../../src/protobuf/kube-protobuf.js';
import { loadProtoFile } from '../../src/protobuf/proto-loader.js';
import { fixtureObject, type Fixture } from './fuzz-cluster-support.js';
import type { FuzzBody, HugeBody } from './fuzz-http-support.js';

type Json = unknown;

/** Values of every JSON type, including ones Go decoders refuse for some fields (floats for ints, huge numbers). */
export const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e300, -9007199254740993, 2147483648, '', 'x', '0', 'true', '-1', '1Gi', '🙂', '\u0000', [], {}, [null], { '': '' }),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
);

/** Every path to a value inside `value` (the root excluded), objects by key and arrays by index. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value as object);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function replaceAt(value: Json, path: (string | number)[], replacement: Json): Json {
  const copy = structuredClone(value) as Record<string | number, Json>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, Json>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

/** The fixture with one field (anywhere: metadata, spec, a container's port) holding a value of another type. */
export function wrongTypeObject(fixture: Fixture, extra: Record<string, Json> = {}): fc.Arbitrary<Json> {
  const base = { ...fixtureObject(fixture), ...extra };
  const all = paths(base);
  return fc.tuple(fc.constantFrom(...all), oddValue).map(([path, v]) => replaceAt(base, path, v));
}

/** Valid JSON text, cut short or with bytes inserted, deleted or replaced. */
export function brokenJson(validText: string): fc.Arbitrary<string> {
  const index = fc.nat({ max: validText.length });
  const junk = fc.oneof(fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\\u12', '\u0000', 'NaN', 'Infinity', '\ud800', '01', '1e999', 'nul', "'"), fc.string({ maxLength: 4 }));
  return fc.oneof(
    index.map((i) => validText.slice(0, i)),
    fc.tuple(index, junk).map(([i, s]) => validText.slice(0, i) + s + validText.slice(i)),
    fc.tuple(index, fc.integer({ min: 1, max: 8 })).map(([i, n]) => validText.slice(0, i) + validText.slice(i + n)),
    fc.tuple(index, junk).map(([i, s]) => validText.slice(0, i) + s + validText.slice(i + s.length)),
    junk.map((s) => validText + s),
    fc.constantFrom('', ' ', 'null', '[]', '"x"', '1', 'true', '{}', '{"kind":1}', '\uFEFF{}', '{"a":1,"a":2}'),
  );
}

/** `depth` nested brackets, shallow to far beyond upstream's 10,000-level decoder limit. */
export const nestingDepth = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 900, max: 1100 }), fc.integer({ min: 3000, max: 20_000 }));

/** A fixture with a deeply nested value under a field, or a bare nested document, as JSON. */
export function deepJson(fixture: Fixture): fc.Arbitrary<string> {
  const object = JSON.stringify(fixtureObject(fixture));
  const field = fc.constantFrom('"extra":', '"metadata":', '"spec":', '"data":');
  return fc.oneof(
    fc.tuple(nestingDepth, field).map(([d, f]) => `${object.slice(0, -1)},${f}${'['.repeat(d)}${']'.repeat(d)}}`),
    fc.tuple(nestingDepth, field).map(([d, f]) => `${object.slice(0, -1)},${f}${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`),
    nestingDepth.map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
    // Unclosed: the decoder must give up on depth or on the end, not run out of stack.
    nestingDepth.map((d) => `{"metadata":${'{"a":'.repeat(d)}`),
  );
}

/** YAML that nests deeply in flow style, block style (`- - - x`), maps, or through aliases. */
export function deepYaml(fixture: Fixture): fc.Arbitrary<string> {
  const head = `apiVersion: ${fixture.apiVersion}\nkind: ${fixture.kind}\nmetadata:\n  name: ${fixture.name}\n`;
  return fc.oneof(
    nestingDepth.map((d) => `${head}extra: ${'['.repeat(d)}${']'.repeat(d)}\n`),
    nestingDepth.map((d) => `${head}extra: ${'{a: '.repeat(d)}1${'}'.repeat(d)}\n`),
    nestingDepth.map((d) => `${head}extra:\n  ${'- '.repeat(d)}x\n`),
    nestingDepth.map((d) => `${'- '.repeat(d)}x\n`),
    fc.integer({ min: 1, max: 40 }).map((n) => `${head}a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: n }, (_, i) => `b${i}: &b${i} [${`*${i === 0 ? 'a' : `b${i - 1}`}, `.repeat(9)}]`).join('\n')}\n`),
  );
}

/** YAML that does not parse, or parses to something that is not an object of the right kind. */
export function badYaml(fixture: Fixture): fc.Arbitrary<string> {
  const valid = `apiVersion: ${fixture.apiVersion}\nkind: ${fixture.kind}\nmetadata:\n  name: ${fixture.name}\n  labels: {a: b}\n`;
  return fc.oneof(
    brokenJson(valid),
    fc.constantFrom(
      ':', '- a\nb: c', 'a: b\n  c: d', '\t- x', '{', 'a: [', '!!binary x', '!!int abc', '*undefined', '&a a: *a',
      '---\na: 1\n---\nb: 2', '%YAML 9.9\n---\na: 1', 'a: !!timestamp nope', 'metadata: !!set {a}', 'a: 0x', '- 1\n- 2', '"x"', '~',
      `${valid}metadata: {}\n`, `${valid}kind: [x]\n`, valid.replace(fixture.kind, 'Nope'), valid.replace(fixture.apiVersion, 'nope/v0'),
    ),
    fc.string({ maxLength: 40 }),
  );
}

/** Strings of one character repeated: around the 3 MiB body limit (413) or large inside an accepted body. */
export function hugeBody(fixture: Fixture): fc.Arbitrary<HugeBody> {
  const object = JSON.stringify(fixtureObject(fixture));
  const count = fc.oneof(fc.integer({ min: 3 * 1024 * 1024 - 512, max: 3 * 1024 * 1024 + 512 }), fc.integer({ min: 3_200_000, max: 4_000_000 }), fc.integer({ min: 100_000, max: 1_500_000 }));
  return fc.tuple(count, fc.constantFrom('x', 'é', '\\"', ' ')).map(([n, fill]) => ({
    prefix: `${object.slice(0, -1)},"huge":"`,
    fill,
    count: fill === 'é' ? Math.floor(n / 2) : fill === '\\"' ? Math.floor(n / 2) : n,
    suffix: '"}',
  }));
}

let unknownType: protobuf.Type | undefined;

/** `k8s\0` + runtime.Unknown{typeMeta, raw}: how client-go sends protobuf. */
export function kubeProtobuf(apiVersion: string, kind: string, object: Record<string, unknown>): Uint8Array {
  const type = kubeProtoType(apiVersion, kind);
  if (!type) throw new Error(`no proto type for ${apiVersion} ${kind}`);
  const raw = type.encode(type.fromObject(object)).finish();
  unknownType ??= loadProtoFile('k8s.io/apimachinery/pkg/runtime/generated.proto').lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const envelope = unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([KUBE_PROTOBUF_MAGIC, envelope]);
}

/** A valid protobuf encoding of the fixture, truncated, with bytes flipped, with a wrong envelope, or random bytes. */
export function garbledProtobuf(fixture: Fixture): fc.Arbitrary<Uint8Array> {
  const { apiVersion, kind, ...object } = fixtureObject(fixture);
  let valid: Uint8Array;
  try {
    valid = kubeProtobuf(apiVersion as string, kind as string, object);
  } catch {
    // Custom resources have no proto: a Pod's encoding stands in.
    valid = kubeProtobuf('v1', 'Pod', { metadata: { name: 'pod' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  }
  const index = fc.nat({ max: valid.length - 1 });
  return fc.oneof(
    index.map((i) => valid.subarray(0, i)),
    fc.tuple(index, fc.integer({ min: 0, max: 255 })).map(([i, b]) => Uint8Array.from(valid, (x, j) => (j === i ? b : x))),
    fc.tuple(index, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, bytes]) => Buffer.concat([valid.subarray(0, i), bytes, valid.subarray(i)])),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.concat([KUBE_PROTOBUF_MAGIC, bytes])),
    fc.uint8Array({ maxLength: 64 }),
    fc.tuple(fc.constantFrom('v1', 'apps/v1', 'nope/v1', '', 'v1/x/y', 'meta.k8s.io/v1'), fc.constantFrom('Pod', 'Status', 'PodSpec', '', 'nope', 'DeleteOptions', 'Deployment'))
      .map(([v, k]) => {
        const root = loadProtoFile('k8s.io/apimachinery/pkg/runtime/generated.proto').lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
        return Buffer.concat([KUBE_PROTOBUF_MAGIC, root.encode(root.fromObject({ typeMeta: { apiVersion: v, kind: k }, raw: valid.subarray(20) })).finish()]);
      }),
  );
}

/** Any of the bad bodies above for a fixture, with the Content-Type it is sent as. */
export function badObjectBody(fixture: Fixture): fc.Arbitrary<{ label: string; contentType: string; body: FuzzBody }> {
  const json = (label: string, a: fc.Arbitrary<string>) => a.map((body) => ({ label, contentType: 'application/json', body: body as FuzzBody }));
  return fc.oneof(
    { weight: 4, arbitrary: json('broken-json', brokenJson(JSON.stringify(fixtureObject(fixture)))) },
    { weight: 4, arbitrary: json('wrong-type', wrongTypeObject(fixture).map((o) => JSON.stringify(o))) },
    { weight: 2, arbitrary: json('deep-json', deepJson(fixture)) },
    { weight: 2, arbitrary: deepYaml(fixture).map((body) => ({ label: 'deep-yaml', contentType: 'application/yaml', body: body as FuzzBody })) },
    { weight: 2, arbitrary: badYaml(fixture).map((body) => ({ label: 'bad-yaml', contentType: 'application/yaml', body: body as FuzzBody })) },
    { weight: 3, arbitrary: garbledProtobuf(fixture).map((body) => ({ label: 'protobuf', contentType: 'application/vnd.kubernetes.protobuf', body: body as FuzzBody })) },
  );
}
