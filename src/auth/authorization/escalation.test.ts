// Escalation prevention's rule arithmetic: Covers (with */subresource and resourceNames), CompactRules and the message.
import fc from 'fast-check';
import { MemoryStore } from '../../store/memory-store.js';
import type { AuthorizationAttributes } from './attributes.js';
import { breakdownRule, compactRules, escalationRefusal, uncovered } from './escalation.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { compactString, ruleAllows, type PolicyRule } from './rules.js';

test('breakdownRule splits into one group, resource, verb and name each', () => {
  expect(breakdownRule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a', 'b'] })).toHaveLength(4);
  expect(breakdownRule({ verbs: ['get'], nonResourceURLs: ['/a', '/b'] })).toEqual([
    { verbs: ['get'], nonResourceURLs: ['/a'] },
    { verbs: ['get'], nonResourceURLs: ['/b'] },
  ]);
});

test('uncovered: what the owner lacks, with wildcards, */subresource, resourceNames and URL prefixes', () => {
  const owner: PolicyRule[] = [
    { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', '*/status'] },
    { verbs: ['*'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] },
    { verbs: ['get'], nonResourceURLs: ['/logs/*'] },
  ];
  expect(uncovered(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/status', 'services/status'] }])).toEqual([]);
  expect(uncovered(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }])).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }]);
  // A rule limited to names covers those names only, never the whole resource.
  expect(uncovered(owner, [{ verbs: ['delete'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] }])).toEqual([]);
  expect(uncovered(owner, [{ verbs: ['delete'], apiGroups: ['apps'], resources: ['deployments'] }])).toHaveLength(1);
  expect(uncovered(owner, [{ verbs: ['get'], nonResourceURLs: ['/logs/kubelet', '/metrics'] }])).toEqual([{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]);
  expect(uncovered([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get'], nonResourceURLs: ['/x'] }])).toHaveLength(1);
});

test('compactRules merges simple rules per group and resource; the strings read as upstream prints them', () => {
  const missing = uncovered([], [
    { verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['token'] },
  ]);
  expect(compactRules(missing).map(compactString).sort()).toEqual([
    '{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete"]}',
    '{APIGroups:[""], Resources:["secrets"], ResourceNames:["token"], Verbs:["get"]}',
  ]);
  expect(compactString({ verbs: ['get'], nonResourceURLs: ['/healthz'] })).toBe('{NonResourceURLs:["/healthz"], Verbs:["get"]}');
  // One name is still simple: its verbs merge per name, as upstream's isSimpleResourceRule keys them.
  const named = uncovered([], [{ verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] }]);
  expect(compactRules(named).map(compactString).sort()).toEqual([
    '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["a"], Verbs:["get" "update"]}',
    '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["b"], Verbs:["get" "update"]}',
  ]);
});

test('the refusal names the user, its groups and each missing rule; resolution errors follow', async () => {
  const store = new MemoryStore();
  const authorizer = new RbacAuthorizer(store);
  try {
    await store.create('/registry/rbac.authorization.k8s.io/rolebindings/dev/broken', {
      metadata: { namespace: 'dev', name: 'broken' },
      roleRef: { kind: 'Role', name: 'gone' },
      subjects: [{ kind: 'User', name: 'alice' }],
    });
    const alice = { username: 'alice', groups: ['dev', 'system:authenticated'] };
    const refusal = await escalationRefusal(authorizer, alice, 'dev', [{ verbs: ['list', 'get'], apiGroups: [''], resources: ['pods'] }]);
    expect(refusal).toBe(
      'user "alice" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["list" "get"]}; resolution errors: [roles.rbac.authorization.k8s.io "gone" not found]',
    );
    expect(await escalationRefusal(authorizer, alice, 'dev', [])).toBeUndefined();
  } finally {
    authorizer.close();
  }
});

// Small alphabets so that wildcards, subresources and names collide often.
const words = <T extends string>(...w: T[]) => fc.subarray(w, { minLength: 1, maxLength: 3 });
const resourceRule: fc.Arbitrary<PolicyRule> = fc.record(
  {
    verbs: words('get', 'list', 'delete', '*'),
    apiGroups: words('', 'apps', '*'),
    resources: words('pods', 'pods/log', 'pods/status', '*/status', 'deployments', '*'),
    resourceNames: fc.subarray(['a', 'b'], { maxLength: 2 }),
  },
  { requiredKeys: ['verbs', 'apiGroups', 'resources'] },
);
const urlRule: fc.Arbitrary<PolicyRule> = fc.record({ verbs: words('get', 'post', '*'), nonResourceURLs: words('/healthz', '/logs/*', '/logs/a', '*') });
const anyRule = fc.oneof(resourceRule, urlRule);
const user = { username: 'u', groups: [] };
const request: fc.Arbitrary<AuthorizationAttributes> = fc.oneof(
  fc.record({
    user: fc.constant(user),
    verb: fc.constantFrom('get', 'list', 'delete'),
    resourceRequest: fc.constant(true as const),
    group: fc.constantFrom('', 'apps'),
    version: fc.constant('v1'),
    resource: fc.constantFrom('pods', 'deployments', 'services'),
    subresource: fc.constantFrom(undefined, 'log', 'status'),
    name: fc.constantFrom(undefined, 'a', 'b'),
  }),
  fc.record({ user: fc.constant(user), verb: fc.constantFrom('get', 'post'), resourceRequest: fc.constant(false as const), path: fc.constantFrom('/healthz', '/logs/a', '/logs/b', '/x') }),
);

test('property: rules the owner covers allow nothing the owner\'s rules do not', () => {
  fc.assert(
    fc.property(fc.array(anyRule, { maxLength: 3 }), anyRule, request, (owner, servant, a) => {
      if (uncovered(owner, [servant]).length > 0 || !ruleAllows(a, servant)) return;
      expect(owner.some((rule) => ruleAllows(a, rule))).toBe(true);
    }),
    { numRuns: 3000 },
  );
});

test('property: a rule always covers itself, and the owner of everything covers every resource rule', () => {
  const everything: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];
  fc.assert(
    fc.property(anyRule, (rule) => {
      expect(uncovered([rule], [rule])).toEqual([]);
      expect(uncovered(everything, [rule])).toEqual([]);
    }),
    { numRuns: 1000 },
  );
});
