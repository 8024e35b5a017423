// Server-side printing of networking.k8s.io/v1 Ingresses (CLASS HOSTS ADDRESS PORTS).
import type { TablePrinter } from '../strategy.js';
import { ageColumn, column } from './columns.js';
import { obj, objs, optStr, path, str } from './fields.js';
import { translateTimestampSince } from './human-duration.js';
import { loadBalancerIngress } from './service-tables.js';

const MAX_HOSTS = 3;

/**
 * Up to three rule hosts then "+ N more...", or "*" when no rule names a host. The overflow count is
 * rules beyond the third, hostless ones included, exactly as upstream counts it.
 */
export function formatHosts(rules: unknown): string {
  const list = objs(rules);
  const hosts: string[] = [];
  let more = false;
  for (const rule of list) {
    if (hosts.length === MAX_HOSTS) more = true;
    const host = str(rule.host);
    if (!more && host !== '') hosts.push(host);
  }
  if (hosts.length === 0) return '*';
  const joined = hosts.join(',');
  return more ? `${joined} + ${list.length - MAX_HOSTS} more...` : joined;
}

export const ingressTable: TablePrinter = {
  columns: [
    column(
      'Class',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
    ),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn,
  ],
  cells(ing, now) {
    const spec = obj(ing.spec);
    return [
      optStr(spec.ingressClassName) ?? '<none>',
      formatHosts(spec.rules),
      loadBalancerIngress(path(ing.status).loadBalancer),
      objs(spec.tls).length > 0 ? '80, 443' : '80',
      translateTimestampSince(ing.metadata.creationTimestamp, now),
    ];
  },
};
