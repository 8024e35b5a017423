// kubectl e2e, every version: imperative create (protobuf bodies from 1.32), patch, label, annotate, scale, validation errors.
import { apiServerOnly, kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { AGE, kubectlOf, parseTable, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
});
afterAll(async () => {
  await cluster.close();
});

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('write', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const jsonpath = async (what: string[], path: string) => (await kn(['get', ...what, '-o', `jsonpath=${path}`])).stdout;

  test('create namespace', async () => {
    expect(await k.run(['create', 'namespace', ns])).toEqual({ code: 0, stdout: `namespace/${ns} created\n`, stderr: '' });
    expect(await k.run(['get', 'ns', ns, '-o', 'jsonpath={.status.phase} {.spec.finalizers}'])).toMatchObject({ stdout: 'Active ["kubernetes"]' });
    const again = await k.run(['create', 'namespace', ns]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`Error from server (AlreadyExists): namespaces "${ns}" already exists\n`);
  });

  test('create configmap --from-literal', async () => {
    expect(await kn(['create', 'configmap', 'literal', '--from-literal=a=1', '--from-literal=b=two'])).toEqual({
      code: 0, stdout: 'configmap/literal created\n', stderr: '',
    });
    expect(await jsonpath(['cm', 'literal'], '{.data}')).toBe('{"a":"1","b":"two"}');
    expect(parseTable((await kn(['get', 'cm', 'literal'])).stdout).rows).toEqual([['literal', '2', expect.stringMatching(AGE)]]);
  });

  test('create secret generic', async () => {
    expect(await kn(['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=password=hunter2'])).toEqual({
      code: 0, stdout: 'secret/creds created\n', stderr: '',
    });
    expect(await jsonpath(['secret', 'creds'], '{.type} {.data.user} {.data.password}')).toBe('Opaque YWRtaW4= aHVudGVyMg==');
    expect(parseTable((await kn(['get', 'secrets'])).stdout)).toEqual({
      header: ['NAME', 'TYPE', 'DATA', 'AGE'],
      rows: [['creds', 'Opaque', '2', expect.stringMatching(AGE)]],
    });
  });

  test('create deployment', async () => {
    expect(await kn(['create', 'deployment', 'app', '--image=nginx:1.27', '--replicas=3'])).toEqual({
      code: 0, stdout: 'deployment.apps/app created\n', stderr: '',
    });
    expect(await jsonpath(['deploy', 'app'], '{.spec.selector.matchLabels.app} {.spec.template.metadata.labels.app} {.spec.template.spec.containers[0].name} {.metadata.generation}'))
      .toBe('app app nginx 1');
    expect(parseTable((await kn(['get', 'deploy', 'app'])).stdout).rows).toEqual([['app', '0/3', '0', '0', expect.stringMatching(AGE)]]);
  });

  test('an invalid name is rejected with the upstream message', async () => {
    const namespace = await k.run(['create', 'namespace', 'Bad_Name']);
    expect(namespace).toEqual({
      code: 1,
      stdout: '',
      stderr: 'The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case '
        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n",
    });
    const configMap = await kn(['create', 'configmap', 'Bad_Name']);
    expect(configMap.code).toBe(1);
    expect(configMap.stderr).toBe('error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": '
      + "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
      + "alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n");
  });

  test('patch --type=merge and --type=json', async () => {
    expect(await kn(['patch', 'cm', 'literal', '--type=merge', '-p', '{"data":{"a":"10","c":"new"}}'])).toEqual({
      code: 0, stdout: 'configmap/literal patched\n', stderr: '',
    });
    expect(await kn(['patch', 'configmap/literal', '--type=json', '-p', '[{"op":"remove","path":"/data/b"},{"op":"add","path":"/data/d","value":"4"}]']))
      .toEqual({ code: 0, stdout: 'configmap/literal patched\n', stderr: '' });
    expect(await jsonpath(['cm', 'literal'], '{.data}')).toBe('{"a":"10","c":"new","d":"4"}');
    // A patch that changes nothing leaves the resourceVersion alone, and kubectl says so.
    expect(await kn(['patch', 'cm', 'literal', '--type=merge', '-p', '{"data":{"a":"10"}}'])).toEqual({
      code: 0, stdout: 'configmap/literal patched (no change)\n', stderr: '',
    });
    // A merge patch with null deletes the key.
    await kn(['patch', 'cm', 'literal', '--type=merge', '-p', '{"data":{"c":null}}']);
    expect(await jsonpath(['cm', 'literal'], '{.data}')).toBe('{"a":"10","d":"4"}');
  });

  test('patch failures: a failed json-patch test op, a missing object, an immutable field', async () => {
    const failedTest = await kn(['patch', 'cm', 'literal', '--type=json', '-p', '[{"op":"test","path":"/data/a","value":"nope"}]']);
    // Upstream answers any failed JSON patch operation with a generic 422 and no details.
    expect(failedTest).toEqual({ code: 1, stdout: '', stderr: 'The request is invalid: the server rejected our request due to an error in our request\n' });
    const missingPath = await kn(['patch', 'cm', 'literal', '--type=json', '-p', '[{"op":"remove","path":"/data/nope"}]']);
    expect(missingPath).toEqual(failedTest);
    const missing = await kn(['patch', 'cm', 'nope', '--type=merge', '-p', '{"data":{"a":"1"}}']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): configmaps "nope" not found\n' });
    const selector = await kn(['patch', 'deploy', 'app', '--type=merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}']);
    expect(selector.code).toBe(1);
    expect(selector.stderr).toMatch(/^The Deployment "app" is invalid: .*spec\.selector: Invalid value: .*field is immutable/s);
  });

  test('patch of the spec bumps generation; a label patch does not', async () => {
    await kn(['patch', 'deploy', 'app', '--type=merge', '-p', '{"spec":{"minReadySeconds":5}}']);
    expect(await jsonpath(['deploy', 'app'], '{.metadata.generation}')).toBe('2');
    await kn(['patch', 'deploy', 'app', '--type=merge', '-p', '{"metadata":{"labels":{"touched":"yes"}}}']);
    expect(await jsonpath(['deploy', 'app'], '{.metadata.generation}')).toBe('2');
  });

  test('label: add, refuse to overwrite, overwrite, remove', async () => {
    expect(await kn(['label', 'cm', 'literal', 'env=prod', 'team=core'])).toEqual({ code: 0, stdout: 'configmap/literal labeled\n', stderr: '' });
    const refused = await kn(['label', 'cm', 'literal', 'env=dev']);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: "error: 'env' already has a value (prod), and --overwrite is false\n" });
    expect(await kn(['label', 'cm', 'literal', 'env=dev', '--overwrite'])).toEqual({ code: 0, stdout: 'configmap/literal labeled\n', stderr: '' });
    expect(await kn(['label', 'cm', 'literal', 'team-'])).toEqual({ code: 0, stdout: 'configmap/literal unlabeled\n', stderr: '' });
    expect(await jsonpath(['cm', 'literal'], '{.metadata.labels}')).toBe('{"env":"dev"}');
    expect((await kn(['get', 'cm', '-l', 'env=dev', '-o', 'name'])).stdout).toBe('configmap/literal\n');
    const invalid = await kn(['label', 'cm', 'literal', 'bad key=x']);
    expect(invalid.code).toBe(1);
  });

  // kubectl 1.27 printed the verb without its past tense.
  const annotated = k.minor <= 27 ? 'annotate' : 'annotated';

  test('annotate: add and remove', async () => {
    expect(await kn(['annotate', 'cm', 'literal', 'note=hello world'])).toEqual({ code: 0, stdout: `configmap/literal ${annotated}\n`, stderr: '' });
    expect(await jsonpath(['cm', 'literal'], '{.metadata.annotations.note}')).toBe('hello world');
    expect(await kn(['annotate', 'cm', 'literal', 'note-'])).toEqual({ code: 0, stdout: `configmap/literal ${annotated}\n`, stderr: '' });
    // The emptied map is gone, as Go's omitempty drops it.
    expect((await kn(['get', 'cm', 'literal', '-o', 'json'])).stdout).not.toContain('"annotations"');
  });

  test('label --all and annotate -l apply to every match', async () => {
    await kn(['create', 'configmap', 'extra']);
    const labeled = await kn(['label', 'cm', '--all', 'sweep=1']);
    expect(labeled.stdout).toBe('configmap/extra labeled\nconfigmap/literal labeled\n');
    const swept = await kn(['annotate', 'cm', '-l', 'sweep=1', 'swept=yes']);
    expect(swept.stdout).toBe(`configmap/extra ${annotated}\nconfigmap/literal ${annotated}\n`);
  });

  test('scale patches the scale subresource', async () => {
    expect(await kn(['scale', 'deploy', 'app', '--replicas=5'])).toEqual({ code: 0, stdout: 'deployment.apps/app scaled\n', stderr: '' });
    expect(await jsonpath(['deploy', 'app'], '{.spec.replicas}')).toBe('5');
    expect(parseTable((await kn(['get', 'deploy', 'app'])).stdout).rows[0]?.[1]).toBe('0/5');
    const mismatch = await kn(['scale', 'deploy', 'app', '--replicas=1', '--current-replicas=3']);
    expect(mismatch).toEqual({ code: 1, stdout: '', stderr: 'error: Expected replicas to be 3, was 5\n' });
    expect(await kn(['scale', 'deploy', 'app', '--replicas=2', '--current-replicas=5'])).toEqual({
      code: 0, stdout: 'deployment.apps/app scaled\n', stderr: '',
    });
    const scale = JSON.parse((await k.run(['get', '--raw', `/apis/apps/v1/namespaces/${ns}/deployments/app/scale`])).stdout) as Record<string, any>;
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=app' } });
    const missing = await kn(['scale', 'deploy', 'nope', '--replicas=1']);
    // kubectl before 1.35 folds the NotFound into its own message (1.32–1.33 append the server's).
    const notFound = 'deployments.apps "nope" not found';
    const expected = k.minor >= 35 ? `Error from server (NotFound): ${notFound}\n`
      : k.minor >= 32 ? `error: no objects passed to scale ${notFound}\n` : 'error: no objects passed to scale\n';
    expect(missing).toEqual({ code: 1, stdout: '', stderr: expected });
  });
});
