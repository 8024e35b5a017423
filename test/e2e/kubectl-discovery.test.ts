// kubectl e2e, every version: version, api-resources, api-versions, explain, raw health endpoints, auth can-i.
import { kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf, lines, parseTable } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);

  test('version shows the server version', async () => {
    const result = await k.run(['version']);
    expect(result.code).toBe(0);
    if (k.minor <= 27) {
      // 1.27 still prints the Go struct by default.
      expect(result.stdout).toMatch(/^Server Version: version\.Info\{Major:"1", Minor:"36", GitVersion:"v1\.36\.0-kubefake",/m);
    } else {
      expect(lines(result.stdout)).toContain('Server Version: v1.36.0-kubefake');
      expect(result.stdout).toMatch(/^Client Version: v1\.\d+\.\d+$/m);
    }
    // kubectl warns on a skew of more than one minor version: 1.35 is within it, older ones are not.
    const skew = `WARNING: version difference between client (${k.version}) and server (1.36) exceeds the supported minor version skew of +/-1`;
    if (k.minor < 35) expect(result.stderr).toContain(skew);
    else expect(result.stderr).not.toContain('version skew');
  });

  test('version -o json carries the server version info', async () => {
    const result = await k.run(['version', '-o', 'json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { serverVersion: Record<string, string> };
    expect(parsed.serverVersion).toMatchObject({ major: '1', minor: '36', gitVersion: 'v1.36.0-kubefake', platform: 'linux/amd64' });
  });

  test('api-resources lists short names, group versions and scope', async () => {
    const result = await k.run(['api-resources']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const table = parseTable(result.stdout);
    expect(table.header).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    const byName = (name: string, apiVersion: string) => table.rows.find((r) => r[0] === name && r[2] === apiVersion);
    expect(byName('pods', 'v1')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(byName('services', 'v1')).toEqual(['services', 'svc', 'v1', 'true', 'Service']);
    expect(byName('configmaps', 'v1')).toEqual(['configmaps', 'cm', 'v1', 'true', 'ConfigMap']);
    expect(byName('secrets', 'v1')).toEqual(['secrets', '', 'v1', 'true', 'Secret']);
    expect(byName('namespaces', 'v1')).toEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    expect(byName('nodes', 'v1')).toEqual(['nodes', 'no', 'v1', 'false', 'Node']);
    expect(byName('deployments', 'apps/v1')).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(byName('replicasets', 'apps/v1')).toEqual(['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet']);
    expect(byName('cronjobs', 'batch/v1')).toEqual(['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob']);
    expect(byName('ingresses', 'networking.k8s.io/v1')).toEqual(['ingresses', 'ing', 'networking.k8s.io/v1', 'true', 'Ingress']);
    expect(byName('clusterroles', 'rbac.authorization.k8s.io/v1')).toEqual(['clusterroles', '', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole']);
    expect(byName('customresourcedefinitions', 'apiextensions.k8s.io/v1')).toEqual([
      'customresourcedefinitions', 'crd,crds', 'apiextensions.k8s.io/v1', 'false', 'CustomResourceDefinition',
    ]);
    // Subresources (pods/log, deployments/scale) are not resources of their own.
    expect(table.rows.some((r) => (r[0] ?? '').includes('/'))).toBe(false);
  });

  test('api-resources -o wide shows verbs and categories; filters by group and scope', async () => {
    const wide = parseTable((await k.run(['api-resources', '-o', 'wide', '--api-group=apps'])).stdout);
    expect(wide.header).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
    expect(wide.rows.map((r) => r[0])).toEqual(['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
    expect(wide.rows.find((r) => r[0] === 'deployments')).toEqual([
      'deployments', 'deploy', 'apps/v1', 'true', 'Deployment', 'create,delete,deletecollection,get,list,patch,update,watch', 'all',
    ]);
    const clusterScoped = parseTable((await k.run(['api-resources', '--namespaced=false', '--api-group='])).stdout);
    expect(clusterScoped.rows.map((r) => r[0])).toEqual(['componentstatuses', 'namespaces', 'nodes', 'persistentvolumes']);
    const names = await k.run(['api-resources', '--verbs=list', '-o', 'name', '--api-group=batch']);
    expect(lines(names.stdout)).toEqual(['cronjobs.batch', 'jobs.batch']);
  });

  test('api-versions lists every served group version', async () => {
    const result = await k.run(['api-versions']);
    expect(result.code).toBe(0);
    const versions = lines(result.stdout);
    for (const gv of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1',
      'apiextensions.k8s.io/v1', 'authorization.k8s.io/v1', 'coordination.k8s.io/v1', 'events.k8s.io/v1', 'policy/v1', 'storage.k8s.io/v1']) {
      expect(versions).toContain(gv);
    }
    expect(versions).toEqual([...versions].sort());
  });

  test('explain deployment.spec.replicas', async () => {
    const result = await k.run(['explain', 'deployment.spec.replicas']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Every version renders OpenAPI v3 through its template (1.27/1.28 read /openapi/v2 too, to resolve the kind).
    expect(lines(result.stdout).slice(0, 4)).toEqual(['GROUP:      apps', 'KIND:       Deployment', 'VERSION:    v1', 'FIELD: replicas <integer>']);
    expect(result.stdout).toMatch(/DESCRIPTION:\n\s+Number of desired pods\. This is a pointer to distinguish between explicit\n\s+zero and not specified\. Defaults to 1\./);
  });

  test('explain pods lists the top-level fields', async () => {
    const result = await k.run(['explain', 'pods']);
    expect(result.code).toBe(0);
    expect(lines(result.stdout).slice(0, 2)).toEqual(['KIND:       Pod', 'VERSION:    v1']);
    expect(result.stdout).toMatch(/Pod is a collection of containers that can run on a host\. This resource is\n\s+created by clients and scheduled onto hosts\./);
    const fields = [...result.stdout.matchAll(/^\s+(\w+)\t<(\w+)>/gm)].map((m) => [m[1], m[2]]);
    expect(fields).toEqual([['apiVersion', 'string'], ['kind', 'string'], ['metadata', 'ObjectMeta'], ['spec', 'PodSpec'], ['status', 'PodStatus']]);
  });

  test('explain rejects an unknown field', async () => {
    const result = await k.run(['explain', 'deployment.spec.nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/field "nope" does not exist/);
  });

  test('get --raw /healthz, /livez and /readyz', async () => {
    expect(await k.run(['get', '--raw', '/healthz'])).toEqual({ code: 0, stdout: 'ok', stderr: '' });
    expect(await k.run(['get', '--raw', '/livez'])).toEqual({ code: 0, stdout: 'ok', stderr: '' });
    expect(await k.run(['get', '--raw', '/readyz'])).toEqual({ code: 0, stdout: 'ok', stderr: '' });
    const verbose = await k.run(['get', '--raw', '/readyz?verbose']);
    expect(verbose.code).toBe(0);
    expect(lines(verbose.stdout)).toContain('[+]ping ok');
    expect(lines(verbose.stdout).at(-1)).toBe('readyz check passed');
  });

  test('get --raw of an API path answers JSON', async () => {
    const result = await k.run(['get', '--raw', '/api/v1/namespaces/default']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'default' }, status: { phase: 'Active' } });
    const missing = await k.run(['get', '--raw', '/api/v1/namespaces/nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): namespaces "nope" not found');
  });

  test('auth can-i answers yes', async () => {
    expect(await k.run(['auth', 'can-i', 'create', 'pods'])).toEqual({ code: 0, stdout: 'yes\n', stderr: '' });
    expect(await k.run(['auth', 'can-i', 'delete', 'deployments.apps', '--all-namespaces'])).toEqual({ code: 0, stdout: 'yes\n', stderr: '' });
    expect(await k.run(['auth', 'can-i', 'get', 'secrets', '-n', 'kube-system'])).toEqual({ code: 0, stdout: 'yes\n', stderr: '' });
  });
});
