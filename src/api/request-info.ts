// Parses a resource URL the way upstream's RequestInfoFactory does: group, version, namespace, resource, name, subresource.

export interface ResourceRequest {
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
  /** Path segments after the subresource (e.g. proxy paths), rarely used. */
  rest: string[];
}

/** Namespace subresources: `/api/v1/namespaces/{name}/status` is not a resource named "status" in namespace {name}. */
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Returns undefined for paths that are not resource requests (discovery roots, /version, …).
 * `/api/v1/pods` → all-namespace pods; `/api/v1/namespaces/ns/pods/p/status` → pod p's status.
 */
export function parseResourcePath(path: string): ResourceRequest | undefined {
  const parts = path.split('/');
  // parts[0] is '' for a leading slash
  let i = 1;
  let group: string;
  if (parts[i] === 'api') {
    group = '';
    i++;
  } else if (parts[i] === 'apis') {
    group = parts[i + 1] ?? '';
    i += 2;
  } else {
    return undefined;
  }
  const version = parts[i++];
  if (!version || (!group && parts[1] === 'apis')) return undefined;
  let segs = parts.slice(i).map(decodeSegment);
  if (segs.length > 0 && segs[segs.length - 1] === '') segs = segs.slice(0, -1);
  if (segs.length === 0 || segs.some((s) => s === '')) return undefined;
  let namespace: string | undefined;
  if (segs[0] === 'namespaces' && segs.length >= 3 && !(segs.length === 3 && namespaceSubresources.has(segs[2]!))) {
    namespace = segs[1];
    segs = segs.slice(2);
  }
  const [resource, name, subresource, ...rest] = segs;
  if (!resource) return undefined;
  return { group, version, namespace, resource, name, subresource, rest };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
