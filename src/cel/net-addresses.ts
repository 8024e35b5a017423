// IP address and prefix parsing with Go's net/netip rules (no leading zeros, no zones here) and canonical text.

export interface ParsedIp {
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: number[];
  zone: string;
}

function parseIpv4(text: string): number[] | string {
  const parts = text.split('.');
  if (parts.length !== 4) return 'IPv4 address too short';
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return 'unexpected character';
    if (part.length > 1 && part.startsWith('0')) return 'IPv4 field has octet with leading zero';
    const n = Number(part);
    if (n > 255) return 'IPv4 field has value >255';
    bytes.push(n);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | string {
  const halves = text.split('::');
  if (halves.length > 2) return 'multiple :: in address';
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const words: number[] = [];
  const toWords = (list: string[]): number[] | string => {
    const out: number[] = [];
    for (let i = 0; i < list.length; i++) {
      const group = list[i]!;
      if (i === list.length - 1 && group.includes('.')) {
        const v4 = parseIpv4(group);
        if (typeof v4 === 'string') return v4;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return 'unexpected character';
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const headWords = toWords(head);
  if (typeof headWords === 'string') return headWords;
  const tailWords = toWords(tail);
  if (typeof tailWords === 'string') return tailWords;
  if (halves.length === 2) {
    const missing = 8 - headWords.length - tailWords.length;
    if (missing < 1) return 'address string too long';
    words.push(...headWords, ...new Array<number>(missing).fill(0), ...tailWords);
  } else {
    if (headWords.length !== 8) return 'address string too short';
    words.push(...headWords);
  }
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/** Go's netip.ParseAddr; returns the error detail on failure. */
export function parseIp(text: string): ParsedIp | string {
  let zone = '';
  let address = text;
  const percent = text.indexOf('%');
  if (percent >= 0) {
    zone = text.slice(percent + 1);
    address = text.slice(0, percent);
    if (zone === '') return 'zone must be a non-empty string';
  }
  if (address === '') return 'missing IPv6 address';
  if (address.includes(':')) {
    const bytes = parseIpv6(address);
    return typeof bytes === 'string' ? bytes : { bytes, zone };
  }
  if (zone !== '') return 'IPv4 addresses cannot have a zone';
  const bytes = parseIpv4(address);
  return typeof bytes === 'string' ? bytes : { bytes, zone };
}

export function isIpv4MappedIpv6(bytes: number[]): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** netip.Addr.String(): dotted IPv4, RFC 5952 IPv6 (longest zero run of two or more groups compressed). */
export function ipText(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]) => list.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

export function maskBytes(bytes: number[], prefixLength: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefixLength - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

export interface ParsedCidr {
  ip: ParsedIp;
  prefixLength: number;
}

/** Go's netip.ParsePrefix; returns the error detail on failure. */
export function parseCidr(text: string): ParsedCidr | string {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return `netip.ParsePrefix(${JSON.stringify(text)}): no '/'`;
  const ip = parseIp(text.slice(0, slash));
  if (typeof ip === 'string') return `netip.ParsePrefix(${JSON.stringify(text)}): ParseAddr(${JSON.stringify(text.slice(0, slash))}): ${ip}`;
  if (ip.zone !== '') return `netip.ParsePrefix(${JSON.stringify(text)}): IPv6 zones cannot be present in a prefix`;
  const bitsText = text.slice(slash + 1);
  const max = ip.bytes.length * 8;
  if (!/^(0|[1-9][0-9]*)$/.test(bitsText) || Number(bitsText) > max) {
    return `netip.ParsePrefix(${JSON.stringify(text)}): bad bits after slash: ${JSON.stringify(bitsText)}`;
  }
  return { ip, prefixLength: Number(bitsText) };
}
