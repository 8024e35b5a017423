// CEL `==` for use inside library functions (the evaluator's own equality is not exported by @bufbuild/cel).
import { isCelList, isCelMap, isCelUint, type CelValue } from '@bufbuild/cel';
import { isReflectMessage } from '@bufbuild/protobuf/reflect';

function numeric(value: unknown): bigint | number | undefined {
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  if (isCelUint(value)) return value.value;
  return undefined;
}

export function celEquals(a: CelValue, b: CelValue): boolean {
  if (a === b) return true;
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x == y;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (isCelList(a)) {
    if (!isCelList(b) || a.size !== b.size) return false;
    for (let i = 0; i < a.size; i++) if (!celEquals(a.get(i)!, b.get(i)!)) return false;
    return true;
  }
  if (isCelMap(a)) {
    if (!isCelMap(b) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const other = b.get(k);
      if (other === undefined || !celEquals(v, other)) return false;
    }
    return true;
  }
  if (isReflectMessage(a) && isReflectMessage(b)) {
    if (a.desc.typeName !== b.desc.typeName) return false;
    return a.desc.fields.every((f) => {
      const l = a.get(f);
      const r = b.get(f);
      return typeof l === 'object' || typeof r === 'object' ? String(l) === String(r) : l === r;
    });
  }
  return false;
}
