// kubectl e2e, every version: client-side apply of new objects, replace, server dry runs, wait, events and describe.
import { apiServerOnly, kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { AGE, appManifest, kubectlOf, lines, parseTable, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
});
afterAll(async () => {
  await cluster.close();
});

const configMap = (name: string, data: Record<string, string>, extraMeta = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels:
    via: apply
${extraMeta}data:
${Object.entries(data).map(([k, v]) => `  ${k}: ${v}\n`).join('')}`;

/** Today without fractional seconds, as Event timestamps are written. */
const nowSeconds = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('apply', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const jsonpath = async (what: string[], path: string) => (await kn(['get', ...what, '-o', `jsonpath=${path}`])).stdout;

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });

  test('apply -f creates new objects and records last-applied-configuration', async () => {
    expect(await kn(['apply', '-f', '-'], configMap('applied', { k: 'v1' }))).toEqual({ code: 0, stdout: 'configmap/applied created\n', stderr: '' });
    const lastApplied = await jsonpath(['cm', 'applied'], '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}');
    expect(JSON.parse(lastApplied)).toEqual({
      apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v1' }, metadata: { annotations: {}, labels: { via: 'apply' }, name: 'applied', namespace: ns },
    });
    expect(await kn(['apply', '-f', '-'], appManifest)).toEqual({
      code: 0, stdout: 'deployment.apps/web created\nservice/web created\nconfigmap/settings created\n', stderr: '',
    });
    expect(parseTable((await kn(['get', 'deploy'])).stdout).rows).toEqual([['web', '0/2', '0', '0', expect.stringMatching(AGE)]]);
  });

  test('apply of an unchanged manifest is a no-op', async () => {
    const before = await jsonpath(['cm', 'applied'], '{.metadata.resourceVersion}');
    expect(await kn(['apply', '-f', '-'], configMap('applied', { k: 'v1' }))).toEqual({ code: 0, stdout: 'configmap/applied unchanged\n', stderr: '' });
    expect(await jsonpath(['cm', 'applied'], '{.metadata.resourceVersion}')).toBe(before);
  });

  test('apply --dry-run=server of a new object creates nothing', async () => {
    expect(await kn(['apply', '--dry-run=server', '-f', '-'], configMap('ghost', { k: 'v' }))).toEqual({
      code: 0, stdout: 'configmap/ghost created (server dry run)\n', stderr: '',
    });
    expect((await kn(['get', 'cm', 'ghost'])).stderr).toBe('Error from server (NotFound): configmaps "ghost" not found\n');
  });

  test('replace -f swaps the whole object', async () => {
    const before = await jsonpath(['cm', 'applied'], '{.metadata.resourceVersion} {.metadata.uid}');
    expect(await kn(['replace', '-f', '-'], configMap('applied', { k: 'v2', extra: 'more' }))).toEqual({
      code: 0, stdout: 'configmap/applied replaced\n', stderr: '',
    });
    const [rvBefore, uidBefore] = before.split(' ');
    const [rvAfter, uidAfter] = (await jsonpath(['cm', 'applied'], '{.metadata.resourceVersion} {.metadata.uid}')).split(' ');
    expect(uidAfter).toBe(uidBefore);
    expect(Number(rvAfter)).toBeGreaterThan(Number(rvBefore));
    // The manifest had no annotations, so the last-applied one is gone with the rest.
    expect(await jsonpath(['cm', 'applied'], '{.data} {.metadata.annotations}')).toBe('{"extra":"more","k":"v2"} ');
  });

  test('replace failures: a missing object, a stale resourceVersion, an immutable field', async () => {
    const missing = await kn(['replace', '-f', '-'], configMap('nobody', { k: 'v' }));
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): error when replacing "STDIN": configmaps "nobody" not found\n' });
    const stale = await kn(['replace', '-f', '-'], configMap('applied', { k: 'v3' }, '  resourceVersion: "1"\n'));
    expect(stale).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "applied": '
        + 'the object has been modified; please apply your changes to the latest version and try again\n',
    });
    const deployment = JSON.parse((await kn(['get', 'deploy', 'web', '-o', 'json'])).stdout) as Record<string, any>;
    deployment.spec.selector.matchLabels.extra = 'x';
    deployment.spec.template.metadata.labels.extra = 'x';
    const immutable = await kn(['replace', '-f', '-'], JSON.stringify(deployment));
    expect(immutable.code).toBe(1);
    expect(immutable.stderr).toMatch(/^The Deployment "web" is invalid: spec\.selector: Invalid value: .*: field is immutable\n$/);
  });

  test('create --dry-run=server returns the would-be object and stores nothing', async () => {
    expect(await kn(['create', '-f', '-', '--dry-run=server'], configMap('dry', { k: 'v' }))).toEqual({
      code: 0, stdout: 'configmap/dry created (server dry run)\n', stderr: '',
    });
    expect((await kn(['get', 'cm', 'dry'])).code).toBe(1);
    const shown = JSON.parse((await kn(['create', 'deployment', 'dry', '--image=nginx', '--dry-run=server', '-o', 'json'])).stdout) as Record<string, any>;
    expect(shown.metadata).toMatchObject({ name: 'dry', namespace: ns, generation: 1, uid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(shown.metadata.resourceVersion).toBeUndefined();
    expect(shown.spec).toMatchObject({ replicas: 1, strategy: { type: 'RollingUpdate' }, revisionHistoryLimit: 10 });
    expect((await kn(['get', 'deploy', 'dry'])).code).toBe(1);
    // A dry run still sees a taken name.
    const taken = await kn(['create', '-f', '-', '--dry-run=server'], configMap('applied', { k: 'v' }));
    expect(taken).toEqual({ code: 1, stdout: '', stderr: 'Error from server (AlreadyExists): error when creating "STDIN": configmaps "applied" already exists\n' });
  });

  test('wait --for=jsonpath on objects that already match', async () => {
    expect(await kn(['wait', '--for=jsonpath={.data.k}=v2', 'configmap/applied', '--timeout=10s'])).toEqual({
      code: 0, stdout: 'configmap/applied condition met\n', stderr: '',
    });
    expect(await k.run(['wait', '--for=jsonpath={.status.phase}=Active', `namespace/${ns}`, '--timeout=10s'])).toEqual({
      code: 0, stdout: `namespace/${ns} condition met\n`, stderr: '',
    });
    const many = await kn(['wait', '--for=jsonpath={.metadata.labels.via}=apply', 'cm', '-l', 'via=apply', '--timeout=10s']);
    expect(many).toEqual({ code: 0, stdout: 'configmap/applied condition met\n', stderr: '' });
  });

  test('wait --for=jsonpath sees a change made while it waits', async () => {
    const waiting = k.start(['-n', ns, 'wait', '--for=jsonpath={.data.k}=v9', 'configmap/applied', '--timeout=20s']);
    try {
      // Give the wait a moment to fetch the object and open its watch; the change is seen either way.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await kn(['patch', 'cm', 'applied', '--type=merge', '-p', '{"data":{"k":"v9"}}']);
      await waiting.waitFor((out) => out.includes('condition met'));
      await waiting.done();
      expect(waiting.stdout).toBe('configmap/applied condition met\n');
      expect(waiting.exitCode).toBe(0);
    } finally {
      await waiting.stop();
    }
  });

  test('get events and describe configmap show an event about the object', async () => {
    // One data key: older kubectl describes map entries in Go's random map order.
    expect(await kn(['create', 'configmap', 'described', '--from-literal=color=blue'])).toMatchObject({ code: 0 });
    const uid = await jsonpath(['cm', 'described'], '{.metadata.uid}');
    const now = nowSeconds();
    const event = `apiVersion: v1
kind: Event
metadata:
  name: described.synced
involvedObject:
  apiVersion: v1
  kind: ConfigMap
  name: described
  namespace: ${ns}
  uid: ${uid}
reason: Synced
message: configuration synced
type: Normal
source:
  component: test-sync
firstTimestamp: "${now}"
lastTimestamp: "${now}"
count: 1
`;
    expect(await kn(['create', '-f', '-'], event)).toEqual({ code: 0, stdout: 'event/described.synced created\n', stderr: '' });
    expect(parseTable((await kn(['get', 'events'])).stdout)).toEqual({
      header: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      rows: [[expect.stringMatching(AGE), 'Normal', 'Synced', 'configmap/described', 'configuration synced']],
    });
    const byReason = await kn(['get', 'events', '--field-selector', 'reason=Synced,involvedObject.kind=ConfigMap', '-o', 'name']);
    expect(byReason.stdout).toBe('event/described.synced\n');
    const described = await kn(['describe', 'configmap', 'described']);
    expect(described.stderr).toBe('');
    expect(described.stdout).toMatch(new RegExp([
      '^Name:         described',
      `Namespace:    ${ns}`,
      'Labels:       <none>',
      'Annotations:  <none>',
      '',
      'Data',
      '====',
      'color:',
      '----',
      'blue',
      '\n?',
      'BinaryData',
      '====',
      '',
      'Events:',
      '  Type    Reason  Age   From       Message',
      '  ----    ------  ----  ----       -------',
      '  Normal  Synced  \\d+s  +test-sync  configuration synced',
      '$',
    ].join('\n')));
  });

  test('describe deployment summarises spec and status', async () => {
    const described = await kn(['describe', 'deployment', 'web']);
    expect(described.code).toBe(0);
    const text = lines(described.stdout);
    expect(text[0]).toBe('Name:                   web');
    expect(text).toContain(`Namespace:              ${ns}`);
    expect(text).toContain('Selector:               app=web');
    expect(text).toContain('Replicas:               2 desired | 0 updated | 0 total | 0 available | 0 unavailable');
    expect(text).toContain('StrategyType:           RollingUpdate');
    expect(text).toContain('RollingUpdateStrategy:  25% max unavailable, 25% max surge');
    expect(text.some((l) => /^\s+Image:\s+nginx:1\.27$/.test(l))).toBe(true);
  });
});
