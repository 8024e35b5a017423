// Typed-decode checks: upstream's exact 400 messages for bodies Go's typed JSON decoding rejects.
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { GO_TYPES } from './go-types.js';
import { compileTypeChecker, MAX_NESTING_DEPTH, typeMismatchError, unknownFields } from './typed-decode.js';

const definitions = loadSwagger().definitions as Record<string, unknown>;
const DEF = {
  Pod: 'io.k8s.api.core.v1.Pod',
  Deployment: 'io.k8s.api.apps.v1.Deployment',
  ConfigMap: 'io.k8s.api.core.v1.ConfigMap',
  Secret: 'io.k8s.api.core.v1.Secret',
  Service: 'io.k8s.api.core.v1.Service',
  Namespace: 'io.k8s.api.core.v1.Namespace',
  Lease: 'io.k8s.api.coordination.v1.Lease',
  CRD: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
} as const;
type Kind = keyof typeof DEF;

const check = (kind: Kind, object: unknown) => compileTypeChecker(definitions, DEF[kind])(object);
const message = (kind: Kind, object: unknown) => check(kind, object)?.message;
const QUANTITY = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

// What kubectl 1.35 prints for `create deployment web --image=nginx:1.27 --replicas=3 --port=80 -o json --dry-run=client` and friends.
const kubectl = {
  Deployment: {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}},
  ConfigMap: {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg"},"data":{"a":"1","b":"two"}},
  Secret: {"kind":"Secret","apiVersion":"v1","metadata":{"name":"sec"},"data":{"password":"czNjcjN0"}},
  Service: {"kind":"Service","apiVersion":"v1","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080}],"selector":{"app":"web"},"type":"ClusterIP"},"status":{"loadBalancer":{}}},
  Namespace: {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"team-a"},"spec":{},"status":{}},
  Pod: {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"run":"web"}},"spec":{"containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}],"resources":{}}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst"},"status":{}},
};

// A Deployment as the apiserver returns it: times, managedFields, conditions, probes, volumes.
const served = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: {
    name: 'web', namespace: 'default', uid: '0b9f3e0c-2a4e-4a55-9f43-5d0c8a3c9f11', resourceVersion: '1234', generation: 2,
    creationTimestamp: '2026-01-02T03:04:05Z', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '1' },
    finalizers: ['example.com/hold'], ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } } }],
  },
  spec: {
    replicas: 2, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
    template: {
      metadata: { labels: { app: 'web' }, creationTimestamp: null },
      spec: {
        restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: { runAsNonRoot: true, fsGroup: 2000 },
        tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
        volumes: [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }, { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }],
        containers: [{
          name: 'nginx', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', args: ['-g', 'daemon off;'],
          ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'A', value: 'b' }, { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25, memory: 67108864 } },
          livenessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 3, periodSeconds: 10 },
          readinessProbe: { tcpSocket: { port: 80 } },
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
          terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
        }],
      },
    },
  },
  status: {
    observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2,
    conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-01-02T03:04:05Z', lastTransitionTime: '2026-01-02T03:04:05Z', reason: 'MinimumReplicasAvailable', message: 'ok' }],
  },
};

/** A copy of `base` with the value at a dotted path (numeric segments index arrays) replaced. */
function withValue(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (let i = 0; i < keys.length - 1; i++) {
    at[keys[i]] ??= /^\d+$/.test(keys[i + 1]) ? [] : {};
    at = at[keys[i]] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]] = value;
  return copy;
}

