// Server-side printing of events, core/v1 and events.k8s.io/v1 alike (both are one internal type upstream).
import type { KubeObject } from '../../meta/types.js';
import type { TableColumn, TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { column } from './columns.js';
import { int, obj, optInt, present, str, type Obj } from './fields.js';
import { parseTimestamp, translateTimestampSince } from './human-duration.js';

/**
 * Event printers carry their own NAME column (last, wide-only) instead of the leading one every other
 * printer gets, so `kubectl get events` shows no NAME. Callers must not prepend `nameColumn` for these.
 */
export interface SelfNamedTablePrinter extends TablePrinter {
  includesName: true;
}

/** The core/v1 fields the printer reads, whichever API version the event was written in. */
interface EventFields {
  name: string;
  type: string;
  reason: string;
  message: string;
  involvedObject: Obj;
  source: Obj;
  reportingController: string;
  reportingInstance: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  eventTime: unknown;
  count: number;
  /** When set, overrides the last-seen time and the count. */
  series: Obj | undefined;
}

const columns: TableColumn[] = [
  column('Last Seen', 'string', docs.eventLastTimestamp),
  column('Type', 'string', docs.eventType),
  column('Reason', 'string', docs.eventReason),
  column('Object', 'string', docs.eventInvolvedObject),
  column('Subobject', 'string', docs.objectReferenceFieldPath, 1),
  column('Source', 'string', docs.eventSource, 1),
  column('Message', 'string', docs.eventMessage),
  column('First Seen', 'string', docs.eventFirstTimestamp, 1),
  column('Count', 'string', docs.eventCount, 1),
  column('Name', 'string', docs.objectMetaName, 1, 'name'),
];

function since(ts: unknown, now: number): string {
  return translateTimestampSince(typeof ts === 'string' ? ts : undefined, now);
}

function firstNonEmpty(...values: string[]): string {
  return values.find((v) => v !== '') ?? '';
}

/** "component, host", falling back to the reporting controller/instance the newer API fills instead. */
function formatSource(e: EventFields): string {
  const component = firstNonEmpty(str(e.source.component), e.reportingController);
  const host = firstNonEmpty(str(e.source.host), e.reportingInstance);
  return host === '' ? component : `${component}, ${host}`;
}

function eventCells(e: EventFields, now: number): unknown[] {
  const first =
    parseTimestamp(e.firstTimestamp) !== undefined ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  let last = parseTimestamp(e.lastTimestamp) !== undefined ? since(e.lastTimestamp, now) : first;
  let count = e.count;
  if (e.series) {
    last = since(e.series.lastObservedTime, now);
    count = int(e.series.count);
  } else if (count === 0) {
    // Singleton events written through events.k8s.io carry no count.
    count = 1;
  }
  const kind = str(e.involvedObject.kind).toLowerCase();
  const targetName = str(e.involvedObject.name);
  return [
    last,
    e.type,
    e.reason,
    targetName !== '' ? `${kind}/${targetName}` : kind,
    str(e.involvedObject.fieldPath),
    formatSource(e),
    e.message.trim(),
    first,
    count,
    e.name,
  ];
}

function fromCore(ev: KubeObject): EventFields {
  return {
    name: str(ev.metadata.name),
    type: str(ev.type),
    reason: str(ev.reason),
    message: str(ev.message),
    involvedObject: obj(ev.involvedObject),
    source: obj(ev.source),
    reportingController: str(ev.reportingComponent),
    reportingInstance: str(ev.reportingInstance),
    firstTimestamp: ev.firstTimestamp,
    lastTimestamp: ev.lastTimestamp,
    eventTime: ev.eventTime,
    count: optInt(ev.count) ?? 0,
    series: present(ev.series),
  };
}

/** events.k8s.io/v1 field names mapped onto the core ones, as the upstream conversion does. */
function fromEventsV1(ev: KubeObject): EventFields {
  return {
    name: str(ev.metadata.name),
    type: str(ev.type),
    reason: str(ev.reason),
    message: str(ev.note),
    involvedObject: obj(ev.regarding),
    source: obj(ev.deprecatedSource),
    reportingController: str(ev.reportingController),
    reportingInstance: str(ev.reportingInstance),
    firstTimestamp: ev.deprecatedFirstTimestamp,
    lastTimestamp: ev.deprecatedLastTimestamp,
    eventTime: ev.eventTime,
    count: optInt(ev.deprecatedCount) ?? 0,
    series: present(ev.series),
  };
}

export const eventTable: SelfNamedTablePrinter = {
  includesName: true,
  columns,
  cells: (ev, now) => eventCells(fromCore(ev), now),
};

export const eventsV1EventTable: SelfNamedTablePrinter = {
  includesName: true,
  columns,
  cells: (ev, now) => eventCells(fromEventsV1(ev), now),
};
