// kubectl e2e of admission webhooks over HTTPS: a mutation shown by get -o yaml, denials printed as upstream prints them.
import { parse } from 'yaml';
import { patchResponse, startWebhookServer, type ReceivedReview, type WebhookTestServer } from '../../src/admission/webhook-test-server.js';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { crdKubectlBinaries, crontab, crontabCrdPath, crontabSpec } from './crd-e2e-support.js';
import { kubectlOf, versionNamespace } from './kubectl-harness.js';

const binaries = crdKubectlBinaries();
/**
 * Where the mutating webhook's clientConfig.service points; webhookServiceResolver maps it onto the test's server. The
 * TLS name checked is still the service's (webhook.default.svc), which the test server's certificate carries.
 */
const webhookService = { namespace: 'default', name: 'webhook', port: 443 };

let server: WebhookTestServer;
let cluster: TestCluster;

type CronTabObject = { metadata: { labels?: Record<string, string> }; spec: { color?: string; image?: string } };
const objectOf = (received: ReceivedReview) => received.review.request.object as unknown as CronTabObject;

/** Labels what it admits and paints colourless CronTabs green, as a defaulting webhook would. */
function mutate(received: ReceivedReview): Record<string, unknown> {
  const object = objectOf(received);
  const operations: unknown[] = object.metadata.labels
    ? [{ op: 'add', path: '/metadata/labels/admitted-by', value: 'crontab-webhook' }]
    : [{ op: 'add', path: '/metadata/labels', value: { 'admitted-by': 'crontab-webhook' } }];
  if (object.spec.color === undefined) operations.push({ op: 'add', path: '/spec/color', value: 'green' });
  return patchResponse(operations);
}

/** Refuses images tagged latest as controller-runtime's admission.Denied does (403 Forbidden), and untagged ones without a code. */
function validate(received: ReceivedReview): Record<string, unknown> {
  const image = objectOf(received).spec.image ?? '';
  if (image.endsWith(':latest')) return { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'image tag "latest" is not allowed' } };
  if (!image.includes(':')) return { allowed: false, status: { message: `image "${image}" has no tag` } };
  return { allowed: true };
}

function webhookConfigurations(): string {
  const rules = `  rules:
  - apiGroups: [stable.example.com]
    apiVersions: [v1]
    operations: [CREATE, UPDATE]
    resources: [crontabs]
  sideEffects: None
  admissionReviewVersions: [v1]
`;
  return `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: crontab-defaults
webhooks:
- name: defaults.crontabs.stable.example.com
  clientConfig:
    service:
      namespace: ${webhookService.namespace}
      name: ${webhookService.name}
      path: /mutate
    caBundle: ${server.caBundle}
${rules}---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: crontab-policy
webhooks:
- name: images.crontabs.stable.example.com
  clientConfig:
    url: ${server.url}/validate
    caBundle: ${server.caBundle}
${rules}`;
}

beforeAll(async () => {
  server = await startWebhookServer();
  server.handle('/mutate', mutate);
  server.handle('/validate', validate);
  cluster = await startTestCluster({
    ...apiServerOnly,
    crds: [crontabCrdPath],
    webhookServiceResolver: ({ namespace, name, port, path }) =>
      namespace === webhookService.namespace && name === webhookService.name && port === webhookService.port ? `${server.url}${path}` : undefined,
  });
  const newest = kubectlOf(binaries[binaries.length - 1]!, () => cluster);
  expect(await newest.run(['apply', '-f', '-'], webhookConfigurations())).toEqual({
    code: 0,
    stdout:
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/crontab-defaults created\n' +
      'validatingwebhookconfiguration.admissionregistration.k8s.io/crontab-policy created\n',
    stderr: '',
  });
});
afterAll(async () => {
  await Promise.all([cluster?.close(), server?.close()]);
});

describe.each(binaries)('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  const ns = versionNamespace('hooks', binary.version);
  const kn = (args: string[], input?: string) => k.run(['-n', ns, ...args], input);
  const reviewsOf = (path: string, name: string) => server.received.filter((r) => r.path.startsWith(path) && r.review.request.name === name && r.review.request.namespace === ns);

  beforeAll(async () => {
    expect(await k.run(['create', 'namespace', ns])).toMatchObject({ code: 0 });
  });

  test('create and apply go through the service-referenced mutating webhook: get -o yaml shows its label and default', async () => {
    const manifest = crontab('created', crontabSpec('red'), '  labels:\n    team: ops\n');
    expect(await kn(['create', '-f', '-'], manifest)).toEqual({ code: 0, stdout: 'crontab.stable.example.com/created created\n', stderr: '' });
    const created = parse((await kn(['get', 'crontab', 'created', '-o', 'yaml'])).stdout) as CronTabObject;
    expect(created.metadata.labels).toEqual({ team: 'ops', 'admitted-by': 'crontab-webhook' });
    expect(created.spec.color).toBe('red');

    const colourless = crontab('applied', '  cronSpec: "@daily"\n  image: backup:1.0\n');
    expect(await kn(['apply', '-f', '-'], colourless)).toEqual({ code: 0, stdout: 'crontab.stable.example.com/applied created\n', stderr: '' });
    const applied = parse((await kn(['get', 'crontab', 'applied', '-o', 'yaml'])).stdout) as CronTabObject;
    expect(applied.metadata.labels).toEqual({ 'admitted-by': 'crontab-webhook' });
    expect(applied.spec.color).toBe('green');
    // The webhook saw the object before the mutation; the validating webhook saw it after.
    const [mutation] = reviewsOf('/mutate', 'applied');
    expect(mutation?.review.request).toMatchObject({ operation: 'CREATE', kind: { group: 'stable.example.com', version: 'v1', kind: 'CronTab' } });
    expect(objectOf(mutation!).spec.color).toBeUndefined();
    expect(reviewsOf('/validate', 'applied').map((r) => objectOf(r).spec.color)).toEqual(['green']);
  });

  test('the url-referenced validating webhook denies; kubectl prints the denial as upstream does', async () => {
    expect(await kn(['create', '-f', '-'], crontab('newest', crontabSpec('red', { image: 'backup:latest' })))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (Forbidden): error when creating "STDIN": admission webhook "images.crontabs.stable.example.com" denied the request: image tag "latest" is not allowed\n',
    });
    // A denial without a code is a 400 without a reason: kubectl prints it without one.
    expect(await kn(['apply', '-f', '-'], crontab('untagged', crontabSpec('red', { image: 'backup' })))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server: error when creating "STDIN": admission webhook "images.crontabs.stable.example.com" denied the request: image "backup" has no tag\n',
    });
    // Updates are reviewed too.
    expect(await kn(['patch', 'crontab', 'created', '--type=merge', '-p', '{"spec":{"image":"backup:latest"}}'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (Forbidden): admission webhook "images.crontabs.stable.example.com" denied the request: image tag "latest" is not allowed\n',
    });
    expect((await kn(['get', 'crontab', 'created', '-o', 'jsonpath={.spec.image}'])).stdout).toBe('backup:1.0');
    expect((await kn(['get', 'crontabs', '-o', 'name'])).stdout).toBe('crontab.stable.example.com/applied\ncrontab.stable.example.com/created\n');
  });
});
