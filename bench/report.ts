// Benchmark rows: the figure, its same-run baseline and ratio, the target; printed as a table and saved as JSON.
import { formatNumber } from './stats.js';
import { describeMachine, type MachineInfo } from './machine.js';

export interface Target {
  /** What the target bounds: the figure itself or the ratio to the baseline. */
  on: 'value' | 'ratio';
  op: '<=' | '>=';
  limit: number;
}

export interface Row {
  /** Stable key: quick runs are compared with the committed results row by row. */
  id: string;
  section: string;
  name: string;
  value: number;
  unit: string;
  /** Whether a bigger figure is better (throughput) or a smaller one (latency, time, memory). */
  better: 'higher' | 'lower';
  baseline?: number;
  baselineName?: string;
  target?: Target;
  /** Further figures of the same measurement (p50, MB/s, peak RSS…). */
  notes?: string;
}

/** Higher is better: kubefake/baseline for rates, baseline/kubefake for times. */
export function ratioOf(row: Row): number | undefined {
  if (row.baseline === undefined || !Number.isFinite(row.baseline) || row.value <= 0) return undefined;
  return row.better === 'higher' ? row.value / row.baseline : row.baseline / row.value;
}

export function targetMet(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  const subject = row.target.on === 'ratio' ? ratioOf(row) : row.value;
  if (subject === undefined || Number.isNaN(subject)) return false;
  return row.target.op === '<=' ? subject <= row.target.limit : subject >= row.target.limit;
}

function describeTarget(row: Row): string {
  if (!row.target) return '';
  const { on, op, limit } = row.target;
  const shown = on === 'ratio' ? `${Math.round(limit * 100)}% of baseline` : `${formatNumber(limit)} ${row.unit}`;
  return `${op === '<=' ? '≤' : '≥'} ${shown} ${targetMet(row) ? 'met' : 'MISSED'}`;
}

export function renderTable(rows: readonly Row[], machine: MachineInfo, title: string): string {
  const lines = [`${title} — ${describeMachine(machine)}`, ''];
  const header = ['benchmark', 'kubefake', 'baseline', 'ratio', 'target', 'notes'];
  const table = rows.map((row) => {
    const ratio = ratioOf(row);
    return [
      `${row.section}: ${row.name}`,
      `${formatNumber(row.value)} ${row.unit}`,
      row.baseline === undefined ? '' : `${formatNumber(row.baseline)} ${row.unit} (${row.baselineName ?? 'baseline'})`,
      ratio === undefined ? '' : `${Math.round(ratio * 1000) / 10}%`,
      describeTarget(row),
      row.notes ?? '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  lines.push(format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.map(format));
  return lines.join('\n');
}

export interface Results {
  kind: 'full' | 'quick';
  machine: MachineInfo;
  startedAt: string;
  seconds: number;
  rows: Row[];
}

/** Quick-run rows whose ratio fell more than `tolerance` (0.4 = 40%) below the committed run's ratio. */
export function regressions(current: readonly Row[], committed: readonly Row[], tolerance: number): string[] {
  const before = new Map(committed.map((row) => [row.id, row]));
  const found: string[] = [];
  for (const row of current) {
    const old = before.get(row.id);
    const now = ratioOf(row);
    const then = old ? ratioOf(old) : undefined;
    if (now === undefined || then === undefined) continue;
    if (now < then * (1 - tolerance)) {
      found.push(`${row.id}: ratio ${(now * 100).toFixed(1)}% is more than ${tolerance * 100}% below the committed ${(then * 100).toFixed(1)}%`);
    }
  }
  return found;
}
