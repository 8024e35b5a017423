// Fault injection for tests of clients' retry paths: matching requests get the error, latency or broken watch a troubled apiserver gives.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { realDelay } from '../clock/real-delay.js';
import { ApiError } from '../meta/errors.js';
import { seededRandom } from '../meta/seeded-random.js';
import { cutWatchAfter, sendWatchError } from './handlers/watch-stream.js';
import type { ResourceRequest } from './request-info.js';

export type FaultCode = 409 | 410 | 429 | 500 | 503 | 504;

/**
 * Whose requests a rule reaches: `'http'` (kubectl, client-node, operators over the wire), `'in-process'` (the
 * built-in controllers, scheduler and kubelet, and `cluster.client`), or `'all'`.
 */
export type FaultClients = 'http' | 'in-process' | 'all';

/** Where a request came from, as FaultRule.clients tells them apart. */
export type FaultOrigin = 'http' | 'in-process';

/**
 * Which requests fail, and how. Unset selectors match everything. A rule must do something: answer a `code`, add
 * `delayMs` of latency, or cut a watch (`dropWatch`).
 */
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
  /**
   * The error status to answer. 410 applies to watch and list only: a watch gets upstream's answer for an expired
   * resourceVersion (a 200 stream with one ERROR event, `410 Expired`), a list a 410 response; informers relist.
   */
  code?: FaultCode;
  /** The Status message; a message like upstream's for the code when unset. */
  message?: string;
  /** For 429 and 503: the Retry-After header and `details.retryAfterSeconds` (default 1). */
  retryAfterSeconds?: number;
  /** Real-time latency added before the request is handled (alone, or before the `code` answer or the watch). */
  delayMs?: number;
  /**
   * Watches only: the connection is destroyed, as a broken network or a crashed apiserver leaves it, once
   * `afterEvents` events have been sent (0, the default: right after the response headers).
   */
  dropWatch?: boolean;
  /** With dropWatch: how many events (initial ADDED events included) the watch delivers before it is cut. */
  afterEvents?: number;
  /** The chance a matching request is picked, 0…1 (default 1: always). */
  probability?: number;
  /** How many matching requests the rule picks before it retires itself (default: no limit). */
  times?: number;
  /**
   * Whose requests the rule reaches (default `'http'`). In-process requests fail before anything is stored, and a
   * dropped in-process watch ends as a broken connection (an informer re-watches from its last resourceVersion);
   * `delayMs` is real time and reaches HTTP requests only.
   */
  clients?: FaultClients;
  /**
   * Seeds the rule's own random source for `probability`, so a run that failed picks the same requests again
   * (given the same requests in the same order, as on the virtual clock). Unset: the injector's source.
   */
  seed?: number;
}

/** An active rule as `list()` (and GET /kubefake/v1/faults) shows it: `times` is what is left of it. */
export type ActiveFaultRule = FaultRule & { id: string };

/** What `add()` returns: call it to remove the rule; `id` names it for `remove()` and the HTTP API. */
export type FaultRemover = (() => void) & { readonly id: string };

/** What the matching rules do to one request. */
export interface FaultDecision {
  /** Real-time latency before the request is handled: every picked rule's delayMs, added up. */
  delayMs: number;
  /** The error the request fails with. */
  error?: ApiError;
  /** For a watch: cut the connection after this many events. */
  dropWatchAfter?: number;
}

/** A request as the rules see it. */
export interface FaultTarget {
  verb: string;
  request: ResourceRequest;
  /** The request's ?resourceVersion, for a 410's "too old resource version" message. */
  resourceVersion?: string;
  /** `'http'` when unset. */
  origin?: FaultOrigin;
}

export class FaultRuleError extends Error {}

