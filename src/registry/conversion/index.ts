// The served API versions stored as another version, with the conversions between them (keyed group/version/resource).
import type { KubeObject } from '../../meta/types.js';
import { coreEventToEventsV1, eventsV1FieldLabelToCore, eventsV1ToCoreEvent } from './events.js';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa.js';

export { coreEventToEventsV1, eventsV1FieldLabelToCore, eventsV1ToCoreEvent } from './events.js';
export { hpaV1ToV2, hpaV2ToV1 } from './hpa.js';

/** How one served version maps onto the version its objects are stored in. Both directions are pure. */
export interface VersionConversion {
  /** "" for the core group. */
  storageGroup: string;
  storageVersion: string;
  storageResource: string;
  /** A served-version object (request body) as the storage version holds it. */
  toStorage(obj: KubeObject): KubeObject;
  /** A stored object as the served version returns it. */
  fromStorage(obj: KubeObject): KubeObject;
  /** A served-version field selector label as the storage version names it (undefined: not supported). */
  fieldLabelToStorage?(label: string): string | undefined;
}

/** Keyed by the served (non-storage) "<group>/<version>/<resource>". */
export const conversions: Record<string, VersionConversion> = {
  'autoscaling/v1/horizontalpodautoscalers': {
    storageGroup: 'autoscaling',
    storageVersion: 'v2',
    storageResource: 'horizontalpodautoscalers',
    toStorage: hpaV1ToV2,
    fromStorage: hpaV2ToV1,
  },
  'events.k8s.io/v1/events': {
    storageGroup: '',
    storageVersion: 'v1',
    storageResource: 'events',
    toStorage: eventsV1ToCoreEvent,
    fromStorage: coreEventToEventsV1,
    fieldLabelToStorage: eventsV1FieldLabelToCore,
  },
};
