// Fault injection for tests of clients' retry paths: matching requests get the error a troubled apiserver answers.
import { ApiError } from '../meta/errors.js';
import type { ResourceRequest } from './request-info.js';

export type FaultCode = 409 | 429 | 500 | 503 | 504;

/** Which requests fail, and how. Unset selectors match everything. */
export interface FaultRule {
  /** Kubernetes verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  verbs?: string[];
  /** The resource's plural name, e.g. `configmaps`; `deployments/scale` for a subresource. */
  resource?: string;
  /** The API group (`''` for core); any group when unset. */
  group?: string;
  namespace?: string;
  /** An object name, `*` wildcards allowed (`web-*`). */
  name?: string;
  code: FaultCode;
  /** The Status message; a message like upstream's for the code when unset. */
  message?: string;
  /** For 429 and 503: the Retry-After header and `details.retryAfterSeconds` (default 1). */
  retryAfterSeconds?: number;
  /** The chance a matching request fails, 0…1 (default 1: always). */
  probability?: number;
  /** How many matching requests fail before the rule retires itself (default: no limit). */
  times?: number;
}

const reasons: Record<FaultCode, { reason: string; message: string }> = {
  409: { reason: 'Conflict', message: 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again' },
  429: { reason: 'TooManyRequests', message: 'Too many requests, please try again later.' },
  500: { reason: 'InternalError', message: 'Internal error occurred: injected fault' },
  503: { reason: 'ServiceUnavailable', message: 'The server is currently unable to handle the request' },
  504: { reason: 'Timeout', message: 'Timeout: request did not complete within the allotted timeout' },
};

/** A request as the rules see it. */
export interface FaultTarget {
  verb: string;
  request: ResourceRequest;
}

export class FaultInjector {
  private readonly rules: { rule: FaultRule; left: number }[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  /** Adds a rule; the returned function removes it. */
  add(rule: FaultRule): () => void {
    if (!(rule.code in reasons)) throw new Error(`fault code ${String(rule.code)} is not one of ${Object.keys(reasons).join(', ')}`);
    const entry = { rule, left: rule.times ?? Number.POSITIVE_INFINITY };
    this.rules.push(entry);
    return () => {
      const at = this.rules.indexOf(entry);
      if (at >= 0) this.rules.splice(at, 1);
    };
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The error this request must fail with, if a rule picks it. */
  check(target: FaultTarget): ApiError | undefined {
    for (const entry of this.rules) {
      if (entry.left <= 0 || !matches(entry.rule, target)) continue;
      if (this.random() >= (entry.rule.probability ?? 1)) continue;
      entry.left--;
      return faultError(entry.rule, target.request);
    }
    return undefined;
  }
}

function matches(rule: FaultRule, { verb, request }: FaultTarget): boolean {
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  if (rule.verbs && !rule.verbs.includes(verb)) return false;
  if (rule.resource !== undefined && rule.resource !== resource) return false;
  if (rule.group !== undefined && rule.group !== request.group) return false;
  if (rule.namespace !== undefined && rule.namespace !== request.namespace) return false;
  if (rule.name !== undefined && !globMatches(rule.name, request.name ?? '')) return false;
  return true;
}

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

function faultError(rule: FaultRule, request: ResourceRequest): ApiError {
  const { reason, message } = reasons[rule.code];
  const details = { name: request.name ?? '', group: request.group, kind: request.resource } as Record<string, unknown>;
  let headers: Record<string, string> | undefined;
  if (rule.code === 429 || rule.code === 503) {
    const seconds = rule.retryAfterSeconds ?? 1;
    details.retryAfterSeconds = seconds;
    headers = { 'Retry-After': String(seconds) };
  }
  return new ApiError(rule.code, reason, rule.message ?? message, details as never, headers);
}
