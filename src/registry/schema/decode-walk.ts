// Walks JSON against compiled Go types like encoding/json's decoder, with an explicit stack instead of recursion.
import { MAX_NESTING_DEPTH } from './json-depth.js';
import {
  DEPTH_EXCEEDED,
  isObject,
  jsonKind,
  soft,
  tooDeep,
  typeError,
  withOuterContext,
  type Ctx,
  type Node,
  type StructNode,
  type TypeMismatch,
} from './schema-nodes.js';

// One level of the walk. Go's decoder recurses per object/array, but a schema that refers to itself
// (JSONSchemaProps) lets a legal 10,000-deep document through, which would overflow our stack, so
// the levels live on an explicit stack. Frames have one shape and are reused across walks, which
// keeps a typical object's check in the low microseconds.
const STRUCT = 0;
const SLICE = 1;
const MAP = 2;
/** A nested decode's boundary: `outer` is the context to return to once its value is done. */
const NESTED = 3;

class Frame {
  t = STRUCT;
  node: StructNode | undefined = undefined;
  elem: Node | undefined = undefined;
  obj: Record<string, unknown> | undefined = undefined;
  items: unknown[] | undefined = undefined;
  keys: string[] | undefined = undefined;
  /** Next entry to decode, and how many there are. */
  i = 0;
  n = 0;
  /** A struct's error context on entry, which Go restores after each of its fields. */
  struct = '';
  stack = 0;
  outer: Ctx | undefined = undefined;
}

// Frames kept between walks; a rare deep document should not pin thousands of them.
const KEPT_FRAMES = 64;
const IDLE: Ctx = { struct: '', stack: [], soft: undefined, depth: 0 };

// The walk's state lives here rather than in closures made per call; walks never nest (leaf
// checks do not start one), which `walking` enforces.
const frames: Frame[] = [];
let sp = 0;
let ctx: Ctx = IDLE;
let walking = false;

function push(t: number): Frame {
  let frame = frames[sp];
  if (frame === undefined) frames[sp] = frame = new Frame();
  sp++;
  frame.t = t;
  frame.i = 0;
  return frame;
}

/** Starts decoding one non-null value: checks a leaf at once, or pushes a frame for a container. */
function enter(node: Node, v: unknown): TypeMismatch | undefined {
  switch (node.kind) {
    case 'leaf':
      return node.check(v, ctx);
    case 'ref':
      if (!isObject(v)) return soft(ctx, typeError(ctx, jsonKind(v), node.goType));
      return enter(node.target, v);
    case 'struct': {
      if (++ctx.depth > MAX_NESTING_DEPTH) return DEPTH_EXCEEDED;
      const frame = push(STRUCT);
      frame.node = node;
      frame.obj = v as Record<string, unknown>;
      frame.keys = Object.keys(v as object);
      frame.n = frame.keys.length;
      frame.struct = ctx.struct;
      frame.stack = ctx.stack.length;
      return undefined;
    }
    case 'slice': {
      if (!Array.isArray(v)) return soft(ctx, typeError(ctx, jsonKind(v), node.goType));
      if (++ctx.depth > MAX_NESTING_DEPTH) return DEPTH_EXCEEDED;
      const frame = push(SLICE);
      frame.elem = node.elem;
      frame.items = v;
      frame.n = v.length;
      return undefined;
    }
    case 'map': {
      if (!isObject(v)) return soft(ctx, typeError(ctx, jsonKind(v), node.goType));
      if (++ctx.depth > MAX_NESTING_DEPTH) return DEPTH_EXCEEDED;
      const frame = push(MAP);
      frame.elem = node.elem;
      frame.obj = v;
      frame.keys = Object.keys(v);
      frame.n = frame.keys.length;
      return undefined;
    }
    case 'nested': {
      const picked = node.pick(v, ctx);
      if (picked === undefined || !('kind' in picked)) return picked;
      push(NESTED).outer = ctx;
      ctx = { struct: '', stack: [], soft: undefined, depth: ctx.depth };
      return enter(picked, v);
    }
  }
}

/** Runs frames until the stack empties or an error aborts the decode. */
function run(): TypeMismatch | undefined {
  let fatal: TypeMismatch | undefined;
  while (fatal === undefined && sp > 0) {
    const frame = frames[sp - 1];
    if (frame.t === STRUCT) {
      // Go restores the error context after every field of an object. (Popping beats assigning
      // .length, which V8 handles in its runtime.)
      const stack = ctx.stack;
      while (stack.length > frame.stack) stack.pop();
      ctx.struct = frame.struct;
      if (frame.i === frame.n) {
        release(frame);
        sp--;
        ctx.depth--;
        continue;
      }
      const key = frame.keys![frame.i++];
      const item = frame.obj![key];
      if (item === null) continue; // null leaves Go's zero value
      const field = frame.node!.fields.get(key);
      if (field === undefined) {
        // Unknown fields are dropped, but Go's scanner has still measured them.
        if (tooDeep(item, ctx)) fatal = DEPTH_EXCEEDED;
        continue;
      }
      ctx.struct = frame.node!.goStruct;
      const segments = field.segments;
      for (let k = 0; k < segments.length; k++) ctx.stack.push(segments[k]);
      fatal = enter(field.node, item);
    } else if (frame.t === NESTED) {
      // The inner decode finished: whatever it saved comes back to the outer one as fatal.
      const inner = ctx;
      ctx = frame.outer!;
      release(frame);
      sp--;
      if (inner.soft) fatal = withOuterContext(inner.soft, ctx);
    } else if (frame.i === frame.n) {
      release(frame);
      sp--;
      ctx.depth--;
    } else {
      const item = frame.t === SLICE ? frame.items![frame.i++] : frame.obj![frame.keys![frame.i++]];
      if (item !== null) fatal = enter(frame.elem!, item);
    }
  }
  // A fatal error inside nested decodes gains each enclosing decode's context on the way out.
  for (let k = sp - 1; fatal !== undefined && k >= 0; k--) {
    if (frames[k].t === NESTED) fatal = withOuterContext(fatal, frames[k].outer!);
  }
  return fatal;
}

/**
 * Decodes `value` into `root` as upstream's decoder would, returning the error that aborts the
 * decode; errors Go saves and carries on from are left in outer.soft (the first one wins).
 */
export function decodeWalk(root: Node, value: unknown, outer: Ctx): TypeMismatch | undefined {
  if (walking) throw new Error('decodeWalk is not re-entrant');
  walking = true;
  ctx = outer;
  sp = 0;
  try {
    return enter(root, value) ?? run();
  } finally {
    for (let k = sp - 1; k >= 0; k--) release(frames[k]);
    if (frames.length > KEPT_FRAMES) frames.length = KEPT_FRAMES;
    sp = 0;
    ctx = IDLE;
    walking = false;
  }
}

/** Drops a finished frame's references so the pool does not keep request bodies alive. */
function release(frame: Frame): void {
  frame.node = undefined;
  frame.elem = undefined;
  frame.obj = undefined;
  frame.items = undefined;
  frame.keys = undefined;
  frame.outer = undefined;
}
