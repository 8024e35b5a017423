// The four RBAC resources as the authorizer reads them: loaded from the store, rebuilt only after one of them changed.
import { storagePrefixOf } from '../../store/storage-keys.js';
import type { Store, WatchHandle } from '../../store/types.js';
import { serviceAccountUsername } from '../user-info.js';
import { policyRulesOf, type PolicyRule } from './rules.js';
import type { RoleRef } from './authorizer.js';

const rbacGroup = 'rbac.authorization.k8s.io';
const prefixes = {
  roles: storagePrefixOf({ group: rbacGroup, resource: 'roles' }),
  clusterRoles: storagePrefixOf({ group: rbacGroup, resource: 'clusterroles' }),
  roleBindings: storagePrefixOf({ group: rbacGroup, resource: 'rolebindings' }),
  clusterRoleBindings: storagePrefixOf({ group: rbacGroup, resource: 'clusterrolebindings' }),
};

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** '' for a ClusterRoleBinding. */
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
  /** Its place among its kind's bindings in the store's order, so candidates are visited in that order. */
  ordinal: number;
}

/** One consistent read of the RBAC objects, with bindings indexed by the usernames and groups they name. */
export class RbacSnapshot {
  readonly roles = new Map<string, PolicyRule[]>();
  readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly clusterBindingsBySubject = new Map<string, Binding[]>();
  private readonly bindingsBySubject = new Map<string, Map<string, Binding[]>>();

  addRole(namespace: string, name: string, rules: PolicyRule[]): void {
    this.roles.set(`${namespace}/${name}`, rules);
  }

  addBinding(binding: Binding): void {
    const index = binding.kind === 'ClusterRoleBinding' ? this.clusterBindingsBySubject : this.namespaceIndex(binding.namespace);
    const keys = new Set<string>();
    for (const s of binding.subjects) {
      const key = subjectKey(s, binding.namespace);
      if (key !== undefined) keys.add(key);
    }
    for (const key of keys) {
      const list = index.get(key);
      if (list) list.push(binding);
      else index.set(key, [binding]);
    }
  }

  /** The bindings whose subjects could name this user, in store order: cluster-wide ones, then the namespace's. */
  candidates(username: string, groups: readonly string[], namespace: string): { cluster: Binding[]; local: Binding[] } {
    const keys = [userKey(username), ...groups.map(groupKey)];
    const local = namespace ? this.bindingsBySubject.get(namespace) : undefined;
    return { cluster: gather(this.clusterBindingsBySubject, keys), local: local ? gather(local, keys) : [] };
  }

  private namespaceIndex(namespace: string): Map<string, Binding[]> {
    let index = this.bindingsBySubject.get(namespace);
    if (!index) this.bindingsBySubject.set(namespace, (index = new Map()));
    return index;
  }
}

function gather(index: Map<string, Binding[]>, keys: readonly string[]): Binding[] {
  const found = new Set<Binding>();
  for (const key of keys) for (const b of index.get(key) ?? []) found.add(b);
  return [...found].sort((a, b) => a.ordinal - b.ordinal);
}

const userKey = (name: string) => `u:${name}`;
const groupKey = (name: string) => `g:${name}`;

/** A ServiceAccount subject is the username it matches (its namespace defaults to the binding's). */
function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  switch (s.kind) {
    case 'User':
      return userKey(s.name);
    case 'Group':
      return groupKey(s.name);
    case 'ServiceAccount': {
      const namespace = s.namespace || bindingNamespace;
      return namespace ? userKey(serviceAccountUsername(namespace, s.name)) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Keeps an RbacSnapshot current: a watch on the four prefixes counts their changes (synchronously, as writes commit),
 * and the next read after a change lists them again. Writes to anything else never invalidate it.
 */
export class RbacIndex {
  private changes = 0;
  private built: { changes: number; snapshot: RbacSnapshot } | undefined;
  private loading: { changes: number; snapshot: Promise<RbacSnapshot> } | undefined;
  private readonly watches: WatchHandle[];
  /** How many times the snapshot was rebuilt (tests check that unrelated writes do not cause one). */
  loads = 0;

  constructor(private readonly store: Store) {
    const from = store.currentRevision();
    this.watches = Object.values(prefixes).map((prefix) => store.watch(prefix, from, () => void this.changes++));
  }

  async snapshot(): Promise<RbacSnapshot> {
    const changes = this.changes;
    if (this.built?.changes === changes) return this.built.snapshot;
    if (this.loading?.changes !== changes) {
      const loading = { changes, snapshot: this.load() };
      this.loading = loading;
      void loading.snapshot.then(
        (snapshot) => {
          // Only a load that started after the last change is current; one overtaken by a write is not kept.
          if (this.loading === loading) this.loading = undefined;
          if (!this.built || this.built.changes < changes) this.built = { changes, snapshot };
        },
        () => {
          if (this.loading === loading) this.loading = undefined;
        },
      );
    }
    return this.loading!.snapshot;
  }

  close(): void {
    for (const w of this.watches) w.stop();
  }

  private async load(): Promise<RbacSnapshot> {
    this.loads++;
    const first = await this.store.list(prefixes.clusterRoles);
    const at = { revision: first.revision };
    const [roles, roleBindings, clusterRoleBindings] = await Promise.all([
      this.store.list(prefixes.roles, at),
      this.store.list(prefixes.roleBindings, at),
      this.store.list(prefixes.clusterRoleBindings, at),
    ]);
    const snapshot = new RbacSnapshot();
    for (const r of first.records) snapshot.clusterRoles.set(nameOf(r.object), policyRulesOf(r.object));
    for (const r of roles.records) snapshot.addRole(namespaceOf(r.object), nameOf(r.object), policyRulesOf(r.object));
    clusterRoleBindings.records.forEach((r, i) => snapshot.addBinding(bindingOf(r.object, 'ClusterRoleBinding', i)));
    roleBindings.records.forEach((r, i) => snapshot.addBinding(bindingOf(r.object, 'RoleBinding', i)));
    return snapshot;
  }
}

function metadataOf(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return typeof o.metadata === 'object' && o.metadata !== null ? (o.metadata as Record<string, unknown>) : {};
}

function nameOf(o: Readonly<Record<string, unknown>>): string {
  return String(metadataOf(o).name ?? '');
}

function namespaceOf(o: Readonly<Record<string, unknown>>): string {
  return String(metadataOf(o).namespace ?? '');
}

function bindingOf(o: Readonly<Record<string, unknown>>, kind: Binding['kind'], ordinal: number): Binding {
  const ref = (typeof o.roleRef === 'object' && o.roleRef !== null ? o.roleRef : {}) as Record<string, unknown>;
  const subjects = Array.isArray(o.subjects) ? (o.subjects as unknown[]) : [];
  return {
    kind,
    name: nameOf(o),
    namespace: kind === 'RoleBinding' ? namespaceOf(o) : '',
    roleRef: { kind: String(ref.kind ?? ''), name: String(ref.name ?? ''), apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : undefined },
    subjects: subjects
      .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
      .map((s) => ({ kind: String(s.kind ?? ''), name: String(s.name ?? ''), namespace: typeof s.namespace === 'string' ? s.namespace : undefined })),
    ordinal,
  };
}
