// Leaving the members two objects hold equal out of a comparison changes none of its added, modified or removed sets.
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { schemaTree } from '../schema-tree.js';
import { compareValues } from './compare.js';
import { typeOf, withZeros } from './typed-schema.js';
import { withoutEqualMembers } from './updater.js';

const tree = schemaTree(loadSwagger().definitions as Record<string, unknown>);
const podType = typeOf(tree.root('io.k8s.api.core.v1.Pod')!);

const base = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'x' }, managedFields: [{ manager: 'm', operation: 'Update' }] },
  spec: {
    containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
    securityContext: {},
  },
  status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
};

const edits: Array<(o: Record<string, any>) => void> = [
  (o) => (o.status.phase = 'Running'),
  (o) => delete o.status,
  (o) => (o.status = {}),
  (o) => delete o.metadata.managedFields,
  (o) => (o.metadata.labels.b = 'y'),
  (o) => delete o.metadata.labels,
  (o) => (o.metadata.labels = {}),
  (o) => (o.spec.containers[0].image = 'busybox'),
  (o) => o.spec.containers.push({ name: 'd', image: 'x' }),
  (o) => (o.spec.securityContext = { runAsUser: 1 }),
  (o) => delete o.spec.securityContext,
  (o) => (o.spec.nodeName = 'n1'),
  (o) => (o.status.conditions[0].status = 'True'),
  (o) => (o.status.podIP = '10.0.0.1'),
  (o) => (o.spec = []),
  (o) => (o.metadata = 'odd'),
  (o) => (o.extra = { a: 1 }),
];

/** An edit that no longer fits an already edited object (a field of a removed map) is skipped. */
function edit(i: number, o: Record<string, any>): void {
  try {
    edits[i]!(o);
  } catch {
    // skipped
  }
}

const sets = (lhs: unknown, rhs: unknown) => {
  const c = compareValues(withZeros(lhs, podType), withZeros(rhs, podType), podType);
  return [c.added.toString(), c.modified.toString(), c.removed.toString()];
};

test('comparisons with and without the equal members agree for every pair of edits', () => {
  for (let i = 0; i < edits.length; i++) {
    for (let j = 0; j < edits.length; j++) {
      const lhs = structuredClone(base) as Record<string, any>;
      const rhs = structuredClone(base) as Record<string, any>;
      edit(i, lhs);
      edit(j, rhs);
      edit((i + j) % edits.length, rhs);
      for (const depth of [1, 2, 3]) {
        const [l, r] = withoutEqualMembers(lhs, rhs, depth);
        expect(sets(l, r)).toEqual(sets(lhs, rhs));
      }
    }
  }
  const [l, r] = withoutEqualMembers(base, structuredClone(base), 2);
  expect([l, r]).toEqual([{}, {}]);
});

test('the inputs are left untouched', () => {
  const lhs = structuredClone(base);
  const rhs = structuredClone(base);
  rhs.status.phase = 'Running';
  withoutEqualMembers(lhs, rhs, 3);
  expect(lhs).toEqual(base);
  expect(rhs.spec).toEqual(base.spec);
});
