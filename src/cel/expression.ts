// Generic CEL expressions for admission (webhook matchConditions, ValidatingAdmissionPolicy): compile once, evaluate per request.
import { isCelError } from '@bufbuild/cel';
import { celToJson, jsonToCel } from './cel-values.js';
import { compileCel, runtimeErrorText, type CompiledCel } from './environment.js';

export interface CelProgram {
  evaluate(variables: Record<string, unknown>): { value: unknown } | { error: string };
}

const programCache = new Map<string, { program: CelProgram } | { error: string }>();
const maxCachedPrograms = 4096;

function makeProgram(compiled: CompiledCel, variables: readonly string[]): CelProgram {
  return {
    evaluate(values) {
      const bindings: Record<string, unknown> = {};
      for (const name of variables) {
        // Only variables the expression reads are converted: `object` can be large.
        if (compiled.referenced.has(name)) bindings[name] = jsonToCel(values[name]);
      }
      const result = compiled.run(bindings);
      if (isCelError(result) || result instanceof Error) return { error: runtimeErrorText(result) };
      return { value: celToJson(result) };
    },
  };
}

/**
 * Compiles with the Kubernetes CEL environment and the named top-level variables (dyn-typed JSON values: object,
 * oldObject, request, params, namespaceObject, variables, authorizer...). Result values come back as plain JS
 * (boolean, string, number for ints/doubles, arrays, objects, null).
 */
export function compileExpression(
  expression: string,
  variables: readonly string[],
): { program: CelProgram } | { error: string } {
  const key = `${variables.join(',')}\u0000${expression}`;
  const cached = programCache.get(key);
  if (cached) return cached;
  const compiled = compileCel(expression, variables);
  const result = 'error' in compiled ? { error: compiled.error } : { program: makeProgram(compiled.compiled, variables) };
  if (programCache.size >= maxCachedPrograms) programCache.clear();
  programCache.set(key, result);
  return result;
}
