// kubectl e2e, every version: server-side apply and its conflicts, the client-side upgrade, managedFields, dry runs, strict field validation.
import { basename } from 'node:path';
import { apiServerOnly, kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
});
afterAll(async () => {
  await cluster.close();
});

const manifest = (name: string, replicas: number, labels: Record<string, string> = { app: name }, extraSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}\n`).join('')}spec:
  replicas: ${replicas}
${extraSpec}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: app
        image: nginx:1.27
`;

/** Only spec.replicas: what a second applier that cares about nothing else sends. */
const replicasOnly = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
`;

const conflictHelp = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  subresource?: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('ssa', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const jsonpath = async (what: string[], path: string) => (await kn(['get', ...what, '-o', `jsonpath=${path}`])).stdout;
  const managedFields = async (name: string) => {
    const shown = await kn(['get', 'deploy', name, '-o', 'json', '--show-managed-fields']);
    return (JSON.parse(shown.stdout) as { metadata: { managedFields: Entry[] } }).metadata.managedFields;
  };
  /** manager/operation[/subresource], sorted: upstream orders entries by time, which ties within a second. */
  const owners = async (name: string) => (await managedFields(name)).map((e) => [e.manager, e.operation, e.subresource].filter(Boolean).join('/')).sort();
  const fieldsOf = async (name: string, manager: string) => (await managedFields(name)).find((e) => e.manager === manager)?.fieldsV1;
  const replicasOwner = { 'f:spec': { 'f:replicas': {} } };

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });

  test('apply --server-side creates the object, owned by manager kubectl with operation Apply', async () => {
    expect(await kn(['apply', '--server-side', '-f', '-'], manifest('web', 2))).toEqual({ code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '' });
    const [entry, ...rest] = await managedFields('web');
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      },
    });
    // Without --show-managed-fields kubectl hides them.
    expect((await kn(['get', 'deploy', 'web', '-o', 'yaml'])).stdout).not.toContain('managedFields');
    // Applying the same configuration again writes nothing.
    const rv = await jsonpath(['deploy', 'web'], '{.metadata.resourceVersion}');
    expect(await kn(['apply', '--server-side', '-f', '-'], manifest('web', 2))).toEqual({ code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '' });
    expect(await jsonpath(['deploy', 'web'], '{.metadata.resourceVersion}')).toBe(rv);
  });

  test('a field another manager changed conflicts until --force-conflicts takes it back', async () => {
    expect(await kn(['patch', 'deploy', 'web', '--field-manager=other', '--type=merge', '-p', '{"spec":{"replicas":5}}'])).toEqual({
      code: 0, stdout: 'deployment.apps/web patched\n', stderr: '',
    });
    expect(await owners('web')).toEqual(['kubectl/Apply', 'other/Update']);
    expect(await fieldsOf('web', 'other')).toEqual(replicasOwner);
    expect(((await fieldsOf('web', 'kubectl'))?.['f:spec'] as Record<string, unknown>)['f:replicas']).toBeUndefined();
    const refused = await kn(['apply', '--server-side', '-f', '-'], manifest('web', 2));
    expect(refused).toEqual({
      code: 1, stdout: '', stderr: `error: Apply failed with 1 conflict: conflict with "other" using apps/v1: .spec.replicas\n${conflictHelp}`,
    });
    expect(await jsonpath(['deploy', 'web'], '{.spec.replicas}')).toBe('5');
    expect(await kn(['apply', '--server-side', '--force-conflicts', '-f', '-'], manifest('web', 2))).toEqual({
      code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '',
    });
    expect(await jsonpath(['deploy', 'web'], '{.spec.replicas}')).toBe('2');
    // `other` owned nothing else, so its entry is gone.
    expect(await owners('web')).toEqual(['kubectl/Apply']);
  });

  test('a second applier setting the same value co-owns it; a different value conflicts with kubectl', async () => {
    expect(await kn(['apply', '--server-side', '--field-manager=second', '-f', '-'], replicasOnly('web', 2))).toEqual({
      code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '',
    });
    expect(await owners('web')).toEqual(['kubectl/Apply', 'second/Apply']);
    expect(await fieldsOf('web', 'second')).toEqual(replicasOwner);
    expect(((await fieldsOf('web', 'kubectl'))?.['f:spec'] as Record<string, unknown>)['f:replicas']).toEqual({});
    const refused = await kn(['apply', '--server-side', '--field-manager=second', '-f', '-'], replicasOnly('web', 4));
    expect(refused).toEqual({ code: 1, stdout: '', stderr: `error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas\n${conflictHelp}` });
    // Dropping a field from one co-owner's configuration leaves it to the other, value intact.
    expect(await kn(['apply', '--server-side', '--field-manager=second', '-f', '-'], replicasOnly('web', 2).replace(/spec:\n.*\n/, ''))).toMatchObject({ code: 0 });
    expect(await owners('web')).toEqual(['kubectl/Apply']);
    expect(await jsonpath(['deploy', 'web'], '{.spec.replicas}')).toBe('2');
  });

  test('--dry-run=server apply and patch answer the change but store nothing', async () => {
    const [rv, generation] = (await jsonpath(['deploy', 'web'], '{.metadata.resourceVersion} {.metadata.generation}')).split(' ');
    const applied = await kn(['apply', '--server-side', '--dry-run=server', '-f', '-'], manifest('web', 7));
    expect(applied).toEqual({ code: 0, stdout: 'deployment.apps/web serverside-applied (server dry run)\n', stderr: '' });
    const shown = await kn(['apply', '--server-side', '--dry-run=server', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}', '-f', '-'], manifest('web', 7));
    expect(shown).toEqual({ code: 0, stdout: `7 ${Number(generation) + 1}`, stderr: '' });
    const patched = await kn(['patch', 'deploy', 'web', '--dry-run=server', '-p', '{"spec":{"replicas":9}}', '-o', 'jsonpath={.spec.replicas}']);
    expect(patched).toEqual({ code: 0, stdout: '9', stderr: '' });
    expect(await kn(['patch', 'deploy', 'web', '--dry-run=server', '--type=merge', '-p', '{"metadata":{"labels":{"dry":"run"}}}'])).toMatchObject({ code: 0 });
    expect(await jsonpath(['deploy', 'web'], '{.metadata.resourceVersion} {.spec.replicas} {.metadata.labels} {.metadata.generation}')).toBe(`${rv} 2 {"app":"web"} ${generation}`);
    expect(await owners('web')).toEqual(['kubectl/Apply']);
  });

  test('client-side apply upgrades to server-side apply without conflicts', async () => {
    const labels = { app: 'up', tier: 'backend' };
    expect(await kn(['apply', '-f', '-'], manifest('up', 2, labels))).toEqual({ code: 0, stdout: 'deployment.apps/up created\n', stderr: '' });
    expect(await owners('up')).toEqual(['kubectl-client-side-apply/Update']);
    expect(await kn(['apply', '--server-side', '-f', '-'], manifest('up', 2, labels))).toEqual({ code: 0, stdout: 'deployment.apps/up serverside-applied\n', stderr: '' });
    // kubectl migrated the client-side entry into its own and keeps the annotation under kubectl-last-applied.
    expect(await owners('up')).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
    expect(await fieldsOf('up', 'kubectl-last-applied')).toEqual({ 'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } });
    expect(await fieldsOf('up', 'kubectl')).toMatchObject({ 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } }, 'f:spec': { 'f:replicas': {} } });
    // Now owned by the server-side applier, a label left out of the manifest is removed.
    const applied = await kn(['apply', '--server-side', '-f', '-'], manifest('up', 3, { app: 'up' }));
    expect(applied).toEqual({ code: 0, stdout: 'deployment.apps/up serverside-applied\n', stderr: '' });
    expect(await jsonpath(['deploy', 'up'], '{.metadata.labels} {.spec.replicas}')).toBe('{"app":"up"} 3');
    // The server keeps kubectl's last-applied annotation in step with what kubectl applied.
    const lastApplied = JSON.parse(await jsonpath(['deploy', 'up'], '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}')) as Record<string, any>;
    expect(lastApplied).toMatchObject({ metadata: { name: 'up', labels: { app: 'up' } }, spec: { replicas: 3 } });
  });

  test('managedFields name each imperative writer with operation Update', async () => {
    expect(await kn(['create', 'deployment', 'mf', '--image=nginx', '--replicas=2'])).toMatchObject({ code: 0 });
    expect(await owners('mf')).toEqual(['kubectl-create/Update']);
    expect(await fieldsOf('mf', 'kubectl-create')).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
    await kn(['label', 'deploy', 'mf', 'team=core']);
    await kn(['annotate', 'deploy', 'mf', 'note=hi']);
    // kubectl scale sends no fieldManager: the apiserver names the manager after the User-Agent's program name.
    await kn(['scale', 'deploy', 'mf', '--replicas=3']);
    await kn(['patch', 'deploy', 'mf', '-p', '{"spec":{"minReadySeconds":2}}']);
    const scaler = basename(binary.path);
    expect(await owners('mf')).toEqual(
      ['kubectl-annotate/Update', 'kubectl-create/Update', 'kubectl-label/Update', 'kubectl-patch/Update', `${scaler}/Update/scale`].sort(),
    );
    const entries = await managedFields('mf');
    expect(entries.find((e) => e.manager === 'kubectl-label')).toMatchObject({ apiVersion: 'apps/v1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } } });
    expect(entries.find((e) => e.manager === 'kubectl-annotate')?.fieldsV1).toEqual({ 'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } } });
    expect(entries.find((e) => e.manager === scaler)).toMatchObject({ apiVersion: 'apps/v1', subresource: 'scale', fieldsV1: replicasOwner });
    expect(entries.find((e) => e.manager === 'kubectl-patch')?.fieldsV1).toEqual({ 'f:spec': { 'f:minReadySeconds': {} } });
    // The scale took spec.replicas away from the creator.
    expect(((await fieldsOf('mf', 'kubectl-create'))?.['f:spec'] as Record<string, unknown>)['f:replicas']).toBeUndefined();
  });

  const unknownFields = manifest('strict', 1, { app: 'strict' }, '  foo: bar\n').replace('        image: nginx:1.27\n', '        image: nginx:1.27\n        bar: 1\n');
  const strictError = (verb: string) => `Error from server (BadRequest): error when ${verb} "STDIN": Deployment in version "v1" cannot be handled as a Deployment: `
    + 'strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"\n';

  test('unknown fields fail apply -f and create -f (fieldValidation=Strict)', async () => {
    expect(await kn(['apply', '-f', '-'], unknownFields)).toEqual({ code: 1, stdout: '', stderr: strictError('creating') });
    expect(await kn(['create', '-f', '-'], unknownFields)).toEqual({ code: 1, stdout: '', stderr: strictError('creating') });
    expect((await kn(['get', 'deploy', 'strict'])).code).toBe(1);
  });

  test('an unknown field applied to an existing object is reported against the strategic merge patch', async () => {
    expect(await kn(['apply', '-f', '-'], manifest('later', 1))).toMatchObject({ code: 0 });
    const rv = await jsonpath(['deploy', 'later'], '{.metadata.resourceVersion}');
    const refused = await kn(['apply', '-f', '-'], manifest('later', 1, { app: 'later' }, '  foo: bar\n'));
    // Upstream's Invalid `patch` cause shows the patch as Go's %v of the decoded map.
    expect(refused.stderr).toMatch(new RegExp('^The request is invalid: patch: Invalid value: "map\\[metadata:map\\[annotations:map\\['
      + 'kubectl\\.kubernetes\\.io/last-applied-configuration:\\{\\\\"apiVersion\\\\":\\\\"apps/v1\\\\",.*\\\\"foo\\\\":\\\\"bar\\\\",.*\\}\\\\n\\]\\] '
      + 'spec:map\\[foo:bar\\]\\]": strict decoding error: unknown field "spec\\.foo"\\n$'));
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(await jsonpath(['deploy', 'later'], '{.metadata.resourceVersion}')).toBe(rv);
  });

  test('--validate=false drops unknown fields silently; --validate=warn warns', async () => {
    expect(await kn(['apply', '--validate=false', '-f', '-'], unknownFields)).toEqual({ code: 0, stdout: 'deployment.apps/strict created\n', stderr: '' });
    const stored = JSON.parse((await kn(['get', 'deploy', 'strict', '-o', 'json'])).stdout) as Record<string, any>;
    expect(stored.spec.foo).toBeUndefined();
    expect(stored.spec.template.spec.containers[0]).not.toHaveProperty('bar');
    const warned = await kn(['create', '--validate=warn', '-f', '-'], unknownFields.replace('name: strict', 'name: warned'));
    expect(warned).toEqual({
      code: 0,
      stdout: 'deployment.apps/warned created\n',
      stderr: 'Warning: unknown field "spec.foo"\nWarning: unknown field "spec.template.spec.containers[0].bar"\n',
    });
    expect(await jsonpath(['deploy', 'warned'], '{.spec}')).not.toContain('foo');
  });

  test('server-side apply refuses unknown fields whatever the validation directive', async () => {
    // Upstream answers this with a 500; kubefake keeps the text but answers 400, as no bad input may yield a 5xx.
    const typed = `Error from server (BadRequest): failed to create typed patch object (${ns}/typed; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema\n`;
    const config = manifest('typed', 1, { app: 'typed' }, '  foo: bar\n');
    expect(await kn(['apply', '--server-side', '-f', '-'], config)).toEqual({ code: 1, stdout: '', stderr: typed });
    expect(await kn(['apply', '--server-side', '--validate=false', '-f', '-'], config)).toEqual({ code: 1, stdout: '', stderr: typed });
    expect((await kn(['get', 'deploy', 'typed'])).code).toBe(1);
  });
});
