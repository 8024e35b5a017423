// Service clusterIP/clusterIPs/ipFamilies rules: upstream's related-field validation and its update-time checks.
import { isIP } from 'node:net';
import { notSupportedCause, requiredCause, duplicateCause } from '../../meta/field-errors.js';
import type { StatusCause } from '../../meta/types.js';
import { invalid } from './service-ip-families.js';

type Spec = Record<string, unknown>;

const validIPMessage = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isHeadless(spec: Spec): boolean {
  const ips = strings(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

/** upstream ValidateServiceClusterIPsRelatedFields; ExternalName services are checked elsewhere (all must be unset). */
export function validateClusterIPsRelatedFields(spec: Spec): StatusCause[] {
  if (spec.type === 'ExternalName') return [];
  const causes: StatusCause[] = [];
  const clusterIP = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  const clusterIPs = strings(spec.clusterIPs);
  if (clusterIP !== '') {
    if (clusterIPs.length === 0) causes.push(requiredCause('spec.clusterIPs'));
    else if (clusterIPs[0] !== clusterIP) causes.push(invalid('spec.clusterIPs', clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length !== 0) {
    causes.push(invalid('spec.clusterIPs', clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  strings(spec.ipFamilies).forEach((family, i) => {
    if (family !== 'IPv4' && family !== 'IPv6') causes.push(notSupportedCause(`spec.ipFamilies[${i}]`, family, ['IPv4', 'IPv6']));
    if (seen.has(family)) causes.push(duplicateCause(`spec.ipFamilies[${i}]`, family));
    seen.add(family);
  });
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (typeof spec.ipFamilyPolicy === 'string' && !policies.includes(spec.ipFamilyPolicy)) {
    causes.push(notSupportedCause('spec.ipFamilyPolicy', spec.ipFamilyPolicy, policies));
  }
  let invalidIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        invalidIPs = true;
        causes.push(invalid('spec.clusterIPs', clusterIPs, "'None' must be the first and only value"));
      }
      return;
    }
    if (isIP(ip) === 0) {
      invalidIPs = true;
      causes.push(invalid(`spec.clusterIPs[${i}]`, ip, validIPMessage));
    }
  });
  if (clusterIPs.length > 2) causes.push(invalid('spec.clusterIPs', clusterIPs, 'may only hold up to 2 values'));
  // Past a malformed address, family checks would only add noise.
  if (invalidIPs) return causes;
  if (clusterIPs.length > 1 && isIP(clusterIPs[0]!) === isIP(clusterIPs[1]!)) {
    causes.push(invalid('spec.clusterIPs', clusterIPs, 'may specify no more than one IP for each IP family'));
  }
  const families = strings(spec.ipFamilies);
  if (!isHeadless(spec)) {
    clusterIPs.slice(0, families.length).forEach((ip, i) => {
      const v6 = isIP(ip) === 6;
      if (families[i] === 'IPv4' && v6) causes.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !v6) causes.push(invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return causes;
}

/** upstream validateUpgradeDowngradeClusterIPs: addresses may be added or dropped, never changed. */
export function validateClusterIPsUpdate(spec: Spec, oldSpec: Spec): StatusCause[] {
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const ips = strings(spec.clusterIPs);
  const oldIPs = strings(oldSpec.clusterIPs);
  const causes: StatusCause[] = [];
  const mayNotChange = () => invalid('spec.clusterIPs[0]', ips, 'may not change once set');
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) causes.push(invalid(`spec.clusterIPs[${i}]`, ips, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) causes.push(invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) causes.push(mayNotChange());
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      causes.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    causes.push(mayNotChange());
  }
  return causes;
}

/** upstream validateUpgradeDowngradeIPFamilies: the primary family never changes on a Service with a virtual IP. */
export function validateIPFamiliesUpdate(spec: Spec, oldSpec: Spec): StatusCause[] {
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  if (isHeadless(spec) || isHeadless(oldSpec)) return [];
  const families = strings(spec.ipFamilies);
  const oldFamilies = strings(oldSpec.ipFamilies);
  const causes: StatusCause[] = [];
  if (oldFamilies.length === families.length) {
    oldFamilies.forEach((family, i) => {
      if (family !== families[i]) causes.push(invalid('spec.ipFamilies[0]', families, 'may not change once set'));
    });
  } else if (oldFamilies.length > families.length) {
    if (families.length > 0 && families[0] !== oldFamilies[0]) {
      causes.push(invalid('spec.ipFamilies[0]', strings(spec.clusterIPs), 'may not change once set'));
    }
    if (families.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      causes.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFamilies.length > 0 && families.length > 0 && families[0] !== oldFamilies[0]) {
    causes.push(invalid('spec.ipFamilies[0]', strings(spec.clusterIPs), 'may not change once set'));
  }
  return causes;
}
