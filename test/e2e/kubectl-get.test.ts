// kubectl e2e, every version: create -f from stdin, then get with upstream columns, output formats, selectors, sorting.
import { apiServerOnly, kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { AGE, appManifest, kubectlOf, lines, parseTable, parseTables, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
});
afterAll(async () => {
  await cluster.close();
});

const podManifest = `apiVersion: v1
kind: Pod
metadata:
  name: box
  labels:
    app: box
spec:
  containers:
  - name: main
    image: busybox:1.36
    command: ["sleep", "3600"]
`;

/** Three config maps whose `rank` orders them differently from their names. */
const rankedConfigMaps = ['zeta:1', 'alpha:3', 'mid:2'].map((entry) => {
  const [name, rank] = entry.split(':');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    ranked: "yes"\ndata:\n  rank: "${rank}"\n`;
}).join('---\n');

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('get', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });

  test('create -f - creates a Deployment, a Service and a ConfigMap from one manifest', async () => {
    const result = await kn(['create', '-f', '-'], appManifest);
    expect(result).toEqual({ code: 0, stdout: 'deployment.apps/web created\nservice/web created\nconfigmap/settings created\n', stderr: '' });
    expect(await kn(['create', '-f', '-'], podManifest)).toEqual({ code: 0, stdout: 'pod/box created\n', stderr: '' });
    expect((await kn(['create', '-f', '-'], rankedConfigMaps)).stdout).toBe('configmap/zeta created\nconfigmap/alpha created\nconfigmap/mid created\n');
  });

  test('create -f - of an existing object fails with AlreadyExists', async () => {
    const result = await kn(['create', '-f', '-'], podManifest);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error from server (AlreadyExists): error when creating "STDIN": pods "box" already exists\n');
  });

  test('get deploy prints the upstream deployment columns', async () => {
    const result = await kn(['get', 'deploy']);
    expect(result.stderr).toBe('');
    expect(parseTable(result.stdout)).toEqual({
      header: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      rows: [['web', '0/2', '0', '0', expect.stringMatching(AGE)]],
    });
    expect(lines(result.stdout)[0]).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE');
    const wide = parseTable((await kn(['get', 'deployments.apps', 'web', '-o', 'wide'])).stdout);
    expect(wide).toEqual({
      header: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      rows: [['web', '0/2', '0', '0', expect.stringMatching(AGE), 'nginx', 'nginx:1.27', 'app=web']],
    });
  });

  test('get svc prints type, cluster IP, external IP and ports', async () => {
    const table = parseTable((await kn(['get', 'svc'])).stdout);
    expect(table.header).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    // Anywhere in the service CIDR 10.96.0.0/12 (10.96.0.0-10.111.255.255).
    expect(table.rows).toEqual([['web', 'ClusterIP', expect.stringMatching(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/), '<none>', '80/TCP', expect.stringMatching(AGE)]]);
    const wide = parseTable((await kn(['get', 'service', 'web', '-o', 'wide'])).stdout);
    expect(wide.header).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    expect(wide.rows[0]?.[6]).toBe('app=web');
  });

  test('get cm and get pods -o wide', async () => {
    expect(parseTable((await kn(['get', 'cm', 'settings'])).stdout)).toEqual({
      header: ['NAME', 'DATA', 'AGE'],
      rows: [['settings', '2', expect.stringMatching(AGE)]],
    });
    expect(parseTable((await kn(['get', 'po'])).stdout)).toEqual({
      header: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      rows: [['box', '0/1', 'Pending', '0', expect.stringMatching(AGE)]],
    });
    expect(parseTable((await kn(['get', 'pods', '-o', 'wide'])).stdout)).toEqual({
      header: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
      rows: [['box', '0/1', 'Pending', '0', expect.stringMatching(AGE), '<none>', '<none>', '<none>', '<none>']],
    });
  });

  test('get all prints one table per kind, in category order', async () => {
    const tables = parseTables((await kn(['get', 'all'])).stdout);
    expect(tables.map((t) => t.rows.map((r) => r[0]))).toEqual([['pod/box'], ['service/web'], ['deployment.apps/web']]);
  });

  test('get -A adds the NAMESPACE column', async () => {
    const table = parseTable((await k.run(['get', 'cm', '-A', '-l', 'app=web'])).stdout);
    expect(table.header).toEqual(['NAMESPACE', 'NAME', 'DATA', 'AGE']);
    expect(table.rows).toContainEqual([ns, 'settings', '2', expect.stringMatching(AGE)]);
  });

  test('get -o name, jsonpath and custom-columns', async () => {
    expect((await kn(['get', 'deploy,svc,cm', '-l', 'app=web', '-o', 'name'])).stdout).toBe('deployment.apps/web\nservice/web\nconfigmap/settings\n');
    const jsonpath = await kn(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.metadata.labels.tier} {.spec.template.spec.containers[0].image}']);
    expect(jsonpath).toEqual({ code: 0, stdout: '2 frontend nginx:1.27', stderr: '' });
    const range = await kn(['get', 'cm', '-l', 'ranked', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.data.rank}{"\\n"}{end}']);
    expect(range.stdout).toBe('alpha=3\nmid=2\nzeta=1\n');
    const columns = await kn(['get', 'deploy', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,STRATEGY:.spec.strategy.type']);
    expect(lines(columns.stdout)).toEqual(['NAME   REPLICAS   STRATEGY', 'web    2          RollingUpdate']);
  });

  test('get -o json shows the stored object with server-set fields', async () => {
    const result = await kn(['get', 'deploy', 'web', '-o', 'json']);
    const deployment = JSON.parse(result.stdout) as Record<string, any>;
    expect(deployment).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, generation: 1, labels: { app: 'web', tier: 'frontend' } },
      spec: {
        replicas: 2,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers: [{ name: 'nginx', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
      },
    });
    expect(deployment.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(deployment.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(deployment.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // A list prints as kind List with the items' kinds filled in.
    const list = JSON.parse((await kn(['get', 'cm', '-l', 'ranked', '-o', 'json'])).stdout) as { kind: string; items: { kind: string }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.kind)).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap']);
  });

  test('get -o yaml prints the config map as the server stores it', async () => {
    const result = await kn(['get', 'cm', 'settings', '-o', 'yaml']);
    expect(result.stdout).toMatch(new RegExp([
      '^apiVersion: v1',
      'data:',
      '  color: blue',
      '  size: large',
      'kind: ConfigMap',
      'metadata:',
      '  creationTimestamp: "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"',
      '  labels:',
      '    app: web',
      '  name: settings',
      `  namespace: ${ns}`,
      '  resourceVersion: "\\d+"',
      '  uid: [0-9a-f-]{36}',
      '$',
    ].join('\n')));
  });

  test('get --show-labels adds the LABELS column', async () => {
    const tables = parseTables((await kn(['get', 'deploy,svc', '--show-labels'])).stdout);
    expect(tables.map((t) => t.header.at(-1))).toEqual(['LABELS', 'LABELS']);
    expect(tables.map((t) => t.rows.map((r) => [r[0], r.at(-1)]))).toEqual([
      [['deployment.apps/web', 'app=web,tier=frontend']],
      [['service/web', 'app=web']],
    ]);
  });

  test('get -l filters with equality, set and existence selectors', async () => {
    const names = async (selector: string) => lines((await kn(['get', 'cm,deploy,svc,pods', '-l', selector, '-o', 'name'])).stdout);
    expect(await names('app=web')).toEqual(['configmap/settings', 'deployment.apps/web', 'service/web']);
    expect(await names('app=web,tier=frontend')).toEqual(['deployment.apps/web']);
    expect(await names('app in (web,box),!tier')).toEqual(['configmap/settings', 'service/web', 'pod/box']);
    expect(await names('app!=web,app')).toEqual(['pod/box']);
    const none = await kn(['get', 'cm', '-l', 'app=nothing']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: `No resources found in ${ns} namespace.\n` });
    const bad = await kn(['get', 'cm', '-l', 'app==web=']);
    expect(bad.code).toBe(1);
  });

  test('get --field-selector filters on metadata and per-kind fields', async () => {
    expect((await kn(['get', 'cm', '--field-selector', 'metadata.name=mid', '-o', 'name'])).stdout).toBe('configmap/mid\n');
    expect((await kn(['get', 'cm', '--field-selector', 'metadata.name!=mid', '-l', 'ranked', '-o', 'name'])).stdout).toBe('configmap/alpha\nconfigmap/zeta\n');
    expect((await kn(['get', 'pods', '--field-selector', 'status.phase=Pending', '-o', 'name'])).stdout).toBe('pod/box\n');
    expect((await kn(['get', 'pods', '--field-selector', 'status.phase=Running'])).stderr).toBe(`No resources found in ${ns} namespace.\n`);
    expect((await kn(['get', 'pods', '--field-selector', 'spec.nodeName=', '-o', 'name'])).stdout).toBe('pod/box\n');
    const unknown = await kn(['get', 'cm', '--field-selector', 'data.rank=1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Error from server \(BadRequest\): .*"data\.rank"/);
  });

  test('get --sort-by orders by a field the server returns', async () => {
    const byRank = parseTable((await kn(['get', 'cm', '-l', 'ranked', '--sort-by=.data.rank'])).stdout);
    expect(byRank.rows.map((r) => r[0])).toEqual(['zeta', 'mid', 'alpha']);
    const byName = await kn(['get', 'cm', '-l', 'ranked', '--sort-by=.metadata.name', '-o', 'name']);
    expect(byName.stdout).toBe('configmap/alpha\nconfigmap/mid\nconfigmap/zeta\n');
  });

  test('get of a missing object is NotFound', async () => {
    const result = await kn(['get', 'deploy', 'web', 'nope']);
    expect(result.code).toBe(1);
    expect(parseTable(result.stdout).rows.map((r) => r[0])).toEqual(['web']);
    expect(result.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    const ignored = await kn(['get', 'deploy', 'nope', '--ignore-not-found']);
    expect(ignored).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('get ns shows the namespace as Active', async () => {
    expect(parseTable((await k.run(['get', 'ns', ns])).stdout)).toEqual({
      header: ['NAME', 'STATUS', 'AGE'],
      rows: [[ns, 'Active', expect.stringMatching(AGE)]],
    });
  });
});
