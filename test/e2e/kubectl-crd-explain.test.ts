// kubectl e2e, every version: explain and apply on a custom resource, which need the CRD in /openapi/v2 and /openapi/v3.
import { apiServerOnly, kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';
import { installEstablished, widgetDefinition } from './crd-openapi-support.js';
import { kubectlOf, lines } from './kubectl-harness.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  await installEstablished(cluster, widgetDefinition());
});
afterAll(async () => {
  await cluster.close();
});

describe.each(kubectlBinaries())('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);

  test('explain widgets shows the kind, its description and its fields', async () => {
    const result = await k.run(['explain', 'widgets']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(expect.arrayContaining(['KIND:       Widget', 'VERSION:    v1']));
    expect(result.stdout).toMatch(/DESCRIPTION:\n\s+Widget is a thing with gears\./);
    const fields = [...result.stdout.matchAll(/^\s+(\w+)\t<(\w+)>/gm)].map((m) => [m[1], m[2]]);
    expect(fields).toEqual([['apiVersion', 'string'], ['kind', 'string'], ['metadata', 'ObjectMeta'], ['spec', 'Object'], ['status', 'Object']]);
  });

  test('explain widgets.spec shows the nested field descriptions', async () => {
    const result = await k.run(['explain', 'widgets.spec']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/FIELD: +spec <Object>/);
    expect(result.stdout).toMatch(/DESCRIPTION:\n\s+WidgetSpec describes how the widget turns\./);
    expect(result.stdout).toMatch(/^\s+size\t<integer>\n\s+Number of gears in the widget\./m);
    expect(result.stdout).toMatch(/^\s+color\t<string>\n\s+Paint colour of the widget\./m);
  });

  test('explain widgets.spec.size and an unknown field', async () => {
    const size = await k.run(['explain', 'widgets.spec.size']);
    expect(size.code).toBe(0);
    expect(size.stdout).toMatch(/FIELD: +size <integer>/);
    expect(size.stdout).toMatch(/Number of gears in the widget\./);
    const unknown = await k.run(['explain', 'widgets.spec.nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/field "nope" does not exist/);
  });

  test('apply creates and then configures a widget', async () => {
    const name = `w-${binary.version.replace('.', '-')}`;
    const manifest = (size: number): string =>
      `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  size: ${size}\n  color: red\n`;
    const created = await k.run(['apply', '-f', '-'], manifest(3));
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe(`widget.example.com/${name} created`);
    const configured = await k.run(['apply', '-f', '-'], manifest(4));
    expect(configured.stderr).toBe('');
    expect(configured.stdout.trim()).toBe(`widget.example.com/${name} configured`);
    const stored = await cluster.client.get('example.com/v1', 'widgets', 'default', name);
    expect((stored as unknown as { spec: { size: number } }).spec.size).toBe(4);
  });
});
