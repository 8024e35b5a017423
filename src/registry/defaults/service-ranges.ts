// The Service ClusterIP range and NodePort range: which values exist, and the order a free one is searched in.

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or undefined when it is not one. */
export function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    // Go's netip rejects leading zeros (they read as octal elsewhere), as the apiserver's IP validation does.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Upstream's allocators keep the low end of a range for values users ask for (KEP-3070): dynamic allocation
 * searches above `offset` first and only falls back below it when the upper band is full.
 * min(max(min, size/step), max), with (16, 16, 256) for IP ranges and (16, 32, 128) for port ranges.
 */
function rangeOffset(size: number, min: number, step: number, max: number, strictlyAbove: boolean): number {
  if (strictlyAbove ? size <= min : size < min) return 0;
  return Math.min(Math.max(min, Math.floor(size / step)), max);
}

/**
 * Walks `size` values from `first` in the order a dynamic allocation tries them: the upper band from a point
 * derived from `seed`, wrapping, then the lower band. Upstream starts at a random point; a seed taken from the
 * Service's name keeps the spread while giving the same answer in every run of a test.
 */
function* probeOrder(first: number, size: number, reserved: number, seed: number): Generator<number> {
  // A range smaller than its reserved band (a /28) is all lower band.
  const offset = Math.min(reserved, size);
  const upper = size - offset;
  for (let i = 0; i < upper; i++) yield first + offset + ((seed + i) % upper);
  for (let i = 0; i < offset; i++) yield first + ((seed + i) % offset);
}

/** An IPv4 service CIDR such as 10.96.0.0/12: its network and broadcast addresses are never handed out. */
export class ServiceIPRange {
  readonly network: number;
  readonly prefixLength: number;
  /** Addresses in the prefix, network and broadcast included (netutils.RangeSize). */
  private readonly prefixSize: number;

  constructor(readonly cidr: string) {
    const [address = '', length = ''] = cidr.split('/');
    const parsed = parseIPv4(address);
    const prefixLength = Number(length);
    if (parsed === undefined || !Number.isInteger(prefixLength) || prefixLength < 8 || prefixLength > 30) {
      throw new Error(`invalid IPv4 service CIDR ${cidr}`);
    }
    this.prefixLength = prefixLength;
    this.prefixSize = 2 ** (32 - prefixLength);
    this.network = parsed - (parsed % this.prefixSize);
  }

  /** Whether `ip` lies in the prefix at all (upstream picks the allocator by prefix, network address included). */
  inPrefix(ip: number): boolean {
    return ip >= this.network && ip < this.network + this.prefixSize;
  }

  /** Whether `ip` may be allocated: inside the prefix and neither its network nor its broadcast address. */
  allocatable(ip: number): boolean {
    return ip > this.network && ip < this.network + this.prefixSize - 1;
  }

  /** Candidate addresses for a dynamic allocation, in search order. */
  candidates(seed: number): Iterable<string> {
    const size = this.prefixSize - 2;
    const offset = rangeOffset(this.prefixSize, 16, 16, 256, false);
    const order = probeOrder(this.network + 1, size, offset, seed);
    return (function* () {
      for (const value of order) yield formatIPv4(value);
    })();
  }
}

/** The NodePort range, 30000-32767 by default (--service-node-port-range). */
export class NodePortRange {
  constructor(
    readonly base = 30000,
    readonly size = 2768,
  ) {}

  contains(port: number): boolean {
    return port >= this.base && port < this.base + this.size;
  }

  /** As net.PortRange prints itself in "The range of valid ports is 30000-32767". */
  toString(): string {
    return `${this.base}-${this.base + this.size - 1}`;
  }

  candidates(seed: number): Iterable<number> {
    return probeOrder(this.base, this.size, rangeOffset(this.size, 16, 32, 128, true), seed);
  }
}

/** FNV-1a over a string: a stable, well-spread seed from a Service's namespace and name. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
