// X.509 v3 certificates on EC P-256 keys from node:crypto alone: names, the extensions kubefake uses, and signing.
import { createHash, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString, boolean, directoryString, explicit, ia5Bytes, implicit, objectIdentifier, octetString, readTlv, sequence, setOf,
  smallInteger, time, unsignedInteger,
} from './der.js';

/** One RDN per entry, in order, e.g. `[{ O: ['dev'] }, { CN: ['alice'] }]` (no DN-string escaping to get wrong). */
export type SubjectName = Record<string, string[]>[];

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The attribute types a SubjectName may use. */
const attributeTypes: Record<string, string> = {
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
};

export const extendedKeyUsages = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/** RFC 5280 KeyUsage bit numbers. */
const keyUsageBits = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsage = keyof typeof keyUsageBits;

const ecdsaWithSha256 = sequence(objectIdentifier('1.2.840.10045.4.3.2'));

/** A fresh EC P-256 key pair (key generation runs on libuv's thread pool). */
export function newKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('ec', { namedCurve: 'prime256v1' }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })));
  });
}

/** The DER of a Name: each entry one RDN, each value its own attribute; values are written exactly as given. */
export function encodeName(name: SubjectName): Buffer {
  return sequence(
    ...name.map((rdn) => {
      const attributes: Buffer[] = [];
      for (const [type, values] of Object.entries(rdn)) {
        const oid = attributeTypes[type];
        if (oid === undefined) throw new Error(`certificate: unknown name attribute ${type}`);
        for (const value of values) attributes.push(sequence(objectIdentifier(oid), directoryString(value)));
      }
      if (attributes.length === 0) throw new Error('certificate: an empty relative distinguished name');
      return setOf(...attributes);
    }),
  );
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** basicConstraints, critical: cA for a CA (no path length limit), an empty sequence for a leaf. */
export function basicConstraints(ca: boolean): Buffer {
  return extension('2.5.29.19', true, sequence(...(ca ? [boolean(true)] : [])));
}

/** keyUsage, critical: a named bit list, so DER drops the trailing zero bits. */
export function keyUsage(...usages: KeyUsage[]): Buffer {
  if (usages.length === 0) throw new Error('certificate: keyUsage needs at least one usage');
  const highest = Math.max(...usages.map((usage) => keyUsageBits[usage]));
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const usage of usages) {
    const bit = keyUsageBits[usage];
    bytes[bit >> 3] = bytes[bit >> 3]! | (0x80 >> (bit & 7));
  }
  return extension('2.5.29.15', true, bitString(bytes, 7 - (highest & 7)));
}

export function extendedKeyUsage(...oids: string[]): Buffer {
  return extension('2.5.29.37', false, sequence(...oids.map(objectIdentifier)));
}

/** subjectAltName: an IP address (v4 or v6, as `net.isIP` tells) as iPAddress, anything else as dNSName. */
export function subjectAltName(names: readonly string[]): Buffer {
  return extension(
    '2.5.29.17',
    false,
    sequence(...names.map((name) => (isIP(name) ? implicit(7, ipAddressBytes(name)) : implicit(2, ia5Bytes(name))))),
  );
}

export function subjectKeyIdentifier(keyId: Buffer): Buffer {
  return extension('2.5.29.14', false, octetString(keyId));
}

/** authorityKeyIdentifier with only the keyIdentifier [0], the issuer's subjectKeyIdentifier. */
export function authorityKeyIdentifier(keyId: Buffer): Buffer {
  return extension('2.5.29.35', false, sequence(implicit(0, keyId)));
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's bits. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const outer = readTlv(spki);
  const algorithm = readTlv(outer.content);
  const key = readTlv(outer.content, algorithm.end);
  if (outer.tag !== 0x30 || key.tag !== 0x03) throw new Error('certificate: not a SubjectPublicKeyInfo');
  return createHash('sha1').update(key.content.subarray(1)).digest();
}

/** A positive 128-bit serial number (the high bit cleared, as Go's 128-bit random serials are). */
export function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes;
}

export interface CertificateFields {
  /** The serial's big-endian magnitude; written as a positive INTEGER. */
  serial: Buffer;
  /** The issuer's Name, DER (encodeName's output, or the issuer certificate's subject). */
  issuer: Buffer;
  subject: Buffer;
  /** Milliseconds since the epoch; written in whole seconds. */
  notBefore: number;
  notAfter: number;
  publicKey: KeyObject;
  /** The issuer's EC private key: the signature is ecdsa-with-SHA256. */
  signingKey: KeyObject;
  /** DER Extensions, in the order they are written. */
  extensions: readonly Buffer[];
}

/** A signed v3 certificate, DER. */
export function signCertificate(fields: CertificateFields): Buffer {
  if (fields.signingKey.asymmetricKeyType !== 'ec') throw new Error('certificate: the signing key must be an EC key (ecdsa-with-SHA256)');
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(fields.serial),
    ecdsaWithSha256,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.publicKey.export({ type: 'spki', format: 'der' }),
    ...(fields.extensions.length > 0 ? [explicit(3, sequence(...fields.extensions))] : []),
  );
  // node:crypto signs EC keys as a DER ECDSA-Sig-Value, which is what the certificate carries.
  return sequence(tbs, ecdsaWithSha256, bitString(sign('sha256', tbs, fields.signingKey)));
}

/** PEM: base64 in 64-character lines between the labels, ending with a newline. */
export function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** An IPv4 address as 4 bytes, an IPv6 address (`::` shorthand, dotted IPv4 tail) as 16. */
export function ipAddressBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  if (isIP(address) !== 6 || address.includes('%')) throw new Error(`certificate: ${address} is not an IP address without a zone`);
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined): number[] => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const first = parse(head);
  const last = parse(tail);
  const groups = tail === undefined ? first : [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}
