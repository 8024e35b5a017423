// Kubernetes' CEL URL, IP and CIDR libraries (k8s.io/apiserver/pkg/cel/library urls.go, ip.go, cidr.go).
import { celFunc, celMethod, CelScalar, listType, mapType, type CelFunc, type CelValue } from '@bufbuild/cel';
import { CIDR_TYPE, IP_TYPE, makeCidr, makeIp, makeUrl, opaqueText, URL_TYPE } from './cel-types.js';
import { ipText, isIpv4MappedIpv6, maskBytes, parseCidr, parseIp, type ParsedIp } from './net-addresses.js';

const { BOOL, INT, STRING } = CelScalar;

interface ParsedUrl {
  scheme: string;
  host: string;
  path: string;
  query: string;
}

/** Go's url.ParseRequestURI, reduced to the parts the library exposes. */
function parseRequestUri(text: string): ParsedUrl | string {
  const fail = (detail: string) => `parse ${JSON.stringify(text)}: ${detail}`;
  const queryAt = text.indexOf('?');
  const beforeQuery = queryAt >= 0 ? text.slice(0, queryAt) : text;
  const query = queryAt >= 0 ? text.slice(queryAt + 1) : '';
  if (beforeQuery.startsWith('/') && !beforeQuery.startsWith('//')) return { scheme: '', host: '', path: beforeQuery, query };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(beforeQuery);
  if (!scheme) return fail(beforeQuery.startsWith(':') ? 'missing protocol scheme' : 'invalid URI for request');
  const rest = scheme[2]!;
  if (!rest.startsWith('//')) {
    if (!rest.startsWith('/')) return fail('invalid URI for request');
    return { scheme: scheme[1]!.toLowerCase(), host: '', path: rest, query };
  }
  const authorityEnd = rest.indexOf('/', 2);
  let authority = authorityEnd >= 0 ? rest.slice(2, authorityEnd) : rest.slice(2);
  const path = authorityEnd >= 0 ? rest.slice(authorityEnd) : '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (/[\s<>"{}|\\^`]/.test(authority)) return fail(`invalid character ${JSON.stringify(authority.match(/[\s<>"{}|\\^`]/)![0])} in host name`);
  const port = /:([^\]:]*)$/.exec(authority);
  if (port && !/^[0-9]*$/.test(port[1]!)) return fail(`invalid port ${JSON.stringify(':' + port[1])} after host`);
  return { scheme: scheme[1]!.toLowerCase(), host: authority, path, query };
}

function urlParts(value: CelValue): ParsedUrl {
  return parseRequestUri(opaqueText(value)) as ParsedUrl;
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

function portOf(host: string): string {
  const match = /:([0-9]*)$/.exec(host.startsWith('[') ? host.slice(host.indexOf(']')) : host);
  return match ? match[1]! : '';
}

function escapedPath(path: string): string {
  return path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (c) => encodeURIComponent(c));
}

