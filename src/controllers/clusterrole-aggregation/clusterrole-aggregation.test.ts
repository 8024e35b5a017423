// The clusterrole-aggregation controller on the virtual clock: aggregated roles follow the roles their selectors match.
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { aggregatedRules, clusterRoleAggregationController } from './clusterrole-aggregation.js';

let tb: ControllerTestbed;
const api = 'rbac.authorization.k8s.io/v1';

beforeEach(async () => {
  tb = await startControllerTestbed([clusterRoleAggregationController()]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const rule = (resource: string, verbs = ['get']) => ({ verbs, apiGroups: [''], resources: [resource] });
const role = (name: string, labels: Record<string, string>, rules: object[]): KubeObject => ({ metadata: { name, labels }, rules });
const aggregated = (name: string, matchLabels: Record<string, string>): KubeObject => ({
  metadata: { name },
  aggregationRule: { clusterRoleSelectors: [{ matchLabels }] },
});
const rulesOf = async (name: string) => (await tb.client.get(api, 'clusterroles', undefined, name)).rules;

test('an aggregated role gets the rules of the roles it selects, by name order, without duplicates', async () => {
  await tb.client.create(api, 'clusterroles', undefined, role('zeta', { agg: 'yes' }, [rule('secrets'), rule('pods')]));
  await tb.client.create(api, 'clusterroles', undefined, role('alpha', { agg: 'yes' }, [rule('pods'), rule('configmaps')]));
  await tb.client.create(api, 'clusterroles', undefined, role('other', { agg: 'no' }, [rule('nodes')]));
  await tb.client.create(api, 'clusterroles', undefined, aggregated('combined', { agg: 'yes' }));
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('pods'), rule('configmaps'), rule('secrets')]);
  const stored = await tb.client.get(api, 'clusterroles', undefined, 'combined');
  const managers = (stored.metadata.managedFields ?? []) as { manager?: string; operation?: string }[];
  expect(managers.some((f) => f.manager === 'clusterrole-aggregation-controller' && f.operation === 'Apply')).toBe(true);
});

test('rules follow label changes, rule changes, new roles and deletions', async () => {
  await tb.client.create(api, 'clusterroles', undefined, aggregated('combined', { agg: 'yes' }));
  await tb.client.create(api, 'clusterroles', undefined, role('a', { agg: 'yes' }, [rule('pods')]));
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('pods')]);

  await tb.client.create(api, 'clusterroles', undefined, role('b', {}, [rule('secrets')]));
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('pods')]);
  await tb.client.patch(api, 'clusterroles', undefined, 'b', 'merge', { metadata: { labels: { agg: 'yes' } } });
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('pods'), rule('secrets')]);

  await tb.client.patch(api, 'clusterroles', undefined, 'a', 'merge', { rules: [rule('pods', ['get', 'list'])] });
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('pods', ['get', 'list']), rule('secrets')]);

  await tb.client.patch(api, 'clusterroles', undefined, 'a', 'merge', { metadata: { labels: { agg: null } } });
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('secrets')]);

  await tb.client.delete(api, 'clusterroles', undefined, 'b');
  await tb.settle();
  // Nothing selected any more: the rules the controller applied are gone.
  expect((await rulesOf('combined')) ?? []).toEqual([]);
});

test('a user’s edit of an aggregated role’s rules is undone; a role stops aggregating when its rule is removed', async () => {
  await tb.client.create(api, 'clusterroles', undefined, role('a', { agg: 'yes' }, [rule('pods')]));
  await tb.client.create(api, 'clusterroles', undefined, aggregated('combined', { agg: 'yes' }));
  await tb.settle();
  await tb.client.patch(api, 'clusterroles', undefined, 'combined', 'merge', { rules: [rule('everything', ['*'])] });
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('pods')]);

  await tb.client.patch(api, 'clusterroles', undefined, 'combined', 'merge', { aggregationRule: null, rules: [rule('nodes')] });
  await tb.client.patch(api, 'clusterroles', undefined, 'a', 'merge', { rules: [rule('pods'), rule('services')] });
  await tb.settle();
  expect(await rulesOf('combined')).toEqual([rule('nodes')]);
});

test('chains of aggregated roles converge, as admin ← edit ← view do', async () => {
  await tb.client.create(api, 'clusterroles', undefined, { ...aggregated('top', { 'to-top': 'true' }) });
  await tb.client.create(api, 'clusterroles', undefined, { ...aggregated('middle', { 'to-middle': 'true' }), metadata: { name: 'middle', labels: { 'to-top': 'true' } } });
  await tb.client.create(api, 'clusterroles', undefined, { ...aggregated('bottom', { 'to-bottom': 'true' }), metadata: { name: 'bottom', labels: { 'to-middle': 'true' } } });
  await tb.client.create(api, 'clusterroles', undefined, role('leaf-bottom', { 'to-bottom': 'true' }, [rule('pods')]));
  await tb.client.create(api, 'clusterroles', undefined, role('leaf-middle', { 'to-middle': 'true' }, [rule('secrets')]));
  await tb.client.create(api, 'clusterroles', undefined, role('leaf-top', { 'to-top': 'true' }, [rule('roles')]));
  await tb.settle();
  expect(await rulesOf('bottom')).toEqual([rule('pods')]);
  expect(await rulesOf('middle')).toEqual([rule('pods'), rule('secrets')]);
  // Selected roles in name order: leaf-top before middle.
  expect(await rulesOf('top')).toEqual([rule('roles'), rule('pods'), rule('secrets')]);
});

test('several selectors, each in turn; matchExpressions; a role never aggregates itself', () => {
  const labelled = (name: string, labels: Record<string, string>, rules: object[]): KubeObject => ({ metadata: { name, labels }, rules });
  const self: KubeObject = {
    metadata: { name: 'self', labels: { team: 'a' } },
    rules: [rule('stale')],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'b' } }, { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] }] },
  };
  const all = [self, labelled('y-a', { team: 'a' }, [rule('pods')]), labelled('x-b', { team: 'b' }, [rule('nodes')]), labelled('z-b', { team: 'b' }, [rule('pods')])];
  expect(aggregatedRules(self, all)).toEqual([rule('nodes'), rule('pods')]);
  // An equal rule with its empty lists spelled out is still the same rule.
  const spelled = labelled('w-b', { team: 'b' }, [{ ...rule('nodes'), resourceNames: [] }]);
  expect(aggregatedRules(self, [...all, spelled])).toEqual([{ ...rule('nodes'), resourceNames: [] }, rule('pods')]);
});
