// The Kubernetes CEL environment on @bufbuild/cel: libraries, compilation with cel-go-style issues, runtime error wording.
import { celEnv, isCelError, parse, plan, type CelEnv, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { Expr, ParsedExpr } from '@bufbuild/cel-spec/cel/expr/syntax_pb.js';
import { celTypeRegistry } from './cel-types.js';
import { formatLibrary, optionalLibrary } from './library-format.js';
import { listsLibrary } from './library-lists.js';
import { netLibrary } from './library-net.js';
import { quantityLibrary } from './library-quantity.js';

const kubernetesFuncs = [...strings, ...listsLibrary, ...quantityLibrary, ...netLibrary, ...formatLibrary, ...optionalLibrary];

/** Type names usable as identifiers (`type(x) == int`). */
const typeIdentifiers = new Set([
  'int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn',
  'google.protobuf.Timestamp', 'google.protobuf.Duration',
]);

let sharedFunctionNames: Set<string> | undefined;

function functionNames(env: CelEnv): Set<string> {
  if (!sharedFunctionNames) {
    sharedFunctionNames = new Set<string>();
    for (const fn of env.funcs) sharedFunctionNames.add(fn.name);
    // Operators and macros the planner implements itself rather than through the function table.
    for (const name of ['has', 'dyn', 'type', 'matches', 'size', 'in']) sharedFunctionNames.add(name);
  }
  return sharedFunctionNames;
}

const envCache = new Map<string, CelEnv>();

export function kubernetesEnv(variables: readonly string[]): CelEnv {
  const key = [...variables].sort().join(',');
  let env = envCache.get(key);
  if (!env) {
    env = celEnv({ funcs: kubernetesFuncs, registry: celTypeRegistry });
    envCache.set(key, env);
  }
  return env;
}

/** Resolves a `self.a.b` chain at compile time; returns an error text for a field the schema does not declare. */
export type FieldChecker = (root: string, path: readonly string[]) => string | undefined;

export interface CompiledCel {
  run: (bindings: Record<string, unknown>) => CelResult;
  /** Top-level variables the expression reads (oldSelf decides whether a rule is a transition rule). */
  referenced: ReadonlySet<string>;
}

/** cel-go's issue text: `ERROR: <input>:line:col: message` then the source line and a caret under the column. */
export function issueText(source: string, offset: number, message: string): string {
  const before = source.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = offset - lineStart;
  const lineText = source.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${column + 1}: ${message}\n | ${lineText}\n | ${'.'.repeat(column)}^`;
}

function selectChain(expr: Expr): { root: string; path: string[] } | undefined {
  const path: string[] = [];
  let current: Expr | undefined = expr;
  while (current?.exprKind.case === 'selectExpr') {
    path.unshift(current.exprKind.value.field);
    current = current.exprKind.value.operand;
  }
  return current?.exprKind.case === 'identExpr' ? { root: current.exprKind.value.name, path } : undefined;
}

function qualifiedName(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.exprKind.case === 'identExpr') return expr.exprKind.value.name;
  if (expr.exprKind.case === 'selectExpr') {
    const operand = qualifiedName(expr.exprKind.value.operand);
    return operand === undefined ? undefined : `${operand}.${expr.exprKind.value.field}`;
  }
  return undefined;
}

/** The checks cel-go's checker makes that matter most for authors: undeclared names, unknown functions, undefined fields. */
function staticCheck(
  parsed: ParsedExpr & { expr: Expr },
  source: string,
  variables: ReadonlySet<string>,
  env: CelEnv,
  fieldChecker: FieldChecker | undefined,
  referenced: Set<string>,
): string | undefined {
  const positions = parsed.sourceInfo?.positions ?? {};
  const names = functionNames(env);
  const fail = (expr: Expr, message: string) => issueText(source, positions[String(expr.id)] ?? 0, message);

  const visit = (expr: Expr | undefined, scope: ReadonlySet<string>): string | undefined => {
    if (!expr) return undefined;
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr': {
        const name = kind.value.name;
        if (scope.has(name)) return undefined;
        if (variables.has(name)) {
          referenced.add(name);
          return undefined;
        }
        if (typeIdentifiers.has(name)) return undefined;
        return fail(expr, `undeclared reference to '${name}' (in container '')`);
      }
      case 'selectExpr': {
        const chain = selectChain(expr);
        if (chain && !scope.has(chain.root) && variables.has(chain.root) && fieldChecker) {
          const problem = fieldChecker(chain.root, chain.path);
          if (problem) return fail(expr, problem);
        }
        return visit(kind.value.operand, scope);
      }
      case 'callExpr': {
        const { target, args } = kind.value;
        const fn = kind.value.function;
        const qualified = qualifiedName(target);
        const isQualifiedFunction =
          qualified !== undefined && !scope.has(qualified.split('.')[0]!) && names.has(`${qualified}.${fn}`);
        if (!isQualifiedFunction && !/^[_@!-]/.test(fn) && !names.has(fn)) {
          // cel-go places a call at its opening parenthesis.
          const at = positions[String(expr.id)] ?? 0;
          const paren = source.indexOf('(', at);
          return issueText(source, paren >= 0 ? paren : at, `undeclared reference to '${fn}' (in container '')`);
        }
        if (!isQualifiedFunction) {
          const problem = visit(target, scope);
          if (problem) return problem;
        }
        for (const arg of args) {
          const problem = visit(arg, scope);
          if (problem) return problem;
        }
        return undefined;
      }
      case 'listExpr':
        for (const element of kind.value.elements) {
          const problem = visit(element, scope);
          if (problem) return problem;
        }
        return undefined;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          const key = entry.keyKind.case === 'mapKey' ? entry.keyKind.value : undefined;
          const problem = visit(key, scope) ?? visit(entry.value, scope);
          if (problem) return problem;
        }
        return undefined;
      case 'comprehensionExpr': {
        const c = kind.value;
        const inner = new Set(scope);
        inner.add(c.iterVar);
        if ((c as { iterVar2?: string }).iterVar2) inner.add((c as { iterVar2?: string }).iterVar2!);
        inner.add(c.accuVar);
        return (
          visit(c.iterRange, scope) ??
          visit(c.accuInit, scope) ??
          visit(c.loopCondition, inner) ??
          visit(c.loopStep, inner) ??
          visit(c.result, new Set([...scope, c.accuVar]))
        );
      }
      default:
        return undefined;
    }
  };
  return visit(parsed.expr, new Set());
}

function syntaxIssue(source: string, message: string): string {
  // @bufbuild/cel reports `<input>:line:col: detail`; cel-go words its parser errors differently, but the place is the same.
  const match = /^<input>:(\d+):(\d+): (.*)$/s.exec(message);
  if (!match) return `ERROR: <input>:1:1: Syntax error: ${message}`;
  const lines = source.split('\n');
  let offset = 0;
  for (let i = 0; i < Number(match[1]) - 1; i++) offset += (lines[i]?.length ?? 0) + 1;
  return issueText(source, offset + Number(match[2]) - 1, `Syntax error: ${match[3]}`);
}

/** Parses, checks and plans `source`; the error is cel-go's issues text (without any `compilation failed: ` prefix). */
export function compileCel(
  source: string,
  variables: readonly string[],
  fieldChecker?: FieldChecker,
): { compiled: CompiledCel } | { error: string } {
  const env = kubernetesEnv(variables);
  let parsed: ParsedExpr & { expr: Expr };
  try {
    parsed = parse(source);
  } catch (e) {
    return { error: syntaxIssue(source, (e as Error).message) };
  }
  const referenced = new Set<string>();
  const problem = staticCheck(parsed, source, new Set(variables), env, fieldChecker, referenced);
  if (problem) return { error: problem };
  let evaluate: (bindings: Record<string, unknown>) => CelResult;
  try {
    evaluate = plan(env, parsed) as unknown as (bindings: Record<string, unknown>) => CelResult;
  } catch (e) {
    return { error: `ERROR: <input>:1:1: ${(e as Error).message}` };
  }
  const run = (bindings: Record<string, unknown>): CelResult => {
    try {
      return evaluate(bindings);
    } catch (e) {
      return e as CelResult;
    }
  };
  return { compiled: { run, referenced } };
}

/** A runtime error in cel-go's words (`no such key: x`, `division by zero`...), from @bufbuild/cel's. */
export function runtimeErrorText(result: unknown): string {
  const message = isCelError(result) || result instanceof Error ? (result as Error).message : String(result);
  let match: RegExpExecArray | null;
  if ((match = /^field not found: (.*)$/.exec(message))) return `no such key: ${match[1]}`;
  if ((match = /^key not found: (.*)$/.exec(message))) return `no such key: ${match[1]}`;
  if ((match = /^index (-?\d+) out of bounds/.exec(message))) return `index out of bounds: ${match[1]}`;
  if (/^found no matching overload/.test(message) || /^no such overload/.test(message)) return 'no such overload';
  if (/^int divide by zero|^divide by zero/.test(message)) return 'division by zero';
  if (/modulus by zero|modulo by zero/.test(message)) return 'modulus by zero';
  if (/overflow/.test(message)) return 'integer overflow';
  if (/^unresolved attribute/.test(message)) return 'no such attribute';
  return message;
}
