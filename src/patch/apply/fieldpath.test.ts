// Field sets: FieldsV1 encoding as upstream writes it, set algebra, path printing, and the fields an object sets.
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { schemaTree } from '../schema-tree.js';
import { FieldSet } from './fieldpath.js';
import { deserializeElement, fieldElement, keyElement, pathString, PathElementError, type Path, type PathElement } from './path-element.js';
import { fieldsOf } from './typed-fields.js';

const tree = schemaTree(loadSwagger().definitions as Record<string, unknown>);
const deployment = tree.root('io.k8s.api.apps.v1.Deployment')!;
const service = tree.root('io.k8s.api.core.v1.Service')!;

const f = fieldElement;
const k = (fields: Record<string, unknown>): PathElement => keyElement(Object.entries(fields));
const v = (value: unknown): PathElement => ({ kind: 'value', value });
const i = (index: number): PathElement => ({ kind: 'index', index });
/** A path from strings (fields) and elements. */
const p = (...parts: Array<string | PathElement>): Path => parts.map((x) => (typeof x === 'string' ? f(x) : x));
const set = (...paths: Path[]) => FieldSet.of(...paths);

describe('FieldsV1 round trip', () => {
  // Each is what upstream serialises: keys in element order, `.` only where a member also has children.
  const cases: Array<[string, string]> = [
    [
      'kubectl server-side apply of a Deployment',
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}',
    ],
    [
      'kubectl create of a Deployment (Update)',
      '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}',
    ],
    [
      'a status writer (conditions keyed by type)',
      '{"f:status":{"f:conditions":{".":{},"k:{\\"type\\":\\"Available\\"}":{".":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:replicas":{}}}',
    ],
    // Values order numbers before strings, as upstream's value.Compare does.
    ['set values and an index', '{"f:metadata":{"f:finalizers":{".":{},"v:5":{},"v:\\"a.example/x\\"":{},"i:0":{}}}}'],
    ['a multi-key item with a string and a number', '{"k:{\\"port\\":443,\\"protocol\\":\\"UDP\\"}":{".":{},"f:name":{}}}'],
    ['empty', '{}'],
  ];
  test.each(cases)('%s', (_name, json) => {
    expect(JSON.stringify(FieldSet.fromFieldsV1(JSON.parse(json)).toFieldsV1())).toBe(json);
  });

  test('output is sorted: fields, then keys, then values, then indexes, members merged with children', () => {
    const input = { 'i:1': {}, 'v:"b"': {}, 'k:{"name":"a"}': {}, 'f:b': {}, 'f:a': { 'f:y': {}, '.': {}, 'f:x': {} } };
    expect(JSON.stringify(FieldSet.fromFieldsV1(input).toFieldsV1())).toBe(
      '{"f:a":{".":{},"f:x":{},"f:y":{}},"f:b":{},"k:{\\"name\\":\\"a\\"}":{},"v:\\"b\\"":{},"i:1":{}}',
    );
  });

  test('key fields are sorted by name whatever order they arrive in', () => {
    const s = FieldSet.fromFieldsV1({ 'k:{"protocol":"TCP","containerPort":80}': {} });
    expect(Object.keys(s.toFieldsV1())).toEqual(['k:{"containerPort":80,"protocol":"TCP"}']);
  });

  test.each([
    ['an empty object marks a member', { 'f:a': {} }, [p('a')]],
    ['null marks a member', { 'f:a': null }, [p('a')]],
    ['a node with children but no dot is not a member', { 'f:a': { 'f:b': {} } }, [p('a', 'b')]],
    ['unknown element types are dropped', { 'x:foo': {}, 'f:a': {} }, [p('a')]],
    ['a node with only unknown children is a member', { 'f:a': { 'x:foo': {} } }, [p('a')]],
  ] as Array<[string, unknown, Path[]]>)('%s', (_name, json, paths) => {
    expect(FieldSet.fromFieldsV1(json).equals(set(...paths))).toBe(true);
  });

  test.each([
    [{ f: {} }, 'key must be 2 characters long:'],
    [{ 'fa:b': {} }, 'missing colon: fa:b'],
    [{ 'k:[1]': {} }, /expect \{/],
    [{ 'v:{"a":': {} }, /managedFields parsing/],
    [{ 'i:x': {} }, 'strconv.Atoi: parsing "x": invalid syntax'],
    ['nope', /expect \{/],
  ] as Array<[unknown, string | RegExp]>)('rejects %j', (json, message) => {
    expect(() => FieldSet.fromFieldsV1(json)).toThrow(PathElementError);
    expect(() => FieldSet.fromFieldsV1(json)).toThrow(message);
  });
});

describe('set algebra', () => {
  const a = set(p('a'), p('b', 'c'), p('b', 'd'), p('e', 'f', 'g'), p('l', k({ name: 'x' })));
  const b = set(p('a'), p('b', 'd'), p('b', 'z'), p('e'), p('l', k({ name: 'x' }), 'image'));

  test.each([
    ['union', a.union(b), set(p('a'), p('b', 'c'), p('b', 'd'), p('b', 'z'), p('e'), p('e', 'f', 'g'), p('l', k({ name: 'x' })), p('l', k({ name: 'x' }), 'image'))],
    ['intersection', a.intersection(b), set(p('a'), p('b', 'd'))],
    // A member of the other set does not take the subtree below it with it...
    ['difference', a.difference(b), set(p('b', 'c'), p('e', 'f', 'g'), p('l', k({ name: 'x' })))],
    // ...unless the difference is recursive.
    ['recursive difference', a.recursiveDifference(b), set(p('b', 'c'), p('l', k({ name: 'x' })))],
  ])('%s', (_name, got, want) => {
    expect(got.toString()).toBe(want.toString());
    expect(got.equals(want)).toBe(true);
  });

  test('has, size, empty and subtrees', () => {
    expect(a.has(p('b', 'c'))).toBe(true);
    expect(a.has(p('b'))).toBe(false);
    expect(a.size()).toBe(5);
    expect(a.intersection(set(p('q'))).empty()).toBe(true);
    expect(a.withPrefix(f('b')).equals(set(p('c'), p('d')))).toBe(true);
  });

  test('paths iterate members before children at each level', () => {
    const s = set(p('spec', 'template', 'x'), p('spec', 'replicas'), p('spec', 'a', 'b'), p('kind'));
    expect(s.toString()).toBe('.kind\n.spec.replicas\n.spec.a.b\n.spec.template.x');
  });
});

describe('paths print as upstream Path.String', () => {
  test.each([
    ['.spec.template.spec.containers[name="nginx"].image', p('spec', 'template', 'spec', 'containers', k({ name: 'nginx' }), 'image')],
    ['.spec.ports[port=80,protocol="TCP"]', p('spec', 'ports', k({ protocol: 'TCP', port: 80 }))],
    ['.metadata.finalizers[="a/b"]', p('metadata', 'finalizers', v('a/b'))],
    ['.x[3][=1.5][=true]', p('x', i(3), v(1.5), v(true))],
    ['.x[=1.2345675e+06][=1e-05]', p('x', v(1234567.5), v(0.00001))],
  ])('%s', (text, path) => expect(pathString(path)).toBe(text));
});

describe('fieldsOf', () => {
  test('a Deployment configuration: leaves, list-map items, defaulted key fields, atomic selector', () => {
    const config = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', labels: { app: 'nginx' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    expect(JSON.stringify(fieldsOf(config, deployment).toFieldsV1())).toBe(
      '{"f:apiVersion":{},"f:kind":{},"f:metadata":{"f:labels":{"f:app":{}},"f:name":{}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}',
    );
  });

  test.each([
    ['an empty struct is a leaf', { spec: { strategy: {} } }, [p('spec', 'strategy')]],
    ['null is a leaf', { metadata: { creationTimestamp: null } }, [p('metadata', 'creationTimestamp')]],
    ['an empty map is a leaf', { metadata: { labels: {} } }, [p('metadata', 'labels')]],
    ['map keys are members; a declared field holding a map is not', { metadata: { annotations: { a: 'x' } } }, [p('metadata', 'annotations', 'a')]],
    ['a set list holds values', { metadata: { finalizers: ['b', 'a'] } }, [p('metadata', 'finalizers', v('a')), p('metadata', 'finalizers', v('b'))]],
    ['an atomic list is a leaf', { spec: { template: { spec: { containers: [{ name: 'c', args: ['x', 'y'] }] } } } }, [
      p('spec', 'template', 'spec', 'containers', k({ name: 'c' })),
      p('spec', 'template', 'spec', 'containers', k({ name: 'c' }), 'args'),
      p('spec', 'template', 'spec', 'containers', k({ name: 'c' }), 'name'),
    ]],
    ['an item repeating a key is owned whole, once', { spec: { template: { spec: { containers: [{ name: 'c', image: 'a' }, { name: 'c', image: 'b' }] } } } }, [
      p('spec', 'template', 'spec', 'containers', k({ name: 'c' })),
    ]],
  ] as Array<[string, unknown, Path[]]>)('%s', (_name, object, paths) => {
    expect(fieldsOf(object, deployment).toString()).toBe(set(...paths).toString());
  });

  test('Service ports key on port and the defaulted protocol', () => {
    const s = fieldsOf({ spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 53, protocol: 'UDP' }] } }, service);
    expect(s.toString()).toBe(
      [
        '.spec.ports[port=53,protocol="UDP"]',
        '.spec.ports[port=80,protocol="TCP"]',
        '.spec.ports[port=53,protocol="UDP"].port',
        '.spec.ports[port=53,protocol="UDP"].protocol',
        '.spec.ports[port=80,protocol="TCP"].port',
        '.spec.ports[port=80,protocol="TCP"].targetPort',
      ].join('\n'),
    );
  });

  test('free-form values: maps are granular and lists atomic, RawExtension is atomic', () => {
    const synthetic = schemaTree({
      'x.Obj': {
        type: 'object',
        properties: {
          free: { type: 'object' },
          json: { description: 'any JSON' },
          raw: { $ref: '#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension' },
        },
      },
      'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
    }).root('x.Obj')!;
    const s = fieldsOf({ free: { a: { b: 1 }, l: [1, 2] }, json: { c: 'd' }, raw: { e: { f: 1 } } }, synthetic);
    expect(s.toString()).toBe(['.raw', '.free.a', '.free.l', '.free.a.b', '.json.c'].join('\n'));
  });
});

