// The load balancer address pool: ranges (`a-b`), CIDRs or single IPv4 addresses, handed out lowest first.

/** What the fake cloud hands out when nothing else is configured: the top of a kind-style Docker network. */
export const defaultAddressPool = ['172.18.255.200-172.18.255.250'];

function parse(ip: string): number {
  const parts = ip.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`load balancer address pool: "${ip}" is not an IPv4 address`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function format(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export class AddressPool {
  private readonly ranges: [number, number][];

  constructor(entries: string[] = defaultAddressPool) {
    this.ranges = entries.map((entry) => {
      if (entry.includes('-')) {
        const [from = '', to = ''] = entry.split('-');
        const range: [number, number] = [parse(from), parse(to)];
        if (range[0] > range[1]) throw new Error(`load balancer address pool: "${entry}" runs backwards`);
        return range;
      }
      if (entry.includes('/')) {
        const [address = '', length = ''] = entry.split('/');
        const bits = Number(length);
        if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`load balancer address pool: "${entry}" is not a CIDR`);
        const size = 2 ** (32 - bits);
        const base = parse(address) - (parse(address) % size);
        return [base, base + size - 1];
      }
      const single = parse(entry);
      return [single, single];
    });
  }

  contains(ip: string): boolean {
    let value: number;
    try {
      value = parse(ip);
    } catch {
      return false;
    }
    return this.ranges.some(([from, to]) => value >= from && value <= to);
  }

  /** The first address of the pool not in `used`, or undefined when every one is taken. */
  firstFree(used: Set<string>): string | undefined {
    for (const [from, to] of this.ranges) {
      for (let value = from; value <= to; value++) {
        const ip = format(value);
        if (!used.has(ip)) return ip;
      }
    }
    return undefined;
  }

  toString(): string {
    return this.ranges.map(([from, to]) => (from === to ? format(from) : `${format(from)}-${format(to)}`)).join(',');
  }
}
