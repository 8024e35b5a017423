// CEL inputs for admission (object, oldObject, request…) and matchConditions evaluated under a failurePolicy.
import { cel } from '../cel/cel-loader.js';
import type { KubeObject } from '../meta/types.js';
import type { FailurePolicy, MatchCondition } from './admission-types.js';
import type { Attributes } from './attributes.js';
import type { MatchedResource } from './rules.js';

/** The variables an admission expression may read; absent ones are null, as upstream binds them. */
export type CelInputs = Record<string, unknown>;

/**
 * The `request` variable: the AdmissionRequest without uid or objects, with the matched (possibly equivalent)
 * resource and kind, and the requested ones beside them.
 */
export function celRequestOf(attributes: Attributes, matched: MatchedResource): Record<string, unknown> {
  const request: Record<string, unknown> = {
    uid: '',
    kind: matched.kind,
    resource: matched.resource,
    requestKind: attributes.kind,
    requestResource: attributes.resource,
    operation: attributes.operation,
    userInfo: userInfoOf(attributes),
    dryRun: attributes.dryRun,
    options: attributes.options,
  };
  if (attributes.subresource) {
    request.subResource = attributes.subresource;
    request.requestSubResource = attributes.subresource;
  }
  if (attributes.name) request.name = attributes.name;
  if (attributes.namespace) request.namespace = attributes.namespace;
  return request;
}

export function userInfoOf(attributes: Attributes): Record<string, unknown> {
  const user = attributes.userInfo;
  const info: Record<string, unknown> = { username: user.username, groups: [...user.groups] };
  if (user.uid) info.uid = user.uid;
  if (user.extra && Object.keys(user.extra).length > 0) info.extra = user.extra;
  return info;
}

/** Only what upstream's CreateNamespaceObject exposes of the namespace: no managedFields, owners or finalizers. */
export function namespaceObjectOf(namespace: KubeObject | undefined): Record<string, unknown> | null {
  if (!namespace) return null;
  const meta = namespace.metadata;
  const exposed: Record<string, unknown> = {};
  for (const field of [
    'name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
    'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations',
  ] as const) {
    if (meta[field] !== undefined) exposed[field] = meta[field];
  }
  const result: Record<string, unknown> = { metadata: exposed };
  if (namespace.spec !== undefined) result.spec = namespace.spec;
  if (namespace.status !== undefined) result.status = namespace.status;
  return result;
}

/** One expression's outcome: its value, or upstream's evaluation error text. */
export type Evaluation = { value: unknown; error?: undefined } | { error: string };

export function evaluate(expression: string, variables: readonly string[], inputs: CelInputs): Evaluation {
  const compiled = cel().compileExpression(expression, variables);
  if ('error' in compiled) return { error: `compilation error: ${compiled.error}` };
  const result = compiled.program.evaluate(inputs);
  if ('error' in result) return { error: `expression '${expression}' resulted in error: ${result.error}` };
  return { value: result.value };
}

/** utilerrors.NewAggregate's text: one message alone, several (deduplicated) in brackets. */
export function aggregateText(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

export type ConditionsOutcome = { matches: boolean; error?: undefined } | { matches: false; error: string };

/**
 * Any condition false skips the hook; otherwise evaluation errors fail the request (Fail, the default) or skip the
 * hook (Ignore).
 */
export function evaluateMatchConditions(
  conditions: readonly MatchCondition[] | undefined,
  failurePolicy: FailurePolicy | undefined,
  variables: readonly string[],
  inputs: CelInputs,
): ConditionsOutcome {
  const failures: string[] = [];
  for (const condition of conditions ?? []) {
    const outcome = evaluate(condition.expression, variables, inputs);
    if (outcome.error !== undefined) failures.push(outcome.error);
    else if (outcome.value === false) return { matches: false };
  }
  if (failures.length === 0) return { matches: true };
  if (failurePolicy === 'Ignore') return { matches: false };
  return { matches: false, error: aggregateText(failures) };
}