/** FieldsV1 read the plain way, path by path, as the reference the bottom-up decoder must match. */
function pathsOf(json: unknown, prefix: Path): { paths: Path[]; member: boolean } {
  if (json === null) return { paths: [], member: true };
  const paths: Path[] = [];
  let member = false;
  let understood = false;
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key === '.') {
      member = true;
      continue;
    }
    const pe = deserializeElement(key);
    if (!pe) continue;
    understood = true;
    const sub = pathsOf(value, [...prefix, pe]);
    if (sub.member) paths.push([...prefix, pe]);
    paths.push(...sub.paths);
  }
  return { paths, member: member || !understood };
}

describe('FieldSet.fromFieldsV1 builds the same set as inserting each path', () => {
  test('random FieldsV1 with unsorted keys, equal elements spelled twice, dots and unknown elements', () => {
    let seed = 11;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const keys = ['f:a', 'f:b', 'f:z', 'f:é', 'k:{"a":1,"b":"x"}', 'k:{"b":"x","a":1}', 'k:{"a":2}', 'v:1', 'v:1.0', 'v:"s"', 'i:0', 'i:+0', 'i:3', 'x:ignored', '.'];
    const node = (depth: number): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      const n = depth > 3 ? 0 : rand(5);
      for (let j = 0; j < n; j++) out[keys[rand(keys.length)]!] = rand(3) === 0 ? null : node(depth + 1);
      return out;
    };
    for (let round = 0; round < 400; round++) {
      const json = node(0);
      const decoded = FieldSet.fromFieldsV1(json);
      const reference = FieldSet.of(...pathsOf(json, []).paths);
      expect(decoded.equals(reference)).toBe(true);
      expect(decoded.toFieldsV1()).toEqual(reference.toFieldsV1());
      expect(FieldSet.fromFieldsV1(decoded.toFieldsV1()).equals(decoded)).toBe(true);
    }
  });
});
