// Reads request bodies with the 3 MiB limit and decodes them by Content-Type (JSON, YAML, Kubernetes protobuf).
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from '../meta/errors.js';
import { decodeKubeProtobuf } from '../protobuf/kube-protobuf.js';
import { mediaType } from './negotiation.js';

/** Upstream's maxRequestBodyBytes for JSON and YAML request bodies. */
export const maxBodyBytes = 3 * 1024 * 1024;

export const objectMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    req.resume(); // drain so the connection stays usable for the error answer
    throw errors.tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) {
      req.resume();
      throw errors.tooLarge();
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Decodes an object body (create, update) from JSON, YAML or Kubernetes protobuf. */
export function decodeObjectBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  switch (type) {
    case 'application/json':
      return parseJson(raw);
    case 'application/yaml':
      return parseYamlBody(raw);
    case 'application/vnd.kubernetes.protobuf':
      try {
        return decodeKubeProtobuf(raw);
      } catch (err) {
        throw errors.badRequest(`couldn't decode protobuf body: ${err instanceof Error ? err.message : String(err)}`);
      }
    default:
      throw errors.unsupportedMediaType(objectMediaTypes);
  }
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw errors.badRequest("couldn't get version/kind; json parse error: unexpected end of JSON input");
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function parseYamlBody(raw: Buffer): unknown {
  try {
    return parseYaml(raw.toString('utf8'), { maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}
