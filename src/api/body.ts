// Reads request bodies with the 3 MiB limit and decodes them by Content-Type (JSON, YAML, Kubernetes protobuf).
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from '../meta/errors.js';
import { mediaType } from './negotiation.js';

/** Upstream's maxRequestBodyBytes for JSON and YAML request bodies. */
export const maxBodyBytes = 3 * 1024 * 1024;

export const objectMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** Reads the whole body (events, not an async iterator: this runs for every write and the iterator costs more). */
export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    req.resume(); // drain so the connection stays usable for the error answer
    return Promise.reject(errors.tooLarge());
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  const protobuf = isProtobuf(req.headers['content-type']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        done();
        req.resume();
        reject(errors.tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      if (!protobuf) return resolve(raw);
      loadProtobufCodec().then(() => resolve(raw), reject);
    };
    const onCut = () => {
      done();
      reject(errors.badRequest('the request body ended before its end (the client went away)'));
    };
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onCut);
      req.off('close', onCut);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onCut);
    req.on('close', onCut);
  });
}

function isProtobuf(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.includes('protobuf');
}

/** The protobuf codec is loaded on the first protobuf body: it is large, and most clients send JSON. */
let protobufCodec: typeof import('../protobuf/kube-protobuf.js') | undefined;

async function loadProtobufCodec(): Promise<void> {
  protobufCodec ??= await import('../protobuf/kube-protobuf.js');
}

/** Decodes an object body (create, update) from JSON, YAML or Kubernetes protobuf. */
export function decodeObjectBody(raw: Buffer, contentType: string | undefined): unknown {
  // Like upstream NegotiateInputSerializer, no Content-Type means the first serializer, JSON (client-go's scale
  // client, used by `kubectl scale --current-replicas`, PUTs without one).
  const type = mediaType(contentType) || 'application/json';
  switch (type) {
    case 'application/json':
      return parseJson(raw);
    case 'application/yaml':
      return parseYamlBody(raw);
    case 'application/vnd.kubernetes.protobuf':
      try {
        if (!protobufCodec) throw new Error('the body was not read with readRawBody');
        return protobufCodec.decodeKubeProtobuf(raw);
      } catch (err) {
        throw errors.badRequest(`couldn't decode protobuf body: ${err instanceof Error ? err.message : String(err)}`);
      }
    default:
      throw errors.unsupportedMediaType(objectMediaTypes);
  }
}

/**
 * Nesting deeper than this is refused. Upstream's decoder allows 10,000 levels, but V8's own recursion (JSON
 * encoding, structuredClone) overflows near 4,000, and an object that cannot be encoded must never reach the store.
 */
export const maxNestingDepth = 1000;

const exceededMaxDepth = () => errors.badRequest("couldn't get version/kind; json parse error: exceeded max depth");

/** Counts brackets outside strings, so a too-deep document is refused before it is parsed at all. */
function checkJsonDepth(raw: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxNestingDepth) throw exceededMaxDepth();
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}

/** The same limit on an already-parsed value (YAML), walked without recursion. */
function checkValueDepth(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > maxNestingDepth) throw exceededMaxDepth();
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw errors.badRequest("couldn't get version/kind; json parse error: unexpected end of JSON input");
  checkJsonDepth(raw);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function parseYamlBody(raw: Buffer): unknown {
  let value: unknown;
  try {
    value = parseYaml(raw.toString('utf8'), { maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    // The yaml parser recurses per nesting level: a document too deep for the stack is too deep for the limit, and
    // says so as the limit does (the overflow surfaces as a RangeError, or wrapped in a YAMLParseError).
    if (err instanceof RangeError || /Maximum call stack size exceeded/.test((err as Error).message)) throw exceededMaxDepth();
    throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  checkValueDepth(value);
  return value;
}
