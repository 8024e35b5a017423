// Valid minimal objects for every served resource: required fields from the OpenAPI schema, plus a few overrides.
import type { OpenAPIV2 } from 'openapi-types';
import { loadSwagger } from '../../src/openapi/openapi-v2.js';
import type { ResourceType } from '../../src/registry/resource-table.js';

type Json = Record<string, unknown>;
type Schema = OpenAPIV2.SchemaObject & { $ref?: string };

const timestamp = '2024-01-01T00:00:00Z';

/** Types whose validity a schema walk cannot express: fixed values that upstream accepts. */
const wellKnown: Record<string, unknown> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {},
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': timestamp,
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': '2024-01-01T00:00:00.000000Z',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': '1',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 1,
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {},
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': { type: 'object' },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': {},
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { matchLabels: { app: 'sample' } },
};

/** The first value of a field documented as an enum (the v2 document lists them only in descriptions). */
function firstEnumValue(schema: Schema): string | undefined {
  if (Array.isArray(schema.enum) && typeof schema.enum[0] === 'string') return schema.enum[0];
  return /Possible enum values:\s*\n\s*- `"([^"]*)"`/.exec(schema.description ?? '')?.[1];
}

function definitionName(ref: string): string {
  return ref.replace('#/definitions/', '');
}

/** A value for `schema` with every required field filled in, recursively. */
export function fromSchema(schema: Schema, depth = 0): unknown {
  const definitions = loadSwagger().definitions ?? {};
  if (schema.$ref) {
    const name = definitionName(schema.$ref);
    if (name in wellKnown) return structuredClone(wellKnown[name]);
    const def = definitions[name];
    return def && depth < 12 ? fromSchema(def as Schema, depth + 1) : {};
  }
  switch (schema.type) {
    case 'string':
      if (schema.format === 'byte') return 'c2FtcGxl';
      if (schema.format === 'date-time') return timestamp;
      return firstEnumValue(schema) ?? 'sample';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      // A required list is required to be non-empty in almost every upstream validation.
      return schema.items ? [fromSchema(schema.items as Schema, depth + 1)] : [];
    default: {
      const out: Json = {};
      for (const field of schema.required ?? []) {
        const property = schema.properties?.[field];
        if (property) out[field] = fromSchema(property as Schema, depth + 1);
      }
      return out;
    }
  }
}

/** Deep merge: objects merge key by key, anything else in `over` replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return structuredClone(over);
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface SampleContext {
  /** The object's name. */
  name: string;
  /** Its namespace ('default' for cluster-scoped kinds, where references need one). */
  namespace: string;
  /** A small number, distinct per object of one test run (for names that must be unique and content-derived). */
  index: number;
}

interface Override {
  /** The object's name when validity ties it to its content (CRDs, APIServices, IPAddresses). */
  name?: (index: number) => string;
  /** Fields deep-merged over the schema-derived object. */
  fields?: (ctx: SampleContext) => Json;
  /** Status for the /status round trip when the generic pick is not valid for the kind. */
  status?: Json;
}

const labels = { app: 'sample' };
const podSpec = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
const podTemplate = { metadata: { labels }, spec: podSpec };
const selectorAndTemplate = { selector: { matchLabels: labels }, template: podTemplate };
const webhooks = (kind: string) => ({
  webhooks: [{
    name: `${kind}.sample.example.com`,
    clientConfig: { url: `https://webhook.example.com/${kind}` },
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Ignore',
    rules: [],
  }],
});
const neverMatches = { resourceRules: [{ apiGroups: ['sample.example.com'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['nothing'] }] };
const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };
const deviceRequests = { devices: { requests: [{ name: 'req-0', exactly: { deviceClassName: 'sample' } }] } };
/** A real PEM certificate request (EC P-256, CN=sample), base64-encoded as the API carries it. */
const csrRequest =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlITU1ITUNBUUF3RVRFUE1BMEdBMVVFQXd3R2MyRnRjR3hsTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJemowRApBUWNEUWdBRUtyWmFjRTdOUXZKL0I1dWpoN0JmN3ZmSk83QWJxbGIyaDNFWkZVTXVjemZTWkpLUmRad2psYU5XCkp0U0Jpb3drR2Y5MWg5ZXl0bkNXNEpYYStFODFWYUFBTUFvR0NDcUdTTTQ5QkFNQ0Ewa0FNRVlDSVFDRFo3REkKTU1NWlEzWk9hcjJ4Z3Fvc1BjeHZGYmxtYkpZekFEL1RMUHBXamdJaEFNMlF6RCtrLzM0NnFhQnZ5N0lSNlVhUQorMG01QkJtM3ZIM2VrQ1pyeGJsagotLS0tLUVORCBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K';
const accessAttributes = (namespace: string) => ({ resourceAttributes: { namespace, verb: 'get', resource: 'pods' } });

