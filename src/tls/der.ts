// DER (X.690) for the few ASN.1 types a certificate needs, so making one does not load an ASN.1 library at start-up.
import { rfc3339 } from '../clock/clock.js';

/** A tag, its definite length (short form under 128 bytes, long form otherwise) and the content. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  if (n < 0x80) return Buffer.concat([Buffer.from([tag, n]), content]);
  const length: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) length.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | length.length, ...length]), content]);
}

export function sequence(...items: Uint8Array[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** SET OF: DER orders the elements by their encodings, whatever order they were given in. */
export function setOf(...items: Uint8Array[]): Buffer {
  return tlv(0x31, Buffer.concat([...items].sort((a, b) => Buffer.compare(a, b))));
}

/** A non-negative INTEGER from big-endian magnitude bytes: no redundant leading zeros, a 0x00 before a high bit. */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.length === 0 ? Buffer.from([0]) : Buffer.from(magnitude.subarray(start));
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new Error(`der: ${value} is not a small non-negative integer`);
  return unsignedInteger(Buffer.from([value >> 8, value & 0xff]));
}

export function boolean(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

/** An OBJECT IDENTIFIER from its dotted form: the first two arcs share a byte, the rest are base-128 big-endian. */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new Error(`der: ${dotted} is not a dotted object identifier`);
    return Number(arc);
  });
  if (arcs.length < 2 || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! > 39)) throw new Error(`der: ${dotted} is not a valid object identifier`);
  const bytes: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    if (!Number.isSafeInteger(arc)) throw new Error(`der: ${dotted} has an arc too large`);
    const groups = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift((rest % 128) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A BIT STRING of whole bytes, or with `unusedBits` trailing bits of the last byte unused. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

export function octetString(bytes: Uint8Array): Buffer {
  return tlv(0x04, bytes);
}

const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString when every character allows it (as Go and @peculiar/x509 choose), UTF8String otherwise. */
export function directoryString(text: string): Buffer {
  return tlv(printable.test(text) ? 0x13 : 0x0c, Buffer.from(text, 'utf8'));
}

/** The bytes of IA5 (ASCII) text, refusing anything else rather than letting Buffer mangle it. */
export function ia5Bytes(text: string): Buffer {
  if (!/^[\x00-\x7f]*$/.test(text)) throw new Error(`der: ${JSON.stringify(text)} is not IA5 (ASCII) text`);
  return Buffer.from(text, 'ascii');
}

/** RFC 5280 §4.1.2.5: UTCTime (two-digit year) for 1950 through 2049, GeneralizedTime otherwise; whole seconds, Z. */
export function time(ms: number): Buffer {
  const digits = rfc3339(ms).replace(/[-:T]/g, ''); // YYYYMMDDHHMMSSZ
  if (!/^\d{14}Z$/.test(digits)) throw new Error(`der: ${ms} is outside the years 0000 to 9999`);
  const year = Number(digits.slice(0, 4));
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(digits.slice(2), 'ascii'));
  return tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** [n] EXPLICIT: a constructed context-specific tag around a whole encoding. */
export function explicit(n: number, inner: Uint8Array): Buffer {
  return tlv(0xa0 | n, inner);
}

/** [n] IMPLICIT of a primitive type: a context-specific tag in place of the type's own. */
export function implicit(n: number, content: Uint8Array): Buffer {
  return tlv(0x80 | n, content);
}

export interface ReadTlv {
  tag: number;
  content: Buffer;
  /** The offset just past this element. */
  end: number;
}

/** Reads the element at `offset` (definite lengths only, as DER has). */
export function readTlv(der: Buffer, offset = 0): ReadTlv {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new Error('der: truncated element');
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('der: unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new Error('der: truncated element');
  return { tag, content: der.subarray(start, end), end };
}
