// kubectl e2e, every version: the controllers move the cluster — deployments, scaling, cascading and namespace deletion, jobs from cronjobs.
import { kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf, parseTable, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('ctl', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const names = async (args: string[]) => {
    const out = await kn([...args, '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(out).toMatchObject({ code: 0 });
    return out.stdout.split(' ').filter((n) => n !== '').sort();
  };

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });

  test('create deployment makes a ReplicaSet named by its template hash and its pods; scale changes the pods', async () => {
    expect(await kn(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3'])).toMatchObject({ code: 0 });
    // The scheduler and the fake kubelet run the pods: rollout status returns once all three are available.
    expect(await kn(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toMatchObject({ code: 0 });
    const rs = await names(['get', 'rs', '-l', 'app=web']);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const table = parseTable((await kn(['get', 'rs', rs[0]!])).stdout);
    expect(table.header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(table.rows[0]!.slice(0, 4)).toEqual([rs[0], '3', '3', '3']);
    const pods = await names(['get', 'pods', '-l', 'app=web']);
    expect(pods).toHaveLength(3);
    for (const pod of pods) expect(pod.startsWith(`${rs[0]}-`)).toBe(true);

    expect(await kn(['scale', 'deployment', 'web', '--replicas=5'])).toMatchObject({ code: 0 });
    expect(await kn(['rollout', 'status', 'deployment/web', '--timeout=60s'])).toMatchObject({ code: 0 });
    expect(await names(['get', 'pods', '-l', 'app=web'])).toHaveLength(5);
    const deploy = parseTable((await kn(['get', 'deployment', 'web'])).stdout);
    expect(deploy.rows[0]!.slice(0, 4)).toEqual(['web', '5/5', '5', '5']);
    const events = await kn(['get', 'events', '--field-selector', 'involvedObject.kind=Deployment,involvedObject.name=web']);
    expect(events.stdout).toContain(`Scaled up replica set ${rs[0]}`);
  });

  test('delete --cascade=orphan leaves the ReplicaSet and pods, released; --cascade=foreground deletes them first', async () => {
    const rs = (await names(['get', 'rs', '-l', 'app=web']))[0]!;
    expect(await kn(['delete', 'deployment', 'web', '--cascade=orphan'])).toMatchObject({ code: 0 });
    await cluster.settle();
    expect((await kn(['get', 'deployment', 'web'])).code).not.toBe(0);
    const owners = await kn(['get', 'rs', rs, '-o', 'jsonpath={.metadata.ownerReferences}']);
    expect(owners).toMatchObject({ code: 0, stdout: '' });
    expect(await names(['get', 'pods', '-l', 'app=web'])).toHaveLength(5);

    // kubectl waits for the ReplicaSet to be gone, which the garbage collector allows only after its pods are.
    expect(await kn(['delete', 'rs', rs, '--cascade=foreground'])).toMatchObject({ code: 0 });
    expect((await kn(['get', 'rs', rs])).code).not.toBe(0);
    expect(await names(['get', 'pods', '-l', 'app=web'])).toEqual([]);
  });

  test('create job --from=cronjob runs a Job owned by the CronJob', async () => {
    expect(await kn(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'true'])).toMatchObject({ code: 0 });
    expect(await kn(['create', 'job', 'nightly-manual', '--from=cronjob/nightly'])).toMatchObject({ code: 0 });
    await cluster.settle();
    const owner = await kn(['get', 'job', 'nightly-manual', '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}']);
    expect(owner.stdout).toBe('CronJob/nightly');
    const annotation = await kn(['get', 'job', 'nightly-manual', '-o', 'jsonpath={.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}']);
    expect(annotation.stdout).toBe('manual');
    expect(await names(['get', 'pods', '-l', 'job-name=nightly-manual'])).toHaveLength(1);
  });

  test('delete namespace returns once the namespace and everything in it are gone', async () => {
    expect(await kn(['create', 'configmap', 'leftover', '--from-literal=a=1'])).toMatchObject({ code: 0 });
    expect(await k.run(['delete', 'namespace', ns])).toMatchObject({ code: 0 });
    const gone = await k.run(['get', 'namespace', ns]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(`namespaces "${ns}" not found`);
    const anything = await k.run(['get', 'configmaps,pods,jobs,cronjobs', '-n', ns, '-o', 'name']);
    expect(anything.stdout).toBe('');
  });
});
