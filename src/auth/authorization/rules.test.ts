// Rule matching (upstream RuleAllows), request attributes from HTTP requests, and the 403 messages.
import { requestAttributes } from '../../api/authorization-attributes.js';
import type { AuthorizationAttributes } from './attributes.js';
import { forbiddenError } from './forbidden.js';
import { ruleAllows, type PolicyRule } from './rules.js';

const alice = { username: 'alice', groups: ['dev', 'system:authenticated'] };

function resource(verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user: alice, verb, resourceRequest: true, group: '', version: 'v1', resource, ...extra } as AuthorizationAttributes;
}

function path(verb: string, p: string): AuthorizationAttributes {
  return { user: alice, verb, resourceRequest: false, path: p };
}

describe('ruleAllows', () => {
  const pods: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };

  test('verb, group and resource must all match; * matches any', () => {
    expect(ruleAllows(resource('get', 'pods'), pods)).toBe(true);
    expect(ruleAllows(resource('delete', 'pods'), pods)).toBe(false);
    expect(ruleAllows(resource('get', 'pods', { group: 'apps' }), pods)).toBe(false);
    expect(ruleAllows(resource('get', 'services'), pods)).toBe(false);
    const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    expect(ruleAllows(resource('deletecollection', 'deployments', { group: 'apps' }), all)).toBe(true);
    expect(ruleAllows(resource('get', 'pods', { subresource: 'log' }), all)).toBe(true);
  });

  test('a subresource needs resource/subresource or */subresource; the resource alone does not cover it', () => {
    expect(ruleAllows(resource('get', 'pods', { subresource: 'log' }), pods)).toBe(false);
    expect(ruleAllows(resource('get', 'pods', { subresource: 'log' }), { ...pods, resources: ['pods/log'] })).toBe(true);
    expect(ruleAllows(resource('get', 'pods', { subresource: 'log' }), { ...pods, resources: ['*/log'] })).toBe(true);
    expect(ruleAllows(resource('get', 'pods', { subresource: 'status' }), { ...pods, resources: ['*/log'] })).toBe(false);
    // `*/log` is not a resource wildcard for the main resource.
    expect(ruleAllows(resource('get', 'pods'), { ...pods, resources: ['*/log'] })).toBe(false);
  });

  test('resourceNames allow a get of that name but no list (a list has no name)', () => {
    const web: PolicyRule = { ...pods, resourceNames: ['web'] };
    expect(ruleAllows(resource('get', 'pods', { name: 'web' }), web)).toBe(true);
    expect(ruleAllows(resource('get', 'pods', { name: 'db' }), web)).toBe(false);
    expect(ruleAllows(resource('list', 'pods'), web)).toBe(false);
    expect(ruleAllows(resource('list', 'pods', { name: 'web' }), web)).toBe(true);
  });

  test('non-resource URLs: exact, trailing * as a prefix, and * for all; resource rules never match paths', () => {
    const healthz: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    expect(ruleAllows(path('get', '/healthz'), healthz)).toBe(true);
    expect(ruleAllows(path('get', '/healthz/etcd'), healthz)).toBe(false);
    expect(ruleAllows(path('get', '/apis/apps/v1'), healthz)).toBe(true);
    expect(ruleAllows(path('get', '/apis'), healthz)).toBe(false);
    expect(ruleAllows(path('post', '/healthz'), healthz)).toBe(false);
    expect(ruleAllows(path('post', '/kubefake/v1/kubeconfig'), { verbs: ['*'], nonResourceURLs: ['*'] })).toBe(true);
    expect(ruleAllows(path('get', '/healthz'), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] })).toBe(false);
    expect(ruleAllows(resource('get', 'pods'), healthz)).toBe(false);
  });
});

