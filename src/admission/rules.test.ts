// Rule matching tables: operations, groups, versions, resource and subresource forms, scope, matchPolicy, resourceNames.
import type { RuleWithOperations } from './admission-types.js';
import { coreEvents, deployments, fakeAttributes, namespacesResource, newEvents, nodes, pods, type FakeWrite } from './admission-test-fixtures.js';
import { matchNamedRules, matchWebhookRules, ruleMatches } from './rules.js';

const all = { apiGroups: ['*'], apiVersions: ['*'] };

describe('ruleMatches', () => {
  const cases: [string, RuleWithOperations, FakeWrite, boolean][] = [
    ['exact operation', { ...all, operations: ['CREATE'], resources: ['pods'] }, {}, true],
    ['other operation', { ...all, operations: ['UPDATE'], resources: ['pods'] }, {}, false],
    ['operation *', { ...all, operations: ['*'], resources: ['pods'] }, { operation: 'DELETE' }, true],
    ['no operations', { ...all, resources: ['pods'] }, {}, false],
    ['group exact', { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'] }, { resource: deployments }, true],
    ['group mismatch', { apiGroups: [''], apiVersions: ['v1'], operations: ['*'], resources: ['deployments'] }, { resource: deployments }, false],
    ['version mismatch', { apiGroups: ['apps'], apiVersions: ['v1beta1'], operations: ['*'], resources: ['deployments'] }, { resource: deployments }, false],
    ['resource * skips subresources', { ...all, operations: ['*'], resources: ['*'] }, { operation: 'UPDATE', subresource: 'status' }, false],
    ['resource * takes main resource', { ...all, operations: ['*'], resources: ['*'] }, {}, true],
    ['*/* takes subresources', { ...all, operations: ['*'], resources: ['*/*'] }, { operation: 'UPDATE', subresource: 'status' }, true],
    ['*/* takes main resource', { ...all, operations: ['*'], resources: ['*/*'] }, {}, true],
    ['pods/status exact', { ...all, operations: ['*'], resources: ['pods/status'] }, { operation: 'UPDATE', subresource: 'status' }, true],
    ['pods/status not main', { ...all, operations: ['*'], resources: ['pods/status'] }, {}, false],
    ['pods not pods/status', { ...all, operations: ['*'], resources: ['pods'] }, { operation: 'UPDATE', subresource: 'status' }, false],
    ['pods/* takes status', { ...all, operations: ['*'], resources: ['pods/*'] }, { operation: 'UPDATE', subresource: 'status' }, true],
    ['*/status on deployments', { ...all, operations: ['*'], resources: ['*/status'] }, { resource: deployments, operation: 'UPDATE', subresource: 'status' }, true],
    ['*/status not scale', { ...all, operations: ['*'], resources: ['*/status'] }, { resource: deployments, operation: 'UPDATE', subresource: 'scale' }, false],
    ['Namespaced scope, namespaced object', { ...all, operations: ['*'], resources: ['*'], scope: 'Namespaced' }, {}, true],
    ['Namespaced scope, node', { ...all, operations: ['*'], resources: ['*'], scope: 'Namespaced' }, { resource: nodes }, false],
    ['Cluster scope, node', { ...all, operations: ['*'], resources: ['*'], scope: 'Cluster' }, { resource: nodes }, true],
    ['Cluster scope, pod', { ...all, operations: ['*'], resources: ['*'], scope: 'Cluster' }, {}, false],
    ['Cluster scope, namespace update', { ...all, operations: ['*'], resources: ['*'], scope: 'Cluster' }, { resource: namespacesResource, operation: 'UPDATE', name: 'team' }, true],
    ['Namespaced scope, namespace update', { ...all, operations: ['*'], resources: ['*'], scope: 'Namespaced' }, { resource: namespacesResource, operation: 'UPDATE', name: 'team' }, false],
    ['scope *', { ...all, operations: ['*'], resources: ['*'], scope: '*' }, { resource: nodes }, true],
  ];
  it.each(cases)('%s', (_name, rule, write, expected) => {
    expect(ruleMatches(rule, fakeAttributes(write))).toBe(expected);
  });
});

describe('matchPolicy', () => {
  const served = () => [coreEvents, newEvents, pods];
  const rule: RuleWithOperations = { apiGroups: ['events.k8s.io'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['events'] };

  it('Equivalent (the default) matches another group serving the same storage, reporting that resource and kind', () => {
    const attributes = fakeAttributes({ resource: coreEvents });
    const matched = matchWebhookRules([rule], undefined, attributes, served);
    expect(matched).toEqual({
      resource: { group: 'events.k8s.io', version: 'v1', resource: 'events' },
      kind: { group: 'events.k8s.io', version: 'v1', kind: 'Event' },
    });
  });

  it('Exact does not', () => {
    expect(matchWebhookRules([rule], 'Exact', fakeAttributes({ resource: coreEvents }), served)).toBeUndefined();
  });

  it('the request resource itself wins over equivalents', () => {
    const matched = matchWebhookRules([rule], 'Equivalent', fakeAttributes({ resource: newEvents }), served);
    expect(matched?.resource.group).toBe('events.k8s.io');
    expect(matched?.kind.kind).toBe('Event');
  });

  it('a subresource reports its own kind', () => {
    const scaleRule: RuleWithOperations = { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['deployments/scale'] };
    const matched = matchWebhookRules([scaleRule], 'Equivalent', fakeAttributes({ resource: deployments, operation: 'UPDATE', subresource: 'scale' }), served);
    expect(matched?.kind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });
});

describe('matchNamedRules', () => {
  const served = () => [pods];
  const named = { ...all, operations: ['*'], resources: ['pods'], resourceNames: ['allowed'] };
  it('resourceNames narrow the rule to those names', () => {
    expect(matchNamedRules([named], 'Exact', fakeAttributes({ name: 'allowed' }), served)).toBeDefined();
    expect(matchNamedRules([named], 'Exact', fakeAttributes({ name: 'other' }), served)).toBeUndefined();
  });
  it('no rules match nothing', () => {
    expect(matchNamedRules([], 'Equivalent', fakeAttributes(), served)).toBeUndefined();
  });
});
