// Loads kube-apiserver's default RBAC policy (policy/*.yaml) into the objects a new RBAC cluster starts with.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { deepFreeze } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import type { PolicyRule } from '../authorization/rules.js';

export const rbacApiVersion = 'rbac.authorization.k8s.io/v1';
const rbacGroup = 'rbac.authorization.k8s.io';
export const bootstrappingLabel = 'kubernetes.io/bootstrapping';
export const autoupdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';
/** Upstream's saRolePrefix: a controller's role is system:controller:<its ServiceAccount's name>. */
const controllerRolePrefix = 'system:controller:';


export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface BootstrapPolicy {
  clusterRoles: readonly KubeObject[];
  clusterRoleBindings: readonly KubeObject[];
  roles: readonly KubeObject[];
  roleBindings: readonly KubeObject[];
}

interface RoleEntry {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  rules?: PolicyRule[];
  aggregationRule?: unknown;
}

interface BindingEntry {
  name: string;
  namespace?: string;
  role?: string;
  subjects: string[];
}

// The files sit in policy/ at the package root: three levels above this module in src/ and dist/, two above the
// bundled CLI in dist/cli/ (which inlines this module).
function policyDirectory(): URL {
  const candidates = ['../../../policy/', '../../policy/'].map((path) => new URL(path, import.meta.url));
  const found = candidates.find((url) => existsSync(new URL('cluster-roles.yaml', url)));
  if (!found) throw new Error(`kubefake: the RBAC bootstrap policy (policy/*.yaml) is missing next to ${import.meta.url}`);
  return found;
}

/**
 * The files are YAML in its JSON-compatible flow style, read with JSON.parse once their comment lines are dropped
 * (a YAML parse costs ~100 ms); a file edited into another YAML style is still read, by the YAML parser.
 */
export function readPolicyText(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text.replace(/^[ \t]*#.*$/gm, '')) as Record<string, unknown>;
  } catch {
    return parse(text) as Record<string, unknown>;
  }
}

export const policyFiles = ['cluster-roles.yaml', 'controller-roles.yaml', 'cluster-role-bindings.yaml', 'namespace-policy.yaml'] as const;

/** The text of one of policyFiles. */
export function policyFileText(file: (typeof policyFiles)[number]): string {
  return readFileSync(new URL(file, policyDirectory()), 'utf8');
}

function readPolicyFile(file: (typeof policyFiles)[number]): Record<string, unknown> {
  return readPolicyText(policyFileText(file));
}

function bootstrapMetadata(name: string, namespace?: string, labels: Record<string, string> = {}): KubeObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { [bootstrappingLabel]: 'rbac-defaults', ...labels },
    annotations: { [autoupdateAnnotation]: 'true' },
  };
}

/** Writes a rule's fields in the order the API serves them (Go's PolicyRule field order). */
function servedRule(rule: PolicyRule): PolicyRule {
  const out: PolicyRule = { verbs: [...rule.verbs] };
  if (rule.apiGroups) out.apiGroups = [...rule.apiGroups];
  if (rule.resources) out.resources = [...rule.resources];
  if (rule.resourceNames) out.resourceNames = [...rule.resourceNames];
  if (rule.nonResourceURLs) out.nonResourceURLs = [...rule.nonResourceURLs];
  return out;
}

function role(kind: 'ClusterRole' | 'Role', entry: RoleEntry): KubeObject {
  const object: KubeObject = { apiVersion: rbacApiVersion, kind, metadata: bootstrapMetadata(entry.name, entry.namespace, entry.labels) };
  if (entry.rules) object.rules = entry.rules.map(servedRule);
  if (entry.aggregationRule) object.aggregationRule = entry.aggregationRule;
  return object;
}

/** `User:name`, `Group:name` or `ServiceAccount:namespace:name` (names may hold colons: system:masters). */
export function parseSubject(text: string): Subject {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'User' || kind === 'Group') return { kind, apiGroup: rbacGroup, name: rest };
  if (kind === 'ServiceAccount') {
    const split = rest.indexOf(':');
    return { kind, name: rest.slice(split + 1), namespace: rest.slice(0, split) };
  }
  throw new Error(`kubefake: bad subject "${text}" in the RBAC bootstrap policy`);
}

function binding(kind: 'ClusterRoleBinding' | 'RoleBinding', entry: BindingEntry): KubeObject {
  const object: KubeObject = {
    apiVersion: rbacApiVersion,
    kind,
    metadata: bootstrapMetadata(entry.name, entry.namespace),
    roleRef: { apiGroup: rbacGroup, kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole', name: entry.role ?? entry.name },
  };
  // Upstream leaves subjects out (null) rather than empty, e.g. for system:node.
  if (entry.subjects.length > 0) object.subjects = entry.subjects.map(parseSubject);
  return object;
}

function loadPolicy(): BootstrapPolicy {
  const cluster = readPolicyFile('cluster-roles.yaml').clusterRoles as RoleEntry[];
  const controllers = readPolicyFile('controller-roles.yaml').controllerRoles as RoleEntry[];
  const clusterBindings = readPolicyFile('cluster-role-bindings.yaml').clusterRoleBindings as BindingEntry[];
  const namespaced = readPolicyFile('namespace-policy.yaml') as { roles: RoleEntry[]; roleBindings: BindingEntry[] };
  const controllerRoles = controllers.map((c) => ({ ...c, name: controllerRolePrefix + c.name }));
  // As upstream's ControllerRoleBindings: each controller's role is bound to its kube-system ServiceAccount.
  const controllerBindings = controllers.map((c) => ({ name: controllerRolePrefix + c.name, subjects: [`ServiceAccount:kube-system:${c.name}`] }));
  return deepFreeze({
    clusterRoles: [...cluster, ...controllerRoles].map((entry) => role('ClusterRole', entry)),
    clusterRoleBindings: [...clusterBindings, ...controllerBindings].map((entry) => binding('ClusterRoleBinding', entry)),
    roles: namespaced.roles.map((entry) => role('Role', entry)),
    roleBindings: namespaced.roleBindings.map((entry) => binding('RoleBinding', entry)),
  });
}

let cached: BootstrapPolicy | undefined;

/** The default policy, read and parsed once per process; its objects are frozen (copy one before changing it). */
export function bootstrapPolicy(): BootstrapPolicy {
  cached ??= loadPolicy();
  return cached;
}
