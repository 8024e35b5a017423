// Content negotiation: which representation a client asked for (JSON, Table, aggregated discovery) and body types.
import { errors } from '../meta/errors.js';

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const parsed: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq > 0) parsed[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: parsed };
  });
}

export type ObjectRepresentation = { kind: 'json' } | { kind: 'table'; includeObject: string; version: string };

const jsonTypes = new Set(['application/json', 'application/*', '*/*', 'application/vnd.kubernetes.protobuf', 'application/yaml']);

/**
 * Picks the first acceptable representation in the client's order: a meta.k8s.io Table (v1 or v1beta1) or plain
 * JSON. Protobuf and YAML are answered with JSON, which every client that offers them also accepts.
 */
export function chooseObjectRepresentation(accept: string | undefined, includeObject: string | undefined): ObjectRepresentation {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { kind: 'json' };
  for (const range of ranges) {
    const as = range.params['as'];
    if (as === 'Table' && range.params['g'] === 'meta.k8s.io' && (range.params['v'] === 'v1' || range.params['v'] === 'v1beta1')) {
      return { kind: 'table', includeObject: includeObject ?? 'Metadata', version: range.params['v'] };
    }
    if (as) continue; // another transformation we do not serve (PartialObjectMetadata…): try the next range
    if (jsonTypes.has(range.type) || range.type.startsWith('application/json')) return { kind: 'json' };
  }
  throw errors.notAcceptable(
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch',
  );
}

/** The base media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
