// The fallback printer (AGE after NAME) for every resource without a dedicated one.
import type { TablePrinter } from '../strategy.js';
import { ageColumn } from './columns.js';
import { translateTimestampSince } from './human-duration.js';

export const defaultTable: TablePrinter = {
  columns: [ageColumn],
  cells: (o, now) => [translateTimestampSince(o.metadata.creationTimestamp, now)],
};
