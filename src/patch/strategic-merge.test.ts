// Strategic merge patch against the real Deployment/Pod/Service/ConfigMap schemas, cases as kube-apiserver answers them.
import { loadSwagger } from '../openapi/openapi-v2.js';
import { schemaTree } from './schema-tree.js';
import { applyStrategicMergePatch, isSmpDirectiveKey } from './strategic-merge.js';

const tree = schemaTree(loadSwagger().definitions as Record<string, unknown>);
const schemas = {
  Deployment: tree.root('io.k8s.api.apps.v1.Deployment')!,
  Pod: tree.root('io.k8s.api.core.v1.Pod')!,
  Service: tree.root('io.k8s.api.core.v1.Service')!,
  ConfigMap: tree.root('io.k8s.api.core.v1.ConfigMap')!,
  ControllerRevision: tree.root('io.k8s.api.apps.v1.ControllerRevision')!,
};

type Obj = Record<string, any>;

function deployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a.io/x', 'b.io/y'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              args: ['--v=1', '--log'],
              ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
              env: [{ name: 'FOO', value: '1' }, { name: 'BAR', value: '2' }, { name: 'BAZ', value: '3' }],
            },
            { name: 'sidecar', image: 'side:1' },
          ],
          volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'tmp', emptyDir: {} }],
          tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }],
        },
      },
    },
    status: { conditions: [{ type: 'Available', status: 'True' }] },
  };
}

const podSpec = (patch: Obj) => ({ spec: { template: { spec: patch } } });
const apply = (patch: unknown, original: Obj = deployment()) => applyStrategicMergePatch(original, patch, schemas.Deployment) as Obj;
const names = (list: Obj[]) => list.map((e) => e.name);
const app = (d: Obj) => d.spec.template.spec.containers[0];

