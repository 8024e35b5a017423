// Strategic merge patch failures: upstream's HTTP codes, reasons and messages, and the Go formatting they quote.
import { ApiError } from '../meta/errors.js';
import { loadSwagger } from '../openapi/openapi-v2.js';
import { schemaTree } from './schema-tree.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { goS, goTypeName, goV } from './strategic-merge-errors.js';

const tree = schemaTree(loadSwagger().definitions as Record<string, unknown>);
const roots: Record<string, string> = {
  Deployment: 'io.k8s.api.apps.v1.Deployment',
  Pod: 'io.k8s.api.core.v1.Pod',
  ConfigMap: 'io.k8s.api.core.v1.ConfigMap',
  ControllerRevision: 'io.k8s.api.apps.v1.ControllerRevision',
};

const deployment = () => ({
  metadata: { name: 'web', finalizers: ['a.io/x', 'b.io/y'] },
  spec: {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
    template: { spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'sidecar' }], tolerations: [{ key: 'a' }] } },
  },
});
const podSpec = (patch: object) => ({ spec: { template: { spec: patch } } });

function failure(kind: string, original: unknown, patch: unknown): ApiError {
  try {
    applyStrategicMergePatch(original, patch, tree.root(roots[kind])!);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('patch applied without error');
}

// Upstream answers these with a 500 after recovering from a panic; kubefake names the bad patch (400) instead.
const panicMessage = 'the strategic merge patch is malformed: its directives cannot be applied to this object';

describe('strategic merge patch errors', () => {
  const cases: Array<[string, string, unknown, unknown, number, string, string]> = [
    // 400: the sentinels interpretStrategicMergePatchError turns into BadRequest.
    ['bad $deleteFromPrimitiveList key', 'Deployment', deployment(), { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }, 400, 'BadRequest', 'invalid patch format of primitive list'],
    ['bad $setElementOrder key', 'Deployment', deployment(), { metadata: { $setElementOrderfinalizers: ['a'] } }, 400, 'BadRequest', 'invalid patch format of setElementOrder list'],
    ['$retainKeys not a list', 'Deployment', deployment(), { spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } }, 400, 'BadRequest', 'invalid patch format of retainKeys'],
    ['a patched field missing from $retainKeys', 'Deployment', deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 2 } } } }, 400, 'BadRequest', 'invalid patch format of retainKeys'],
    ['a body that is not an object', 'Deployment', deployment(), [1], 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    // 422: ErrNoListOfLists, whose text NewGenericServerResponse drops.
    ['a list of lists', 'ConfigMap', { metadata: { finalizers: [] } }, { metadata: { finalizers: [['a']] } }, 422, 'Invalid', 'the server rejected our request due to an error in our request'],
    // Plain Go errors: upstream's text, as a 400 (upstream answers 500 without a reason).
    ['missing merge key', 'Deployment', deployment(), podSpec({ containers: [{ image: 'x' }] }), 400, 'BadRequest', 'map: map[image:x] does not contain declared merge key: name'],
    ['$patch: delete without the merge key', 'Deployment', deployment(), podSpec({ containers: [{ $patch: 'delete' }] }), 400, 'BadRequest', 'map: map[$patch:delete] does not contain declared merge key: name'],
    ['unknown $patch on a map', 'Deployment', deployment(), { spec: { strategy: { $patch: 'x' } } }, 400, 'BadRequest', 'unknown patch type: x in map: map[$patch:x]'],
    ['$patch: merge on a map', 'Deployment', deployment(), { spec: { strategy: { $patch: 'merge' } } }, 400, 'BadRequest', 'unknown patch type: merge in map: map[$patch:merge]'],
    ['non-string $patch', 'ConfigMap', { data: { a: 'b' } }, { data: { $patch: true } }, 400, 'BadRequest', 'unknown patch type: %!s(bool=true) in map: map[$patch:true]'],
    ['unknown $patch in a list', 'Deployment', deployment(), podSpec({ containers: [{ name: 'app', $patch: 'x' }] }), 400, 'BadRequest', 'unknown patch type: x in map: map[$patch:x name:app]'],
    ['$patch: merge in a list', 'Deployment', deployment(), podSpec({ containers: [{ name: 'app', $patch: 'merge' }] }), 400, 'BadRequest', 'merging lists cannot yet be specified in the patch'],
    ['$setElementOrder not a list', 'Deployment', deployment(), { metadata: { '$setElementOrder/finalizers': 'a' } }, 400, 'BadRequest', 'expected a []interface {}, but received a string'],
    ['mixed element types', 'Deployment', deployment(), { metadata: { finalizers: [1] } }, 400, 'BadRequest', 'list element types are not identical: [[a.io/x b.io/y] [1]]'],
    [
      'patch list out of $setElementOrder order',
      'Deployment',
      deployment(),
      podSpec({ '$setElementOrder/containers': [{ name: 'sidecar' }], containers: [{ name: 'app', image: 'x' }] }),
      400,
      'BadRequest',
      'The order in patch list:\n[map[image:x name:app]]\n doesn\'t match $setElementOrder list:\n[map[name:sidecar]]\n',
    ],
    ['$setElementOrder entry without the merge key', 'Deployment', deployment(), podSpec({ '$setElementOrder/containers': [{ image: 'x' }] }), 400, 'BadRequest', 'map: map[image:x] does not contain declared merge key: name'],
    ['$setElementOrder of an unknown field', 'Deployment', deployment(), { spec: { '$setElementOrder/bogus': [] } }, 400, 'BadRequest', 'unable to find api field in struct DeploymentSpec for the json field "bogus"'],
    ['$setElementOrder over no elements', 'ConfigMap', { metadata: { finalizers: [] } }, { metadata: { '$setElementOrder/finalizers': ['a'] } }, 400, 'BadRequest', 'no elements in any of the given slices'],
    ['merging into a field the struct lacks', 'Deployment', { ...deployment(), extra: { a: 1 } }, { extra: { b: 2 } }, 400, 'BadRequest', 'unable to find api field in struct Deployment for the json field "extra"'],
    ['merging maps inside a RawExtension', 'ControllerRevision', { data: { spec: { a: 1 } } }, { data: { spec: { b: 1 } } }, 400, 'BadRequest', 'unable to find api field in struct RawExtension for the json field "spec"'],
    ['merging maps inside a map of strings', 'ConfigMap', { data: { a: { c: 1 } } }, { data: { a: { b: 1 } } }, 400, 'BadRequest', 'merging an object in json but data type is not struct, instead is: map'],
    ['a live element without the merge key', 'Pod', { spec: { imagePullSecrets: [{}] } }, { spec: { imagePullSecrets: [{ name: 'reg' }] } }, 400, 'BadRequest', 'map: map[] does not contain declared merge key: name'],
    // Go panics upstream (recovered as a 500).
    ['a null first element', 'ConfigMap', { metadata: { finalizers: [] } }, { metadata: { finalizers: [null] } }, 400, 'BadRequest', panicMessage],
    ['$setElementOrder on a list of maps without a merge key', 'Deployment', deployment(), podSpec({ '$setElementOrder/tolerations': [{ key: 'a' }] }), 400, 'BadRequest', panicMessage],
    ['a map in $retainKeys', 'ConfigMap', { data: { a: 'b' } }, { data: { $retainKeys: [{ a: 1 }] } }, 400, 'BadRequest', panicMessage],
  ];

  it.each(cases)('%s', (_name, kind, original, patch, code, reason, message) => {
    const err = failure(kind, original, patch);
    expect({ code: err.code, reason: err.reason, message: err.message }).toEqual({ code, reason, message });
  });

  it('plain Go errors keep upstream\'s text but are a 400 BadRequest (upstream: 500), never a server error', () => {
    const status = failure('Deployment', deployment(), podSpec({ containers: [{ image: 'x' }] })).toStatus();
    expect(status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'BadRequest', message: 'map: map[image:x] does not contain declared merge key: name', code: 400 });
  });

  it('lists of lists render as upstream\'s generic 422', () => {
    const status = failure('ConfigMap', { metadata: { finalizers: [] } }, { metadata: { finalizers: [['a']] } }).toStatus();
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });
});

describe('Go value formatting', () => {
  it.each([
    [null, '<nil>', '%!s(<nil>)', '%!s(<nil>)'],
    ['x', 'x', 'x', 'string'],
    [true, 'true', '%!s(bool=true)', 'bool'],
    [3, '3', '%!s(int64=3)', 'int64'],
    [1.5, '1.5', '%!s(float64=1.5)', 'float64'],
    [1e-7, '1e-07', '%!s(float64=1e-07)', 'float64'],
    [12345678.5, '1.23456785e+07', '%!s(float64=1.23456785e+07)', 'float64'],
    [['a', 1], '[a 1]', '[a %!s(int64=1)]', '[]interface {}'],
    [{ b: [1], a: { c: null } }, 'map[a:map[c:<nil>] b:[1]]', 'map[a:map[c:%!s(<nil>)] b:[%!s(int64=1)]]', 'map[string]interface {}'],
  ])('%j', (value, v, s, type) => {
    expect([goV(value), goS(value), goTypeName(value)]).toEqual([v, s, type]);
  });
});
