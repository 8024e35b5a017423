// One ValidatingAdmissionPolicy evaluated for one param: matchConditions, variables, validations and their messages.
import type { ValidatingAdmissionPolicy, Validation } from './admission-types.js';
import { evaluate, evaluateMatchConditions, type CelInputs } from './cel-conditions.js';

/** What a validation decided; `reason` only for denials by a false expression. */
export interface PolicyDecision {
  action: 'admit' | 'deny';
  message: string;
  reason?: string;
}

const conditionVariables = ['object', 'oldObject', 'request', 'params', 'namespaceObject'] as const;
const expressionVariables = [...conditionVariables, 'variables'] as const;
/** celconfig.MaxEvaluatedMessageExpressionSizeBytes. */
const maxMessageBytes = 5 * 1024;

interface ComposedVariables {
  values: Record<string, unknown>;
  errors: Map<string, string>;
}

/** spec.variables in order, each able to read the earlier ones; an error surfaces only where a variable is used. */
function composeVariables(policy: ValidatingAdmissionPolicy, inputs: CelInputs): ComposedVariables {
  const values: Record<string, unknown> = {};
  const failures = new Map<string, string>();
  for (const variable of policy.spec?.variables ?? []) {
    const outcome = evaluate(variable.expression, expressionVariables, { ...inputs, variables: values });
    if (outcome.error !== undefined) failures.set(variable.name, outcome.error);
    else values[variable.name] = outcome.value;
  }
  return { values, errors: failures };
}

function failedVariable(expression: string, composed: ComposedVariables): string | undefined {
  for (const [name, error] of composed.errors) {
    if (new RegExp(`\\bvariables\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(expression)) {
      return `expression '${expression}' resulted in error: composited variable "${name}" fails to evaluate: ${error}`;
    }
  }
  return undefined;
}

function evaluateWithVariables(expression: string, inputs: CelInputs, composed: ComposedVariables) {
  const failed = failedVariable(expression, composed);
  if (failed) return { error: failed };
  return evaluate(expression, expressionVariables, { ...inputs, variables: composed.values });
}

/** messageExpression's result when it is a usable one-line string; otherwise message, then the expression itself. */
function denialMessage(validation: Validation, inputs: CelInputs, composed: ComposedVariables): string {
  let message = '';
  if (validation.messageExpression) {
    const outcome = evaluateWithVariables(validation.messageExpression, inputs, composed);
    if (outcome.error === undefined && typeof outcome.value === 'string') {
      message = outcome.value.trim();
      if (Buffer.byteLength(message) > maxMessageBytes || message.includes('\n')) message = '';
    }
  }
  if (!message && validation.message) message = validation.message.trim();
  if (!message) message = `failed expression: ${validation.expression.trim()}`;
  return message;
}

/** An evaluation error denies under failurePolicy Fail (the default) and admits under Ignore. */
function onError(policy: ValidatingAdmissionPolicy, message: string): PolicyDecision {
  return { action: policy.spec?.failurePolicy === 'Ignore' ? 'admit' : 'deny', message };
}

export function validatePolicy(policy: ValidatingAdmissionPolicy, inputs: CelInputs): PolicyDecision[] {
  const spec = policy.spec ?? {};
  if (spec.matchConditions?.length) {
    const outcome = evaluateMatchConditions(spec.matchConditions, spec.failurePolicy, conditionVariables, inputs);
    if (outcome.error !== undefined) return [onError(policy, outcome.error)];
    if (!outcome.matches) return [];
  }
  const composed = composeVariables(policy, inputs);
  const decisions: PolicyDecision[] = [];
  for (const validation of spec.validations ?? []) {
    const outcome = evaluateWithVariables(validation.expression, inputs, composed);
    if (outcome.error !== undefined) decisions.push(onError(policy, outcome.error));
    else if (outcome.value !== true) {
      decisions.push({ action: 'deny', message: denialMessage(validation, inputs, composed), reason: validation.reason || 'Invalid' });
    } else decisions.push({ action: 'admit', message: '' });
  }
  return decisions;
}
