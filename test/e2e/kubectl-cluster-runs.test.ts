// kubectl e2e on the real clock with the default cluster (3 nodes, scheduler, kubelet): workloads run as on a real cluster.
import { kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf, parseTable, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.close();
});

// The oldest and the newest kubectl: rollout status, wait and logs changed most between them.
const binaries = kubectlBinaries().filter((b, i, all) => i === 0 || i === all.length - 1);

describe.each(binaries)('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('runs', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });

  test('get nodes lists the three Ready workers', async () => {
    const table = parseTable((await k.run(['get', 'nodes'])).stdout);
    expect(table.header).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(table.rows.map((r) => [r[0], r[1], r[4]])).toEqual([
      ['kubefake-worker', 'Ready', 'v1.36.0'],
      ['kubefake-worker2', 'Ready', 'v1.36.0'],
      ['kubefake-worker3', 'Ready', 'v1.36.0'],
    ]);
  });

  test('rollout status returns once the deployment is rolled out; wait --for=condition=Ready returns', async () => {
    expect(await kn(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'])).toMatchObject({ code: 0 });
    const rollout = await kn(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(rollout).toMatchObject({ code: 0 });
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    const wait = await kn(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '--timeout=60s']);
    expect(wait.code).toBe(0);
    expect(wait.stdout.trim().split('\n')).toHaveLength(3);
    const deploy = parseTable((await kn(['get', 'deployment', 'web'])).stdout);
    expect(deploy.rows[0]!.slice(0, 4)).toEqual(['web', '3/3', '3', '3']);
  });

  test('get pods -o wide shows each pod Running with its node and an IP from that node\'s CIDR', async () => {
    const table = parseTable((await kn(['get', 'pods', '-l', 'app=web', '-o', 'wide'])).stdout);
    expect(table.header.slice(0, 7)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    expect(table.rows).toHaveLength(3);
    for (const row of table.rows) {
      expect(row.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
      expect(row[6]).toMatch(/^kubefake-worker\d?$/);
      const index = row[6] === 'kubefake-worker' ? 0 : Number(row[6]!.slice('kubefake-worker'.length)) - 1;
      expect(row[5]).toMatch(new RegExp(`^10\\.244\\.${index}\\.\\d+$`));
    }
  });

  test('describe pod shows the scheduler\'s and the kubelet\'s events; logs prints the container\'s lines', async () => {
    const pod = (await kn(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const described = await kn(['describe', 'pod', pod]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Node:\s+kubefake-worker\d?\/172\.18\.0\.\d+/);
    expect(described.stdout).toMatch(/Status:\s+Running/);
    expect(described.stdout).toContain(`Successfully assigned ${ns}/${pod} to kubefake-worker`);
    for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started']) expect(described.stdout).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
    const logs = await kn(['logs', pod]);
    expect(logs.code).toBe(0);
    expect(logs.stdout.trim().length).toBeGreaterThan(0);
    const tail = await kn(['logs', pod, '--tail=1']);
    expect(tail.stdout.trim().split('\n')).toHaveLength(1);
  });

  test('a Job completes and wait --for=condition=complete returns', async () => {
    expect(await kn(['create', 'job', 'once', '--image=busybox', '--', 'true'])).toMatchObject({ code: 0 });
    const wait = await kn(['wait', '--for=condition=complete', 'job/once', '--timeout=60s']);
    expect(wait).toMatchObject({ code: 0 });
    const table = parseTable((await kn(['get', 'job', 'once'])).stdout);
    expect(table.rows[0]!.slice(0, 3)).toEqual(['once', 'Complete', '1/1']);
  });

  test('a Service\'s Endpoints list exactly its ready pods', async () => {
    expect(await kn(['expose', 'deployment', 'web', '--port=80'])).toMatchObject({ code: 0 });
    await cluster.settle();
    const podIPs = (await kn(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.split(' ').sort();
    const endpointIPs = (await kn(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}'])).stdout.split(' ').sort();
    expect(endpointIPs).toEqual(podIPs);
  });

  test('drain evicts a node\'s pods within the PodDisruptionBudget; they come back on the other nodes', async () => {
    expect(await kn(['create', 'deployment', 'spread', '--image=nginx:1.27', '--replicas=6'])).toMatchObject({ code: 0 });
    expect(await kn(['rollout', 'status', 'deployment/spread', '--timeout=60s'])).toMatchObject({ code: 0 });
    expect(await kn(['create', 'poddisruptionbudget', 'spread', '--selector=app=spread', '--min-available=5'])).toMatchObject({ code: 0 });
    const node = binary === binaries[0] ? 'kubefake-worker' : 'kubefake-worker2';
    const drain = await k.run(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s']);
    expect(drain.code).toBe(0);
    expect(drain.stdout).toContain(`node/${node} drained`);
    // One at a time: the budget let only one pod go until its replacement was available elsewhere.
    expect(drain.stderr).toContain('Cannot evict pod as it would violate the pod\'s disruption budget.');
    expect(await kn(['rollout', 'status', 'deployment/spread', '--timeout=60s'])).toMatchObject({ code: 0 });
    const nodes = (await kn(['get', 'pods', '-l', 'app=spread', '-o', 'jsonpath={.items[*].spec.nodeName}'])).stdout.split(' ');
    expect(nodes).toHaveLength(6);
    expect(nodes).not.toContain(node);
    expect((await k.run(['get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}'])).stdout).toBe('true');
    expect(await k.run(['uncordon', node])).toMatchObject({ code: 0 });
  });
});
