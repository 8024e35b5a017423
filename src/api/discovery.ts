// Discovery documents (legacy APIGroupList/APIResourceList and aggregated apidiscovery v2/v2beta1), built per served set.
import { compareKubeAwareVersions } from '../registry/crd/custom-resource-versions.js';
import type { Resource } from '../registry/resource.js';
import { groupVersionString } from '../registry/resource-table.js';
import { parseAccept } from './negotiation.js';

interface GroupInfo {
  name: string;
  /** Versions, most preferred first. */
  versions: string[];
  resources: Map<string, Resource[]>;
}

/** Kubernetes version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1, as upstream orders a group's versions. */
function versionPriority(a: string, b: string): number {
  return compareKubeAwareVersions(b, a);
}

/** The verbs custom resource discovery lists, in upstream's own (unsorted) order. */
const customVerbs = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
/** While its CRD is being deleted a custom resource only offers what the cleanup needs. */
const terminatingVerbs = ['delete', 'deletecollection', 'get', 'list', 'watch'];

function discoveryVerbs(r: Resource): string[] {
  if (!r.custom) return r.type.verbs;
  return r.custom.terminating ? terminatingVerbs : customVerbs;
}

export class Discovery {
  private readonly groups: GroupInfo[] = [];
  private readonly core: GroupInfo | undefined;
  private readonly cache = new Map<string, Buffer>();

  constructor(resources: readonly Resource[]) {
    const byGroup = new Map<string, GroupInfo>();
    // Custom resources come after every built-in group (CRD groups have the lowest group priority), by group name;
    // discovery lists a CRD only once it is Established, though it is served as soon as its names are accepted.
    const builtins = resources.filter((r) => !r.custom);
    const custom = resources
      .filter((r) => r.custom?.established)
      .sort((a, b) => (a.type.group < b.type.group ? -1 : a.type.group > b.type.group ? 1 : 0));
    for (const r of [...builtins, ...custom]) {
      let group = byGroup.get(r.type.group);
      if (!group) byGroup.set(r.type.group, (group = { name: r.type.group, versions: [], resources: new Map() }));
      let list = group.resources.get(r.type.version);
      if (!list) {
        group.resources.set(r.type.version, (list = []));
        group.versions.push(r.type.version);
      }
      list.push(r);
    }
    for (const group of byGroup.values()) group.versions.sort(versionPriority);
    this.core = byGroup.get('');
    this.groups = [...byGroup.values()].filter((g) => g.name !== '');
  }

  private cached(key: string, build: () => unknown): Buffer {
    let bytes = this.cache.get(key);
    if (!bytes) this.cache.set(key, (bytes = Buffer.from(JSON.stringify(build()))));
    return bytes;
  }

  apiVersions(serverAddress: string): Buffer {
    return Buffer.from(
      JSON.stringify({
        kind: 'APIVersions',
        versions: this.core?.versions ?? [],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
      }),
    );
  }

  groupList(): Buffer {
    return this.cached('groups', () => ({ kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups.map(apiGroup) }));
  }

  group(name: string): Buffer | undefined {
    const group = this.groups.find((g) => g.name === name);
    return group && this.cached(`group/${name}`, () => ({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) }));
  }

  resourceList(group: string, version: string): Buffer | undefined {
    const info = group === '' ? this.core : this.groups.find((g) => g.name === group);
    const resources = info?.resources.get(version);
    if (!resources) return undefined;
    return this.cached(`resources/${group}/${version}`, () => ({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: groupVersionString(group, version),
      resources: resources.flatMap(apiResources),
    }));
  }

  /** The aggregated document for `/api` (core only) or `/apis` (every named group). */
  aggregated(root: 'api' | 'apis', variant: AggregatedVariant): Buffer {
    return this.cached(`aggregated/${root}/${variant}`, () => ({
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${variant}`,
      metadata: {},
      items: (root === 'api' ? (this.core ? [this.core] : []) : this.groups).map(aggregatedGroup),
    }));
  }
}

function apiGroup(group: GroupInfo) {
  const versions = group.versions.map((v) => ({ groupVersion: `${group.name}/${v}`, version: v }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

function apiResources(r: Resource) {
  const t = r.type;
  const main: Record<string, unknown> = {
    name: t.resource,
    singularName: t.singularName,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: discoveryVerbs(r),
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  if (r.custom) main.storageVersionHash = r.custom.storageVersionHash;
  const subs = [...t.subresources.values()].map((s) => {
    const entry: Record<string, unknown> = { name: `${t.resource}/${s.name}`, singularName: '', namespaced: t.namespaced };
    if (s.responseKind.group !== t.group || s.responseKind.version !== t.version) {
      entry.group = s.responseKind.group;
      entry.version = s.responseKind.version;
    }
    entry.kind = s.responseKind.kind;
    entry.verbs = s.verbs;
    return entry;
  });
  return [main, ...subs];
}

function aggregatedGroup(group: GroupInfo) {
  const metadata = group.name ? { name: group.name, creationTimestamp: null } : { creationTimestamp: null };
  return {
    metadata,
    versions: group.versions.map((version) => ({
      version,
      resources: group.resources.get(version)!.map((r) => {
        const t = r.type;
        const entry: Record<string, unknown> = {
          resource: t.resource,
          responseKind: { group: t.group, version: t.version, kind: t.kind },
          scope: t.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: t.singularName,
          verbs: discoveryVerbs(r),
        };
        if (t.shortNames.length) entry.shortNames = t.shortNames;
        if (t.categories.length) entry.categories = t.categories;
        if (t.subresources.size) {
          entry.subresources = [...t.subresources.values()].map((s) => ({
            subresource: s.name,
            responseKind: s.responseKind,
            verbs: s.verbs,
          }));
        }
        return entry;
      }),
      freshness: 'Current',
    })),
  };
}

export type AggregatedVariant = 'v2' | 'v2beta1';

/** The aggregated variant the client asked for first, with the exact Content-Type to echo; undefined for legacy. */
export function chooseDiscoveryVariant(accept: string | undefined): { variant: AggregatedVariant; contentType: string } | undefined {
  for (const range of parseAccept(accept)) {
    if (range.params['as'] === 'APIGroupDiscoveryList' && range.params['g'] === 'apidiscovery.k8s.io') {
      const v = range.params['v'];
      if (v === 'v2' || v === 'v2beta1') {
        return { variant: v, contentType: `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList` };
      }
      continue;
    }
    if (range.type === 'application/json' || range.type === '*/*' || range.type === 'application/*') return undefined;
  }
  return undefined;
}
