// Serves one API version of a resource stored in another (autoscaling/v1 HPAs, events.k8s.io Events).
import { parseFieldSelector } from '../meta/field-selector.js';
import type { KubeObject } from '../meta/types.js';
import type { ObjectView } from './generic/context.js';
import { viewOf } from './generic/context.js';
import type { Transform } from './generic/update.js';
import type { WatchSink } from './generic/watch.js';
import { checkBody } from './generic/object-rules.js';
import type { Resource } from './resource.js';

export interface Conversion {
  toStorage(object: KubeObject): KubeObject;
  fromStorage(object: KubeObject): KubeObject;
  fieldLabelToStorage?(label: string): string | undefined;
}

export class VersionConverter {
  /** Converted views per stored version: every reader and watcher of this version shares one encoding. */
  private readonly converted = new WeakMap<ObjectView, ObjectView>();

  /** The storage resource, except that errors name the served one, as upstream's qualifiedResourceFromContext does. */
  readonly storage: Resource;

  constructor(
    readonly served: Resource,
    storage: Resource,
    private readonly conversion: Conversion,
  ) {
    this.storage = Object.create(storage, { groupResource: { value: served.groupResource } }) as Resource;
  }

  /** A request body in the served version, checked against it, then in the storage version. */
  bodyToStorage(body: unknown, origin: 'body' | 'patch' = 'body'): KubeObject {
    return this.conversion.toStorage(checkBody(this.served, body, origin));
  }

  /** A field selector in the served version's field names, in the storage version's (unknown names kept, so they fail there). */
  fieldSelector(selector: string | undefined): string | undefined {
    const toStorage = this.conversion.fieldLabelToStorage;
    if (!selector || !toStorage) return selector;
    return parseFieldSelector(selector).transform((field, value) => [toStorage(field) ?? field, value]).toString();
  }

  view(stored: ObjectView): ObjectView {
    let view = this.converted.get(stored);
    if (!view) {
      view = viewOf(this.conversion.fromStorage(stored.object as KubeObject));
      this.converted.set(stored, view);
    }
    return view;
  }

  transform(transform: Transform): Transform {
    return (current) => this.bodyToStorage(transform(this.conversion.fromStorage(current)), 'patch');
  }

  sink(sink: WatchSink): WatchSink {
    return {
      event: (type, view) => sink.event(type, type === 'BOOKMARK' ? bookmarkIn(this.served, view) : this.view(view)),
      error: (err) => sink.error(err),
      end: () => sink.end(),
    };
  }
}

function bookmarkIn(served: Resource, view: ObjectView): ObjectView {
  return viewOf({ ...(view.object as KubeObject), kind: served.kind, apiVersion: served.apiVersion });
}