describe('valid objects decode', () => {
  it.each(Object.entries(kubectl))('kubectl --dry-run=client %s', (kind, object) => {
    expect(check(kind as Kind, object)).toBeUndefined();
    expect(unknownFields(definitions, DEF[kind as Kind], object)).toEqual([]);
  });

  it('a Deployment as the apiserver serves it', () => {
    expect(check('Deployment', served)).toBeUndefined();
    expect(unknownFields(definitions, DEF.Deployment, served)).toEqual([]);
  });

  it('accepts null anywhere, as Go leaves the zero value', () => {
    const nulls = { apiVersion: null, kind: null, metadata: { name: null, labels: null, creationTimestamp: null }, spec: { replicas: null, template: { spec: { containers: [null, { name: null, resources: { limits: { cpu: null } } }] } } } };
    expect(check('Deployment', nulls)).toBeUndefined();
  });

  it('compiles every served kind and accepts an empty object of it', () => {
    const kinds = Object.entries(definitions).filter(([, d]) => (d as Record<string, unknown>)['x-kubernetes-group-version-kind']);
    expect(kinds.length).toBeGreaterThan(100);
    for (const [name] of kinds) expect(compileTypeChecker(definitions, name)({})).toBeUndefined();
  });

  it('caches one checker per definitions object and name', () => {
    expect(compileTypeChecker(definitions, DEF.Pod)).toBe(compileTypeChecker(definitions, DEF.Pod));
    expect(compileTypeChecker({ ...definitions }, DEF.Pod)).not.toBe(compileTypeChecker(definitions, DEF.Pod));
  });
});

