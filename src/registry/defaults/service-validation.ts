// upstream ValidateService / ValidateServiceUpdate: the spec rules a Service write must pass after allocation.
import {
  duplicateCause,
  forbiddenCause,
  invalidCause,
  notSupportedCause,
  requiredCause,
} from '../../meta/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName } from '../../meta/name-validation.js';
import type { KubeObject, StatusCause } from '../../meta/types.js';
import { portsOf, specOfService } from './service-allocation.js';
import { validateClusterIPsRelatedFields, validateClusterIPsUpdate, validateIPFamiliesUpdate } from './service-cluster-ips.js';

type Spec = Record<string, unknown>;

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const forExternalName = 'may not be set for ExternalName services';

function portRangeCause(field: string, value: unknown): StatusCause | undefined {
  const bad = typeof value === 'number' && (!Number.isInteger(value) || value < 1 || value > 65535);
  return bad ? invalidCause(field, value, 'must be between 1 and 65535, inclusive') : undefined;
}

function validateExternalName(spec: Spec): StatusCause[] {
  const causes: StatusCause[] = [];
  if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '') causes.push(forbiddenCause('spec.clusterIP', forExternalName));
  for (const field of ['clusterIPs', 'ipFamilies'] as const) {
    if (Array.isArray(spec[field]) && spec[field].length > 0) causes.push(forbiddenCause(`spec.${field}`, forExternalName));
  }
  if (typeof spec.ipFamilyPolicy === 'string') causes.push(forbiddenCause('spec.ipFamilyPolicy', forExternalName));
  const name = typeof spec.externalName === 'string' ? spec.externalName : '';
  if (name === '') causes.push(requiredCause('spec.externalName'));
  else {
    // A fully qualified name may end with a dot.
    const bare = name.endsWith('.') ? name.slice(0, -1) : name;
    for (const msg of isDNS1123Subdomain(bare)) causes.push(invalidCause('spec.externalName', name, msg));
  }
  return causes;
}

/** The Go %#v of the (protocol, port) key upstream reports a duplicate port with. */
function servicePortKey(protocol: unknown, port: unknown): string {
  return (
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(String(protocol ?? ''))}, AppProtocol:(*string)(nil), Port:${String(port ?? 0)}, ` +
    'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'
  );
}

function validatePorts(spec: Spec): StatusCause[] {
  const causes: StatusCause[] = [];
  const ports = portsOf(spec);
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const path = `spec.ports[${i}]`;
    const name = typeof port.name === 'string' ? port.name : '';
    if (ports.length > 1 && name === '') causes.push(requiredCause(`${path}.name`));
    else if (name !== '') {
      for (const msg of isDNS1123Label(name)) causes.push(invalidCause(`${path}.name`, name, msg));
      if (names.has(name)) causes.push(duplicateCause(`${path}.name`, name));
      names.add(name);
    }
    const portCause = portRangeCause(`${path}.port`, port.port);
    if (portCause) causes.push(portCause);
    if (typeof port.protocol === 'string' && !protocols.includes(port.protocol)) {
      causes.push(notSupportedCause(`${path}.protocol`, port.protocol, protocols));
    }
    if (typeof port.targetPort === 'string') {
      for (const msg of isValidPortName(port.targetPort)) causes.push(invalidCause(`${path}.targetPort`, port.targetPort, msg));
    } else if (port.targetPort !== 0) {
      const targetCause = portRangeCause(`${path}.targetPort`, port.targetPort);
      if (targetCause) causes.push(targetCause);
    }
    if (typeof port.nodePort === 'number' && port.nodePort !== 0) {
      if (spec.type === 'ClusterIP') causes.push(forbiddenCause(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      const nodePortCause = portRangeCause(`${path}.nodePort`, port.nodePort);
      if (nodePortCause) causes.push(nodePortCause);
    }
  });
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((port, i) => {
    const key = `${String(port.protocol)}/${String(port.port)}`;
    if (seenPorts.has(key)) {
      // field.Duplicate of a struct prints it with %#v, which no JSON rendering reproduces.
      causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${servicePortKey(port.protocol, port.port)}`, field: `spec.ports[${i}]` });
    }
    seenPorts.add(key);
    if (typeof port.nodePort !== 'number' || port.nodePort === 0) return;
    const nodeKey = `${String(port.protocol)}/${port.nodePort}`;
    if (seenNodePorts.has(nodeKey)) causes.push(duplicateCause(`spec.ports[${i}]`, port.nodePort));
    seenNodePorts.add(nodeKey);
  });
  return causes;
}

function validateLoadBalancerClass(spec: Spec, oldSpec: Spec | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const lbClass = spec.loadBalancerClass;
  if (oldSpec?.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && (oldSpec.loadBalancerClass ?? null) !== (lbClass ?? null)) {
    causes.push(invalidCause('spec.loadBalancerClass', lbClass ?? null, 'may not change once set'));
  }
  if (spec.type === 'LoadBalancer') {
    if (typeof lbClass === 'string') for (const msg of isQualifiedName(lbClass)) causes.push(invalidCause('spec.loadBalancerClass', lbClass, msg));
  } else if (lbClass !== undefined && lbClass !== null) {
    causes.push(forbiddenCause('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  return causes;
}

/** Spec validation of a Service write; /status writes are only about status and pass. */
export function validateService(svc: KubeObject, old?: KubeObject, subresource?: string): StatusCause[] {
  if (subresource === 'status') return [];
  const spec = specOfService(svc);
  if (!spec) return [];
  const oldSpec = specOfService(old);
  const causes: StatusCause[] = [];
  if (oldSpec) causes.push(...validateClusterIPsUpdate(spec, oldSpec), ...validateIPFamiliesUpdate(spec, oldSpec));
  causes.push(...validateLoadBalancerClass(spec, oldSpec));
  if (typeof spec.type === 'string' && !serviceTypes.includes(spec.type)) causes.push(notSupportedCause('spec.type', spec.type, serviceTypes));
  if (spec.type === 'ExternalName') causes.push(...validateExternalName(spec));
  else causes.push(...validateClusterIPsRelatedFields(spec));
  const headless = spec.clusterIP === 'None';
  if (portsOf(spec).length === 0 && !headless && spec.type !== 'ExternalName') {
    causes.push(requiredCause('spec.ports'));
  }
  causes.push(...validatePorts(spec));
  return causes;
}
