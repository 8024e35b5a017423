// CRD x-kubernetes-validations at request time: every rule evaluated against self (and oldSelf), failures as upstream's field errors.
import { isCelError, type CelInput } from '@bufbuild/cel';
import type { StatusCause } from '../meta/types.js';
import {
  duplicateCause,
  forbiddenCause,
  internalCause,
  invalidCause,
  omitValue,
  requiredCause,
} from '../meta/field-errors.js';
import type { JSONSchemaProps, ValidationRule } from '../registry/crd/crd-types.js';
import { deepEqual } from '../meta/deep-equal.js';
import { optionalNone, optionalOf } from './cel-types.js';
import { runtimeErrorText, type CompiledCel } from './environment.js';
import { compiledRules, type CompiledRule } from './rule-compilation.js';
import { childPath, indexPath, renderPath } from './rule-field-path.js';
import { schemaToCel } from './schema-values.js';

export { compileRuleErrors } from './rule-compilation.js';

const maxMessageExpressionBytes = 5 * 1024;

function ruleErrorString(rule: ValidationRule): string {
  return rule.message ? rule.message.trim() : rule.rule.trim();
}

function ruleMessageOrDefault(rule: ValidationRule): string {
  return rule.message ? rule.message.trim() : `failed rule: ${ruleErrorString(rule)}`;
}

/** The evaluated messageExpression, or undefined when it fails and the rule's message takes over (as upstream). */
function evalMessageExpression(program: CompiledCel, bindings: Record<string, unknown>): string | undefined {
  const result = program.run(bindings);
  if (isCelError(result) || typeof result !== 'string') return undefined;
  const trimmed = result.trim();
  if (Buffer.byteLength(trimmed) > maxMessageExpressionBytes || /\n/.test(trimmed) || trimmed === '') return undefined;
  return trimmed;
}

function failureCause(field: string, value: unknown, detail: string, reason: string | undefined): StatusCause {
  switch (reason) {
    case 'FieldValueForbidden':
      return forbiddenCause(field, detail);
    case 'FieldValueRequired':
      return requiredCause(field, detail);
    case 'FieldValueDuplicate':
      return duplicateCause(field, value);
    default:
      return invalidCause(field, value, detail);
  }
}

interface NodeContext {
  schema: JSONSchemaProps;
  value: unknown;
  /** undefined when no old value correlates with this one (create, or an uncorrelatable part of the schema). */
  old: unknown;
  path: string;
  isResourceRoot: boolean;
  /** Whether the nearest value that correlates with an old one (this one or an ancestor) is unchanged. */
  ancestorUnchanged: boolean;
}

interface Report {
  errors: StatusCause[];
  warnings: string[];
}

function evaluateRules(node: NodeContext, rules: CompiledRule[], unchanged: boolean, report: Report): void {
  const { schema, value, old, path } = node;
  const field = renderPath(path);
  const typeName = schema.type ?? '';
  const hasOld = old !== undefined && old !== null;
  let self: CelInput | undefined;
  let oldSelf: CelInput | undefined;
  for (const compiled of rules) {
    const { rule } = compiled;
    if (compiled.error) {
      report.errors.push(invalidCause(field, typeName, `rule compile error: ${compiled.error}`));
      continue;
    }
    if (!compiled.program) continue;
    // Transition rules need an existing value unless they opt into seeing an absent one.
    if (compiled.usesOldSelf && !hasOld && !rule.optionalOldSelf) continue;
    self ??= schemaToCel(schema, value, node.isResourceRoot);
    if (hasOld) oldSelf ??= schemaToCel(schema, old, node.isResourceRoot);
    const bindings: Record<string, unknown> = { self };
    if (hasOld) bindings.oldSelf = oldSelf;
    const ruleBindings = rule.optionalOldSelf
      ? { self, oldSelf: hasOld ? optionalOf(oldSelf as never) : optionalNone() }
      : bindings;
    const result = compiled.program.run(ruleBindings);
    if (isCelError(result) || result instanceof Error) {
      const text = runtimeErrorText(result);
      const detail = text.startsWith('no such overload')
        ? `'${text}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`
        : `${text} evaluating rule: ${ruleErrorString(rule)}`;
      report.errors.push(invalidCause(field, typeName, detail));
      continue;
    }
    if (result === true) continue;
    const failedField = compiled.normalizedFieldPath ? renderPath(childPath(path, compiled.normalizedFieldPath)) : field;
    let detail: string | undefined;
    if (compiled.messageProgram) detail = evalMessageExpression(compiled.messageProgram, bindings);
    detail ??= ruleMessageOrDefault(rule);
    // Objects and lists are left out of the message; scalars are shown as they are.
    const shown = typeName === 'object' || typeName === 'array' ? omitValue : value;
    const cause = failureCause(failedField, shown, detail, rule.reason);
    // Ratcheting (upstream CRDValidationRatcheting): a rule that already failed on the unchanged old value only warns.
    if (!compiled.usesOldSelf && unchanged) report.warnings.push(`${cause.field}: ${cause.message}`);
    else report.errors.push(cause);
  }
}

