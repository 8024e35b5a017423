// kubectl e2e, every version: client-side apply updates, diff, strategic/merge/json patches, label, set, rollout restart, scale, edit.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiServerOnly, kubectlBinaries, run, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf, versionNamespace } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
});
afterAll(async () => {
  await cluster.close();
});

interface Container {
  name: string;
  image: string;
  env?: Record<string, string>;
}

/** A Deployment manifest with the given labels and containers, in the order given. */
const deployment = (name: string, labels: Record<string, string>, containers: Container[], replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${v}\n`).join('')}spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
${containers.map((c) => `      - name: ${c.name}
        image: ${c.image}
${c.env ? `        env:\n${Object.entries(c.env).map(([k, v]) => `        - name: ${k}\n          value: "${v}"\n`).join('')}` : ''}`).join('')}`;

const first = deployment('web', { app: 'web', tier: 'frontend' }, [{ name: 'app', image: 'nginx:1.27', env: { A: '1', B: '2' } }]);
// Drops env B and the tier label, and adds a sidecar ahead of the app container.
const second = deployment('web', { app: 'web' }, [{ name: 'sidecar', image: 'busybox:1.36' }, { name: 'app', image: 'nginx:1.27', env: { A: '1' } }]);
const third = second.replace('nginx:1.27', 'nginx:1.28');

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('patch', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const json = async (what: string[]) => JSON.parse((await kn(['get', ...what, '-o', 'json'])).stdout) as Record<string, any>;
  const jsonpath = async (what: string[], path: string) => (await kn(['get', ...what, '-o', `jsonpath=${path}`])).stdout;
  const containers = async (name: string) => (await json(['deploy', name])).spec.template.spec.containers as Record<string, any>[];
  // kubectl 1.27 printed the verb without its past tense.
  const annotated = k.minor <= 27 ? 'annotate' : 'annotated';

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });

  test('apply -f again: dropped env var and label disappear, an added container lands in manifest order', async () => {
    expect(await kn(['apply', '-f', '-'], first)).toEqual({ code: 0, stdout: 'deployment.apps/web created\n', stderr: '' });
    expect(await kn(['apply', '-f', '-'], second)).toEqual({ code: 0, stdout: 'deployment.apps/web configured\n', stderr: '' });
    const live = await json(['deploy', 'web']);
    expect(live.metadata.labels).toEqual({ app: 'web' });
    expect(live.metadata.generation).toBe(2);
    expect(live.spec.template.spec.containers.map((c: Record<string, unknown>) => [c.name, c.image, c.env])).toEqual([
      ['sidecar', 'busybox:1.36', undefined],
      ['app', 'nginx:1.27', [{ name: 'A', value: '1' }]],
    ]);
    // Defaults the server filled in survive the three-way merge.
    expect(live.spec.template.spec.containers[1]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' });
    const lastApplied = JSON.parse(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']) as Record<string, any>;
    expect(lastApplied).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns, labels: { app: 'web' } } });
    expect(lastApplied.spec.template.spec.containers).toEqual([
      { name: 'sidecar', image: 'busybox:1.36' },
      { name: 'app', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] },
    ]);
    const rv = live.metadata.resourceVersion as string;
    expect(await kn(['apply', '-f', '-'], second)).toEqual({ code: 0, stdout: 'deployment.apps/web unchanged\n', stderr: '' });
    expect(await jsonpath(['deploy', 'web'], '{.metadata.resourceVersion}')).toBe(rv);
  });

  test('diff -f: a changed manifest exits 1 with a unified diff, an identical one exits 0 silently', async () => {
    const rv = await jsonpath(['deploy', 'web'], '{.metadata.resourceVersion}');
    const changed = await kn(['diff', '-f', '-'], third);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toBe('');
    const text = changed.stdout.split('\n');
    expect(text[0]).toMatch(/^diff -u -N \S+\/apps\.v1\.Deployment\.[\w-]+\.web \S+\/apps\.v1\.Deployment\.[\w-]+\.web$/);
    expect(text).toContain('-        image: nginx:1.27');
    expect(text).toContain('+        image: nginx:1.28');
    expect(text).toContain('-  generation: 2');
    expect(text).toContain('+  generation: 3');
    expect(text.filter((l) => /^[-+] /.test(l))).toHaveLength(4);
    expect(await kn(['diff', '-f', '-'], second)).toEqual({ code: 0, stdout: '', stderr: '' });
    // diff asks the server with dryRun: nothing changed.
    expect(await jsonpath(['deploy', 'web'], '{.metadata.resourceVersion} {.spec.template.spec.containers[1].image}')).toBe(`${rv} nginx:1.27`);
  });

  test('patch with the default strategic type merges containers by name', async () => {
    const two = deployment('two', { app: 'two' }, [{ name: 'app', image: 'nginx:1.27', env: { A: '1', B: '2' } }, { name: 'sidecar', image: 'busybox:1.36' }], 1);
    expect(await kn(['create', '-f', '-'], two)).toEqual({ code: 0, stdout: 'deployment.apps/two created\n', stderr: '' });
    const image = '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}';
    expect(await kn(['patch', 'deploy', 'two', '-p', image])).toEqual({ code: 0, stdout: 'deployment.apps/two patched\n', stderr: '' });
    expect((await containers('two')).map((c) => `${c.name}=${c.image}`)).toEqual(['app=nginx:1.28', 'sidecar=busybox:1.36']);
    expect(await kn(['patch', 'deploy', 'two', '-p', image])).toEqual({ code: 0, stdout: 'deployment.apps/two patched (no change)\n', stderr: '' });
    // $patch: delete removes one env entry by its key; the other stays.
    const dropEnv = '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","$patch":"delete"}]}]}}}}';
    expect(await kn(['patch', 'deploy/two', '--type=strategic', '-p', dropEnv])).toMatchObject({ code: 0 });
    expect((await containers('two'))[0]?.env).toEqual([{ name: 'B', value: '2' }]);
    expect(await jsonpath(['deploy', 'two'], '{.metadata.generation}')).toBe('3');
  });

  test('patch --type merge replaces lists; --type json edits by path', async () => {
    expect(await kn(['patch', 'deploy', 'two', '--type', 'merge', '-p', '{"spec":{"minReadySeconds":4},"metadata":{"labels":{"via":"merge"}}}'])).toEqual({
      code: 0, stdout: 'deployment.apps/two patched\n', stderr: '',
    });
    expect(await jsonpath(['deploy', 'two'], '{.spec.minReadySeconds} {.metadata.labels.via}')).toBe('4 merge');
    const ops = '[{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"busybox:1.37"},{"op":"add","path":"/metadata/labels/via","value":"json"}]';
    expect(await kn(['patch', 'deploy', 'two', '--type', 'json', '-p', ops])).toEqual({ code: 0, stdout: 'deployment.apps/two patched\n', stderr: '' });
    expect(await jsonpath(['deploy', 'two'], '{.spec.template.spec.containers[*].image} {.metadata.labels.via}')).toBe('nginx:1.28 busybox:1.37 json');
    // A merge patch of a list is a replacement: the sidecar is gone.
    const one = '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}';
    expect(await kn(['patch', 'deploy', 'two', '--type', 'merge', '-p', one])).toMatchObject({ code: 0 });
    expect((await containers('two')).map((c) => c.name)).toEqual(['app']);
    // The replacement lost the defaults of the old entry, and the server filled them in again.
    expect((await containers('two'))[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' });
    expect((await containers('two'))[0]?.env).toBeUndefined();
  });

  test('label and annotate, with removal', async () => {
    expect(await kn(['label', 'deploy', 'two', 'team=core', 'stage=test'])).toEqual({ code: 0, stdout: 'deployment.apps/two labeled\n', stderr: '' });
    expect(await kn(['label', 'deploy', 'two', 'stage-'])).toEqual({ code: 0, stdout: 'deployment.apps/two unlabeled\n', stderr: '' });
    expect(await jsonpath(['deploy', 'two'], '{.metadata.labels}')).toBe('{"app":"two","team":"core","via":"json"}');
    expect(await kn(['annotate', 'deploy', 'two', 'owner=ops team'])).toEqual({ code: 0, stdout: `deployment.apps/two ${annotated}\n`, stderr: '' });
    expect(await jsonpath(['deploy', 'two'], '{.metadata.annotations.owner}')).toBe('ops team');
    expect(await kn(['annotate', 'deploy', 'two', 'owner-'])).toEqual({ code: 0, stdout: `deployment.apps/two ${annotated}\n`, stderr: '' });
    expect(await jsonpath(['deploy', 'two'], '{.metadata.annotations}')).toBe('');
  });

  test('set image and set env change the named container', async () => {
    expect(await kn(['set', 'image', 'deploy/two', 'app=nginx:2'])).toEqual({ code: 0, stdout: 'deployment.apps/two image updated\n', stderr: '' });
    expect(await kn(['set', 'env', 'deploy/two', 'MODE=fast', 'LEVEL=3'])).toEqual({ code: 0, stdout: 'deployment.apps/two env updated\n', stderr: '' });
    const [app] = await containers('two');
    expect(app).toMatchObject({ name: 'app', image: 'nginx:2', env: [{ name: 'MODE', value: 'fast' }, { name: 'LEVEL', value: '3' }] });
    expect(await kn(['set', 'env', 'deploy/two', 'MODE-'])).toEqual({ code: 0, stdout: 'deployment.apps/two env updated\n', stderr: '' });
    expect((await containers('two'))[0]?.env).toEqual([{ name: 'LEVEL', value: '3' }]);
    const missing = await kn(['set', 'image', 'deploy/two', 'nope=nginx:3']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'error: unable to find container named "nope"\n' });
  });

  test('rollout restart stamps the template and bumps generation', async () => {
    const before = Number(await jsonpath(['deploy', 'two'], '{.metadata.generation}'));
    expect(await kn(['rollout', 'restart', 'deploy/two'])).toEqual({ code: 0, stdout: 'deployment.apps/two restarted\n', stderr: '' });
    const live = await json(['deploy', 'two']);
    const restartedAt = live.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'] as string;
    expect(restartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    expect(Math.abs(Date.parse(restartedAt) - Date.now())).toBeLessThan(60_000);
    expect(live.metadata.generation).toBe(before + 1);
  });

  test('scale sets replicas through the scale subresource', async () => {
    const before = Number(await jsonpath(['deploy', 'two'], '{.metadata.generation}'));
    expect(await kn(['scale', 'deploy/two', '--replicas=3'])).toEqual({ code: 0, stdout: 'deployment.apps/two scaled\n', stderr: '' });
    expect(await jsonpath(['deploy', 'two'], '{.spec.replicas} {.metadata.generation}')).toBe(`3 ${before + 1}`);
  });

  test('edit with an EDITOR script sends the change back', async () => {
    const editor = join(cluster.dir, `edit-${binary.version}.sh`);
    // Replicas at two-space indent, and a label next to the object's own `app` label (four spaces).
    writeFileSync(editor, '#!/bin/sh\nsed -i -e "s/^  replicas: 3$/  replicas: 5/" -e "s/^    app: two$/    app: two\\n    edited: \\"yes\\"/" "$1"\n');
    chmodSync(editor, 0o755);
    const args = ['--kubeconfig', cluster.kubeconfigPath, '--cache-dir', join(cluster.dir, `cache-${binary.version}`), '-n', ns, 'edit', 'deploy/two'];
    expect(await run(binary.path, args, { EDITOR: editor })).toEqual({ code: 0, stdout: 'deployment.apps/two edited\n', stderr: '' });
    expect(await jsonpath(['deploy', 'two'], '{.spec.replicas} {.metadata.labels.edited} {.metadata.labels.app}')).toBe('5 yes two');
    // KUBE_EDITOR wins over EDITOR; an editor that changes nothing is a cancelled edit.
    const noop = join(cluster.dir, `noop-${binary.version}.sh`);
    writeFileSync(noop, '#!/bin/sh\nexit 0\n');
    chmodSync(noop, 0o755);
    const cancelled = await run(binary.path, args, { KUBE_EDITOR: noop, EDITOR: editor });
    expect(cancelled).toEqual({ code: 0, stdout: '', stderr: 'Edit cancelled, no changes made.\n' });
    expect(await jsonpath(['deploy', 'two'], '{.spec.replicas}')).toBe('5');
  });
});
