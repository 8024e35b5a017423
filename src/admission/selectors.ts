// namespaceSelector and objectSelector as upstream's namespace and object predicates evaluate them.
import { ApiError, errors } from '../meta/errors.js';
import { labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from '../meta/label-selector.js';
import type { KubeObject } from '../meta/types.js';
import { isNamespaceResource, type Attributes } from './attributes.js';

/** Whether a selector admits the request, or the error upstream reports once the rules say the hook applies. */
export type SelectorOutcome = { matches: boolean; error?: undefined } | { matches: false; error: ApiError };

/** Reads a namespace from storage; undefined when there is none. */
export type NamespaceReader = (name: string) => Promise<KubeObject | undefined>;

/** An absent selector is what v1 defaulting makes of it: `{}`, which selects everything. */
function parse(selector: LabelSelectorObject | undefined): LabelSelector | ApiError {
  try {
    return labelSelectorFromObject(selector ?? {});
  } catch (err) {
    if (err instanceof ApiError) return errors.internal(err.message);
    throw err;
  }
}

export async function matchNamespaceSelector(
  selector: LabelSelectorObject | undefined,
  attributes: Attributes,
  readNamespace: NamespaceReader,
): Promise<SelectorOutcome> {
  // Cluster-scoped objects other than namespaces are never exempted by a namespace selector.
  if (attributes.namespace === '' && attributes.resource.resource !== 'namespaces') return { matches: true };
  const parsed = parse(selector);
  if (parsed instanceof ApiError) return { matches: false, error: parsed };
  if (parsed.empty) return { matches: true };
  const labels = await namespaceLabels(attributes, readNamespace);
  if (labels instanceof ApiError) return { matches: false, error: labels };
  return { matches: parsed.matches(labels) };
}

/**
 * A namespace being created or updated is judged by the labels it is getting, not those stored; deleting one (or
 * writing its subresources) by the stored namespace.
 */
async function namespaceLabels(attributes: Attributes, readNamespace: NamespaceReader): Promise<Record<string, string> | ApiError> {
  if (
    isNamespaceResource(attributes.resource) &&
    attributes.subresource === '' &&
    (attributes.operation === 'CREATE' || attributes.operation === 'UPDATE')
  ) {
    return attributes.object?.metadata.labels ?? {};
  }
  const namespace = await readNamespace(attributes.namespace);
  if (!namespace) return errors.notFound({ group: '', resource: 'namespaces' }, attributes.namespace);
  return namespace.metadata.labels ?? {};
}

function objectMatches(object: KubeObject | undefined, selector: LabelSelector): boolean {
  if (!object) return false;
  return selector.matches(object.metadata?.labels ?? {});
}

/** The object or the old object must carry matching labels (so deleting a labelled object is seen too). */
export function matchObjectSelector(selector: LabelSelectorObject | undefined, attributes: Attributes): SelectorOutcome {
  const parsed = parse(selector);
  if (parsed instanceof ApiError) return { matches: false, error: parsed };
  if (parsed.empty) return { matches: true };
  return { matches: objectMatches(attributes.object, parsed) || objectMatches(attributes.oldObject, parsed) };
}