function mapListKey(schema: JSONSchemaProps, item: unknown): string | undefined {
  const keys = schema['x-kubernetes-list-map-keys'];
  if (!keys || !item || typeof item !== 'object') return undefined;
  return JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k] ?? null));
}

function visit(node: NodeContext, report: Report): void {
  const { schema, value, old, path } = node;
  if (value === null || value === undefined) return;
  const unchanged = old !== undefined ? deepEqual(value, old) : node.ancestorUnchanged;
  const rules = compiledRules(schema, node.isResourceRoot);
  if (rules.length > 0) evaluateRules(node, rules, unchanged, report);
  const child = (childSchema: JSONSchemaProps, item: unknown, oldItem: unknown, childPathText: string): void =>
    visit(
      {
        schema: childSchema,
        value: item,
        old: oldItem,
        path: childPathText,
        isResourceRoot: !!childSchema['x-kubernetes-embedded-resource'],
        ancestorUnchanged: unchanged,
      },
      report,
    );
  if (Array.isArray(value)) {
    const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
    if (!items) return;
    // Only map lists correlate items by their keys; in any other list no item has an old counterpart.
    const oldByKey = new Map<string, unknown>();
    if (schema['x-kubernetes-list-type'] === 'map' && Array.isArray(old)) {
      for (const item of old) {
        const key = mapListKey(schema, item);
        if (key !== undefined) oldByKey.set(key, item);
      }
    }
    value.forEach((item, i) => {
      const key = mapListKey(schema, item);
      child(items, item, key === undefined ? undefined : oldByKey.get(key), indexPath(path, i));
    });
    return;
  }
  if (typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const oldRecord =
    old && typeof old === 'object' && !Array.isArray(old) && schema['x-kubernetes-map-type'] !== 'atomic'
      ? (old as Record<string, unknown>)
      : undefined;
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (additional) {
    for (const [key, item] of Object.entries(record)) {
      child(additional, item, oldRecord?.[key], indexPath(path, key));
    }
  }
  if (schema.properties) {
    for (const [key, item] of Object.entries(record)) {
      const property = schema.properties[key];
      if (!property) continue;
      child(property, item, oldRecord?.[key], childPath(path, key));
    }
  }
}

/**
 * Every failed x-kubernetes-validations rule in `schema` (a CRD version's openAPIV3Schema) for `object`; pass `old`
 * on UPDATE so transition rules (those reading oldSelf) run where the old value correlates. Failures of unchanged
 * values are ratcheted as upstream: they go to `warnings` (the text of a Warning header) instead of the result.
 */
export function validateCelRules(schema: JSONSchemaProps, object: unknown, old?: unknown, warnings?: string[]): StatusCause[] {
  const report: Report = { errors: [], warnings: warnings ?? [] };
  try {
    const root = old === null ? undefined : old;
    visit({ schema, value: object, old: root, path: '', isResourceRoot: true, ancestorUnchanged: false }, report);
  } catch (e) {
    report.errors.push(internalCause('<nil>', (e as Error).message));
  }
  return report.errors;
}
