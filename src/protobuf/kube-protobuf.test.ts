// Tests for decodeKubeProtobuf: bodies are encoded with protobufjs from the bundled protos, Go-style (zero scalars on the wire).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import protobuf from 'protobufjs';
import { KUBE_PROTOBUF_MAGIC, ProtobufDecodeError, decodeKubeProtobuf, kubeProtoType } from './kube-protobuf.js';
import { PROTO_BASE, loadProtoFile, protoVersionIndex } from './proto-loader.js';
import { isNamedList } from './proto-json.js';

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = loadProtoFile('k8s.io/apimachinery/pkg/runtime/generated.proto').lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const body = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([KUBE_PROTOBUF_MAGIC, body]);
}

function encodeRaw(apiVersion: string, kind: string, obj: object): Uint8Array {
  const type = kubeProtoType(apiVersion, kind);
  if (!type) throw new Error(`no type for ${apiVersion} ${kind}`);
  return type.encode(type.fromObject(obj)).finish();
}

function encode(apiVersion: string, kind: string, obj: object): Buffer {
  return envelope(apiVersion, kind, encodeRaw(apiVersion, kind, obj));
}

/** ObjectMeta as Go's generated Marshal writes it: every plain field, zero or not. */
function goMeta(name: string, extra: object = {}): object {
  return { name, generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {}, ...extra };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('decodeKubeProtobuf', () => {
  // Runs first, with a hand-assembled body, so the timing includes parsing core/v1 and meta/v1.
  it('decodes a core/v1 object on first use quickly enough', () => {
    const w = (): protobuf.Writer => protobuf.Writer.create();
    const meta = w().uint32(0x0a).string('first').finish();
    const entry = w().uint32(0x0a).string('a').uint32(0x12).string('b').finish();
    const raw = w().uint32(0x0a).bytes(meta).uint32(0x12).bytes(entry).finish();
    const body = envelope('v1', 'ConfigMap', raw);
    const start = performance.now();
    const decoded = decodeKubeProtobuf(body);
    const first = performance.now() - start;
    const again = performance.now();
    decodeKubeProtobuf(body);
    const second = performance.now() - again;
    console.log(`first core/v1 decode (cold proto load): ${first.toFixed(1)} ms, second: ${second.toFixed(2)} ms`);
    expect(decoded).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'first' }, data: { a: 'b' } });
    expect(first).toBeLessThan(2000);
  });

  it('decodes a ConfigMap with data and binaryData', () => {
    const body = encode('v1', 'ConfigMap', {
      metadata: goMeta('cm', { namespace: 'default', labels: { app: 'x' } }),
      data: { 'a.txt': 'hello', empty: '' },
      binaryData: { bin: Buffer.from([0, 1, 2, 255]), none: Buffer.alloc(0) },
    });
    expect(decodeKubeProtobuf(body)).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'cm', namespace: 'default', labels: { app: 'x' } },
      data: { 'a.txt': 'hello', empty: '' },
      binaryData: { bin: 'AAEC/w==', none: '' },
    });
  });

  it('decodes a Secret with data and type, keeping a pointer false', () => {
    const body = encode('v1', 'Secret', { metadata: goMeta('s'), immutable: false, data: { password: Buffer.from('hunter2') }, type: 'Opaque' });
    expect(decodeKubeProtobuf(body)).toEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's' },
      immutable: false,
      data: { password: b64('hunter2') },
      type: 'Opaque',
    });
  });

  it('decodes a Namespace; value structs absent on the wire still appear, as Go JSON shows them', () => {
    const body = encode('v1', 'Namespace', { metadata: goMeta('ns1') });
    expect(decodeKubeProtobuf(body)).toEqual({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'ns1' }, spec: {}, status: {} });
  });

  it('decodes an apps/v1 Deployment with a pod template', () => {
    const container = {
      name: 'web',
      image: 'nginx:1.25',
      ports: [{ name: '', hostPort: 0, containerPort: 80, protocol: 'TCP', hostIP: '' }],
      resources: { limits: { cpu: { string: '500m' } }, requests: { memory: { string: '128Mi' } } },
      terminationMessagePath: '/dev/termination-log',
      imagePullPolicy: 'IfNotPresent',
      stdin: false,
      tty: false,
    };
    const body = encode('apps/v1', 'Deployment', {
      metadata: goMeta('web', { namespace: 'prod', creationTimestamp: { seconds: 1704164645, nanos: 0 }, generation: 2 }),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: goMeta('', { labels: { app: 'web' } }), spec: { containers: [container], restartPolicy: 'Always', hostNetwork: false } },
        minReadySeconds: 0,
        paused: false,
      },
      status: { observedGeneration: 0, replicas: 0 },
    });
    expect(decodeKubeProtobuf(body)).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', namespace: 'prod', generation: 2, creationTimestamp: '2024-01-02T03:04:05Z' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.25',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m' }, requests: { memory: '128Mi' } },
                terminationMessagePath: '/dev/termination-log',
                imagePullPolicy: 'IfNotPresent',
              },
            ],
            restartPolicy: 'Always',
          },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('keeps replicas: 0 (a pointer) and renders an empty pod spec container list as null', () => {
    const body = encode('apps/v1', 'Deployment', { metadata: goMeta('d'), spec: { replicas: 0, template: { spec: {} } } });
    const spec = decodeKubeProtobuf(body).spec as Record<string, unknown>;
    expect(spec.replicas).toBe(0);
    expect(spec.template).toEqual({ metadata: {}, spec: { containers: null } });
  });

  it('decodes Service ports with int and string targetPort (IntOrString)', () => {
    const body = encode('v1', 'Service', {
      metadata: goMeta('svc'),
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: { type: 0, intVal: 8080, strVal: '' }, nodePort: 0 },
          { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: { type: 1, intVal: 0, strVal: 'metrics' }, nodePort: 0 },
          { name: 'bare', port: 81 },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
    });
    expect(decodeKubeProtobuf(body)).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'svc' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 'metrics' },
          { name: 'bare', port: 81, targetPort: 0 },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
  });

  it('decodes an authorization/v1 SelfSubjectAccessReview', () => {
    const body = encode('authorization.k8s.io/v1', 'SelfSubjectAccessReview', {
      metadata: goMeta(''),
      spec: { resourceAttributes: { namespace: 'default', verb: 'list', group: '', version: '', resource: 'pods', subresource: '', name: '' } },
      status: { allowed: false, denied: false, reason: '', evaluationError: '' },
    });
    expect(decodeKubeProtobuf(body)).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('turns ExtraValue map values into plain string arrays', () => {
    const body = encode('authorization.k8s.io/v1', 'SubjectAccessReview', {
      metadata: goMeta(''),
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'alice', groups: ['dev'], extra: { scopes: { items: ['a', 'b'] }, none: {} }, uid: '' },
    });
    expect(decodeKubeProtobuf(body).spec).toEqual({
      nonResourceAttributes: { path: '/healthz', verb: 'get' },
      user: 'alice',
      groups: ['dev'],
      extra: { scopes: ['a', 'b'], none: [] },
    });
  });

  it('inlines embedded structs (VolumeSource) and renders MicroTime, FieldsV1 and managedFields times', () => {
    const pod = decodeKubeProtobuf(
      encode('v1', 'Pod', {
        metadata: goMeta('p', {
          deletionTimestamp: {},
          managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: { seconds: 1704164645 }, fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:spec":{}}') }, subresource: '' }],
        }),
        spec: { containers: [{ name: 'c' }], volumes: [{ name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'cm' } } } }] },
      }),
    );
    expect(pod.metadata).toEqual({
      name: 'p',
      deletionTimestamp: null,
      managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
    });
    expect((pod.spec as { volumes: unknown }).volumes).toEqual([{ name: 'cfg', configMap: { name: 'cm' } }]);
    const lease = decodeKubeProtobuf(encode('coordination.k8s.io/v1', 'Lease', { metadata: goMeta('l'), spec: { holderIdentity: 'me', acquireTime: { seconds: 1704164645, nanos: 123456789 } } }));
    expect(lease.spec).toEqual({ holderIdentity: 'me', acquireTime: '2024-01-02T03:04:05.123456Z' });
  });

  it('maps CRD schema fields to their JSON names and custom forms', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: { type: 'object', xKubernetesPreserveUnknownFields: true, additionalProperties: { allows: true } },
        list: { type: 'array', items: { schema: { type: 'string' } }, xKubernetesListType: 'set', default: { raw: Buffer.from('["a"]') } },
        ref: { ref: '#/definitions/x', additionalProperties: { allows: false, schema: { type: 'integer' } } },
      },
      required: ['spec'],
    };
    const crd = decodeKubeProtobuf(
      encode('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
        metadata: goMeta('foos.example.com'),
        spec: {
          group: 'example.com',
          names: { plural: 'foos', kind: 'Foo' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
        },
      }),
    );
    const version = (crd.spec as { versions: Record<string, unknown>[] }).versions[0];
    expect(version).toEqual({
      name: 'v1',
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, additionalProperties: true },
            list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', default: ['a'] },
            ref: { $ref: '#/definitions/x', additionalProperties: { type: 'integer' } },
          },
          required: ['spec'],
        },
      },
    });
    expect(crd.status).toEqual({ conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: null });
  });

  it('parses RawExtension bytes as JSON and rejects bytes that are not', () => {
    const revision = (raw: string): Buffer => encode('apps/v1', 'ControllerRevision', { metadata: goMeta('r'), data: { raw: Buffer.from(raw) }, revision: 3 });
    expect(decodeKubeProtobuf(revision('{"spec":{"replicas":1}}'))).toEqual({
      kind: 'ControllerRevision',
      apiVersion: 'apps/v1',
      metadata: { name: 'r' },
      data: { spec: { replicas: 1 } },
      revision: 3,
    });
    expect(() => decodeKubeProtobuf(revision('{nope'))).toThrow(/RawExtension does not hold valid JSON/);
  });

  it('decodes metav1 option kinds sent under any group version', () => {
    const body = encode('apps/v1', 'DeleteOptions', { gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
    expect(decodeKubeProtobuf(body)).toEqual({ kind: 'DeleteOptions', apiVersion: 'apps/v1', gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
  });

  describe('errors', () => {
    const good = (): Buffer => encode('v1', 'ConfigMap', { metadata: goMeta('cm'), data: { a: 'b' } });

    it('rejects a body without the k8s magic', () => {
      expect(() => decodeKubeProtobuf(Buffer.from('{"kind":"ConfigMap"}'))).toThrow(ProtobufDecodeError);
      expect(() => decodeKubeProtobuf(Buffer.alloc(0))).toThrow(/expected prefix/);
    });

    it('rejects a truncated body', () => {
      const body = good();
      for (const cut of [1, 3, 7]) expect(() => decodeKubeProtobuf(body.subarray(0, body.length - cut))).toThrow(ProtobufDecodeError);
    });

    it('rejects a truncated raw object inside a whole envelope', () => {
      const raw = encodeRaw('v1', 'ConfigMap', { metadata: goMeta('cm'), data: { a: 'b' } });
      expect(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw.subarray(0, raw.length - 2)))).toThrow(/malformed protobuf for ConfigMap v1/);
    });

    it('rejects garbage after the magic', () => {
      expect(() => decodeKubeProtobuf(Buffer.concat([KUBE_PROTOBUF_MAGIC, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])]))).toThrow(ProtobufDecodeError);
    });

    it('rejects unknown kinds, versions and groups', () => {
      const raw = encodeRaw('v1', 'ConfigMap', {});
      for (const [apiVersion, kind] of [
        ['v1', 'NoSuchKind'],
        ['v1', 'PodSpec'],
        ['v1', 'ObjectMeta'],
        ['apps/v1beta1', 'Deployment'],
        ['example.com/v1', 'Foo'],
        ['meta.k8s.io/v1', 'ObjectMeta'],
        ['v1', ''],
        ['', 'ConfigMap'],
      ]) {
        expect(() => decodeKubeProtobuf(envelope(apiVersion, kind, raw))).toThrow(ProtobufDecodeError);
      }
    });

    it('rejects an invalid quantity and an impossible IntOrString type', () => {
      const pod = (q: string): Buffer => encode('v1', 'Pod', { spec: { containers: [{ name: 'c', resources: { limits: { cpu: { string: q } } } }] } });
      expect(() => decodeKubeProtobuf(pod('lots'))).toThrow(/quantities must match/);
      const svc = encode('v1', 'Service', { spec: { ports: [{ port: 1, targetPort: { type: 7 } }] } });
      expect(() => decodeKubeProtobuf(svc)).toThrow(/impossible IntOrString/);
    });
  });
});

