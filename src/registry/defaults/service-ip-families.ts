// The service registry's IP-family initialisation (ipFamilyPolicy, ipFamilies), run before cluster IP allocation.
import type { KubeObject, StatusCause } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { isUnset } from './util.js';

export type IPFamily = 'IPv4' | 'IPv6';

export interface ServiceIPFamilyOptions {
  /** The stored object on update; policy and families are inherited from it when the client left them out. */
  old?: KubeObject;
  /** The service CIDR families the cluster serves, primary first. A single-stack IPv4 cluster by default. */
  clusterFamilies?: IPFamily[];
}

function familyOf(ip: string): IPFamily {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

function otherFamily(family: unknown): IPFamily {
  return family === 'IPv4' ? 'IPv6' : 'IPv4';
}

/** Renders a value as field.Invalid does (Go's %q for strings, %#v for string slices). */
export function goValue(value: unknown): string {
  if (Array.isArray(value)) return `[]string{${value.map((item) => JSON.stringify(item)).join(', ')}}`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** field.Invalid for the service registry's values, which are often string slices (`[]string{"10.96.0.10"}`). */
export function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${goValue(value)}: ${detail}`, field };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

function sameList(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/**
 * Fills spec.ipFamilyPolicy and spec.ipFamilies the way the service REST storage does on create and update
 * (Allocators.initIPFamilyFields), so they are visible even on dry-run. Returns the field errors upstream raises
 * instead of defaulting (e.g. RequireDualStack on a single-stack cluster); the caller answers 422 with them.
 * Malformed fields are left untouched for validation. ExternalName services are not touched.
 */
export function initServiceIPFamilies(obj: KubeObject, options: ServiceIPFamilyOptions = {}): StatusCause[] {
  const spec: unknown = isPlainObject(obj) ? obj.spec : undefined;
  if (!isPlainObject(spec) || spec.type === 'ExternalName') return [];
  const clusterFamilies = options.clusterFamilies ?? ['IPv4'];
  const primaryFamily = clusterFamilies[0] ?? 'IPv4';
  const oldSpec = isPlainObject(options.old?.spec) ? options.old.spec : undefined;
  const headlessSelectorless =
    spec.clusterIP === 'None' && (!isPlainObject(spec.selector) || Object.keys(spec.selector).length === 0);

  if (isUnset(spec.ipFamilyPolicy)) {
    if (oldSpec && !isUnset(oldSpec.ipFamilyPolicy)) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    else spec.ipFamilyPolicy = headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  }
  const policy = spec.ipFamilyPolicy;
  if (typeof policy !== 'string') return [];
  if (!isUnset(spec.ipFamilies) && !stringList(spec.ipFamilies)) return [];
  if (!isUnset(spec.clusterIPs) && !stringList(spec.clusterIPs)) return [];

  const errors: StatusCause[] = [];
  if (oldSpec && policy === 'SingleStack') {
    // Downgrading to single-stack while leaving the lists as they were is clear intent to drop the secondary.
    const clusterIPs = stringList(spec.clusterIPs);
    if (clusterIPs && clusterIPs.length > 1 && sameList(spec.clusterIPs, oldSpec.clusterIPs)) {
      spec.clusterIPs = clusterIPs.slice(0, 1);
    }
    const families = stringList(spec.ipFamilies);
    if (families && families.length > 1 && sameList(spec.ipFamilies, oldSpec.ipFamilies)) {
      spec.ipFamilies = families.slice(0, 1);
    }
  }
  if (policy === 'SingleStack') {
    if ((stringList(spec.clusterIPs)?.length ?? 0) === 2) {
      errors.push(invalid('spec.ipFamilyPolicy', policy,
        "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    }
    if ((stringList(spec.ipFamilies)?.length ?? 0) === 2) {
      errors.push(invalid('spec.ipFamilyPolicy', policy,
        "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
  }

  // Families are inferred from any cluster IPs the client chose.
  const families: string[] = [...(stringList(spec.ipFamilies) ?? [])];
  (stringList(spec.clusterIPs) ?? []).every((ip, index) => {
    if (ip === 'None') return false;
    if (index >= families.length) {
      const family = familyOf(ip);
      if (clusterFamilies.includes(family)) families.push(family);
      else errors.push(invalid(`spec.clusterIPs[${index}]`, spec.clusterIPs, `${family} is not configured on this cluster`));
    }
    return true;
  });
  if (errors.length > 0) return errors;

  if (headlessSelectorless) {
    // Headless services without a selector may carry families the cluster does not serve.
    if (families.length === 0) families.push(primaryFamily);
    if (families.length < 2 && policy !== 'SingleStack') families.push(otherFamily(families[0]));
    spec.ipFamilies = families;
    return [];
  }

  if (policy === 'RequireDualStack' && clusterFamilies.length < 2) {
    errors.push(invalid('spec.ipFamilyPolicy', policy, 'this cluster is not configured for dual-stack services'));
  }
  families.forEach((family, index) => {
    if (!clusterFamilies.includes(family as IPFamily)) {
      errors.push(invalid(`spec.ipFamilies[${index}]`, family, 'not configured on this cluster'));
    }
  });
  if (errors.length > 0) return errors;

  if (families.length === 0) families.push(primaryFamily);
  if (policy !== 'SingleStack' && families.length === 1 && clusterFamilies.length === 2) {
    families.push(otherFamily(families[0]));
  }
  spec.ipFamilies = families;
  return [];
}