describe('requestAttributes', () => {
  test('resource requests carry the verb the handlers name', () => {
    expect(requestAttributes(alice, 'GET', '/api/v1/namespaces/dev/pods', '')).toEqual({
      user: alice, verb: 'list', resourceRequest: true, group: '', version: 'v1', resource: 'pods', namespace: 'dev',
    });
    expect(requestAttributes(alice, 'GET', '/api/v1/namespaces/dev/pods', 'watch=true')).toMatchObject({ verb: 'watch' });
    expect(requestAttributes(alice, 'DELETE', '/apis/apps/v1/namespaces/dev/deployments', '')).toMatchObject({ verb: 'deletecollection', group: 'apps' });
    expect(requestAttributes(alice, 'POST', '/api/v1/namespaces/dev/pods', '')).toMatchObject({ verb: 'create' });
    expect(requestAttributes(alice, 'PATCH', '/api/v1/namespaces/dev/pods/web/status', '')).toMatchObject({ verb: 'patch', name: 'web', subresource: 'status' });
    expect(requestAttributes(alice, 'GET', '/api/v1/nodes/n1', '')).toMatchObject({ verb: 'get', name: 'n1' });
    expect(requestAttributes(alice, 'GET', '/api/v1/nodes/n1', '')).not.toHaveProperty('namespace');
  });

  test('a namespace is in itself; a list pinned by metadata.name carries that name', () => {
    expect(requestAttributes(alice, 'GET', '/api/v1/namespaces/dev', '')).toMatchObject({ resource: 'namespaces', name: 'dev', namespace: 'dev' });
    expect(requestAttributes(alice, 'GET', '/api/v1/namespaces/dev/status', '')).toMatchObject({ name: 'dev', subresource: 'status', namespace: 'dev' });
    // The path shape decides, whatever the group: a custom resource named `namespaces` is read the same way.
    expect(requestAttributes(alice, 'GET', '/apis/example.com/v1/namespaces/dev', '')).toMatchObject({ group: 'example.com', name: 'dev', namespace: 'dev' });
    expect(requestAttributes(alice, 'GET', '/apis/example.com/v1/namespaces/dev/namespaces/x', '')).toMatchObject({ name: 'x', namespace: 'dev' });
    expect(requestAttributes(alice, 'GET', '/api/v1/namespaces/dev/pods', 'watch=1&fieldSelector=metadata.name%3Dweb')).toMatchObject({ verb: 'watch', name: 'web' });
    expect(requestAttributes(alice, 'GET', '/api/v1/namespaces/dev/pods', 'fieldSelector=metadata.name!%3Dweb')).not.toHaveProperty('name');
  });

  test('everything else is a non-resource request: the lowercased method on the path', () => {
    for (const p of ['/api', '/apis', '/api/v1', '/apis/apps/v1', '/version', '/healthz', '/openapi/v2', '/kubefake/v1/kubeconfig']) {
      expect(requestAttributes(alice, 'GET', p, '')).toEqual({ user: alice, verb: 'get', resourceRequest: false, path: p });
    }
    expect(requestAttributes(alice, 'POST', '/kubefake/v1/kubeconfig', '')).toMatchObject({ verb: 'post' });
  });
});

describe('forbiddenError', () => {
  test('resource requests: the resource, its name, the scope and the reason after a colon', () => {
    const list = forbiddenError(resource('list', 'pods', { namespace: 'dev' }), '');
    expect(list.code).toBe(403);
    expect(list.toStatus()).toMatchObject({
      reason: 'Forbidden',
      message: 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "dev"',
      details: { kind: 'pods' },
    });
    const get = forbiddenError(resource('get', 'deployments', { group: 'apps', namespace: 'dev', name: 'web' }), 'RBAC: role.rbac.authorization.k8s.io "x" not found');
    expect(get.message).toBe(
      'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "dev": RBAC: role.rbac.authorization.k8s.io "x" not found',
    );
    expect(get.details).toEqual({ group: 'apps', kind: 'deployments', name: 'web' });
    expect(forbiddenError(resource('list', 'nodes'), '').message).toBe('nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
    expect(forbiddenError(resource('get', 'pods', { subresource: 'log', name: 'web', namespace: 'dev' }), '').message).toBe(
      'pods "web" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "dev"',
    );
  });

  test('non-resource requests: forbidden: … cannot <verb> path', () => {
    const refused = forbiddenError(path('get', '/foo'), '');
    expect(refused.message).toBe('forbidden: User "alice" cannot get path "/foo"');
    expect(refused.toStatus().details).toEqual({});
    expect(forbiddenError(path('get', '/<b>'), '').message).toBe('forbidden: User "alice" cannot get path "/&lt;b&gt;"');
  });
});
