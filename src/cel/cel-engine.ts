// The CEL entry points kubefake calls, in one module so cel-loader imports the engine with a single dynamic import.
export { compileRuleErrors, validateCelRules } from './validation-rules.js';
export { compileExpression } from './expression.js';
