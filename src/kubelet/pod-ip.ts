// Pod IP allocation from each node's podCIDRs, round-robin like the host-local IPAM plugin, deterministic per node.

interface Range {
  cidr: string;
  v6: boolean;
  base: bigint;
  size: bigint;
  /** Offset of the last address handed out; the next search starts after it. */
  cursor: bigint;
  used: Set<bigint>;
}

interface NodeRanges {
  cidrs: string;
  ranges: Range[];
}

export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

export function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** RFC 5952 text: lowercase, leading zeros dropped, the longest run of two or more zero groups written `::`. */
export function formatIPv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function parseRange(cidr: string): Range | undefined {
  const [address, prefixText] = cidr.split('/');
  const v6 = address!.includes(':');
  const bits = v6 ? 128n : 32n;
  const parsed = v6 ? parseIPv6(address!) : parseIPv4(address!);
  const prefix = prefixText === undefined ? Number(bits) : Number(prefixText);
  if (parsed === undefined || !Number.isInteger(prefix) || prefix < 0 || BigInt(prefix) > bits) return undefined;
  const hostBits = bits - BigInt(prefix);
  const base = (parsed >> hostBits) << hostBits;
  // host-local hands out from the address after the gateway (.1), so the first pod gets .2.
  return { cidr, v6, base, size: 1n << hostBits, cursor: 1n, used: new Set() };
}

/** Offsets a range may hand out: not the network address, nor the gateway, nor (IPv4) the broadcast address. */
function usable(range: Range, offset: bigint): boolean {
  if (range.size <= 4n) return true;
  return offset > 1n && !(!range.v6 && offset === range.size - 1n);
}

export class PodIpAllocator {
  private readonly nodes = new Map<string, NodeRanges>();
  private readonly byPod = new Map<string, { node: string; offsets: { range: Range; offset: bigint }[]; ips: string[] }>();

  /** Marks addresses pods already report as taken, e.g. after a restart of the kubelet. */
  reserve(node: string, cidrs: string[], podUid: string, ips: string[]): void {
    if (this.byPod.has(podUid)) return;
    const ranges = this.rangesFor(node, cidrs);
    const offsets: { range: Range; offset: bigint }[] = [];
    for (const ip of ips) {
      const value = ip.includes(':') ? parseIPv6(ip) : parseIPv4(ip);
      const range = ranges.find((r) => value !== undefined && r.v6 === ip.includes(':') && value >= r.base && value < r.base + r.size);
      if (!range || value === undefined) continue;
      range.used.add(value - range.base);
      offsets.push({ range, offset: value - range.base });
    }
    this.byPod.set(podUid, { node, offsets, ips });
  }

  /** One address per CIDR of the node (dual-stack gets both families), the same ones for the same pod every time. */
  allocate(node: string, cidrs: string[], podUid: string): string[] {
    const existing = this.byPod.get(podUid);
    if (existing) return existing.ips;
    const ranges = this.rangesFor(node, cidrs);
    const offsets: { range: Range; offset: bigint }[] = [];
    for (const range of ranges) {
      const offset = this.nextFree(range);
      if (offset === undefined) {
        for (const o of offsets) o.range.used.delete(o.offset);
        throw new Error(`failed to allocate for range ${range.cidr}: no IP addresses available in range set`);
      }
      range.used.add(offset);
      range.cursor = offset;
      offsets.push({ range, offset });
    }
    const ips = offsets.map(({ range, offset }) => (range.v6 ? formatIPv6(range.base + offset) : formatIPv4(range.base + offset)));
    this.byPod.set(podUid, { node, offsets, ips });
    return ips;
  }

  release(podUid: string): void {
    const entry = this.byPod.get(podUid);
    if (!entry) return;
    for (const { range, offset } of entry.offsets) range.used.delete(offset);
    this.byPod.delete(podUid);
  }

  private nextFree(range: Range): bigint | undefined {
    // Round-robin from the last address handed out, so a freed address is not reused straight away.
    for (let step = 1n; step <= range.size; step++) {
      const offset = (range.cursor + step) % range.size;
      if (usable(range, offset) && !range.used.has(offset)) return offset;
    }
    return undefined;
  }

  private rangesFor(node: string, cidrs: string[]): Range[] {
    const key = cidrs.join(',');
    let entry = this.nodes.get(node);
    if (!entry || entry.cidrs !== key) {
      entry = { cidrs: key, ranges: cidrs.map(parseRange).filter((r): r is Range => r !== undefined) };
      this.nodes.set(node, entry);
    }
    return entry.ranges;
  }
}
