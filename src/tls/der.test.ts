// The DER primitives: lengths, integers, object identifiers, strings and times encoded as X.690 requires.
import {
  bitString, boolean, directoryString, ia5Bytes, objectIdentifier, readTlv, sequence, setOf, smallInteger, time, tlv, unsignedInteger,
} from './der.js';

const hex = (b: Buffer): string => b.toString('hex');

test('lengths: short form below 128, long form with the fewest length bytes from 128 on', () => {
  expect(hex(tlv(0x04, Buffer.alloc(0)))).toBe('0400');
  expect(hex(tlv(0x04, Buffer.alloc(127)).subarray(0, 2))).toBe('047f');
  expect(hex(tlv(0x04, Buffer.alloc(128)).subarray(0, 3))).toBe('048180');
  expect(hex(tlv(0x04, Buffer.alloc(255)).subarray(0, 3))).toBe('0481ff');
  expect(hex(tlv(0x04, Buffer.alloc(256)).subarray(0, 4))).toBe('04820100');
  expect(hex(tlv(0x04, Buffer.alloc(65536)).subarray(0, 5))).toBe('0483010000');
  expect(tlv(0x04, Buffer.alloc(65536)).length).toBe(65536 + 5);
});

test('readTlv reads back what tlv wrote, in both length forms, and refuses a truncated element', () => {
  for (const size of [0, 5, 127, 128, 300, 70000]) {
    const content = Buffer.alloc(size, 7);
    const encoded = Buffer.concat([tlv(0x30, content), Buffer.from([0x05, 0x00])]);
    const read = readTlv(encoded);
    expect(read.tag).toBe(0x30);
    expect(read.content.equals(content)).toBe(true);
    expect(readTlv(encoded, read.end)).toMatchObject({ tag: 0x05, end: encoded.length });
  }
  expect(() => readTlv(Buffer.from([0x04, 0x05, 0x01]))).toThrow('der: truncated element');
  expect(() => readTlv(Buffer.from([0x04]))).toThrow('der: truncated element');
});

test('integers are minimal and positive: leading zeros dropped, a zero byte before a high bit', () => {
  expect(hex(unsignedInteger(Buffer.from([0x00, 0x00, 0x7f, 0x01])))).toBe('02027f01');
  expect(hex(unsignedInteger(Buffer.from([0x80, 0x01])))).toBe('0203008001');
  expect(hex(unsignedInteger(Buffer.from([0x00, 0x80])))).toBe('02020080');
  expect(hex(unsignedInteger(Buffer.from([0x00, 0x00])))).toBe('020100');
  expect(hex(unsignedInteger(Buffer.alloc(0)))).toBe('020100');
  expect(hex(smallInteger(2))).toBe('020102');
  expect(hex(smallInteger(0))).toBe('020100');
  expect(hex(smallInteger(128))).toBe('02020080');
  expect(hex(smallInteger(300))).toBe('0202012c');
  expect(() => smallInteger(-1)).toThrow('not a small non-negative integer');
});

test('object identifiers: the first two arcs in one byte, larger arcs in base 128', () => {
  expect(hex(objectIdentifier('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302'); // ecdsa-with-SHA256
  expect(hex(objectIdentifier('1.2.840.10045.2.1'))).toBe('06072a8648ce3d0201'); // id-ecPublicKey
  expect(hex(objectIdentifier('2.5.29.19'))).toBe('0603551d13'); // basicConstraints
  expect(hex(objectIdentifier('1.3.6.1.5.5.7.3.1'))).toBe('06082b06010505070301'); // serverAuth
  expect(hex(objectIdentifier('2.999.3'))).toBe('0603883703'); // X.690's example: 2.999 is 1079 = 0x88 0x37
  expect(() => objectIdentifier('1')).toThrow('not a valid object identifier');
  expect(() => objectIdentifier('1.40')).toThrow('not a valid object identifier');
  expect(() => objectIdentifier('1.2.x')).toThrow('not a dotted object identifier');
});

test('booleans, bit strings and sequences', () => {
  expect(hex(boolean(true))).toBe('0101ff');
  expect(hex(boolean(false))).toBe('010100');
  expect(hex(bitString(Buffer.from([0xa4]), 2))).toBe('030202a4');
  expect(hex(bitString(Buffer.from([1, 2])))).toBe('0303000102');
  expect(hex(sequence(boolean(true), Buffer.from('0500', 'hex')))).toBe('30050101ff0500');
  expect(hex(sequence())).toBe('3000');
});

test('SET OF is ordered by encoding, whatever order the elements came in', () => {
  const a = Buffer.from('0c0161', 'hex');
  const b = Buffer.from('0c0162', 'hex');
  const longer = Buffer.from('0c026161', 'hex');
  expect(hex(setOf(b, longer, a))).toBe(`310a${hex(a)}${hex(b)}${hex(longer)}`);
});

test('directory strings: PrintableString when it can hold the text, UTF8String otherwise; IA5 refuses non-ASCII', () => {
  expect(hex(directoryString("Az09 '()+,-./:=?"))).toBe(`1310${Buffer.from("Az09 '()+,-./:=?").toString('hex')}`);
  expect(hex(directoryString('a_b'))).toBe('0c03615f62');
  expect(hex(directoryString('a@b'))).toBe('0c03614062');
  expect(hex(directoryString('é'))).toBe('0c02c3a9');
  expect(hex(ia5Bytes('localhost'))).toBe(Buffer.from('localhost').toString('hex'));
  expect(() => ia5Bytes('bücher.example')).toThrow('is not IA5 (ASCII) text');
});

test('times: UTCTime from 1950 through 2049, GeneralizedTime before and after, in whole seconds', () => {
  const ascii = (b: Buffer): string => `${b[0]!.toString(16)}:${b.subarray(2).toString('ascii')}`;
  expect(ascii(time(Date.UTC(2026, 10, 23, 15, 53, 22, 999)))).toBe('17:261123155322Z');
  expect(ascii(time(Date.UTC(2049, 11, 31, 23, 59, 59)))).toBe('17:491231235959Z');
  expect(ascii(time(Date.UTC(2050, 0, 1, 0, 0, 0)))).toBe('18:20500101000000Z');
  expect(ascii(time(Date.UTC(1950, 0, 1, 0, 0, 0)))).toBe('17:500101000000Z');
  expect(ascii(time(Date.UTC(1949, 11, 31, 23, 59, 59)))).toBe('18:19491231235959Z');
});