/** Per-resource facts upstream validation needs that the schema's `required` lists cannot say. Keyed by group/resource. */
const overrides: Record<string, Override> = {
  '/pods': { fields: () => ({ spec: podSpec }), status: { message: 'sample status' } },
  '/podtemplates': { fields: () => ({ template: podTemplate }) },
  '/replicationcontrollers': { fields: () => ({ spec: { replicas: 1, selector: labels, template: podTemplate } }) },
  '/services': {
    // A LoadBalancer: a main-resource write to any other type clears status.loadBalancer, as upstream.
    fields: () => ({ spec: { type: 'LoadBalancer', selector: labels, ports: [{ port: 80 }] } }),
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] } },
  },
  '/events': {
    fields: ({ namespace }) => ({
      involvedObject: { kind: 'Pod', apiVersion: 'v1', name: 'web', namespace },
      reason: 'Sample', message: 'a sample event', type: 'Normal', source: { component: 'conformance' },
    }),
  },
  '/persistentvolumes': {
    fields: () => ({ spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/sample' } } }),
    status: { phase: 'Available' },
  },
  '/persistentvolumeclaims': {
    fields: () => ({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }),
    status: { phase: 'Bound' },
  },
  '/resourcequotas': { fields: () => ({ spec: { hard: { pods: '10' } } }), status: { hard: { pods: '10' }, used: { pods: '1' } } },
  '/limitranges': { fields: () => ({ spec: { limits: [{ type: 'Container', default: { cpu: '100m' } }] } }) },
  '/namespaces': { status: { phase: 'Active', conditions: [{ type: 'NamespaceDeletionDiscoveryFailure', status: 'False' }] } },
  '/nodes': { status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } },
  '/bindings': { fields: () => ({ target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } }) },
  'apps/deployments': { fields: () => ({ spec: { replicas: 1, ...selectorAndTemplate } }) },
  'apps/replicasets': { fields: () => ({ spec: { replicas: 1, ...selectorAndTemplate } }) },
  'apps/statefulsets': { fields: () => ({ spec: { replicas: 1, serviceName: 'sample', ...selectorAndTemplate } }) },
  'apps/daemonsets': { fields: () => ({ spec: selectorAndTemplate }) },
  'apps/controllerrevisions': { fields: () => ({ revision: 1, data: { spec: { template: podTemplate } } }) },
  'batch/jobs': { fields: () => ({ spec: { template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: 'Never' } } } }) },
  'batch/cronjobs': {
    fields: () => ({
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } },
    }),
    status: { lastScheduleTime: timestamp },
  },
  'autoscaling/horizontalpodautoscalers': {
    fields: () => ({ spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3 } }),
  },
  'policy/poddisruptionbudgets': { fields: () => ({ spec: { minAvailable: 1, selector: { matchLabels: labels } } }) },
  'networking.k8s.io/ingresses': {
    fields: () => ({ spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } }),
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
  },
  'networking.k8s.io/ingressclasses': { fields: () => ({ spec: { controller: 'example.com/ingress-controller' } }) },
  'networking.k8s.io/networkpolicies': { fields: () => ({ spec: { podSelector: {}, policyTypes: ['Ingress'] } }) },
  'networking.k8s.io/ipaddresses': {
    name: (i) => `10.123.0.${i}`,
    fields: () => ({ spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'web' } } }),
  },
  'networking.k8s.io/servicecidrs': {
    fields: ({ index }) => ({ spec: { cidrs: [`10.${100 + index}.0.0/16`] } }),
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Sample', message: 'ready', lastTransitionTime: timestamp }] },
  },
  'rbac.authorization.k8s.io/roles': { fields: () => ({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }) },
  'rbac.authorization.k8s.io/clusterroles': { fields: () => ({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }) },
  'rbac.authorization.k8s.io/rolebindings': {
    fields: ({ namespace }) => ({ roleRef, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace }] }),
  },
  'rbac.authorization.k8s.io/clusterrolebindings': {
    fields: () => ({ roleRef, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }] }),
  },
  'apiextensions.k8s.io/customresourcedefinitions': {
    name: (i) => `samples${i}.conformance.example.com`,
    fields: ({ index }) => ({
      spec: {
        group: 'conformance.example.com',
        names: { plural: `samples${index}`, singular: `sample${index}`, kind: `Sample${index}`, listKind: `Sample${index}List` },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    }),
    status: { acceptedNames: { plural: 'samples', kind: 'Sample' }, storedVersions: ['v1'] },
  },
  'apiregistration.k8s.io/apiservices': {
    name: (i) => `v1.sample${i}.example.com`,
    fields: ({ index }) => ({
      spec: {
        group: `sample${index}.example.com`, version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15,
        service: { namespace: 'default', name: 'sample-api', port: 443 }, insecureSkipTLSVerify: true,
      },
    }),
    status: { conditions: [{ type: 'Available', status: 'False', reason: 'Sample', lastTransitionTime: timestamp }] },
  },
  'admissionregistration.k8s.io/validatingwebhookconfigurations': { fields: () => webhooks('validating') },
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': {
    fields: () => ({ webhooks: webhooks('mutating').webhooks.map((w) => ({ ...w, reinvocationPolicy: 'Never' })) }),
  },
  'admissionregistration.k8s.io/validatingadmissionpolicies': {
    fields: () => ({ spec: { failurePolicy: 'Fail', matchConstraints: neverMatches, validations: [{ expression: 'true' }] } }),
    status: { observedGeneration: 1, typeChecking: {} },
  },
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': { fields: () => ({ spec: { policyName: 'sample', validationActions: ['Deny'] } }) },
  'admissionregistration.k8s.io/mutatingadmissionpolicies': {
    fields: () => ({
      spec: {
        failurePolicy: 'Fail', reinvocationPolicy: 'Never', matchConstraints: neverMatches,
        mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{}' } }],
      },
    }),
  },
  'admissionregistration.k8s.io/mutatingadmissionpolicybindings': { fields: () => ({ spec: { policyName: 'sample' } }) },
  'certificates.k8s.io/certificatesigningrequests': {
    fields: () => ({ spec: { request: csrRequest, signerName: 'example.com/sample', usages: ['digital signature'] } }),
    status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Sample', message: 'approved by the conformance suite' }] },
  },
  'coordination.k8s.io/leases': { fields: () => ({ spec: { holderIdentity: 'sample', leaseDurationSeconds: 15 } }) },
  'discovery.k8s.io/endpointslices': {
    fields: () => ({ addressType: 'IPv4', endpoints: [{ addresses: ['10.1.2.3'] }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
  },
  'events.k8s.io/events': {
    fields: ({ namespace }) => ({
      eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'example.com/sample', reportingInstance: 'sample-1',
      action: 'Sampling', reason: 'Sample', type: 'Normal', regarding: { kind: 'Pod', apiVersion: 'v1', name: 'web', namespace },
    }),
  },
  'flowcontrol.apiserver.k8s.io/flowschemas': {
    fields: () => ({
      spec: {
        priorityLevelConfiguration: { name: 'global-default' }, matchingPrecedence: 9000,
        rules: [{
          subjects: [{ kind: 'Group', group: { name: 'sample-group' } }],
          resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], namespaces: ['*'] }],
        }],
      },
    }),
    status: { conditions: [{ type: 'Dangling', status: 'False', reason: 'Found', lastTransitionTime: timestamp }] },
  },
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': {
    fields: () => ({ spec: { type: 'Limited', limited: { nominalConcurrencyShares: 10, limitResponse: { type: 'Reject' } } } }),
    status: { conditions: [{ type: 'ConcurrencyShared', status: 'True', reason: 'Sample', lastTransitionTime: timestamp }] },
  },
  'node.k8s.io/runtimeclasses': { fields: () => ({ handler: 'runc' }) },
  'scheduling.k8s.io/priorityclasses': { fields: () => ({ value: 1000, description: 'sample priority' }) },
  'storage.k8s.io/storageclasses': { fields: () => ({ provisioner: 'example.com/sample' }) },
  'storage.k8s.io/csidrivers': { fields: () => ({ spec: { attachRequired: true } }) },
  'storage.k8s.io/csinodes': { fields: () => ({ spec: { drivers: [{ name: 'example.com', nodeID: 'node-1' }] } }) },
  'storage.k8s.io/csistoragecapacities': { fields: () => ({ storageClassName: 'standard', capacity: '1Gi' }) },
  'storage.k8s.io/volumeattachments': {
    fields: () => ({ spec: { attacher: 'example.com', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } } }),
    status: { attached: true },
  },
  'storage.k8s.io/volumeattributesclasses': { fields: () => ({ driverName: 'example.com', parameters: { iops: '100' } }) },
  'resource.k8s.io/deviceclasses': { fields: () => ({ spec: { selectors: [{ cel: { expression: 'device.driver == "example.com"' } }] } }) },
  'resource.k8s.io/resourceclaims': { fields: () => ({ spec: deviceRequests }), status: { devices: [] } },
  'resource.k8s.io/resourceclaimtemplates': { fields: () => ({ spec: { spec: deviceRequests } }) },
  'resource.k8s.io/resourceslices': {
    fields: () => ({
      spec: { driver: 'example.com', pool: { name: 'pool-0', generation: 1, resourceSliceCount: 1 }, nodeName: 'node-1', devices: [{ name: 'dev-0' }] },
    }),
  },
  'authorization.k8s.io/selfsubjectaccessreviews': { fields: ({ namespace }) => ({ spec: accessAttributes(namespace) }) },
  'authorization.k8s.io/subjectaccessreviews': { fields: ({ namespace }) => ({ spec: { user: 'alice', ...accessAttributes(namespace) } }) },
  'authorization.k8s.io/localsubjectaccessreviews': {
    fields: ({ namespace }) => ({ spec: { user: 'alice', ...accessAttributes(namespace) } }),
  },
  'authorization.k8s.io/selfsubjectrulesreviews': { fields: ({ namespace }) => ({ spec: { namespace } }) },
  'authentication.k8s.io/tokenreviews': { fields: () => ({ spec: { token: 'sample-token', audiences: ['https://kubernetes.default.svc'] } }) },
};

