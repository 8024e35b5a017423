// Compiling a schema node's x-kubernetes-validations once (cached per node), and the CRD-time report of their problems.
import type { StatusCause } from '../meta/types.js';
import { goQuote, invalidCause, notSupportedCause, requiredCause } from '../meta/field-errors.js';
import type { JSONSchemaProps, ValidationRule } from '../registry/crd/crd-types.js';
import { compileCel, type CompiledCel } from './environment.js';
import { childPath, indexPath, validFieldPath } from './rule-field-path.js';
import { checkSchemaFields } from './schema-values.js';

export interface CompiledRule {
  rule: ValidationRule;
  program?: CompiledCel;
  /** `compilation failed: ...` or upstream's other compile detail. */
  error?: string;
  /** Whether the rule is a transition rule, evaluated only against an existing value. */
  usesOldSelf: boolean;
  messageProgram?: CompiledCel;
  messageError?: string;
  /** The rule's fieldPath as a field.Path string from a nil root (`spec.replicas`), when valid. */
  normalizedFieldPath?: string;
}

const ruleVariables = ['self', 'oldSelf'] as const;
const compiledByNode = [new WeakMap<object, CompiledRule[]>(), new WeakMap<object, CompiledRule[]>()];

function compileRule(rule: ValidationRule, schema: JSONSchemaProps, isResourceRoot: boolean): CompiledRule {
  const compiled: CompiledRule = { rule, usesOldSelf: false };
  if (rule.fieldPath) {
    const path = validFieldPath(rule.fieldPath, schema);
    if ('path' in path) compiled.normalizedFieldPath = path.path;
  }
  if ((rule.rule ?? '').trim() === '') {
    compiled.error = 'rule is not specified';
    return compiled;
  }
  const fieldChecker = (_root: string, path: readonly string[]) => checkSchemaFields(schema, path, isResourceRoot);
  const result = compileCel(rule.rule, ruleVariables, fieldChecker);
  if ('error' in result) {
    compiled.error = `compilation failed: ${result.error}`;
    return compiled;
  }
  compiled.program = result.compiled;
  compiled.usesOldSelf = result.compiled.referenced.has('oldSelf');
  if (rule.messageExpression) {
    const message = compileCel(rule.messageExpression, ruleVariables, fieldChecker);
    if ('error' in message) compiled.messageError = `messageExpression compilation failed: ${message.error}`;
    else compiled.messageProgram = message.compiled;
  }
  return compiled;
}

/** The node's rules (and those of its allOf entries, which validate the same value), compiled on first use. */
export function compiledRules(schema: JSONSchemaProps, isResourceRoot: boolean): CompiledRule[] {
  const cache = compiledByNode[isResourceRoot ? 1 : 0]!;
  let rules = cache.get(schema);
  if (!rules) {
    rules = (schema['x-kubernetes-validations'] ?? []).map((rule) => compileRule(rule, schema, isResourceRoot));
    for (const allOf of schema.allOf ?? []) {
      for (const rule of allOf['x-kubernetes-validations'] ?? []) rules.push(compileRule(rule, schema, isResourceRoot));
    }
    cache.set(schema, rules);
  }
  return rules;
}

function goPointer(value: unknown, type: string): string {
  // Go prints a set pointer as its address, which no client can rely on; any stable address stands in for it.
  return value === undefined ? `(*${type})(nil)` : `(*${type})(0xc000010000)`;
}

/** The internal ValidationRule as Go's %#v prints it, which upstream uses as the bad value of a rule error. */
export function goRuleText(rule: ValidationRule): string {
  return (
    `apiextensions.ValidationRule{Rule:${goQuote(rule.rule ?? '')}, Message:${goQuote(rule.message ?? '')}, ` +
    `MessageExpression:${goQuote(rule.messageExpression ?? '')}, ` +
    `Reason:${goPointer(rule.reason, 'apiextensions.FieldValueErrorReason')}, FieldPath:${goQuote(rule.fieldPath ?? '')}, ` +
    `OptionalOldSelf:${goPointer(rule.optionalOldSelf, 'bool')}}`
  );
}