describe('wrong JSON types give upstream decode errors', () => {
  const cases: Array<[keyof typeof kubectl, string, unknown, string]> = [
    ['Pod', 'metadata.labels', 'x', 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string'],
    ['Pod', 'metadata.labels.app', 5, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    ['Pod', 'metadata.name', 5, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string'],
    ['Pod', 'metadata.uid', 5, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID'],
    ['Pod', 'metadata.finalizers', 'x', 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string'],
    ['Pod', 'metadata.ownerReferences.0.controller', 'yes', 'json: cannot unmarshal string into Go struct field OwnerReference.metadata.ownerReferences.controller of type bool'],
    ['Pod', 'metadata', 'x', 'json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta'],
    ['Pod', 'spec.containers', {}, 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
    ['Pod', 'spec.containers.0', 'nginx', 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container'],
    ['Pod', 'spec.containers.0.imagePullPolicy', 1, 'json: cannot unmarshal number into Go struct field Container.spec.containers.imagePullPolicy of type v1.PullPolicy'],
    ['Pod', 'spec.containers.0.resources.limits', ['1'], 'json: cannot unmarshal array into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList'],
    ['Pod', 'spec.containers.0.securityContext.capabilities.add.0', 5, 'json: cannot unmarshal number into Go struct field Capabilities.spec.containers.securityContext.capabilities.add of type v1.Capability'],
    ['Pod', 'spec.activeDeadlineSeconds', 1.5, 'json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64'],
    ['Pod', 'spec.containers.0.ports.0.containerPort', 3000000000, 'json: cannot unmarshal number 3000000000 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32'],
    ['Pod', 'spec.hostNetwork', 'true', 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'],
    // Promoted fields of embedded structs carry the struct's name (encoding/json since Go 1.24).
    ['Pod', 'spec.volumes.0.configMap', 'x', 'json: cannot unmarshal string into Go struct field Volume.spec.volumes.VolumeSource.configMap of type v1.ConfigMapVolumeSource'],
    ['Pod', 'spec.containers.0.livenessProbe.httpGet', true, 'json: cannot unmarshal bool into Go struct field Probe.spec.containers.livenessProbe.ProbeHandler.httpGet of type v1.HTTPGetAction'],
    ['Pod', 'spec.containers.0.env.0.valueFrom.configMapKeyRef.name', 5, 'json: cannot unmarshal number into Go struct field ConfigMapKeySelector.spec.containers.env.valueFrom.configMapKeyRef.LocalObjectReference.name of type string'],
    ['Deployment', 'spec.replicas', '3', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
    ['Deployment', 'spec.selector', 'app=web', 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector'],
    ['Deployment', 'spec.template.spec.containers.0.ports.0.containerPort', '80', 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32'],
    ['Deployment', 'spec.strategy.type', 1, 'json: cannot unmarshal number into Go struct field DeploymentStrategy.spec.strategy.type of type v1.DeploymentStrategyType'],
    ['ConfigMap', 'data', 5, 'json: cannot unmarshal number into Go struct field ConfigMap.data of type map[string]string'],
    ['ConfigMap', 'data.a', 5, 'json: cannot unmarshal number into Go struct field ConfigMap.data of type string'],
    ['ConfigMap', 'immutable', 'true', 'json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool'],
    ['ConfigMap', 'binaryData.b', 5, 'json: cannot unmarshal number into Go struct field ConfigMap.binaryData of type []uint8'],
    ['Secret', 'data.password', 5, 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8'],
    ['Secret', 'data.password', [300], 'json: cannot unmarshal number 300 into Go struct field Secret.data of type uint8'],
    ['Secret', 'type', 5, 'json: cannot unmarshal number into Go struct field Secret.type of type v1.SecretType'],
    ['Service', 'spec.type', 5, 'json: cannot unmarshal number into Go struct field ServiceSpec.spec.type of type v1.ServiceType'],
    ['Service', 'spec.ports', { port: 80 }, 'json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort'],
    ['Service', 'spec.ports.0.port', '80', 'json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32'],
    ['Service', 'spec.ports.0.protocol', 6, 'json: cannot unmarshal number into Go struct field ServicePort.spec.ports.protocol of type v1.Protocol'],
    ['Namespace', 'spec.finalizers', ['kubernetes', 5], 'json: cannot unmarshal number into Go struct field NamespaceSpec.spec.finalizers of type v1.FinalizerName'],
    ['Namespace', 'status.phase', false, 'json: cannot unmarshal bool into Go struct field NamespaceStatus.status.phase of type v1.NamespacePhase'],
  ];
  it.each(cases)('%s %s = %j', (kind, path, value, expected) => {
    expect(message(kind, withValue(kubectl[kind], path, value))).toBe(expected);
  });

  it('describes the mismatch in parts', () => {
    expect(check('Deployment', withValue(kubectl.Deployment, 'spec.replicas', 1.5))).toEqual({
      path: 'spec.replicas',
      goStruct: 'DeploymentSpec',
      jsonType: 'number 1.5',
      goType: 'int32',
      message: 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32',
    });
  });

  it('a non-object body has no field context', () => {
    expect(message('Pod', [])).toBe('json: cannot unmarshal array into Go value of type v1.Pod');
  });

  it('wraps the decode error as transformDecodeError does: 400 BadRequest', () => {
    const err = typeMismatchError('Deployment', 'v1', check('Deployment', withValue(kubectl.Deployment, 'spec.replicas', '3'))!);
    expect(err.code).toBe(400);
    expect(err.toStatus()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', code: 400,
      message: 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    });
  });

  it('a non-string apiVersion or kind fails while the serializer sniffs them, case-insensitively', () => {
    const mismatch = check('Pod', { apiVersion: 'v1', Kind: 5, spec: { containers: 5 } })!;
    expect(mismatch.message).toBe('json: cannot unmarshal number into Go struct field .kind of type string');
    expect(typeMismatchError('Pod', 'v1', mismatch).message).toBe(
      'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"apiVersion":"v1","Kind":5,"s ...)',
    );
  });
});

describe('which error wins', () => {
  it('the first saved type error in document order', () => {
    expect(message('Pod', { spec: { hostNetwork: 'x' }, metadata: { name: 5 } })).toBe('json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool');
    expect(message('Pod', { metadata: { name: 5 }, spec: { hostNetwork: 'x' } })).toBe('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string');
  });

  it('a failing UnmarshalJSON aborts the decode and beats an earlier saved error', () => {
    const object = { metadata: { name: 5, creationTimestamp: 'yesterday' } };
    expect(message('Pod', object)).toBe('parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"');
  });

  it('skips what is inside a value of the wrong type', () => {
    expect(message('Pod', { spec: [{ containers: 5 }], metadata: { name: 5 } })).toBe('json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec');
  });
});

describe('custom unmarshalers', () => {
  const port = (value: unknown) => message('Service', withValue(kubectl.Service, 'spec.ports.0.targetPort', value));
  it.each([8080, 'http', '8080', 0, -1, 2147483647])('IntOrString accepts %j', (value) => expect(port(value)).toBeUndefined());
  it.each([
    [1.5, 'number 1.5'], [2147483648, 'number 2147483648'], [true, 'bool'], [{}, 'object'], [[80], 'array'],
  ])('IntOrString rejects %j as an int32', (value, jsonType) => {
    expect(port(value)).toBe(`json: cannot unmarshal ${jsonType} into Go struct field ServicePort.spec.ports.targetPort of type int32`);
  });

  const cpu = (value: unknown) => message('Pod', withValue(kubectl.Pod, 'spec.containers.0.resources.limits.cpu', value));
  it.each(['500m', '1', '1.5', '.5', '2Gi', '1e3', '+1', ' 1Gi ', 2, 0.5, 1e21])('Quantity accepts %j', (value) => expect(cpu(value)).toBeUndefined());
  it.each([
    ['abc', QUANTITY], ['', QUANTITY], ['1 Gi', QUANTITY], [true, QUANTITY], [{}, QUANTITY], [['1'], QUANTITY],
    ['1GG', "unable to parse quantity's suffix"], ['Ei', 'unable to parse numeric part of quantity'],
  ])('Quantity rejects %j', (value, expected) => expect(cpu(value)).toBe(expected));

  const created = (value: unknown) => message('Pod', withValue(kubectl.Pod, 'metadata.creationTimestamp', value));
  it.each(['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.5+01:00'])('Time accepts %j', (value) => expect(created(value)).toBeUndefined());
  it('Time rejects a malformed string with time.Parse\'s error and a non-string as its inner string decode', () => {
    expect(created('2026-13-01T00:00:00Z')).toBe('parsing time "2026-13-01T00:00:00Z": month out of range');
    expect(created(1767322000)).toBe('json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string');
  });
  it('MicroTime wants exactly six fraction digits', () => {
    expect(message('Lease', { spec: { renewTime: '2026-01-02T03:04:05.123456Z' } })).toBeUndefined();
    expect(message('Lease', { spec: { renewTime: '2026-01-02T03:04:05Z' } })).toBe(
      'parsing time "2026-01-02T03:04:05Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    );
  });

  it('[]byte takes base64 and reports where it breaks', () => {
    expect(message('Secret', { data: { a: 'YWJj', b: 'YQ==', c: 'YWJj\nZGVm', d: '' } })).toBeUndefined();
    expect(message('Secret', { data: { a: 'YWJj', b: 'YWJj!' } })).toBe('illegal base64 data at input byte 4');
    expect(message('Secret', { data: { a: 'YQ=' } })).toBe('illegal base64 data at input byte 3');
  });

  it('free-form fields take anything', () => {
    const fields = { metadata: { managedFields: [{ fieldsV1: [1, 'x', { y: null }] }] } };
    expect(check('Pod', fields)).toBeUndefined();
  });
});

describe('CustomResourceDefinition schemas (nested decodes)', () => {
  const crd = (schema: unknown) => ({ spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: schema } }] } });
  it('reports an inner error with the outer path in front of its own', () => {
    expect(message('CRD', crd({ type: 'object', items: { type: 5 } }))).toBe(
      'json: cannot unmarshal number into Go struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.items.type of type string',
    );
    expect(message('CRD', crd({ properties: { a: { properties: { b: { type: [] } } } } }))).toBe(
      'json: cannot unmarshal array into Go struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.properties.type of type string',
    );
    expect(message('CRD', crd({ dependencies: { a: [5] } }))).toBe(
      'json: cannot unmarshal number into Go struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.dependencies of type string',
    );
  });
  it('additionalProperties takes a schema or a boolean', () => {
    expect(message('CRD', crd({ additionalProperties: true, 'x-kubernetes-preserve-unknown-fields': true, default: { any: [1] } }))).toBeUndefined();
    expect(message('CRD', crd({ additionalProperties: 'yes' }))).toBe('boolean or JSON schema expected');
  });
});

describe('nesting depth', () => {
  const nest = (levels: number): unknown => {
    let value: unknown = {};
    for (let i = 1; i < levels; i++) value = { a: value };
    return value;
  };
  // Pod(1) metadata(2) managedFields(3) entry(4) fieldsV1(5): 9996 more levels reach Go's 10000.
  const deepFields = (levels: number) => ({ metadata: { managedFields: [{ fieldsV1: nest(levels) }] } });

  it('accepts exactly Go\'s limit and refuses one more, like the scanner, without recursion', () => {
    expect(check('Pod', deepFields(MAX_NESTING_DEPTH - 4))).toBeUndefined();
    const mismatch = check('Pod', deepFields(MAX_NESTING_DEPTH - 3))!;
    expect(typeMismatchError('Pod', 'v1', mismatch).message).toBe(
      'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: exceeded max depth ({"metadata":{"managedFields":[ ...)',
    );
    expect(check('Pod', deepFields(200000))?.message).toBe('exceeded max depth');
  });

  it('measures unknown fields and values after an error too', () => {
    expect(check('Pod', { zz: nest(20000) })?.message).toBe('exceeded max depth');
    expect(check('Pod', { metadata: { name: 5 }, zz: [nest(20000)] })?.message).toBe('exceeded max depth');
  });

  it('walks a self-referencing schema 10,000 levels deep without overflowing the stack', () => {
    const schema = (levels: number) => {
      let s: unknown = { type: 'string' };
      for (let i = 0; i < levels; i++) s = { type: 'object', properties: { a: s } };
      return { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: s } }] } };
    };
    expect(check('CRD', schema(4997))).toBeUndefined(); // innermost object at depth 10000
    expect(unknownFields(definitions, DEF.CRD, schema(4997))).toEqual([]);
    expect(check('CRD', schema(4998))?.message).toBe('exceeded max depth');
  });
});

describe('unknownFields', () => {
  it('lists what a strict decode calls unknown, in document order, as UnmarshalStrict words it', () => {
    const object = {
      bogus: 1, metadata: { name: 'x', extra: true, labels: { 'not-a-field': 'fine' } },
      spec: { template: { spec: { containers: [{ name: 'a', bogus: 1 }, { name: 'b', ports: [{ containerPort: 1, hostIP: 'x', port: 2 }] }] } }, replica: 2 },
    };
    expect(unknownFields(definitions, DEF.Deployment, object)).toEqual([
      'bogus', 'metadata.extra', 'spec.template.spec.containers[0].bogus', 'spec.template.spec.containers[1].ports[0].port', 'spec.replica',
    ]);
  });

  it('is case-sensitive, skips free-form and mistyped values, and stops at 100', () => {
    expect(unknownFields(definitions, DEF.Pod, { Metadata: {}, metadata: { managedFields: [{ fieldsV1: { zz: 1 } }] }, spec: 'x' })).toEqual(['Metadata']);
    const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, i]));
    expect(unknownFields(definitions, DEF.Pod, many)).toHaveLength(100);
  });
});

describe('go-types.ts', () => {
  it('names only definitions and properties the OpenAPI document has', () => {
    for (const [key, entry] of Object.entries(GO_TYPES)) {
      const definition = definitions[`io.k8s.${key}`] as { properties?: Record<string, unknown> } | undefined;
      expect(definition?.properties).toBeDefined();
      for (const token of entry.split(' ')) expect(Object.keys(definition!.properties!)).toContain(token.split(/[=^]/)[0]);
    }
  });
});

describe('speed', () => {
  const perCall = (fn: () => unknown, runs: number): number => {
    for (let i = 0; i < Math.min(runs, 50); i++) fn();
    const start = performance.now();
    for (let i = 0; i < runs; i++) fn();
    return (performance.now() - start) / runs;
  };

  it('checks a served Deployment in microseconds and a 10,000-key ConfigMap in milliseconds', () => {
    const deployment = compileTypeChecker(definitions, DEF.Deployment);
    const configMap = compileTypeChecker(definitions, DEF.ConfigMap);
    const big = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'big' }, data: Object.fromEntries(Array.from({ length: 10000 }, (_, i) => [`key-${i}`, `value-${i}`])) };
    expect(deployment(served)).toBeUndefined();
    expect(configMap(big)).toBeUndefined();
    // Loose bounds: the point is no per-call schema walking (measured ~6 µs and ~1.5 ms).
    expect(perCall(() => deployment(served), 2000)).toBeLessThan(0.2);
    expect(perCall(() => configMap(big), 20)).toBeLessThan(50);
  });
});
