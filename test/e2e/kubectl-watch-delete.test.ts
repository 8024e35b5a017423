// kubectl e2e, every version: get -w sees changes made by another kubectl; delete by name, label, --all; namespace deletion.
import { apiServerOnly, kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { AGE, deletedLine, kubectlOf, lines, parseTable, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
});
afterAll(async () => {
  await cluster.close();
});

const configMaps = (names: string[], labels: Record<string, string> = {}) => names.map((name) => {
  const labelLines = Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"\n`).join('');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${labelLines ? `  labels:\n${labelLines}` : ''}data:\n  k: v\n`;
}).join('---\n');

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('watch', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const deleted = (what: string, suffix = '') => deletedLine(k.minor, what, ns, suffix);

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
    expect(await kn(['create', '-f', '-'], configMaps(['first']))).toMatchObject({ code: 0 });
  });

  test('get -w prints the list, then a row per change made by another kubectl', async () => {
    const watch = k.start(['-n', ns, 'get', 'configmaps', '--watch']);
    try {
      await watch.waitFor((out) => out.includes('first'));
      expect(parseTable(watch.stdout)).toEqual({ header: ['NAME', 'DATA', 'AGE'], rows: [['first', '1', expect.stringMatching(AGE)]] });
      expect(await kn(['create', 'configmap', 'second', '--from-literal=a=1', '--from-literal=b=2'])).toMatchObject({ code: 0 });
      await watch.waitFor((out) => out.includes('second'));
      expect(await kn(['patch', 'cm', 'second', '--type=merge', '-p', '{"data":{"c":"3"}}'])).toMatchObject({ code: 0 });
      await watch.waitFor((out) => /second\s+3\s/.test(out));
      // Each event is a one-row table; kubectl keeps the first table's column widths.
      expect(lines(watch.stdout).slice(1).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([['first', '1'], ['second', '2'], ['second', '3']]);
      expect(watch.stderr).toBe('');
    } finally {
      await watch.stop();
    }
  });

  test('get -w --output-watch-events shows ADDED, MODIFIED and DELETED', async () => {
    await kn(['create', '-f', '-'], configMaps(['third'], { events: 'yes' }));
    const watch = k.start(['-n', ns, 'get', 'cm', '-l', 'events=yes', '-w', '--output-watch-events']);
    try {
      await watch.waitFor((out) => out.includes('third'));
      await kn(['patch', 'cm', 'third', '--type=merge', '-p', '{"data":{"k2":"v2"}}']);
      await kn(['delete', 'cm', 'third']);
      await watch.waitFor((out) => out.includes('DELETED'));
      const table = parseTable(watch.stdout);
      expect(table.header).toEqual(['EVENT', 'NAME', 'DATA', 'AGE']);
      // The initial list arrives as ADDED; DELETED carries the last state.
      expect(table.rows.map((r) => r.slice(0, 3))).toEqual([['ADDED', 'third', '1'], ['MODIFIED', 'third', '2'], ['DELETED', 'third', '2']]);
    } finally {
      await watch.stop();
    }
  });

  test('get -w -o name with --request-timeout ends by itself', async () => {
    await kn(['create', '-f', '-'], configMaps(['fourth-a'], { batch: 'four' }));
    const watch = k.start(['-n', ns, 'get', 'cm', '-l', 'batch=four', '-w', '-o', 'name', '--request-timeout=2s']);
    await watch.waitFor((out) => out.includes('configmap/fourth-a'));
    await kn(['create', '-f', '-'], configMaps(['fourth-b'], { batch: 'four' }));
    await watch.waitFor((out) => out.includes('configmap/fourth-b'));
    await watch.done();
    expect(watch.stdout).toBe('configmap/fourth-a\nconfigmap/fourth-b\n');
    expect(watch.exitCode).toBe(0);
  });

  test('delete by name, and NotFound for a missing one', async () => {
    expect(await kn(['delete', 'configmap', 'first'])).toEqual({ code: 0, stdout: `${deleted('configmap "first"')}\n`, stderr: '' });
    expect(await kn(['get', 'cm', 'first'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): configmaps "first" not found\n' });
    expect(await kn(['delete', 'cm', 'first'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): configmaps "first" not found\n' });
    expect(await kn(['delete', 'cm', 'first', '--ignore-not-found'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('delete a pod that was never scheduled is immediate', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: idle\nspec:\n  containers:\n  - name: c\n    image: busybox\n';
    expect(await kn(['create', '-f', '-'], pod)).toMatchObject({ code: 0 });
    expect(await kn(['delete', 'pod', 'idle'])).toEqual({ code: 0, stdout: `${deleted('pod "idle"')}\n`, stderr: '' });
    expect((await kn(['get', 'pods'])).stderr).toBe(`No resources found in ${ns} namespace.\n`);
  });

  test('delete --dry-run=server keeps the object', async () => {
    expect(await kn(['delete', 'cm', 'second', '--dry-run=server'])).toEqual({
      code: 0, stdout: `${deleted('configmap "second"', ' (server dry run)')}\n`, stderr: '',
    });
    expect((await kn(['get', 'cm', 'second', '-o', 'name'])).stdout).toBe('configmap/second\n');
  });

  test('delete -l deletes only the matching objects', async () => {
    await kn(['create', '-f', '-'], configMaps(['red-1', 'red-2'], { color: 'red' }) + '---\n' + configMaps(['blue-1'], { color: 'blue' }));
    const result = await kn(['delete', 'cm', '-l', 'color=red']);
    expect(result).toEqual({ code: 0, stdout: `${deleted('configmap "red-1"')}\n${deleted('configmap "red-2"')}\n`, stderr: '' });
    expect((await kn(['get', 'cm', '-l', 'color', '-o', 'name'])).stdout).toBe('configmap/blue-1\n');
    const none = await kn(['delete', 'cm', '-l', 'color=green']);
    expect(none).toEqual({ code: 0, stdout: 'No resources found\n', stderr: '' });
  });

  test('delete --all empties the namespace of that kind', async () => {
    const names = lines((await kn(['get', 'cm', '-o', 'name'])).stdout).map((n) => n.replace('configmap/', ''));
    expect(names).toEqual(['blue-1', 'fourth-a', 'fourth-b', 'second']);
    const result = await kn(['delete', 'configmaps', '--all']);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(names.map((n) => deleted(`configmap "${n}"`)));
    expect(await kn(['get', 'cm'])).toEqual({ code: 0, stdout: '', stderr: `No resources found in ${ns} namespace.\n` });
  });

  test('deleting a namespace leaves it Terminating (its kubernetes finalizer stays without a controller)', async () => {
    await kn(['create', 'configmap', 'left-behind']);
    expect(await k.run(['delete', 'namespace', ns, '--wait=false'])).toEqual({ code: 0, stdout: `namespace "${ns}" deleted\n`, stderr: '' });
    expect(parseTable((await k.run(['get', 'ns', ns])).stdout).rows).toEqual([[ns, 'Terminating', expect.stringMatching(AGE)]]);
    const meta = await k.run(['get', 'ns', ns, '-o', 'jsonpath={.status.phase} {.spec.finalizers} {.metadata.deletionTimestamp}']);
    expect(meta.stdout).toMatch(/^Terminating \["kubernetes"\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Its content is still there, and nothing new may be created in it.
    expect((await kn(['get', 'cm', '-o', 'name'])).stdout).toBe('configmap/left-behind\n');
    const refused = await kn(['create', '-f', '-'], configMaps(['late']));
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `Error from server (Forbidden): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated\n`,
    });
    // Deleting again is accepted and changes nothing.
    expect(await k.run(['delete', 'namespace', ns, '--wait=false'])).toMatchObject({ code: 0 });
    expect((await k.run(['get', 'ns', ns, '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Terminating');
  });
});
