// namespaceSelector / objectSelector tables: cluster-scoped objects, namespaces themselves, missing namespaces, old objects.
import type { LabelSelectorObject } from '../meta/label-selector.js';
import type { KubeObject } from '../meta/types.js';
import { fakeAttributes, labelled, namespacesResource, nodes, type FakeWrite } from './admission-test-fixtures.js';
import { matchNamespaceSelector, matchObjectSelector } from './selectors.js';

const stored: Record<string, KubeObject> = {
  prod: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } },
  dev: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { env: 'dev' } } },
};
const readNamespace = async (name: string) => stored[name];
const prodOnly: LabelSelectorObject = { matchLabels: { env: 'prod' } };
const notProd: LabelSelectorObject = { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] };

describe('matchNamespaceSelector', () => {
  const cases: [string, LabelSelectorObject | undefined, FakeWrite, boolean][] = [
    ['absent selector matches everything', undefined, { namespace: 'dev' }, true],
    ['empty selector matches everything', {}, { namespace: 'dev' }, true],
    ['labels of the stored namespace', prodOnly, { namespace: 'prod' }, true],
    ['other namespace', prodOnly, { namespace: 'dev' }, false],
    ['NotIn', notProd, { namespace: 'dev' }, true],
    ['cluster-scoped objects are never exempted', prodOnly, { resource: nodes }, true],
    ['a namespace being created is judged by its new labels', prodOnly, { resource: namespacesResource, name: 'new', object: labelled('new', { env: 'prod' }) }, true],
    ['a namespace created without them', prodOnly, { resource: namespacesResource, name: 'new', object: labelled('new', {}) }, false],
    ['an update is judged by the incoming labels', prodOnly, { resource: namespacesResource, operation: 'UPDATE', name: 'dev', object: labelled('dev', { env: 'prod' }) }, true],
    ['a delete by the stored namespace', prodOnly, { resource: namespacesResource, operation: 'DELETE', name: 'dev', oldObject: labelled('dev', { env: 'prod' }) }, false],
  ];
  it.each(cases)('%s', async (_name, selector, write, expected) => {
    const outcome = await matchNamespaceSelector(selector, fakeAttributes(write), readNamespace);
    expect(outcome.error).toBeUndefined();
    expect(outcome.matches).toBe(expected);
  });

  it('a namespace that does not exist is a 404 error', async () => {
    const outcome = await matchNamespaceSelector(prodOnly, fakeAttributes({ namespace: 'gone' }), readNamespace);
    expect(outcome.error?.code).toBe(404);
    expect(outcome.error?.message).toBe('namespaces "gone" not found');
  });

  it('an invalid selector is an internal error', async () => {
    const bad: LabelSelectorObject = { matchExpressions: [{ key: 'env', operator: 'Near', values: ['x'] }] };
    const outcome = await matchNamespaceSelector(bad, fakeAttributes({ namespace: 'prod' }), readNamespace);
    expect(outcome.error?.code).toBe(500);
    expect(outcome.error?.message).toBe('Internal error occurred: "Near" is not a valid label selector operator');
  });
});

describe('matchObjectSelector', () => {
  const team: LabelSelectorObject = { matchLabels: { team: 'a' } };
  const cases: [string, LabelSelectorObject | undefined, FakeWrite, boolean][] = [
    ['absent selector', undefined, { object: labelled('x', {}) }, true],
    ['object labels', team, { object: labelled('x', { team: 'a' }) }, true],
    ['object without them', team, { object: labelled('x', { team: 'b' }) }, false],
    ['old object labels count (the label is being removed)', team, { operation: 'UPDATE', object: labelled('x', {}), oldObject: labelled('x', { team: 'a' }) }, true],
    ['delete sees the old object', team, { operation: 'DELETE', oldObject: labelled('x', { team: 'a' }) }, true],
    ['DoesNotExist on an unlabelled object', { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] }, { object: labelled('x', {}) }, true],
    ['DoesNotExist on a labelled object', { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] }, { object: labelled('x', { skip: '' }) }, false],
  ];
  it.each(cases)('%s', (_name, selector, write, expected) => {
    expect(matchObjectSelector(selector, fakeAttributes(write)).matches).toBe(expected);
  });
});
