// Compact JWS (ES256) signing and verification with node:crypto, for ServiceAccount tokens.
import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The key id upstream derives: base64url(SHA-256(DER public key)). */
  kid: string;
}

/** A fresh P-256 key (a millisecond or two), one per cluster so one cluster's tokens never pass another's check. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, kid: createHash('sha256').update(der).digest('base64url') };
}

export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const header = encode({ alg: 'ES256', kid: key.kid });
  const input = `${header}.${encode(claims)}`;
  // JWS wants the raw r||s form, not the DER that node signs in by default.
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** The claims of a compact JWS, without checking its signature; undefined when it is not one. */
export function peekClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const claims = decode(parts[1]!);
  return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
}

/** Whether the token is an ES256 JWS signed by `key`. */
export function verifyJwt(key: SigningKey, token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const header = decode(parts[0]!) as { alg?: unknown } | undefined;
  if (header?.alg !== 'ES256') return false;
  const signature = Buffer.from(parts[2]!, 'base64url');
  return verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
