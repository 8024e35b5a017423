// helm 4 and CRDs: a chart's crds/ directory is installed and Established before its templates' custom resources.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { helm, helmBinary } from './helm-support.js';

let cluster: TestCluster;
const describeHelm = helmBinary ? describe : describe.skip;

/** A chart shipping a CRD in crds/ and one custom resource of it in templates/. */
function chartWithCrd(): string {
  const chart = join(mkdtempSync(join(tmpdir(), 'kubefake-crd-chart-')), 'gadgets');
  mkdirSync(join(chart, 'crds'), { recursive: true });
  mkdirSync(join(chart, 'templates'));
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: gadgets\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'values.yaml'), 'size: 3\n');
  writeFileSync(
    join(chart, 'crds', 'gadgets.yaml'),
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, maximum: 10}
`,
  );
  writeFileSync(
    join(chart, 'templates', 'gadget.yaml'),
    'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  size: {{ .Values.size }}\n',
  );
  return chart;
}

describeHelm('helm install of a chart with CRDs', () => {
  beforeAll(async () => {
    cluster = await startTestCluster(apiServerOnly);
  });
  afterAll(() => cluster?.close());

  test('install creates the CRD, then the custom resource; an upgrade past the schema is refused with its message', async () => {
    const chart = chartWithCrd();
    const install = await helm(cluster, ['install', 'one', chart, '--namespace', 'default']);
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('STATUS: deployed');
    const gadget = await cluster.client.get('example.com/v1', 'gadgets', 'default', 'one');
    expect(gadget.spec).toEqual({ size: 3 });

    const upgrade = await helm(cluster, ['upgrade', 'one', chart, '--namespace', 'default', '--set', 'size=11']);
    expect(upgrade.code).toBe(1);
    expect(upgrade.stderr).toContain('spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10');
    expect((await cluster.client.get('example.com/v1', 'gadgets', 'default', 'one')).spec).toEqual({ size: 3 });
  });
});
