// The fake ingress controller on the virtual clock: its own and the default class's Ingresses get an address.
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { defaultIngressClass, ingressStatusController } from './ingress-status.js';

let tb: ControllerTestbed;
const ns = 'default';
const api = 'networking.k8s.io/v1';

beforeEach(async () => {
  tb = await startControllerTestbed([ingressStatusController()]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const ingress = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name },
  spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } }, ...spec },
});
const addressOf = async (name: string) =>
  ((await tb.client.get(api, 'ingresses', ns, name)).status as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress;

test('Ingresses of the default kubefake class, named or not, get the controller’s address', async () => {
  await tb.client.create(api, 'ingressclasses', undefined, defaultIngressClass());
  await tb.client.create(api, 'ingresses', ns, ingress('named', { ingressClassName: 'kubefake' }));
  await tb.client.create(api, 'ingresses', ns, ingress('unnamed'));
  await tb.settle();
  expect(await addressOf('named')).toEqual([{ ip: '172.18.255.199' }]);
  expect(await addressOf('unnamed')).toEqual([{ ip: '172.18.255.199' }]);
});

test('other controllers’ classes are left alone; a class of ours that is not the default still counts', async () => {
  await tb.client.create(api, 'ingressclasses', undefined, { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } });
  await tb.client.create(api, 'ingressclasses', undefined, { metadata: { name: 'internal' }, spec: { controller: 'kubefake.dev/ingress' } });
  await tb.client.create(api, 'ingresses', ns, ingress('nginx', { ingressClassName: 'nginx' }));
  await tb.client.create(api, 'ingresses', ns, ingress('legacy', {}));
  await tb.client.patch(api, 'ingresses', ns, 'legacy', 'merge', { metadata: { annotations: { 'kubernetes.io/ingress.class': 'internal' } } });
  await tb.client.create(api, 'ingresses', ns, ingress('classless'));
  await tb.client.create(api, 'ingresses', ns, ingress('later', { ingressClassName: 'kubefake' }));
  await tb.settle();
  expect(await addressOf('nginx')).toBeUndefined();
  expect(await addressOf('legacy')).toEqual([{ ip: '172.18.255.199' }]);
  // No default class yet, and no class named kubefake: nothing to do until one appears.
  expect(await addressOf('classless')).toBeUndefined();
  expect(await addressOf('later')).toBeUndefined();
  await tb.client.create(api, 'ingressclasses', undefined, defaultIngressClass());
  await tb.settle();
  expect(await addressOf('classless')).toEqual([{ ip: '172.18.255.199' }]);
  expect(await addressOf('later')).toEqual([{ ip: '172.18.255.199' }]);
  expect(await addressOf('nginx')).toBeUndefined();
});

test('the default IngressClass the cluster starts with', () => {
  expect(defaultIngressClass()).toEqual({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'kubefake', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
    spec: { controller: 'kubefake.dev/ingress' },
  });
});