describe('proto tables', () => {
  it('treats exactly the +protobuf.nullable=true messages as named lists', () => {
    const fromComments = new Set<string>();
    const detected = new Set<string>();
    for (const file of new Set(protoVersionIndex().values())) {
      const text = readFileSync(path.join(PROTO_BASE, file), 'utf8');
      const pkg = /^package ([\w.]+);/m.exec(text)?.[1];
      for (const m of text.matchAll(/\+protobuf\.nullable=true\n(?:\/\/.*\n)*message (\w+)/g)) fromComments.add(`${pkg}.${m[1]}`);
      const root = loadProtoFile(file);
      const ns = root.lookup(pkg as string) as protobuf.Namespace;
      for (const t of ns.nestedArray) if (t instanceof protobuf.Type && isNamedList(t)) detected.add(t.fullName.slice(1));
    }
    expect([...detected].sort()).toEqual([...fromComments].sort());
  });

  it('decodes an empty object of every bundled kind without error', () => {
    let count = 0;
    for (const [dirVersion, file] of protoVersionIndex()) {
      const [dir, version] = dirVersion.split('/');
      if (dir === 'meta') continue;
      const group = dir === 'core' ? '' : dir === 'apps' || dir === 'batch' || dir === 'policy' || dir === 'autoscaling' ? dir : `${dir}.k8s.io`;
      const pkg = /^package ([\w.]+);/m.exec(readFileSync(path.join(PROTO_BASE, file), 'utf8'))?.[1] as string;
      const ns = loadProtoFile(file).lookup(pkg) as protobuf.Namespace;
      for (const t of ns.nestedArray) {
        if (!(t instanceof protobuf.Type) || !t.fields.metadata) continue;
        const apiVersion = group ? `${group}/${version}` : version;
        // rbac and flowcontrol live under longer group names.
        const fixed = apiVersion.replace(/^rbac\.k8s\.io/, 'rbac.authorization.k8s.io').replace(/^flowcontrol\.k8s\.io/, 'flowcontrol.apiserver.k8s.io');
        const out = decodeKubeProtobuf(envelope(fixed, t.name, new Uint8Array(0)));
        expect(out.kind).toBe(t.name);
        count++;
      }
    }
    expect(count).toBeGreaterThan(140);
  });

  it('decodes batch/v1 although an alpha proto it imports is not bundled', () => {
    const job = decodeKubeProtobuf(encode('batch/v1', 'Job', { metadata: goMeta('j'), spec: { parallelism: 2, template: { spec: { containers: [{ name: 'c' }] } } } }));
    expect(job.spec).toEqual({ parallelism: 2, template: { metadata: {}, spec: { containers: [{ name: 'c', resources: {} }] } } });
  });

  it('maps every bundled API group version to its proto package', () => {
    expect(kubeProtoType('rbac.authorization.k8s.io/v1', 'ClusterRole')?.fullName).toBe('.k8s.io.api.rbac.v1.ClusterRole');
    expect(kubeProtoType('flowcontrol.apiserver.k8s.io/v1', 'FlowSchema')?.fullName).toBe('.k8s.io.api.flowcontrol.v1.FlowSchema');
    expect(kubeProtoType('autoscaling/v2', 'HorizontalPodAutoscaler')?.fullName).toBe('.k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler');
    expect(kubeProtoType('batch/v1', 'Job')?.fullName).toBe('.k8s.io.api.batch.v1.Job');
    expect(kubeProtoType('meta.k8s.io/v1', 'Status')?.fullName).toBe('.k8s.io.apimachinery.pkg.apis.meta.v1.Status');
    expect(kubeProtoType('apiextensions.k8s.io/v1', 'CustomResourceDefinition')?.fullName).toBe(
      '.k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    );
  });
});
