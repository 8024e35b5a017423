// Event conversion between core v1 (the storage version) and events.k8s.io/v1, field for field as upstream maps them.
import type { KubeObject, ObjectMeta } from '../../meta/types.js';

/**
 * Core v1 field → events.k8s.io/v1 field, in core's field order. Both are the one internal core Event upstream,
 * so the mapping is a bijection and a round trip either way keeps every field.
 */
const CORE_TO_EVENTS_V1: ReadonlyArray<readonly [core: string, eventsV1: string]> = [
  ['involvedObject', 'regarding'],
  ['reason', 'reason'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingComponent', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
];

/** events.k8s.io/v1's own field order, so converted objects read like ones the real server returns. */
const EVENTS_V1_ORDER = [
  'eventTime',
  'series',
  'reportingController',
  'reportingInstance',
  'action',
  'reason',
  'regarding',
  'related',
  'note',
  'type',
  'deprecatedSource',
  'deprecatedFirstTimestamp',
  'deprecatedLastTimestamp',
  'deprecatedCount',
];

const EVENTS_V1_TO_CORE = new Map(CORE_TO_EVENTS_V1.map(([core, eventsV1]) => [eventsV1, core]));

/** Fields absent on one side stay absent on the other: nothing is invented, so nothing is lost coming back. */
function moveField(from: KubeObject, fromKey: string, to: KubeObject, toKey: string): void {
  if (from[fromKey] !== undefined) to[toKey] = structuredClone(from[fromKey]);
}

/** A stored core v1 Event as events.k8s.io/v1 serves it (Convert_core_Event_To_v1_Event). */
export function coreEventToEventsV1(obj: KubeObject): KubeObject {
  const out: KubeObject = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: structuredClone(obj.metadata ?? {}) as ObjectMeta,
  };
  for (const field of EVENTS_V1_ORDER) moveField(obj, EVENTS_V1_TO_CORE.get(field) as string, out, field);
  return out;
}

/** An events.k8s.io/v1 Event as the core v1 Event it is stored as (Convert_v1_Event_To_core_Event). */
export function eventsV1ToCoreEvent(obj: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: structuredClone(obj.metadata ?? {}) as ObjectMeta };
  for (const [core, eventsV1] of CORE_TO_EVENTS_V1) moveField(obj, eventsV1, out, core);
  return out;
}

/**
 * Field selectors on events.k8s.io/v1 name v1 fields; upstream maps them onto the core fields events are selected
 * by (AddFieldLabelConversionsForEvent). Labels outside the map are rejected as "field label not supported".
 */
const EVENTS_V1_FIELD_LABELS: ReadonlyMap<string, string> = new Map([
  ['reason', 'reason'],
  ['regarding.kind', 'involvedObject.kind'],
  ['regarding.namespace', 'involvedObject.namespace'],
  ['regarding.name', 'involvedObject.name'],
  ['regarding.uid', 'involvedObject.uid'],
  ['regarding.apiVersion', 'involvedObject.apiVersion'],
  ['regarding.resourceVersion', 'involvedObject.resourceVersion'],
  ['regarding.fieldPath', 'involvedObject.fieldPath'],
  ['reportingController', 'reportingComponent'],
  ['source', 'source'],
  ['type', 'type'],
  ['metadata.namespace', 'metadata.namespace'],
  ['metadata.name', 'metadata.name'],
]);

/** The core field an events.k8s.io/v1 field selector label selects on, or undefined when upstream rejects it. */
export function eventsV1FieldLabelToCore(label: string): string | undefined {
  return EVENTS_V1_FIELD_LABELS.get(label);
}