describe('applyStrategicMergePatch on a Deployment', () => {
  it('kubectl set image changes only the named container', () => {
    const out = apply(podSpec({ containers: [{ name: 'app', image: 'app:2' }] }));
    const expected = deployment();
    expected.spec.template.spec.containers[0].image = 'app:2';
    expect(out).toEqual(expected);
  });

  it('kubectl rollout restart adds the template annotation', () => {
    const out = apply({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } } } } });
    expect(out.spec.template.metadata).toEqual({ labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } });
    expect(out.spec.template.spec).toEqual(deployment().spec.template.spec);
  });

  const cases: Array<[string, unknown, (out: Obj) => unknown, unknown]> = [
    ['null removes a label; others merge', { metadata: { labels: { tier: null, extra: 'x' } } }, (o) => o.metadata.labels, { app: 'web', extra: 'x' }],
    ['null on a missing key is ignored', { metadata: { annotations: { gone: null } } }, (o) => o.metadata.annotations, { }],
    ['null removes a scalar field', { spec: { replicas: null } }, (o) => 'replicas' in o.spec, false],
    ['null removes a whole list', podSpec({ volumes: null }), (o) => 'volumes' in o.spec.template.spec, false],
    [
      'apply: $setElementOrder and a deleted env var',
      podSpec({
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
        containers: [{ name: 'app', '$setElementOrder/env': [{ name: 'BAR' }, { name: 'BAZ' }], env: [{ $patch: 'delete', name: 'FOO' }] }],
      }),
      (o) => app(o).env,
      [{ name: 'BAR', value: '2' }, { name: 'BAZ', value: '3' }],
    ],
    [
      'apply: env added, changed and reordered per $setElementOrder',
      podSpec({
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
        containers: [{ name: 'app', '$setElementOrder/env': [{ name: 'NEW' }, { name: 'BAZ' }, { name: 'FOO' }, { name: 'BAR' }], env: [{ name: 'NEW', value: 'n' }, { name: 'FOO', value: '9' }] }],
      }),
      (o) => app(o).env,
      [{ name: 'NEW', value: 'n' }, { name: 'BAZ', value: '3' }, { name: 'FOO', value: '9' }, { name: 'BAR', value: '2' }],
    ],
    [
      'apply: a new container goes where $setElementOrder puts it',
      podSpec({ '$setElementOrder/containers': [{ name: 'init' }, { name: 'app' }, { name: 'sidecar' }], containers: [{ name: 'init', image: 'init:1' }] }),
      (o) => names(o.spec.template.spec.containers),
      ['init', 'app', 'sidecar'],
    ],
    [
      '$setElementOrder alone reorders the live list',
      podSpec({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] }),
      (o) => names(o.spec.template.spec.containers),
      ['sidecar', 'app'],
    ],
    [
      'elements missing from $setElementOrder keep their live position among the listed ones',
      podSpec({ '$setElementOrder/volumes': [{ name: 'new' }, { name: 'cfg' }], volumes: [{ name: 'new', emptyDir: {} }] }),
      (o) => names(o.spec.template.spec.volumes),
      ['new', 'cfg', 'tmp'],
    ],
    [
      'without $setElementOrder a new element comes before the live ones (upstream mergeSortedSlice)',
      podSpec({ containers: [{ name: 'extra', image: 'e:1' }] }),
      (o) => names(o.spec.template.spec.containers),
      ['extra', 'app', 'sidecar'],
    ],
    [
      'without $setElementOrder merged elements follow the patch order against new ones',
      podSpec({ containers: [{ name: 'sidecar', image: 'side:2' }, { name: 'extra' }, { name: 'app', image: 'app:3' }] }),
      (o) => o.spec.template.spec.containers.map((c: Obj) => `${c.name}=${c.image}`),
      ['sidecar=side:2', 'extra=undefined', 'app=app:3'],
    ],
    [
      'container ports merge by containerPort',
      podSpec({ containers: [{ name: 'app', ports: [{ containerPort: 443, name: 'https' }, { containerPort: 8080, protocol: 'TCP' }] }] }),
      (o) => app(o).ports,
      [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP', name: 'https' }, { containerPort: 8080, protocol: 'TCP' }],
    ],
    [
      'tolerations have no patch strategy: the list is replaced',
      podSpec({ tolerations: [{ key: 'c', operator: 'Exists' }] }),
      (o) => o.spec.template.spec.tolerations,
      [{ key: 'c', operator: 'Exists' }],
    ],
    ['primitive lists without a strategy are replaced', podSpec({ containers: [{ name: 'app', args: ['--v=2'] }] }), (o) => app(o).args, ['--v=2']],
    [
      '$retainKeys switches the strategy from RollingUpdate to Recreate',
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
      (o) => o.spec.strategy,
      { type: 'Recreate' },
    ],
    ['$retainKeys clears unlisted fields without an explicit null', { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, (o) => o.spec.strategy, { type: 'Recreate' }],
    [
      '$retainKeys in a volume swaps its source',
      podSpec({ volumes: [{ name: 'cfg', $retainKeys: ['name', 'secret'], secret: { secretName: 's' } }] }),
      (o) => o.spec.template.spec.volumes,
      [{ name: 'cfg', secret: { secretName: 's' } }, { name: 'tmp', emptyDir: {} }],
    ],
    ['$deleteFromPrimitiveList removes finalizers', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } }, (o) => o.metadata.finalizers, ['b.io/y']],
    ['merge-strategy primitive lists are unions, new values first', { metadata: { finalizers: ['c.io/z', 'a.io/x'] } }, (o) => o.metadata.finalizers, ['c.io/z', 'a.io/x', 'b.io/y']],
    [
      'finalizers: add, delete and order together',
      { metadata: { '$setElementOrder/finalizers': ['c.io/z', 'b.io/y'], '$deleteFromPrimitiveList/finalizers': ['a.io/x'], finalizers: ['c.io/z'] } },
      (o) => o.metadata.finalizers,
      ['c.io/z', 'b.io/y'],
    ],
    ['$patch: replace in a list element replaces the list', podSpec({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] }), (o) => o.spec.template.spec.containers, [{ name: 'only', image: 'o:1' }]],
    ['$patch: replace on a map replaces the map', { spec: { selector: { $patch: 'replace', matchLabels: { app: 'other' } } } }, (o) => o.spec.selector, { matchLabels: { app: 'other' } }],
    ['$patch: delete on a map leaves it empty', { spec: { strategy: { $patch: 'delete' } } }, (o) => o.spec.strategy, {}],
    ['$patch: delete on an absent map adds nothing', podSpec({ securityContext: { $patch: 'delete' } }), (o) => 'securityContext' in o.spec.template.spec, false],
    ['$patch: delete in a list removes that element', podSpec({ containers: [{ name: 'sidecar', $patch: 'delete' }] }), (o) => names(o.spec.template.spec.containers), ['app']],
    ['$patch: delete of a missing element is a no-op', podSpec({ containers: [{ name: 'nope', $patch: 'delete' }] }), (o) => names(o.spec.template.spec.containers), ['app', 'sidecar']],
    [
      'a new map field loses its nulls and directive children',
      podSpec({ securityContext: { runAsUser: 1000, runAsGroup: null, seLinuxOptions: { $patch: 'delete' } } }),
      (o) => o.spec.template.spec.securityContext,
      { runAsUser: 1000 },
    ],
    ['an appended list element is kept as sent, nulls included', podSpec({ containers: [{ name: 'n', image: 'n:1', command: null }] }), (o) => o.spec.template.spec.containers[0], { name: 'n', image: 'n:1', command: null }],
    ['a value of another type replaces', { spec: { replicas: '3' } }, (o) => o.spec.replicas, '3'],
    [
      'a new element ahead of a merged one stays ahead of the live list',
      podSpec({ containers: [{ name: 'extra' }, { name: 'sidecar', image: 'side:2' }] }),
      (o) => names(o.spec.template.spec.containers),
      ['extra', 'app', 'sidecar'],
    ],
    ['an empty patch list changes nothing', podSpec({ containers: [] }), (o) => names(o.spec.template.spec.containers), ['app', 'sidecar']],
    [
      'status conditions merge by type',
      { status: { conditions: [{ type: 'Progressing', status: 'True' }, { type: 'Available', status: 'False' }] } },
      (o) => o.status.conditions,
      [{ type: 'Progressing', status: 'True' }, { type: 'Available', status: 'False' }],
    ],
  ];

  it.each(cases)('%s', (_name, patch, select, expected) => {
    expect(select(apply(patch))).toEqual(expected);
  });

  it('a null patch leaves the object as it was', () => {
    expect(apply(null)).toEqual(deployment());
  });

  it('$patch: replace at the top replaces the whole object, nulls kept', () => {
    expect(apply({ $patch: 'replace', metadata: { name: 'x', labels: null } })).toEqual({ metadata: { name: 'x', labels: null } });
  });
});

