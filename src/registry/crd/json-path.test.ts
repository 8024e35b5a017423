// The JSONPath subset of printer columns and selectable fields: what each form finds, and what it does not.
import { JsonPathError, parseJsonPath } from './json-path.js';

const object = {
  metadata: { name: 'a', labels: { app: 'web', 'app.kubernetes.io/name': 'x' } },
  spec: { replicas: 3, ports: [{ port: 80 }, { port: 443 }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] },
};

test.each([
  ['.spec.replicas', [3]],
  ['{.spec.replicas}', [3]],
  ['$.metadata.name', ['a']],
  ['.metadata.labels.app', ['web']],
  ['.metadata.labels.app\\.kubernetes\\.io/name', ['x']],
  [".metadata.labels['app.kubernetes.io/name']", ['x']],
  ['.status.conditions[?(@.type=="Ready")].status', ['True']],
  [".status.conditions[?(@.status != 'True')].type", ['Synced']],
  ['.spec.ports[*].port', [80, 443]],
  ['.spec.ports[-1].port', [443]],
  ['.spec.ports[0:1].port', [80]],
  ['..port', [80, 443]],
  ['.spec.ports[?(@.port > 100)].port', [443]],
  ['.spec.missing', []],
  ['.spec.replicas.deeper', []],
  ['.status.conditions[5].status', []],
])('%s', (path, expected) => {
  expect(parseJsonPath(path).find(object)).toEqual(expected);
});

test('malformed paths are refused', () => {
  expect(() => parseJsonPath('.spec[')).toThrow(JsonPathError);
  expect(() => parseJsonPath('.spec[abc]')).toThrow(JsonPathError);
});
