// Impersonation headers as upstream's filter reads them: who the request becomes, and the 400s and 403s.
import { ApiError } from '../meta/errors.js';
import { impersonate, impersonationRequests, type ImpersonationAttributes } from './impersonation.js';
import { adminUser, type UserInfo } from './user-info.js';

const requester: UserInfo = { username: 'kubefake-admin', groups: ['system:masters', 'system:authenticated'] };

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

test('no impersonation headers: the requester itself', () => {
  expect(impersonate(requester, { accept: ['application/json'] })).toBe(requester);
});

test('a user gets system:authenticated; groups listed are the whole list; uid and extra are carried', () => {
  expect(impersonate(adminUser, { 'impersonate-user': ['alice'] })).toEqual({ username: 'alice', groups: ['system:authenticated'] });
  expect(
    impersonate(requester, {
      'impersonate-user': ['alice'],
      'impersonate-group': ['dev', 'ops'],
      'impersonate-uid': ['u-42'],
      'impersonate-extra-scopes': ['view', 'edit'],
      'impersonate-extra-example.com%2fteam': ['blue'],
    }),
  ).toEqual({
    username: 'alice',
    uid: 'u-42',
    groups: ['dev', 'ops', 'system:authenticated'],
    // Extra keys are lower-cased and %-decoded, as upstream (so keys with "/" can travel in a header name).
    extra: { scopes: ['view', 'edit'], 'example.com/team': ['blue'] },
  });
});

test('naming system:authenticated or system:unauthenticated stops the automatic system:authenticated', () => {
  expect(impersonate(requester, { 'impersonate-user': ['a'], 'impersonate-group': ['system:authenticated', 'x'] }).groups).toEqual([
    'system:authenticated',
    'x',
  ]);
  expect(impersonate(requester, { 'impersonate-user': ['a'], 'impersonate-group': ['system:unauthenticated'] }).groups).toEqual([
    'system:unauthenticated',
  ]);
});

test('system:anonymous gets system:unauthenticated instead', () => {
  expect(impersonate(requester, { 'impersonate-user': ['system:anonymous'] })).toEqual({ username: 'system:anonymous', groups: ['system:unauthenticated'] });
});

test('a ServiceAccount user gets the ServiceAccount groups unless groups are given', () => {
  expect(impersonate(requester, { 'impersonate-user': ['system:serviceaccount:team-a:builder'] })).toEqual({
    username: 'system:serviceaccount:team-a:builder',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
  });
  expect(impersonate(requester, { 'impersonate-user': ['system:serviceaccount:team-a:builder'], 'impersonate-group': ['g'] }).groups).toEqual([
    'g',
    'system:authenticated',
  ]);
  // Not a valid namespace: an ordinary user name, with no ServiceAccount groups.
  expect(impersonate(requester, { 'impersonate-user': ['system:serviceaccount:Team_A:builder'] }).groups).toEqual(['system:authenticated']);
});

test('groups, uid or extra without a user are a 400 listing the requests as Go prints them', () => {
  const err = thrown(() => impersonate(requester, { 'impersonate-group': ['dev'], 'impersonate-uid': ['u1'] }));
  expect(err.toStatus()).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'requested [{Group  dev    } {UID  u1  authentication.k8s.io/v1  }] without impersonating a user',
    reason: 'BadRequest',
    code: 400,
  });
  expect(thrown(() => impersonationRequests({ 'impersonate-extra-k': ['v'] })).message).toBe(
    'requested [{UserExtra  v  authentication.k8s.io/v1  k}] without impersonating a user',
  );
  // An empty Impersonate-User is no user.
  expect(thrown(() => impersonate(requester, { 'impersonate-user': [''], 'impersonate-group': ['dev'] })).code).toBe(400);
});

test('an authorizer sees each request and can refuse it with upstream\'s 403', () => {
  const seen: ImpersonationAttributes[] = [];
  const authorize = (_who: UserInfo, a: ImpersonationAttributes) => {
    seen.push(a);
    return a.resource === 'groups' && a.name === 'system:masters' ? 'no escalation' : undefined;
  };
  expect(impersonate(requester, { 'impersonate-user': ['system:serviceaccount:ns:sa'], 'impersonate-extra-k': ['v'] }, authorize).username).toBe(
    'system:serviceaccount:ns:sa',
  );
  expect(seen).toEqual([
    { group: '', resource: 'serviceaccounts', namespace: 'ns', name: 'sa' },
    { group: 'authentication.k8s.io', resource: 'userextras', subresource: 'k', name: 'v' },
  ]);
  const err = thrown(() => impersonate(requester, { 'impersonate-user': ['bob'], 'impersonate-group': ['system:masters'] }, authorize));
  expect(err.code).toBe(403);
  expect(err.reason).toBe('Forbidden');
  expect(err.message).toBe(
    'groups "system:masters" is forbidden: User "kubefake-admin" cannot impersonate resource "groups" in API group "" at the cluster scope: no escalation',
  );
});
