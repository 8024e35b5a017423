// Kubernetes' CEL lists, regex and sets libraries (k8s.io/apiserver/pkg/cel/library lists.go, regex.go, sets.go).
import { celFunc, celMethod, CelScalar, listType, type CelFunc, type CelList, type CelValue } from '@bufbuild/cel';
import { isReflectMessage, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { RE2JS } from '@bufbuild/re2';
import { celEquals } from './cel-equality.js';

const { BOOL, INT, STRING, DYN } = CelScalar;
const LIST = listType(DYN);

function durationNanos(message: ReflectMessage): bigint {
  const fields = message.message as unknown as { seconds?: bigint; nanos?: number };
  return BigInt(fields.seconds ?? 0n) * 1_000_000_000n + BigInt(fields.nanos ?? 0);
}

function kindOf(value: CelValue): string {
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Uint8Array) return 'bytes';
  if (isReflectMessage(value)) return value.desc.typeName;
  return 'other';
}

/** cel-go's Compare for the comparable types: -1, 0 or 1; throws no such overload for anything else. */
export function celCompare(a: CelValue, b: CelValue): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const kind = kindOf(a);
  if (kind !== kindOf(b)) throw new Error('no such overload');
  switch (kind) {
    case 'string':
    case 'bool': {
      const [x, y] = [a as string | boolean, b as string | boolean];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'bytes':
      return Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array));
    case 'google.protobuf.Timestamp':
    case 'google.protobuf.Duration': {
      const x = durationNanos(a as ReflectMessage);
      const y = durationNanos(b as ReflectMessage);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
  throw new Error('no such overload');
}

const maxInt = (1n << 63n) - 1n;
const minInt = -(1n << 63n);

function sumList(list: CelList): CelValue {
  let acc: CelValue | undefined;
  for (const item of list) {
    if (acc === undefined) acc = item;
    else if (typeof acc === 'bigint' && typeof item === 'bigint') {
      acc = acc + item;
      if (acc > maxInt || acc < minInt) throw new Error('integer overflow');
    } else if (typeof acc === 'number' && typeof item === 'number') acc = acc + item;
    else throw new Error('no such overload');
  }
  // An empty list sums to the zero of its element type; a dynamically typed one cannot say which, so int.
  return acc ?? 0n;
}

function extreme(name: 'min' | 'max', list: CelList): CelValue {
  let result: CelValue | undefined;
  for (const item of list) {
    if (result === undefined) result = item;
    else {
      const cmp = celCompare(result, item);
      if ((name === 'min' && cmp === 1) || (name === 'max' && cmp === -1)) result = item;
    }
  }
  if (result === undefined) throw new Error(`${name} called on empty list`);
  return result;
}

function compileRegex(pattern: string, global: boolean): RegExp {
  // RE2 decides validity (and so the error text); JS runs the extraction RE2JS does not offer.
  try {
    RE2JS.compile(pattern);
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message}`);
  }
  return new RegExp(pattern, global ? 'gu' : 'u');
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  if (limit === 0n) return [];
  const found: string[] = [];
  for (const match of text.matchAll(compileRegex(pattern, true))) {
    found.push(match[0]);
    if (limit > 0n && BigInt(found.length) >= limit) break;
  }
  return found;
}

function contains(list: CelList, item: CelValue): boolean {
  for (const candidate of list) if (celEquals(candidate, item)) return true;
  return false;
}

export const listsLibrary: CelFunc[] = [
  celMethod('isSorted', LIST, [], BOOL, function () {
    let previous: CelValue | undefined;
    for (const item of this) {
      if (previous !== undefined && celCompare(previous, item) === 1) return false;
      previous = item;
    }
    return true;
  }),
  celMethod('sum', LIST, [], DYN, function () {
    return sumList(this);
  }),
  celMethod('min', LIST, [], DYN, function () {
    return extreme('min', this);
  }),
  celMethod('max', LIST, [], DYN, function () {
    return extreme('max', this);
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (item) {
    let i = 0n;
    for (const candidate of this) {
      if (celEquals(candidate, item)) return i;
      i++;
    }
    return -1n;
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (item) {
    const items = [...this];
    for (let i = items.length - 1; i >= 0; i--) if (celEquals(items[i]!, item)) return BigInt(i);
    return -1n;
  }),
  celMethod('find', STRING, [STRING], STRING, function (pattern) {
    return compileRegex(pattern, false).exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
    return findAll(this, pattern, -1n);
  }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, limit) {
    return findAll(this, pattern, limit);
  }),
  celFunc('sets.contains', [LIST, LIST], BOOL, (list, sublist) => [...sublist].every((item) => contains(list, item))),
  celFunc(
    'sets.equivalent',
    [LIST, LIST],
    BOOL,
    (a, b) => [...a].every((item) => contains(b, item)) && [...b].every((item) => contains(a, item)),
  ),
  celFunc('sets.intersects', [LIST, LIST], BOOL, (a, b) => [...a].some((item) => contains(b, item))),
];

