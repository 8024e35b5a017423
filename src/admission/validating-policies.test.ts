// ValidatingAdmissionPolicy end to end: params, messages, validationActions, failurePolicy, matchConditions, variables.
import { startCluster, type Cluster } from '../cluster.js';
import { ApiError } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import type { ParamRef, ValidatingAdmissionPolicy } from './admission-types.js';
import { createAdmission } from './index.js';

let cluster: Cluster;
let admission: ReturnType<typeof createAdmission>;
const group = 'admissionregistration.k8s.io/v1';

beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  admission = createAdmission({ store: cluster.store, clock: cluster.clock, resources: () => cluster.registry.resources });
  cluster.registry.useAdmission(admission);
  await cluster.client.create('v1', 'namespaces', undefined, { metadata: { name: 'guarded', labels: { vap: 'on' } } });
  await cluster.client.create('v1', 'namespaces', undefined, { metadata: { name: 'params' } });
  await cluster.client.create('v1', 'configmaps', 'params', { metadata: { name: 'limits', labels: { kind: 'limit' } }, data: { maxKeys: '2' } });
});

afterAll(async () => {
  admission.close();
  await cluster.close();
});

const created: { resource: string; name: string }[] = [];

afterEach(async () => {
  for (const { resource, name } of created.splice(0).reverse()) await cluster.client.delete(group, resource, undefined, name);
});

const configMapRule = { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] };

async function policy(name: string, spec: NonNullable<ValidatingAdmissionPolicy['spec']>): Promise<void> {
  const body = { metadata: { name }, spec: { matchConstraints: { resourceRules: [configMapRule], namespaceSelector: { matchLabels: { vap: 'on' } } }, ...spec } };
  await cluster.client.create(group, 'validatingadmissionpolicies', undefined, body as unknown as KubeObject);
  created.push({ resource: 'validatingadmissionpolicies', name });
}

async function binding(name: string, policyName: string, validationActions: string[], paramRef?: ParamRef): Promise<void> {
  const body = { metadata: { name }, spec: { policyName, validationActions, ...(paramRef ? { paramRef } : {}) } };
  await cluster.client.create(group, 'validatingadmissionpolicybindings', undefined, body as unknown as KubeObject);
  created.push({ resource: 'validatingadmissionpolicybindings', name });
}

function configMap(name: string, keys: number): KubeObject {
  const data: Record<string, string> = {};
  for (let i = 0; i < keys; i++) data[`k${i}`] = 'v';
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

async function failure(write: Promise<unknown>): Promise<ApiError> {
  try {
    await write;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('the write was admitted');
}

const maxKeys = {
  paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
  validations: [{ expression: 'size(object.data) <= int(params.data.maxKeys)', messageExpression: "'at most ' + params.data.maxKeys + ' keys'" }],
};

it('denies with the messageExpression, reading params named by the binding', async () => {
  await policy('max-keys', maxKeys);
  await binding('max-keys-binding', 'max-keys', ['Deny'], { name: 'limits', namespace: 'params' });
  await expect(cluster.client.create('v1', 'configmaps', 'guarded', configMap('few', 2))).resolves.toBeDefined();
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'guarded', configMap('many', 3)));
  const message = "ValidatingAdmissionPolicy 'max-keys' with binding 'max-keys-binding' denied request: at most 2 keys";
  expect(denied.code).toBe(422);
  expect(denied.reason).toBe('Invalid');
  expect(denied.message).toBe(`configmaps "many" is forbidden: ${message}`);
  expect(denied.details).toEqual({ name: 'many', kind: 'configmaps', causes: [{ message }] });
  // Namespaces outside the namespaceSelector are not checked.
  await expect(cluster.client.create('v1', 'configmaps', 'params', configMap('unguarded', 5))).resolves.toBeDefined();
});

it("params found by selector (in the request's namespace) are each evaluated", async () => {
  await cluster.client.create('v1', 'configmaps', 'guarded', { metadata: { name: 'loose', labels: { kind: 'limit' } }, data: { maxKeys: '5' } });
  await cluster.client.create('v1', 'configmaps', 'guarded', { metadata: { name: 'tight', labels: { kind: 'limit' } }, data: { maxKeys: '1' } });
  await policy('max-keys', maxKeys);
  await binding('by-selector', 'max-keys', ['Deny'], { selector: { matchLabels: { kind: 'limit' } } });
  // `loose` admits two keys, `tight` does not; `limits` (in another namespace) is not consulted.
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'guarded', configMap('two', 2)));
  expect(denied.message).toBe("configmaps \"two\" is forbidden: ValidatingAdmissionPolicy 'max-keys' with binding 'by-selector' denied request: at most 1 keys");
});