const reasons: Record<FaultCode, { reason: string; message: string }> = {
  409: { reason: 'Conflict', message: 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again' },
  410: { reason: 'Expired', message: '' },
  429: { reason: 'TooManyRequests', message: 'Too many requests, please try again later.' },
  500: { reason: 'InternalError', message: 'Internal error occurred: injected fault' },
  503: { reason: 'ServiceUnavailable', message: 'The server is currently unable to handle the request' },
  504: { reason: 'Timeout', message: 'Timeout: request did not complete within the allotted timeout' },
};

const knownVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const ruleFields = new Set(['verbs', 'resource', 'group', 'namespace', 'name', 'code', 'message', 'retryAfterSeconds', 'delayMs', 'dropWatch', 'afterEvents', 'probability', 'times', 'clients', 'seed']);
const clientChoices: FaultClients[] = ['http', 'in-process', 'all'];

/** Checks a rule from an untrusted source (JSON over HTTP); throws a FaultRuleError naming every problem. */
export function validateFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultRuleError('invalid fault rule: expected a JSON object');
  const rule = value as Record<string, unknown>;
  const problems: string[] = [];
  const unknown = Object.keys(rule).filter((k) => !ruleFields.has(k));
  if (unknown.length > 0) problems.push(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`);
  for (const field of ['resource', 'group', 'namespace', 'name', 'message'] as const) {
    if (rule[field] !== undefined && typeof rule[field] !== 'string') problems.push(`${field}: must be a string`);
  }
  const verbs = rule.verbs;
  if (verbs !== undefined) {
    if (!Array.isArray(verbs) || verbs.length === 0 || verbs.some((v) => typeof v !== 'string')) problems.push('verbs: must be a non-empty list of strings');
    else for (const v of verbs as string[]) if (!knownVerbs.includes(v)) problems.push(`verbs: "${v}" is not one of ${knownVerbs.join(', ')}`);
  }
  const code = rule.code;
  if (code !== undefined && !(typeof code === 'number' && code in reasons)) {
    problems.push(`code: ${JSON.stringify(code)} is not one of ${Object.keys(reasons).join(', ')}`);
  }
  const number = (field: string, ok: (n: number) => boolean, what: string) => {
    const v = rule[field];
    if (v !== undefined && !(typeof v === 'number' && ok(v))) problems.push(`${field}: must be ${what}`);
  };
  number('retryAfterSeconds', (n) => Number.isInteger(n) && n >= 0, 'a whole number of seconds (0 or more)');
  number('delayMs', (n) => Number.isFinite(n) && n >= 0, 'a number of milliseconds (0 or more)');
  number('afterEvents', (n) => Number.isInteger(n) && n >= 0, 'a whole number (0 or more)');
  number('probability', (n) => n >= 0 && n <= 1, 'a number from 0 to 1');
  number('times', (n) => Number.isInteger(n) && n >= 1, 'a positive whole number');
  number('seed', (n) => Number.isSafeInteger(n), 'a whole number');
  if (rule.clients !== undefined && !clientChoices.includes(rule.clients as FaultClients)) {
    problems.push(`clients: ${JSON.stringify(rule.clients)} is not one of ${clientChoices.join(', ')}`);
  }
  if (rule.clients === 'in-process' && rule.delayMs !== undefined) problems.push('delayMs: in-process requests take no real-time delay; use clients: "http" or "all"');
  if (rule.dropWatch !== undefined && typeof rule.dropWatch !== 'boolean') problems.push('dropWatch: must be true or false');
  if (rule.retryAfterSeconds !== undefined && code !== 429 && code !== 503) problems.push('retryAfterSeconds: only codes 429 and 503 carry a Retry-After');
  if (rule.afterEvents !== undefined && rule.dropWatch !== true) problems.push('afterEvents: only means something with dropWatch: true');
  if (rule.dropWatch === true && code !== undefined) problems.push('dropWatch and code exclude each other: a watch is either answered an error or cut');
  const only = (allowed: string[], why: string) => {
    if (Array.isArray(verbs) && verbs.some((v) => !allowed.includes(v as string))) problems.push(`verbs: ${why}`);
  };
  if (code === 410) only(['watch', 'list'], 'code 410 (Expired) applies to watch and list only');
  if (rule.dropWatch === true) only(['watch'], 'dropWatch applies to watch only');
  if (problems.length === 0 && code === undefined && rule.dropWatch !== true && !(((rule.delayMs as number | undefined) ?? 0) > 0)) {
    problems.push('the rule does nothing: give a code, a delayMs above 0 or dropWatch: true');
  }
  if (problems.length > 0) throw new FaultRuleError(`invalid fault rule: ${problems.join('; ')}`);
  return structuredClone(rule) as FaultRule;
}

interface Entry {
  id: string;
  rule: FaultRule;
  left: number;
  random?: () => number;
}

export class FaultInjector {
  private readonly rules: Entry[] = [];
  private nextId = 1;

  constructor(private random: () => number = Math.random) {}

  /** Makes the draws of rules without their own `seed` reproducible from here on. */
  seed(seed: number): void {
    if (!Number.isSafeInteger(seed)) throw new FaultRuleError(`invalid fault seed: ${String(seed)} is not a whole number`);
    this.random = seededRandom(seed);
  }

  /** No rule is active: every request (HTTP or in-process) passes untouched, so callers may skip building a target. */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Adds a rule (checked as validateFaultRule checks it); the returned function removes it. */
  add(rule: FaultRule): FaultRemover {
    const checked = validateFaultRule(rule);
    const entry: Entry = { id: `fault-${this.nextId++}`, rule: checked, left: rule.times ?? Number.POSITIVE_INFINITY };
    if (checked.seed !== undefined) entry.random = seededRandom(checked.seed);
    this.rules.push(entry);
    return Object.assign(() => void this.remove(entry.id), { id: entry.id });
  }

  /** The active rules in the order they are tried, each with its id and the `times` it has left. */
  list(): ActiveFaultRule[] {
    return this.rules.map(({ id, rule, left }) => {
      const shown: ActiveFaultRule = { id, ...structuredClone(rule) };
      if (Number.isFinite(left)) shown.times = left;
      return shown;
    });
  }

  /** Removes one rule; false when no active rule has this id. */
  remove(id: string): boolean {
    const at = this.rules.findIndex((e) => e.id === id);
    if (at < 0) return false;
    this.rules.splice(at, 1);
    return true;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /**
   * What the rules do to this request. Latency adds up over every picked rule; of the rules that fail or cut a
   * request, the first one picked (in the order added) decides. A rule counts down its `times` only when it acts.
   */
  check(target: FaultTarget): FaultDecision | undefined {
    if (this.rules.length === 0) return undefined;
    let decision: FaultDecision | undefined;
    for (const entry of [...this.rules]) {
      const { rule } = entry;
      const effect = rule.code !== undefined || rule.dropWatch === true;
      if ((effect && (decision?.error || decision?.dropWatchAfter !== undefined)) || !matches(rule, target)) continue;
      // Only rules that are not certain draw, so adding a probability-1 rule leaves the others' draws unchanged.
      if (rule.probability !== undefined && rule.probability < 1 && (entry.random ?? this.random)() >= rule.probability) continue;
      decision ??= { delayMs: 0 };
      decision.delayMs += rule.delayMs ?? 0;
      if (rule.code !== undefined) decision.error = faultError(rule, target);
      if (rule.dropWatch) decision.dropWatchAfter = rule.afterEvents ?? 0;
      if (--entry.left <= 0) this.remove(entry.id);
    }
    return decision;
  }
}

/** Carries out a decision on an HTTP request: waits, then answers or arms the cut. True when it answered. */
export async function applyFault(decision: FaultDecision, verb: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  await realDelay(decision.delayMs);
  if (decision.error?.code === 410 && verb === 'watch') {
    sendWatchError(res, decision.error);
    return true;
  }
  if (decision.error) throw decision.error;
  if (decision.dropWatchAfter !== undefined) cutWatchAfter(req, decision.dropWatchAfter);
  return false;
}

function matches(rule: FaultRule, { verb, request, origin = 'http' }: FaultTarget): boolean {
  const clients = rule.clients ?? 'http';
  if (clients !== 'all' && clients !== origin) return false;
  // Real-time latency has no place among in-process requests, which the virtual clock drives.
  if (origin === 'in-process' && rule.code === undefined && rule.dropWatch !== true) return false;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  // Without verbs, a rule only some verbs can carry out applies to those verbs alone.
  if (rule.dropWatch && verb !== 'watch') return false;
  if (rule.code === 410 && verb !== 'watch' && verb !== 'list') return false;
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

function faultError(rule: FaultRule, { request, resourceVersion }: FaultTarget): ApiError {
  const code = rule.code!;
  const { reason, message } = reasons[code];
  if (code === 410) {
    // Upstream names the requested revision and the oldest one it still has.
    const rv = Number(resourceVersion) || 0;
    return new ApiError(410, reason, rule.message ?? `too old resource version: ${rv} (${rv + 1})`);
  }
  const details = { name: request.name ?? '', group: request.group, kind: request.resource } as Record<string, unknown>;
  let headers: Record<string, string> | undefined;
  if (code === 429 || code === 503) {
    const seconds = rule.retryAfterSeconds ?? 1;
    details.retryAfterSeconds = seconds;
    headers = { 'Retry-After': String(seconds) };
  }
  return new ApiError(code, reason, rule.message ?? message, details as never, headers);
}