function overrideOf(type: ResourceType): Override {
  return overrides[`${type.group}/${type.resource}`] ?? {};
}

function definitionOf(type: ResourceType): Schema {
  const def = type.definition && loadSwagger().definitions?.[type.definition];
  if (!def) throw new Error(`no OpenAPI definition for ${type.group}/${type.version}/${type.resource}`);
  return def as Schema;
}

/** The name the n-th sample of a resource gets (content-derived for a few kinds). */
export function sampleName(type: ResourceType, index: number): string {
  return overrideOf(type).name?.(index) ?? `sample-${index}`;
}

/** Whether objects of this kind can be created with generateName (not when validity ties the name to the content). */
export function supportsGenerateName(type: ResourceType): boolean {
  return overrideOf(type).name === undefined;
}

/** A valid object of `type`, named `sampleName(type, index)`, in `namespace` when the kind is namespaced. */
export function sampleObject(type: ResourceType, index: number, namespace = 'default'): Json {
  const generated = fromSchema(definitionOf(type)) as Json;
  const name = sampleName(type, index);
  const over = overrideOf(type).fields?.({ name, namespace, index }) ?? {};
  const object = merge(generated, over) as Json;
  const metadata: Json = { name, labels: { ...labels, conformance: 'true' } };
  if (type.namespaced) metadata.namespace = namespace;
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  const { status: _status, metadata: _metadata, ...rest } = object;
  return { apiVersion, kind: type.kind, metadata, ...rest };
}

/**
 * A status to write through /status: the kind's override, or the first scalar field of its status schema that
 * carries no meaning to the server (observedGeneration, a message, a count).
 */
export function sampleStatus(type: ResourceType): Json {
  const override = overrideOf(type).status;
  if (override) return structuredClone(override);
  const statusRef = (definitionOf(type).properties?.status as Schema | undefined)?.$ref;
  const statusDef = statusRef ? (loadSwagger().definitions?.[definitionName(statusRef)] as Schema | undefined) : undefined;
  const properties = Object.entries(statusDef?.properties ?? {}) as [string, Schema][];
  const required = fromSchema(statusDef ?? {}) as Json;
  const preferred = ['observedGeneration', 'message', 'reason', 'replicas', 'currentReplicas'];
  for (const field of preferred) {
    const property = properties.find(([name]) => name === field)?.[1];
    if (property) return { ...required, [field]: property.type === 'string' ? 'sample status' : 1 };
  }
  const scalar = properties.find(([, p]) => p.type === 'integer' || (p.type === 'string' && !p.format));
  if (!scalar) throw new Error(`no status sample for ${type.group}/${type.resource}: add an override`);
  return { ...required, [scalar[0]]: scalar[1].type === 'integer' ? 1 : 'sample' };
}
