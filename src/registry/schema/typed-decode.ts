// Rejects request bodies upstream's typed Go decoding would refuse (wrong JSON types, bad quantities, times, base64).
import { ApiError, errors } from '../../meta/errors.js';
import { MAX_DEPTH_MESSAGE, MAX_NESTING_DEPTH, nestingExceeds, summarizeObject } from './json-depth.js';
import { decodeWalk } from './decode-walk.js';
import { Compiler, DEPTH_EXCEEDED, isObject, jsonKind, type Ctx, type Node, type TypeMismatch } from './schema-nodes.js';

export type { TypeMismatch } from './schema-nodes.js';
export { MAX_DEPTH_MESSAGE, MAX_NESTING_DEPTH } from './json-depth.js';

// UnmarshalStrict stops collecting strict errors at this many.
const MAX_STRICT_ERRORS = 100;

interface Compiled {
  compiler: Compiler;
  roots: Map<string, Node>;
  checkers: Map<string, (object: unknown) => TypeMismatch | undefined>;
}

const cache = new WeakMap<object, Compiled>();

function compiledFor(definitions: Record<string, unknown>): Compiled {
  let compiled = cache.get(definitions);
  if (!compiled) {
    compiled = { compiler: new Compiler(definitions), roots: new Map(), checkers: new Map() };
    cache.set(definitions, compiled);
  }
  return compiled;
}

function rootNode(compiled: Compiled, definitionName: string): Node {
  let root = compiled.roots.get(definitionName);
  if (!root) {
    root = compiled.compiler.ref(definitionName);
    compiled.roots.set(definitionName, root);
  }
  return root;
}

// The serializer's first pass (meta.Interpret) reads apiVersion and kind with the standard library:
// case-insensitive keys, into an anonymous struct, so a non-string fails as `Go struct field .kind`.
function interpretMismatch(object: unknown): TypeMismatch | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  for (const key in object) {
    const folded = key.toLowerCase();
    if (folded !== 'kind' && folded !== 'apiversion') continue;
    const value = (object as Record<string, unknown>)[key];
    if (value === null || typeof value === 'string') continue;
    const field = folded === 'kind' ? 'kind' : 'apiVersion';
    const message = `json: cannot unmarshal ${jsonKind(value)} into Go struct field .${field} of type string`;
    return { path: field, goStruct: '', jsonType: jsonKind(value), goType: 'string', message, summary: summarizeObject(object) };
  }
  return undefined;
}

/**
 * A checker for objects of one OpenAPI definition (e.g. `io.k8s.api.apps.v1.Deployment`): what
 * kjson.UnmarshalCaseSensitivePreserveInts into the Go type would fail with, or undefined. Like Go,
 * the first fatal error (a custom UnmarshalJSON failing: Quantity, Time, IntOrString...) wins, else
 * the first type mismatch in document order; null is accepted anywhere; unknown fields are ignored.
 * Compiled lazily and cached per definitions object and name.
 */
export function compileTypeChecker(
  definitions: Record<string, unknown>,
  definitionName: string,
): (object: unknown) => TypeMismatch | undefined {
  const compiled = compiledFor(definitions);
  let checker = compiled.checkers.get(definitionName);
  if (!checker) {
    const root = rootNode(compiled, definitionName);
    checker = (object) => {
      if (object === null || object === undefined) return undefined;
      const ctx: Ctx = { struct: '', stack: [], soft: undefined, depth: 0 };
      const found = interpretMismatch(object) ?? decodeWalk(root, object, ctx) ?? ctx.soft;
      if (found === undefined) return undefined;
      // A clean walk has measured every subtree; after an error, the parts it skipped must be
      // measured too, as Go's scanner rejects a too-deep document before decoding any of it.
      if (found === DEPTH_EXCEEDED || nestingExceeds(object, MAX_NESTING_DEPTH)) {
        return { path: '', goStruct: '', jsonType: '', goType: '', message: MAX_DEPTH_MESSAGE, summary: summarizeObject(object) };
      }
      return found;
    };
    compiled.checkers.set(definitionName, checker);
  }
  return checker;
}

/**
 * The 400 the apiserver sends for a body its decoder rejects (transformDecodeError):
 * `<Kind> in version "<version>" cannot be handled as a <Kind>: <decode error>`. A body nested too
 * deep, or with a non-string apiVersion/kind, fails earlier, while the serializer sniffs
 * apiVersion/kind, and so without a version: `the object provided is unrecognized ...`.
 */
export function typeMismatchError(kind: string, version: string, mismatch: TypeMismatch): ApiError {
  const { summary } = mismatch;
  if (summary !== undefined) {
    return errors.badRequest(
      `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${mismatch.message} (${summary})`,
    );
  }
  return errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${mismatch.message}`);
}

/**
 * The fields a strict decode would call unknown, as kjson.UnmarshalStrict words their paths
 * (`spec.foo`, `spec.containers[0].bogus`, `metadata.labels` keys as `.key`), in document order,
 * deduplicated and capped at 100 like upstream. Values of the wrong type are skipped (their
 * decoding is skipped too), as is everything inside free-form and custom-unmarshaled fields.
 */
export function unknownFields(definitions: Record<string, unknown>, definitionName: string, object: unknown): string[] {
  const found = new Set<string>();
  // Work popped from the end; a null node marks an unknown field. Children go on in reverse, so
  // the fields come out in document order, as the decoder meets them.
  const pending: Array<[Node | null, unknown, string]> = [[rootNode(compiledFor(definitions), definitionName), object, '']];
  while (pending.length > 0 && found.size < MAX_STRICT_ERRORS) {
    const [maybeNode, value, path] = pending.pop()!;
    if (maybeNode === null) {
      found.add(path);
      continue;
    }
    const node = maybeNode.kind === 'ref' ? maybeNode.target : maybeNode;
    if (value === null) continue;
    if (node.kind === 'struct' && isObject(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = path ? `${path}.${keys[i]}` : keys[i];
        pending.push([node.fields.get(keys[i])?.node ?? null, value[keys[i]], child]);
      }
    } else if (node.kind === 'map' && isObject(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) pending.push([node.elem, value[keys[i]], path ? `${path}.${keys[i]}` : keys[i]]);
    } else if (node.kind === 'slice' && Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push([node.elem, value[i], `${path}[${i}]`]);
    }
  }
  return [...found];
}
