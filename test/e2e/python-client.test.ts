// The official Python client (Debian python3-kubernetes 22.6): typed CRUD, watch, 410 Expired, the dynamic client, apply.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, startTestCluster, type TestCluster } from '../helpers.js';

const python = '/usr/bin/python3';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ historySize: 50 });
});
afterAll(async () => {
  await cluster.close();
});

/** Runs a script that prints one JSON document on its last line; fails with Python's stderr otherwise. */
async function py(script: string, ...args: string[]): Promise<any> {
  const prelude = 'import json, sys\nfrom kubernetes import client, config, watch\nconfig.load_kube_config()\n';
  const result = await run(python, ['-c', prelude + script, ...args], { KUBECONFIG: cluster.kubeconfigPath });
  if (result.code !== 0) throw new Error(`python exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

test('python3-kubernetes is importable', async () => {
  const result = await run(python, ['-c', 'import kubernetes; print(kubernetes.__version__)']);
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toMatch(/^\d+\.\d+/);
});

test('loads the kubeconfig (token user, insecure-skip-tls-verify) and lists namespaces', async () => {
  const out = await py(`
cfg = client.Configuration.get_default_copy()
names = [n.metadata.name for n in client.CoreV1Api().list_namespace().items]
print(json.dumps({"host": cfg.host, "verify": cfg.verify_ssl, "auth": cfg.api_key.get("authorization"), "names": names}))
`);
  expect(out.host).toBe(cluster.url);
  expect(out.verify).toBe(false);
  expect(out.auth).toBe('Bearer kubefake');
  expect(out.names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
});

test('configmap create, read, json-patch, replace with a stale resourceVersion, delete', async () => {
  const out = await py(`
from kubernetes.client.rest import ApiException
v1 = client.CoreV1Api()
ns = "default"
def status_of(fn):
    try:
        fn()
    except ApiException as e:
        return {"status": e.status, "reason": json.loads(e.body)["reason"]}
    return None
cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-cm", labels={"from": "python"}), data={"a": "1"})
created = v1.create_namespaced_config_map(ns, cm)
read = v1.read_namespaced_config_map("py-cm", ns)
listed = [c.metadata.name for c in v1.list_namespaced_config_map(ns, label_selector="from=python").items]
# 22.6 sends every typed patch as application/json-patch+json, so the body is a list of operations.
patched = v1.patch_namespaced_config_map("py-cm", ns, [{"op": "add", "path": "/data/b", "value": "2"}])
stale = status_of(lambda: v1.replace_namespaced_config_map("py-cm", ns, read))
deleted = v1.delete_namespaced_config_map("py-cm", ns)
missing = status_of(lambda: v1.read_namespaced_config_map("py-cm", ns))
print(json.dumps({
    "rv": created.metadata.resource_version, "readData": read.data, "listed": listed, "patched": patched.data,
    "stale": stale, "deleted": deleted.status, "missing": missing,
}))
`);
  expect(out.rv).toMatch(/^\d+$/);
  expect(out.readData).toEqual({ a: '1' });
  expect(out.listed).toEqual(['py-cm']);
  expect(out.patched).toEqual({ a: '1', b: '2' });
  expect(out.stale).toEqual({ status: 409, reason: 'Conflict' });
  expect(out.deleted).toBe('Success');
  expect(out.missing).toEqual({ status: 404, reason: 'NotFound' });
});

// python's rest.py sends a dict-bodied typed patch as application/strategic-merge-patch+json.
test('a dict-bodied typed patch (sent as a strategic merge patch) updates the object', async () => {
  const out = await py(`
v1 = client.CoreV1Api()
v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-smp"), data={"a": "1"}))
patched = v1.patch_namespaced_config_map("py-smp", "default", {"data": {"b": "2"}})
v1.delete_namespaced_config_map("py-smp", "default")
print(json.dumps({"data": patched.data}))
`);
  expect(out.data).toEqual({ a: '1', b: '2' });
});

test('watch.stream (watch=True) sees ADDED then MODIFIED, and ends after timeout_seconds', async () => {
  const out = await py(`
v1 = client.CoreV1Api()
v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-watch"), data={"v": "1"}))
w = watch.Watch()
seen = []
for event in w.stream(v1.list_namespaced_config_map, "default", field_selector="metadata.name=py-watch", timeout_seconds=2):
    obj = event["object"]
    seen.append([event["type"], obj.metadata.name, obj.data["v"], obj.metadata.resource_version])
    if event["type"] == "ADDED":
        v1.patch_namespaced_config_map("py-watch", "default", [{"op": "replace", "path": "/data/v", "value": "2"}])
# The stream is left to end on the server's timeout: reaching this line proves the server closed it.
print(json.dumps({"seen": seen}))
`);
  expect(out.seen.map((e: string[]) => e.slice(0, 3))).toEqual([
    ['ADDED', 'py-watch', '1'],
    ['MODIFIED', 'py-watch', '2'],
  ]);
  expect(Number(out.seen[1][3])).toBeGreaterThan(Number(out.seen[0][3]));
});

test('a watch from a resourceVersion older than the history raises ApiException 410', async () => {
  const out = await py(`
from kubernetes.client.rest import ApiException
v1 = client.CoreV1Api()
old = v1.list_namespaced_config_map("default").metadata.resource_version
for i in range(60):
    v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-roll-%d" % i)))
try:
    for event in watch.Watch().stream(v1.list_namespaced_config_map, "default", resource_version=old, timeout_seconds=2):
        print(json.dumps({"unexpected": event["type"]}))
        sys.exit(1)
    print(json.dumps({"raised": None}))
except ApiException as e:
    print(json.dumps({"raised": e.status, "reason": e.reason}))
`);
  expect(out.raised).toBe(410);
  expect(out.reason).toMatch(/^Expired: /);
});

test('the dynamic client finds Deployment by kind through legacy discovery and drives it', async () => {
  const cacheFile = join(cluster.dir, 'osrcp-dynamic.json');
  const out = await py(
    `
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import NotFoundError
dyn = DynamicClient(client.ApiClient(), cache_file=sys.argv[1])
by_kind = dyn.resources.get(kind="Deployment")
deployments = dyn.resources.get(api_version="apps/v1", kind="Deployment")
scale = deployments.subresources["scale"]
body = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "py-dyn"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "py-dyn"}},
             "template": {"metadata": {"labels": {"app": "py-dyn"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
}
created = deployments.create(body=body, namespace="default")
got = deployments.get(name="py-dyn", namespace="default")
patched = deployments.patch(name="py-dyn", namespace="default", body={"spec": {"replicas": 3}}, content_type="application/merge-patch+json")
listed = [d.metadata.name for d in deployments.get(namespace="default", label_selector="").items]
cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
deployments.delete(name="py-dyn", namespace="default")
try:
    deployments.get(name="py-dyn", namespace="default")
    gone = False
except NotFoundError:
    gone = True
print(json.dumps({
    "byKind": [by_kind.group_version, by_kind.name, by_kind.namespaced],
    "scaleKind": scale.kind,
    "generation": created.metadata.generation, "gotReplicas": got.spec.replicas, "patchedReplicas": patched.spec.replicas,
    "listed": listed, "cms": [cms.name, cms.namespaced], "gone": gone,
}))
`,
    cacheFile,
  );
  expect(out.byKind).toEqual(['apps/v1', 'deployments', true]);
  expect(out.scaleKind).toBe('Scale');
  expect(out.generation).toBe(1);
  expect(out.gotReplicas).toBe(1);
  expect(out.patchedReplicas).toBe(3);
  expect(out.listed).toEqual(['py-dyn']);
  expect(out.cms).toEqual(['configmaps', true]);
  expect(out.gone).toBe(true);
  expect(existsSync(cacheFile)).toBe(true);
});

test('the dynamic client applies server-side: create, re-apply, conflict, force, dry run', async () => {
  const out = await py(
    `
import yaml
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import ConflictError, DynamicApiError
dyn = DynamicClient(client.ApiClient(), cache_file=sys.argv[1])
cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
def doc(data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "py-ssa", "namespace": "default"}, "data": data}
def owners(obj):
    return [[e["manager"], e["operation"], e.get("fieldsV1")] for e in obj.to_dict()["metadata"].get("managedFields", [])]
# 22.6's rest.py only serializes bodies of JSON content types: a dict sent as apply-patch+yaml never leaves the client.
try:
    cms.server_side_apply(body=doc({"a": "1"}), field_manager="py", namespace="default")
    dict_body = "sent"
except DynamicApiError as e:
    dict_body = e.status
# A YAML text body is sent as is (name and namespace passed, since the client cannot read them from text).
def apply(data, manager, **kw):
    return cms.server_side_apply(body=yaml.safe_dump(doc(data)), name="py-ssa", namespace="default", field_manager=manager, **kw)
created = apply({"a": "1", "b": "2"}, "py")
changed = apply({"a": "10"}, "py")
try:
    apply({"a": "other"}, "py-other")
    conflict = None
except ConflictError as e:
    conflict = json.loads(e.body)
forced = apply({"a": "other"}, "py-other", force_conflicts=True)
dry = apply({"a": "dry", "z": "dry"}, "py-other", dry_run="All")
stored = cms.get(name="py-ssa", namespace="default")
cms.delete(name="py-ssa", namespace="default")
data = lambda obj: obj.to_dict()["data"]
print(json.dumps({
    "dictBody": dict_body,
    "created": [data(created), owners(created)], "changed": data(changed),
    "conflict": conflict, "forced": [data(forced), owners(forced)],
    "dry": data(dry), "stored": [data(stored), stored.metadata.resourceVersion, forced.metadata.resourceVersion],
}))
`,
    join(cluster.dir, 'osrcp-ssa.json'),
  );
  expect(out.dictBody).toBe(0);
  expect(out.created).toEqual([{ a: '1', b: '2' }, [['py', 'Apply', { 'f:data': { 'f:a': {}, 'f:b': {} } }]]]);
  expect(out.changed).toEqual({ a: '10' });
  expect(out.conflict).toMatchObject({
    kind: 'Status',
    reason: 'Conflict',
    code: 409,
    message: 'Apply failed with 1 conflict: conflict with "py": .data.a',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "py"', field: '.data.a' }] },
  });
  // force=True (Python's spelling of the boolean) moved .data.a to py-other, leaving py's entry empty and dropped.
  expect(out.forced).toEqual([{ a: 'other' }, [['py-other', 'Apply', { 'f:data': { 'f:a': {} } }]]]);
  expect(out.dry).toEqual({ a: 'dry', z: 'dry' });
  const [storedData, storedVersion, forcedVersion] = out.stored;
  expect(storedData).toEqual({ a: 'other' });
  expect(storedVersion).toBe(forcedVersion);
});