function queryMap(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (query === '') return out;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    const key = decode(eq >= 0 ? part.slice(0, eq) : part);
    const value = decode(eq >= 0 ? part.slice(eq + 1) : '');
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

/** ip()'s checks beyond parsing, as upstream: no zones, no IPv4-mapped IPv6. */
function strictIp(text: string): ParsedIp | string {
  const ip = parseIp(text);
  if (typeof ip === 'string') return `IP Address ${JSON.stringify(text)} parse error during conversion from string: ParseAddr(${JSON.stringify(text)}): ${ip}`;
  if (ip.zone !== '') return 'IP address with zone value is not allowed';
  if (isIpv4MappedIpv6(ip.bytes)) return 'IPv4-mapped IPv6 address is not allowed';
  return ip;
}

function ipBytes(value: CelValue): number[] {
  return (parseIp(opaqueText(value)) as ParsedIp).bytes;
}

function strictCidr(text: string): { bytes: number[]; prefixLength: number } | string {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') return `network address parse error during conversion from string: ${parsed}`;
  if (isIpv4MappedIpv6(parsed.ip.bytes)) return 'IPv4-mapped IPv6 address is not allowed';
  return { bytes: parsed.ip.bytes, prefixLength: parsed.prefixLength };
}

function cidrParts(value: CelValue): { bytes: number[]; prefixLength: number } {
  return strictCidr(opaqueText(value)) as { bytes: number[]; prefixLength: number };
}

function containsBytes(cidr: { bytes: number[]; prefixLength: number }, bytes: number[], prefixLength: number): boolean {
  if (bytes.length !== cidr.bytes.length || prefixLength < cidr.prefixLength) return false;
  const a = maskBytes(cidr.bytes, cidr.prefixLength);
  const b = maskBytes(bytes, cidr.prefixLength);
  return a.every((x, i) => x === b[i]);
}

function orThrow<T>(result: T | string): T {
  if (typeof result === 'string') throw new Error(result);
  return result;
}

function isLinkLocalUnicast(b: number[]): boolean {
  return b.length === 4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}
function isLinkLocalMulticast(b: number[]): boolean {
  return b.length === 4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
}
function isLoopback(b: number[]): boolean {
  return b.length === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
}
function isUnspecified(b: number[]): boolean {
  return b.every((x) => x === 0);
}
function isGlobalUnicast(b: number[]): boolean {
  if (b.length === 4 && b.every((x) => x === 255)) return false;
  const multicast = b.length === 4 ? b[0]! >= 224 && b[0]! <= 239 : b[0] === 0xff;
  return !isUnspecified(b) && !isLoopback(b) && !multicast && !isLinkLocalUnicast(b);
}

const ipPredicate = (name: string, test: (b: number[]) => boolean) =>
  celMethod(name, IP_TYPE, [], BOOL, function () {
    return test(ipBytes(this));
  });

export const netLibrary: CelFunc[] = [
  celFunc('url', [STRING], URL_TYPE, (text) => {
    const parsed = parseRequestUri(text);
    if (typeof parsed === 'string') throw new Error(`URL parse error during conversion from string: ${parsed}`);
    return makeUrl(text) as never;
  }),
  celFunc('isURL', [STRING], BOOL, (text) => typeof parseRequestUri(text) !== 'string'),
  celMethod('getScheme', URL_TYPE, [], STRING, function () {
    return urlParts(this).scheme;
  }),
  celMethod('getHost', URL_TYPE, [], STRING, function () {
    return urlParts(this).host;
  }),
  celMethod('getHostname', URL_TYPE, [], STRING, function () {
    return hostname(urlParts(this).host);
  }),
  celMethod('getPort', URL_TYPE, [], STRING, function () {
    return portOf(urlParts(this).host);
  }),
  celMethod('getEscapedPath', URL_TYPE, [], STRING, function () {
    return escapedPath(urlParts(this).path);
  }),
  celMethod('getQuery', URL_TYPE, [], mapType(STRING, listType(STRING)), function () {
    return queryMap(urlParts(this).query);
  }),

  celFunc('ip', [STRING], IP_TYPE, (text) => makeIp(ipText(orThrow(strictIp(text)).bytes)) as never),
  celFunc('isIP', [STRING], BOOL, (text) => typeof strictIp(text) !== 'string'),
  celFunc('ip.isCanonical', [STRING], BOOL, (text) => ipText(orThrow(strictIp(text)).bytes) === text),
  celFunc('string', [IP_TYPE], STRING, (ip) => opaqueText(ip)),
  celMethod('family', IP_TYPE, [], INT, function () {
    return ipBytes(this).length === 4 ? 4n : 6n;
  }),
  ipPredicate('isUnspecified', isUnspecified),
  ipPredicate('isLoopback', isLoopback),
  ipPredicate('isLinkLocalMulticast', isLinkLocalMulticast),
  ipPredicate('isLinkLocalUnicast', isLinkLocalUnicast),
  ipPredicate('isGlobalUnicast', isGlobalUnicast),

  celFunc('cidr', [STRING], CIDR_TYPE, (text) => {
    const parsed = orThrow(strictCidr(text));
    return makeCidr(`${ipText(parsed.bytes)}/${parsed.prefixLength}`) as never;
  }),
  celFunc('isCIDR', [STRING], BOOL, (text) => typeof strictCidr(text) !== 'string'),
  celFunc('string', [CIDR_TYPE], STRING, (cidr) => opaqueText(cidr)),
  celMethod('containsIP', CIDR_TYPE, [IP_TYPE], BOOL, function (ip) {
    const bytes = ipBytes(ip);
    return containsBytes(cidrParts(this), bytes, bytes.length * 8);
  }),
  celMethod('containsIP', CIDR_TYPE, [STRING], BOOL, function (text) {
    const bytes = orThrow(strictIp(text)).bytes;
    return containsBytes(cidrParts(this), bytes, bytes.length * 8);
  }),
  celMethod('containsCIDR', CIDR_TYPE, [CIDR_TYPE], BOOL, function (other) {
    const inner = cidrParts(other);
    return containsBytes(cidrParts(this), inner.bytes, inner.prefixLength);
  }),
  celMethod('containsCIDR', CIDR_TYPE, [STRING], BOOL, function (text) {
    const inner = orThrow(strictCidr(text));
    return containsBytes(cidrParts(this), inner.bytes, inner.prefixLength);
  }),
  celMethod('ip', CIDR_TYPE, [], IP_TYPE, function () {
    return makeIp(ipText(cidrParts(this).bytes)) as never;
  }),
  celMethod('masked', CIDR_TYPE, [], CIDR_TYPE, function () {
    const { bytes, prefixLength } = cidrParts(this);
    return makeCidr(`${ipText(maskBytes(bytes, prefixLength))}/${prefixLength}`) as never;
  }),
  celMethod('prefixLength', CIDR_TYPE, [], INT, function () {
    return BigInt(cidrParts(this).prefixLength);
  }),
];