describe('applyStrategicMergePatch on other kinds', () => {
  it('Service ports merge by port, new ones placed as upstream does', () => {
    const original = { spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, targetPort: 'https', protocol: 'TCP' }] } };
    const out = applyStrategicMergePatch(original, { spec: { ports: [{ port: 443, targetPort: 8443 }, { port: 53, protocol: 'UDP' }] } }, schemas.Service);
    expect(out).toEqual({
      spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, targetPort: 8443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] },
    });
  });

  it('ConfigMap data merges like a map', () => {
    const out = applyStrategicMergePatch({ data: { a: '1', b: '2' } }, { data: { a: null, c: '3' } }, schemas.ConfigMap);
    expect(out).toEqual({ data: { b: '2', c: '3' } });
  });

  it('Pod volumes: $patch delete and a new volume', () => {
    const pod = { spec: { containers: [{ name: 'a' }], volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', emptyDir: {} }] } };
    const out = applyStrategicMergePatch(pod, { spec: { volumes: [{ name: 'v', $patch: 'delete' }, { name: 'z', hostPath: { path: '/x' } }] } }, schemas.Pod) as Obj;
    expect(out.spec.volumes).toEqual([{ name: 'z', hostPath: { path: '/x' } }, { name: 'w', emptyDir: {} }]);
  });

  it('a RawExtension (ControllerRevision.data) merges its top level only', () => {
    const out = applyStrategicMergePatch({ data: { spec: { a: 1 }, x: 1 }, revision: 1 }, { data: { x: 2, y: null, spec: 'str' } }, schemas.ControllerRevision);
    expect(out).toEqual({ data: { spec: 'str', x: 2 }, revision: 1 });
  });

  it('$setElementOrder: [] with new elements reverses them, as Go sort.SliceStable does with that comparator', () => {
    const pod = { spec: {} };
    const list = Array.from({ length: 25 }, (_, i) => ({ name: `c${i}` }));
    const out = applyStrategicMergePatch(pod, { spec: { '$setElementOrder/containers': [], containers: list } }, schemas.Pod) as Obj;
    expect(names(out.spec.containers)).toEqual(names(list).reverse());
  });
});

describe('inputs are left alone', () => {
  function deepFreeze<T>(v: T): T {
    if (v && typeof v === 'object') {
      for (const child of Object.values(v)) deepFreeze(child);
      Object.freeze(v);
    }
    return v;
  }

  it('never mutates the original or the patch', () => {
    const original = deepFreeze(deployment());
    const patch = deepFreeze({
      metadata: { labels: { tier: null }, '$deleteFromPrimitiveList/finalizers': ['a.io/x'] },
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', env: [{ name: 'FOO', $patch: 'delete' }] }] } },
      },
    });
    expect(() => apply(patch, original)).not.toThrow();
    expect(original).toEqual(deployment());
  });

  it('the result shares nothing with the patch', () => {
    const patch = podSpec({ containers: [{ name: 'new', env: [{ name: 'A', value: '1' }] }], nodeSelector: { zone: 'a' }, tolerations: [{ key: 'x' }] });
    const before = JSON.stringify(patch);
    const out = apply(patch);
    const spec = out.spec.template.spec;
    spec.containers[0].env[0].value = 'changed';
    spec.nodeSelector.zone = 'changed';
    spec.tolerations[0].key = 'changed';
    expect(JSON.stringify(patch)).toBe(before);
  });

  it('a __proto__ key is stored as data, not as a prototype', () => {
    const out = applyStrategicMergePatch({ data: {} }, JSON.parse('{"data":{"__proto__":{"polluted":"yes"}}}'), schemas.ConfigMap) as Obj;
    expect(Object.getPrototypeOf(out.data)).toBe(Object.prototype);
    expect(Object.keys(out.data)).toEqual(['__proto__']);
  });
});

describe('isSmpDirectiveKey', () => {
  it.each([
    ['$patch', true],
    ['$retainKeys', true],
    ['$setElementOrder/containers', true],
    ['$deleteFromPrimitiveList/finalizers', true],
    ['containers', false],
    ['$ref', false],
  ])('%s → %s', (key, expected) => {
    expect(isSmpDirectiveKey(key)).toBe(expected);
  });
});
