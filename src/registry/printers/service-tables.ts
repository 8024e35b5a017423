// Server-side printing of core/v1 Services (TYPE CLUSTER-IP EXTERNAL-IP PORT(S)) and Endpoints.
import type { TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { ageColumn, column } from './columns.js';
import { int, obj, objs, str, strs, type Obj } from './fields.js';
import { translateTimestampSince } from './human-duration.js';
import { formatLabels } from './label-selector.js';

/**
 * Load-balancer ingress points: IP, else hostname, de-duplicated and sorted. Upstream clips this to 16
 * characters only for non-wide output, and the server always prints wide, so it is never clipped here.
 */
export function loadBalancerIngress(loadBalancer: unknown): string {
  const points = new Set<string>();
  for (const ing of objs(obj(loadBalancer).ingress)) {
    const ip = str(ing.ip);
    const hostname = str(ing.hostname);
    if (ip !== '') points.add(ip);
    else if (hostname !== '') points.add(hostname);
  }
  return [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',');
}

/** The service type, as the apiserver defaults it when unset. */
function serviceType(spec: Obj): string {
  return str(spec.type) || 'ClusterIP';
}

function externalIP(spec: Obj, status: Obj): string {
  const externalIPs = strs(spec.externalIPs);
  switch (serviceType(spec)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(status.loadBalancer);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** `80/TCP`, or `80:30080/TCP` when a node port is allocated, comma-joined. */
function portsString(spec: Obj): string {
  return objs(spec.ports)
    .map((p) => {
      const protocol = str(p.protocol) || 'TCP';
      const nodePort = int(p.nodePort);
      return nodePort > 0 ? `${int(p.port)}:${nodePort}/${protocol}` : `${int(p.port)}/${protocol}`;
    })
    .join(',');
}

export const serviceTable: TablePrinter = {
  columns: [
    column('Type', 'string', docs.serviceSpecType),
    column('Cluster-IP', 'string', docs.serviceSpecClusterIP),
    column('External-IP', 'string', docs.serviceSpecExternalIPs),
    column('Port(s)', 'string', docs.serviceSpecPorts),
    ageColumn,
    column('Selector', 'string', docs.serviceSpecSelector, 1),
  ],
  cells(svc, now) {
    const spec = obj(svc.spec);
    const status = obj(svc.status);
    // v1 → internal conversion fills clusterIPs from a lone clusterIP, so either spelling counts.
    const clusterIP = strs(spec.clusterIPs)[0] || str(spec.clusterIP);
    return [
      serviceType(spec),
      clusterIP || '<none>',
      externalIP(spec, status),
      portsString(spec) || '<none>',
      translateTimestampSince(svc.metadata.creationTimestamp, now),
      formatLabels(spec.selector),
    ];
  },
};

/** net.JoinHostPort: IPv6 literals are bracketed. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const MAX_ENDPOINTS = 3;

/** Up to three `ip:port` pairs then "+ N more...", or "<none>" without subsets (formatEndpoints). */
export function formatEndpoints(subsets: unknown): string {
  const list = objs(subsets);
  if (list.length === 0) return '<none>';
  const shown: string[] = [];
  let more = false;
  let count = 0;
  const add = (entry: string): boolean => {
    if (shown.length === MAX_ENDPOINTS) {
      more = true;
      return false;
    }
    shown.push(entry);
    return true;
  };
  for (const ss of list) {
    const addresses = objs(ss.addresses);
    const ports = objs(ss.ports);
    if (ports.length === 0) {
      // Headless services may publish addresses without ports.
      count += addresses.length;
      for (const a of addresses) if (!add(str(a.ip))) break;
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) if (!add(joinHostPort(str(a.ip), int(port.port)))) break;
    }
  }
  const joined = shown.join(',');
  return more ? `${joined} + ${count - MAX_ENDPOINTS} more...` : joined;
}

export const endpointsTable: TablePrinter = {
  columns: [column('Endpoints', 'string', docs.endpointsSubsets), ageColumn],
  cells(ep, now) {
    return [formatEndpoints(ep.subsets), translateTimestampSince(ep.metadata.creationTimestamp, now)];
  },
};
