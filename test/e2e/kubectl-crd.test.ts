// kubectl e2e of a CRD's whole life (oldest, newest and the system kubectl): install, use, validate, delete; and --crds.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerOnly, kubectl, run, startTestCluster, type TestCluster } from '../helpers.js';
import { crdKubectlBinaries, crontab, crontabApiVersion, crontabCrdName, crontabCrdPath, crontabSpec } from './crd-e2e-support.js';
import { AGE, deletedLine, kubectlOf, parseTable, parseTables, versionNamespace } from './kubectl-harness.js';

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

/** Appended by upstream whenever schema errors stopped the CEL rules from running. */
const celSkipped = '* <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
const crontabHeader = ['NAME', 'SPEC', 'REPLICAS', 'COLOR', 'AGE'];

// Each version deletes the CRD at the end of its flow, so each gets a cluster of its own.
describe.each(crdKubectlBinaries())('kubectl $version', (binary) => {
  let cluster: TestCluster;
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('crd', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const jsonpath = async (what: string[], path: string) => (await kn(['get', ...what, '-o', `jsonpath=${path}`])).stdout;

  beforeAll(async () => {
    // The API server alone, plus the namespace controller that empties deleted namespaces.
    cluster = await startTestCluster({ ...apiServerOnly, controllers: 'namespace' });
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('apply -f installs the CRD and wait --for=condition=Established returns once it is served', async () => {
    expect(await k.run(['apply', '-f', crontabCrdPath])).toEqual({
      code: 0, stdout: `customresourcedefinition.apiextensions.k8s.io/${crontabCrdName} created\n`, stderr: '',
    });
    expect(await k.run(['wait', '--for=condition=Established', `crd/${crontabCrdName}`, '--timeout=30s'])).toEqual({
      code: 0, stdout: `customresourcedefinition.apiextensions.k8s.io/${crontabCrdName} condition met\n`, stderr: '',
    });
    const conditions = await k.run(['get', 'crd', crontabCrdName, '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status} {end}']);
    expect(conditions.stdout.trim().split(' ').sort()).toEqual(['Established=True', 'NamesAccepted=True']);
  });

  test('a created CronTab is listed with its printer columns, by plural, shortName and both categories', async () => {
    expect(await kn(['create', '-f', '-'], crontab('nightly', crontabSpec('red', { cronSpec: '"0 3 * * *"' })))).toEqual({
      code: 0, stdout: 'crontab.stable.example.com/nightly created\n', stderr: '',
    });
    for (const name of ['crontabs', 'crontab', 'ct', 'crontabs.stable.example.com', 'schedules']) {
      const listed = await kn(['get', name]);
      expect({ name, stderr: listed.stderr, code: listed.code }).toEqual({ name, stderr: '', code: 0 });
      const table = parseTable(listed.stdout);
      expect(table.header).toEqual(crontabHeader);
      // replicas is the schema's default (1): defaulting ran on create.
      expect(table.rows).toEqual([['nightly', '0 3 * * *', '1', 'red', expect.stringMatching(AGE)]]);
    }
    // Category "all" puts CronTabs next to the built-in kinds, named with their group.
    const all = parseTables((await kn(['get', 'all'])).stdout);
    expect(all.find((t) => t.header[1] === 'SPEC')).toEqual({
      header: crontabHeader,
      rows: [['crontab.stable.example.com/nightly', '0 3 * * *', '1', 'red', expect.stringMatching(AGE)]],
    });
  });

  test('apply --server-side twice is serverside-applied and writes nothing; a field another manager set conflicts', async () => {
    const manifest = crontab('hourly', crontabSpec('green', { cronSpec: '"0 * * * *"' }));
    const applied = { code: 0, stdout: 'crontab.stable.example.com/hourly serverside-applied\n', stderr: '' };
    expect(await kn(['apply', '--server-side', '-f', '-'], manifest)).toEqual(applied);
    const resourceVersion = await jsonpath(['ct', 'hourly'], '{.metadata.resourceVersion}');
    expect(await kn(['apply', '--server-side', '-f', '-'], manifest)).toEqual(applied);
    expect(await jsonpath(['ct', 'hourly'], '{.metadata.resourceVersion}')).toBe(resourceVersion);

    expect(await kn(['patch', 'ct', 'hourly', '--type=merge', '--field-manager=painter', '-p', '{"spec":{"color":"blue"}}'])).toEqual({
      code: 0, stdout: 'crontab.stable.example.com/hourly patched\n', stderr: '',
    });
    expect(await kn(['apply', '--server-side', '-f', '-'], manifest)).toEqual({
      code: 1, stdout: '', stderr: `error: Apply failed with 1 conflict: conflict with "painter" using ${crontabApiVersion}: .spec.color\n${conflictHelp}`,
    });
    expect(await jsonpath(['ct', 'hourly'], '{.spec.color}')).toBe('blue');
  });

  test('scale through the scale subresource changes spec.replicas, shown by get', async () => {
    expect(await kn(['scale', 'crontab/hourly', '--replicas=3'])).toEqual({ code: 0, stdout: 'crontab.stable.example.com/hourly scaled\n', stderr: '' });
    const table = parseTable((await kn(['get', 'ct', 'hourly'])).stdout);
    expect(table.rows).toEqual([['hourly', '0 * * * *', '3', 'blue', expect.stringMatching(AGE)]]);
    expect(await jsonpath(['ct', 'hourly'], '{.metadata.generation}')).toBe('3');
  });

  test('patch --type=merge works; the default strategic merge patch is refused with 415 as upstream', async () => {
    expect(await kn(['patch', 'ct', 'nightly', '--type=merge', '-p', '{"spec":{"image":"backup:1.1"}}'])).toEqual({
      code: 0, stdout: 'crontab.stable.example.com/nightly patched\n', stderr: '',
    });
    expect(await jsonpath(['ct', 'nightly'], '{.spec.image}')).toBe('backup:1.1');
    expect(await kn(['patch', 'ct', 'nightly', '-p', '{"spec":{"image":"backup:1.2"}}'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `error: application/strategic-merge-patch+json is not supported by ${crontabApiVersion}, Kind=CronTab: the body of the request ` +
        'was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n',
    });
    expect(await jsonpath(['ct', 'nightly'], '{.spec.image}')).toBe('backup:1.1');
  });

  test.each([
    ['a wrong type', 'wrong-type', '  cronSpec: x\n  image: i\n  replicas: three\n', [
      '* spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      // The scale subresource's own check of specReplicasPath, as upstream's validator adds it.
      '* .spec.replicas: Invalid value: 0: .spec.replicas accessor error: three is of the type string, expected int64',
      celSkipped,
    ]],
    ['a value outside the enum', 'wrong-color', crontabSpec('purple'), [
      '* spec.color: Unsupported value: "purple": supported values: "red", "green", "blue"',
      celSkipped,
    ]],
    ['a missing required field', 'no-image', '  cronSpec: x\n', ['* spec.image: Required value', celSkipped]],
  ])('create with %s is refused with the schema errors', async (_what, name, spec, causes) => {
    expect(await kn(['create', '-f', '-'], crontab(name, spec))).toEqual({
      code: 1, stdout: '', stderr: `The CronTab "${name}" is invalid: \n${causes.join('\n')}\n`,
    });
  });

  test('a failing CEL rule is refused with its message; an immutable (transition) rule refuses a change on update', async () => {
    expect(await kn(['create', '-f', '-'], crontab('too-few', crontabSpec('red', { replicas: 1, minReplicas: 2 })))).toEqual({
      code: 1, stdout: '', stderr: 'The CronTab "too-few" is invalid: spec: Invalid value: replicas must be at least minReplicas\n',
    });
    expect(await kn(['create', '-f', '-'], crontab('zoned', crontabSpec('red', { timezone: 'UTC' })))).toMatchObject({ code: 0 });
    expect(await kn(['patch', 'ct', 'zoned', '--type=merge', '-p', '{"spec":{"timezone":"CET"}}'])).toEqual({
      code: 1, stdout: '', stderr: 'The CronTab "zoned" is invalid: spec.timezone: Invalid value: "CET": timezone is immutable\n',
    });
    // Other fields still change: the rule only holds the timezone.
    expect(await kn(['patch', 'ct', 'zoned', '--type=merge', '-p', '{"spec":{"color":"green"}}'])).toMatchObject({ code: 0 });
    expect(await jsonpath(['ct', 'zoned'], '{.spec.timezone}/{.spec.color}')).toBe('UTC/green');
    const names = (await kn(['get', 'ct', '-o', 'name'])).stdout.trim().split('\n');
    expect(names).toEqual(['crontab.stable.example.com/hourly', 'crontab.stable.example.com/nightly', 'crontab.stable.example.com/zoned']);
  });

  test('--field-selector filters on the selectable field and refuses other fields', async () => {
    const names = async (selector: string) => (await kn(['get', 'ct', '--field-selector', selector, '-o', 'name'])).stdout.trim().split('\n');
    expect(await names('spec.color=blue')).toEqual(['crontab.stable.example.com/hourly']);
    expect(await names('spec.color!=blue')).toEqual(['crontab.stable.example.com/nightly', 'crontab.stable.example.com/zoned']);
    expect(await names('metadata.name=nightly')).toEqual(['crontab.stable.example.com/nightly']);
    const refused = await kn(['get', 'ct', '--field-selector', 'spec.image=backup:1.0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Error from server \(BadRequest\): .*field label not supported: spec\.image\n$/);
  });

  test('delete namespace deletes the CronTabs in it before the namespace goes', async () => {
    const doomed = `${ns}-doomed`;
    expect(await k.run(['create', 'namespace', doomed])).toMatchObject({ code: 0 });
    expect(await k.run(['-n', doomed, 'create', '-f', '-'], crontab('inside', crontabSpec('red')))).toMatchObject({ code: 0 });
    expect(await k.run(['delete', 'namespace', doomed])).toEqual({ code: 0, stdout: `namespace "${doomed}" deleted\n`, stderr: '' });
    expect(await k.run(['-n', doomed, 'get', 'crontabs'])).toEqual({ code: 0, stdout: '', stderr: `No resources found in ${doomed} namespace.\n` });
  });

  test('delete crd removes its CronTabs; then kubectl no longer knows the resource type', async () => {
    expect(await k.run(['delete', 'crd', crontabCrdName])).toEqual({
      code: 0, stdout: `${deletedLine(k.minor, `customresourcedefinition.apiextensions.k8s.io "${crontabCrdName}"`)}\n`, stderr: '',
    });
    // This kubectl's discovery cache still maps crontabs, so it asks and the server no longer serves them.
    expect(await kn(['get', 'crontabs'])).toEqual({
      code: 1, stdout: '', stderr: 'Error from server (NotFound): Unable to list "stable.example.com/v1, Resource=crontabs": the server could not find the requested resource\n',
    });
    // A kubectl without that cache discovers afresh and finds no such type.
    const fresh = (args: string[]) => kubectl(binary.path, { ...cluster, cacheDir: mkdtempSync(join(tmpdir(), 'kubefake-crd-cache-')) }, args);
    for (const name of ['crontabs', 'ct', 'crontab.stable.example.com']) {
      expect(await fresh(['-n', ns, 'get', name])).toEqual({ code: 1, stdout: '', stderr: `error: the server doesn't have a resource type "${name.split('.')[0]}"\n` });
    }
    // Installed again, the CRD starts empty: the finalizer deleted every CronTab before the CRD went.
    expect(await k.run(['apply', '-f', crontabCrdPath])).toMatchObject({ code: 0 });
    expect(await k.run(['wait', '--for=condition=Established', `crd/${crontabCrdName}`, '--timeout=30s'])).toMatchObject({ code: 0 });
    expect(await fresh(['get', 'crontabs', '-A'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found\n' });
  });
});

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
const describeBuilt = existsSync(cli) ? describe : describe.skip;

describeBuilt('kubefake --crds', () => {
  let server: ChildProcess;
  let kubeconfig: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubefake-cli-crds-'));
    kubeconfig = join(dir, 'config');
    server = spawn(process.execPath, [cli, '--port', '0', '--kubeconfig', kubeconfig, '--nodes', '0', '--controllers', '', '--crds', crontabCrdPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += String(chunk);
        // The kubeconfig is written, and the line printed, only once the CRDs are installed and the server is ready.
        if (output.includes('export KUBECONFIG=')) resolve();
      };
      server.stdout!.on('data', collect);
      server.stderr!.on('data', collect);
      server.on('exit', (code) => reject(new Error(`kubefake exited with ${code}: ${output}`)));
    });
  });
  afterAll(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  });

  test.each(crdKubectlBinaries())('kubectl $version uses the CronTab kind at once', async (binary) => {
    const ns = versionNamespace('cli', binary.version);
    const kubectl = (args: string[], input?: string) =>
      run(binary.path, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, `cache-${binary.version}`), '-n', ns, ...args], {}, input);
    expect(await kubectl(['create', 'namespace', ns])).toMatchObject({ code: 0 });
    expect(await kubectl(['get', 'crontabs'])).toEqual({ code: 0, stdout: '', stderr: `No resources found in ${ns} namespace.\n` });
    const name = 'from-cli';
    expect(await kubectl(['create', '-f', '-'], crontab(name, crontabSpec('green')))).toEqual({ code: 0, stdout: `crontab.stable.example.com/${name} created\n`, stderr: '' });
    const table = parseTable((await kubectl(['get', 'ct', name])).stdout);
    expect(table).toEqual({ header: crontabHeader, rows: [[name, '*/5 * * * *', '1', 'green', expect.stringMatching(AGE)]] });
  });
});
