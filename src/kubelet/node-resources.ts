// Node capacity and allocatable: resource quantities parsed and printed as Go's resource.Quantity, minus reservations.

/** The resources every simulated node reports, as a kind worker on a 4-core, 16 GiB machine would. */
export const defaultNodeCapacity: Readonly<Record<string, string>> = {
  cpu: '4',
  'ephemeral-storage': '100Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  memory: '16Gi',
  pods: '110',
};

/**
 * What the simulated kubelet holds back from capacity, as `--kube-reserved=cpu=100m,memory=512Mi` plus the default
 * hard eviction thresholds (`memory.available<100Mi`, `nodefs.available<10%`) would.
 */
export const kubeletReservations = {
  cpuMillis: 100n,
  memoryBytes: (512n + 100n) * 1024n * 1024n,
  ephemeralStorageFraction: 0.1,
};

const binarySuffixes: [string, bigint][] = [
  ['Ki', 1n << 10n],
  ['Mi', 1n << 20n],
  ['Gi', 1n << 30n],
  ['Ti', 1n << 40n],
  ['Pi', 1n << 50n],
  ['Ei', 1n << 60n],
];
const decimalExponents: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export interface ParsedQuantity {
  /** The value in thousandths (milli-units), which is exact for everything a node reports. */
  millis: bigint;
  /** Go prints a result in the format of the quantity it came from: binary (`Ki`…) or decimal. */
  binary: boolean;
}

/** Parses a quantity string (`4`, `3900m`, `16Gi`, `1e3`); undefined when it is not one. */
export function parseQuantity(text: string): ParsedQuantity | undefined {
  const match = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, digits, suffix = ''] = match;
  const [whole, fraction = ''] = digits!.split('.');
  // The number as an integer scaled by 10^-fraction.length, so decimals stay exact.
  let scaled = BigInt((whole || '0') + fraction);
  let exponent10 = -fraction.length + 3; // +3: milli-units
  let multiplier = 1n;
  const binary = binarySuffixes.find(([s]) => s === suffix);
  if (binary) multiplier = binary[1];
  else if (/^[eE]/.test(suffix)) exponent10 += Number(suffix.slice(1));
  else exponent10 += decimalExponents[suffix]!;
  scaled *= multiplier;
  // Go rounds a quantity finer than its smallest unit up; milli-units are the finest a node needs.
  if (exponent10 >= 0) scaled *= 10n ** BigInt(exponent10);
  else {
    const divisor = 10n ** BigInt(-exponent10);
    scaled = (scaled + divisor - 1n) / divisor;
  }
  return { millis: sign === '-' ? -scaled : scaled, binary: binary !== undefined };
}

/** Go's canonical text of a quantity: the largest suffix that keeps the number whole (`16Gi`, `3900m`, `4`). */
export function formatQuantity(quantity: ParsedQuantity): string {
  const { millis, binary } = quantity;
  const negative = millis < 0n;
  const abs = negative ? -millis : millis;
  const sign = negative ? '-' : '';
  if (abs === 0n) return '0';
  if (abs % 1000n !== 0n) return `${sign}${abs}m`;
  const units = abs / 1000n;
  if (binary) {
    for (let i = binarySuffixes.length - 1; i >= 0; i--) {
      const [suffix, size] = binarySuffixes[i]!;
      if (units % size === 0n) return `${sign}${units / size}${suffix}`;
    }
    return `${sign}${units}`;
  }
  for (const [suffix, exp] of [['E', 18], ['P', 15], ['T', 12], ['G', 9], ['M', 6], ['k', 3]] as const) {
    const size = 10n ** BigInt(exp);
    if (units % size === 0n) return `${sign}${units / size}${suffix}`;
  }
  return `${sign}${units}`;
}

function subtract(capacity: string, reservedMillis: bigint): string {
  const parsed = parseQuantity(capacity);
  if (!parsed) return capacity;
  const left = parsed.millis - reservedMillis;
  // Negative allocatable makes no sense: upstream clamps it to zero.
  return formatQuantity({ millis: left < 0n ? 0n : left, binary: parsed.binary });
}

/** Allocatable as the kubelet computes it: capacity less kube-reserved and the hard eviction thresholds. */
export function allocatableFor(capacity: Record<string, string>): Record<string, string> {
  const allocatable: Record<string, string> = {};
  for (const [name, value] of Object.entries(capacity)) {
    if (name === 'cpu') allocatable[name] = subtract(value, kubeletReservations.cpuMillis);
    else if (name === 'memory') allocatable[name] = subtract(value, kubeletReservations.memoryBytes * 1000n);
    else if (name === 'ephemeral-storage') {
      const parsed = parseQuantity(value);
      // The eviction threshold is a share of whole bytes, rounded down as Go's int64 conversion does.
      const bytes = parsed ? parsed.millis / 1000n : 0n;
      const reserved = BigInt(Math.floor(Number(bytes) * kubeletReservations.ephemeralStorageFraction));
      allocatable[name] = parsed ? subtract(value, reserved * 1000n) : value;
    } else allocatable[name] = value;
  }
  return allocatable;
}
