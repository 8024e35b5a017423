// The first RBAC cluster of a process writes the policy through the API, later ones copy it: both states must agree.
// (A file of its own: jest gives each file fresh modules, so the first cluster here really takes the API path.)
import type { Cluster } from './cluster.js';
import { rbacApi, useClusterPerTest } from './cluster-seed-policy-support.js';
import { VirtualClock } from './clock/virtual-clock.js';
import type { KubeObject } from './meta/types.js';

const api = rbacApi;
const start = useClusterPerTest();

test('every RBAC cluster of a process stores the same policy, with uids and timestamps of its own', async () => {
  const everything = async (c: Cluster) => {
    const all: KubeObject[] = [];
    for (const resource of ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings']) all.push(...(await c.client.list(api, resource, undefined)).items);
    return all.sort((a, b) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.namespace}/${b.metadata.name}`));
  };
  const first = await everything(await start({ authorization: 'RBAC' }));
  // start() closes the first cluster before the second begins.
  const start2001 = Date.UTC(2001, 0, 1);
  const second = await everything(await start({ authorization: 'RBAC', clock: new VirtualClock(start2001) }));
  expect(second).toHaveLength(first.length);
  const uids = new Set(first.map((o) => o.metadata.uid));
  const withoutIdentity = (o: KubeObject) => {
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, managedFields, ...rest } = o.metadata;
    return { ...o, metadata: { ...rest, managedFields: (managedFields as { time?: string }[]).map(({ time: _time, ...entry }) => entry) } };
  };
  second.forEach((object, i) => {
    expect(withoutIdentity(object)).toEqual(withoutIdentity(first[i]!));
    expect(uids.has(object.metadata.uid)).toBe(false);
    expect(object.metadata.creationTimestamp).toBe('2001-01-01T00:00:00Z');
    for (const entry of object.metadata.managedFields as { time: string }[]) expect(entry.time).toBe('2001-01-01T00:00:00Z');
  });
  // The aggregated roles were written by the controller's field manager in both.
  const admin = second.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'admin')!;
  expect((admin.metadata.managedFields as { manager: string }[]).map((f) => f.manager).sort()).toEqual(['clusterrole-aggregation-controller', 'kube-apiserver']);
});
