// networking.k8s.io/v1 defaulting: NetworkPolicies and IngressClasses (Ingress has no defaults in v1).
import type { KubeObject } from '../../meta/types.js';
import { eachObject, ensureObject, isEmptyList, objectAt, setIfUnset, specOf } from './util.js';

/**
 * Defaults a NetworkPolicy: policyTypes is Ingress, plus Egress when egress rules exist, and every port's
 * protocol is TCP. podSelector is a non-pointer struct upstream, so it always shows, as {} when omitted.
 */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  ensureObject(spec, 'podSelector');
  for (const direction of ['ingress', 'egress']) {
    eachObject(spec, direction, (rule) => {
      eachObject(rule, 'ports', (port) => setIfUnset(port, 'protocol', 'TCP'));
    });
  }
  if (isEmptyList(spec.policyTypes)) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** Ingress (networking.k8s.io/v1) has no defaults: pathType became required when v1beta1's default was dropped. */
export function defaultIngress(_obj: KubeObject): void {}

/** Defaults an IngressClass: parameters default to cluster scope. */
export function defaultIngressClass(obj: KubeObject): void {
  const spec = objectAt(obj, 'spec');
  const parameters = spec ? objectAt(spec, 'parameters') : undefined;
  if (parameters) setIfUnset(parameters, 'scope', 'Cluster');
}