function ruleInvalid(field: string, rule: ValidationRule, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${goRuleText(rule)}: ${detail}` };
}

const supportedReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const newlines = /[\n\r]+/;

function schemaProblems(rule: ValidationRule, base: string, schema: JSONSchemaProps): StatusCause[] {
  const out: StatusCause[] = [];
  const ruleText = (rule.rule ?? '').trim();
  const message = rule.message ?? '';
  const trimmedMessage = message.trim();
  if (ruleText === '') out.push(requiredCause(childPath(base, 'rule'), 'rule is not specified'));
  else if (message !== '' && trimmedMessage === '') {
    out.push(invalidCause(childPath(base, 'message'), message, 'message must be non-empty if specified'));
  } else if (message.length > 2048) {
    out.push(invalidCause(childPath(base, 'message'), message.slice(0, 10) + '...', 'message must have a maximum length of 2048 characters'));
  } else if (newlines.test(trimmedMessage)) {
    out.push(invalidCause(childPath(base, 'message'), message, 'message must not contain line breaks'));
  } else if (newlines.test(ruleText) && trimmedMessage === '') {
    out.push(requiredCause(childPath(base, 'message'), 'message must be specified if rule contains line breaks'));
  }
  if (rule.messageExpression !== undefined && rule.messageExpression !== '' && rule.messageExpression.trim() === '') {
    out.push(requiredCause(childPath(base, 'messageExpression'), 'messageExpression must be non-empty if specified'));
  }
  if (rule.reason !== undefined && !supportedReasons.includes(rule.reason)) {
    out.push(notSupportedCause(childPath(base, 'reason'), rule.reason, supportedReasons));
  }
  const fieldPath = rule.fieldPath ?? '';
  if (fieldPath !== '' && fieldPath.trim() === '') {
    out.push(invalidCause(childPath(base, 'fieldPath'), fieldPath, 'fieldPath must be non-empty if specified'));
  }
  if (newlines.test(fieldPath)) {
    out.push(invalidCause(childPath(base, 'fieldPath'), fieldPath, 'fieldPath must not contain line breaks'));
  }
  if (fieldPath !== '') {
    const valid = validFieldPath(fieldPath, schema);
    if ('error' in valid) {
      out.push(invalidCause(childPath(base, 'fieldPath'), fieldPath, `fieldPath must be a valid path: ${valid.error}`));
    }
  }
  return out;
}

function nodeProblems(
  schema: JSONSchemaProps,
  path: string,
  isResourceRoot: boolean,
  uncorrelatablePath: string | undefined,
): StatusCause[] {
  const rules = schema['x-kubernetes-validations'] ?? [];
  const schemaErrors = rules.flatMap((rule, i) => schemaProblems(rule, indexPath(childPath(path, 'x-kubernetes-validations'), i), schema));
  // Like upstream, CEL is only compiled once the node's schema-level problems are fixed.
  if (schemaErrors.length > 0) return schemaErrors;
  const out: StatusCause[] = [];
  rules.forEach((rule, i) => {
    const base = indexPath(childPath(path, 'x-kubernetes-validations'), i);
    const compiled = compileRule(rule, schema, isResourceRoot);
    if (compiled.error) {
      if (compiled.error === 'rule is not specified') out.push(requiredCause(childPath(base, 'rule'), compiled.error));
      else out.push(ruleInvalid(childPath(base, 'rule'), rule, compiled.error));
    }
    if (compiled.messageError) out.push(ruleInvalid(childPath(base, 'messageExpression'), rule, compiled.messageError));
    if (compiled.program && compiled.usesOldSelf && uncorrelatablePath !== undefined) {
      const detail = `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatablePath}`;
      out.push(invalidCause(childPath(base, 'rule'), rule.rule, detail));
    } else if (compiled.program && !compiled.usesOldSelf && rule.optionalOldSelf !== undefined) {
      out.push(invalidCause(childPath(base, 'optionalOldSelf'), rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
    }
  });
  return out;
}

/**
 * Compile problems of every rule and messageExpression in the schema, as the CRD validation reports them (field path
 * under `fieldPrefix`, e.g. `spec.versions[0].schema.openAPIV3Schema`, upstream wording such as `compilation failed: ...`).
 */
export function compileRuleErrors(schema: JSONSchemaProps, fieldPrefix: string): StatusCause[] {
  const out: StatusCause[] = [];
  // `uncorrelatable` is the outermost path below which old values cannot be matched with new ones.
  const walk = (node: JSONSchemaProps, path: string, isResourceRoot: boolean, uncorrelatable: string | undefined) => {
    out.push(...nodeProblems(node, path, isResourceRoot, uncorrelatable));
    for (const [name, property] of Object.entries(node.properties ?? {})) {
      walk(property, indexPath(childPath(path, 'properties'), name), !!property['x-kubernetes-embedded-resource'], uncorrelatable);
    }
    const items = Array.isArray(node.items) ? node.items[0] : node.items;
    if (items) {
      // Only map lists correlate old items with new ones.
      const itemsPath = childPath(path, 'items');
      const below = uncorrelatable ?? (node['x-kubernetes-list-type'] === 'map' ? undefined : itemsPath);
      walk(items, itemsPath, !!items['x-kubernetes-embedded-resource'], below);
    }
    if (typeof node.additionalProperties === 'object') {
      const additional = node.additionalProperties;
      const additionalPath = childPath(path, 'additionalProperties');
      const below = uncorrelatable ?? (node['x-kubernetes-map-type'] === 'atomic' ? additionalPath : undefined);
      walk(additional, additionalPath, !!additional['x-kubernetes-embedded-resource'], below);
    }
  };
  walk(schema, fieldPrefix, true, undefined);
  return out;
}
