// The Python client on custom resources: a CRD from the typed API, CustomObjectsApi CRUD, /status, watch, validation.
import { run, startTestCluster, type TestCluster } from '../helpers.js';

const python = '/usr/bin/python3';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ controllers: '', nodes: 0 });
});
afterAll(async () => {
  await cluster.close();
});

/** Runs a script that prints one JSON document on its last line; fails with Python's stderr otherwise. */
async function py(script: string): Promise<any> {
  const prelude = 'import json, sys\nfrom kubernetes import client, config, watch\nfrom kubernetes.client.rest import ApiException\nconfig.load_kube_config()\n';
  const result = await run(python, ['-c', prelude + script], { KUBECONFIG: cluster.kubeconfigPath });
  if (result.code !== 0) throw new Error(`python exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

test('a CRD created with ApiextensionsV1Api is Established; CustomObjectsApi creates, defaults, patches status, watches and deletes', async () => {
  const out = await py(`
ext = client.ApiextensionsV1Api()
schema = {"type": "object", "properties": {
  "spec": {"type": "object", "required": ["size"], "properties": {
    "size": {"type": "integer", "minimum": 1}, "color": {"type": "string", "default": "blue"}}},
  "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}
ext.create_custom_resource_definition({
  "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "gadgets.example.com"},
  "spec": {"group": "example.com", "scope": "Namespaced",
    "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
    "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": schema}}]}})
established = None
w = watch.Watch()
for event in w.stream(ext.list_custom_resource_definition, field_selector="metadata.name=gadgets.example.com", timeout_seconds=10):
    conditions = {c.type: c.status for c in (event["object"].status.conditions or [])}
    if conditions.get("Established") == "True":
        established = conditions
        w.stop()
co = client.CustomObjectsApi()
args = ("example.com", "v1", "default", "gadgets")
created = co.create_namespaced_custom_object(*args, {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g1"}, "spec": {"size": 2}})
try:
    co.create_namespaced_custom_object(*args, {"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g2"}, "spec": {"size": 0}})
    invalid = None
except ApiException as e:
    invalid = {"status": e.status, "message": json.loads(e.body)["message"]}
status = co.patch_namespaced_custom_object_status(*args, "g1", {"status": {"phase": "Ready"}})
co.delete_namespaced_custom_object(*args, "g1")
events = []
w = watch.Watch()
# From the status write's resourceVersion, the watch replays what came after it: the delete.
for event in w.stream(co.list_namespaced_custom_object, *args, resource_version=status["metadata"]["resourceVersion"], timeout_seconds=5):
    events.append([event["type"], event["object"]["metadata"]["name"]])
    if event["type"] == "DELETED":
        w.stop()
print(json.dumps({"established": established, "color": created["spec"]["color"], "generation": status["metadata"]["generation"],
  "phase": status["status"]["phase"], "invalid": invalid, "events": events}))
`);
  expect(out.established).toEqual({ NamesAccepted: 'True', Established: 'True' });
  expect(out.color).toBe('blue');
  expect(out.generation).toBe(1);
  expect(out.phase).toBe('Ready');
  expect(out.invalid).toEqual({
    status: 422,
    message: 'Gadget.example.com "g2" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
  });
  expect(out.events).toEqual([['DELETED', 'g1']]);
});