it('a missing param denies under parameterNotFoundAction Deny and allows under Allow', async () => {
  await policy('max-keys', maxKeys);
  await binding('missing-deny', 'max-keys', ['Deny'], { name: 'absent', namespace: 'params', parameterNotFoundAction: 'Deny' });
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'guarded', configMap('any', 1)));
  expect(denied.code).toBe(422);
  expect(denied.message).toBe(
    "configmaps \"any\" is forbidden: ValidatingAdmissionPolicy 'max-keys' with binding 'missing-deny' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction",
  );
  await cluster.client.delete(group, 'validatingadmissionpolicybindings', undefined, 'missing-deny');
  created.pop();
  await binding('missing-allow', 'max-keys', ['Deny'], { name: 'absent', namespace: 'params', parameterNotFoundAction: 'Allow' });
  await expect(cluster.client.create('v1', 'configmaps', 'guarded', configMap('allowed', 9))).resolves.toBeDefined();
});

it('Warn turns a failed validation into a Warning header and lets the write through', async () => {
  await policy('no-big', { validations: [{ expression: 'size(object.data) < 2', reason: 'Forbidden' }] });
  await binding('no-big-warn', 'no-big', ['Warn', 'Audit']);
  const response = await fetch(`${cluster.url}/api/v1/namespaces/guarded/configmaps`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(configMap('big', 3)),
  });
  expect(response.status).toBe(201);
  expect(response.headers.get('warning')).toBe(
    `299 - "Validation failed for ValidatingAdmissionPolicy 'no-big' with binding 'no-big-warn': failed expression: size(object.data) < 2"`,
  );
});

it("a validation's reason sets the code, and without a message the expression is quoted", async () => {
  await policy('no-big', { validations: [{ expression: 'size(object.data) < 2', reason: 'Forbidden' }] });
  await binding('no-big-deny', 'no-big', ['Deny']);
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'guarded', configMap('big2', 3)));
  expect(denied.code).toBe(403);
  expect(denied.reason).toBe('Forbidden');
  expect(denied.message).toBe(
    "configmaps \"big2\" is forbidden: ValidatingAdmissionPolicy 'no-big' with binding 'no-big-deny' denied request: failed expression: size(object.data) < 2",
  );
});

it('evaluation errors deny under Fail and are ignored under Ignore', async () => {
  const broken = { validations: [{ expression: "object.data['missing'] == 'x'", message: 'never shown' }] };
  await policy('broken-ignore', { ...broken, failurePolicy: 'Ignore' });
  await binding('broken-ignore-binding', 'broken-ignore', ['Deny']);
  await expect(cluster.client.create('v1', 'configmaps', 'guarded', configMap('fine', 1))).resolves.toBeDefined();
  await policy('broken-fail', { ...broken, failurePolicy: 'Fail' });
  await binding('broken-fail-binding', 'broken-fail', ['Deny']);
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'guarded', configMap('not-fine', 1)));
  expect(denied.message).toMatch(
    /^configmaps "not-fine" is forbidden: ValidatingAdmissionPolicy 'broken-fail' with binding 'broken-fail-binding' denied request: expression 'object\.data\['missing'\] == 'x'' resulted in error: /,
  );
});

it('matchConditions and variables', async () => {
  await policy('checked', {
    matchConditions: [{ name: 'not-exempt', expression: "!object.metadata.name.startsWith('exempt-')" }],
    variables: [{ name: 'keyCount', expression: 'size(object.data)' }],
    validations: [{ expression: 'variables.keyCount < 2', messageExpression: "'has ' + string(variables.keyCount) + ' keys'" }],
  });
  await binding('checked-binding', 'checked', ['Deny']);
  await expect(cluster.client.create('v1', 'configmaps', 'guarded', configMap('exempt-big', 4))).resolves.toBeDefined();
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'guarded', configMap('big3', 4)));
  expect(denied.message).toBe("configmaps \"big3\" is forbidden: ValidatingAdmissionPolicy 'checked' with binding 'checked-binding' denied request: has 4 keys");
});

it('a paramKind nothing serves is a policy configuration error', async () => {
  await policy('unknown-params', { ...maxKeys, paramKind: { apiVersion: 'example.com/v1', kind: 'Missing' } });
  await binding('unknown-params-binding', 'unknown-params', ['Deny'], { name: 'x' });
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'guarded', configMap('any2', 1)));
  expect(denied.message).toBe(
    "configmaps \"any2\" is forbidden: ValidatingAdmissionPolicy 'unknown-params' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=Missing'",
  );
});

it('a policy without a binding enforces nothing', async () => {
  await policy('unbound', { validations: [{ expression: 'false' }] });
  await expect(cluster.client.create('v1', 'configmaps', 'guarded', configMap('free', 1))).resolves.toBeDefined();
});
