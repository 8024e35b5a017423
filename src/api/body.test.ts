// Tests for reading request bodies: whole bodies, the size limit, a client that goes away, and the lazily loaded protobuf codec.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../meta/errors.js';
import { KUBE_PROTOBUF_MAGIC, kubeProtoType } from '../protobuf/kube-protobuf.js';
import { loadProtoFile } from '../protobuf/proto-loader.js';
import { decodeObjectBody, maxBodyBytes, readRawBody } from './body.js';

let server: Server;
let port: number;
let onRequest: (req: IncomingMessage) => Promise<unknown>;
const outcomes: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    onRequest(req).then(
      (value) => outcomes.push(value),
      (err: unknown) => outcomes.push(err),
    ).finally(() => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  outcomes.length = 0;
});

function send(body: Buffer, headers: Record<string, string | number> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ port, method: 'POST', headers: { 'content-length': body.length, ...headers } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function protobufConfigMap(name: string): Buffer {
  const type = kubeProtoType('v1', 'ConfigMap')!;
  const raw = type.encode(type.fromObject({ metadata: { name }, data: { a: 'b' } })).finish();
  const unknown = loadProtoFile('k8s.io/apimachinery/pkg/runtime/generated.proto').lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  return Buffer.concat([KUBE_PROTOBUF_MAGIC, unknown.encode(unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw })).finish()]);
}

describe('readRawBody', () => {
  it('returns the whole body, however it was split', async () => {
    onRequest = (req) => readRawBody(req).then((raw) => raw.toString());
    const big = 'x'.repeat(200_000);
    await send(Buffer.from(big));
    expect(outcomes).toEqual([big]);
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    onRequest = (req) => readRawBody(req);
    await send(Buffer.alloc(maxBodyBytes + 1));
    expect((outcomes[0] as ApiError).code).toBe(413);
  });

  it('rejects with a 400 (not a crash or a hang) when the client goes away mid-body', async () => {
    let firstBytes!: () => void;
    const arrived = new Promise<void>((resolve) => (firstBytes = resolve));
    let outcome!: (value: unknown) => void;
    const settled = new Promise<unknown>((resolve) => (outcome = resolve));
    onRequest = (req) => {
      req.once('data', firstBytes);
      return readRawBody(req).then(outcome, outcome);
    };
    const req = request({ port, method: 'POST', headers: { 'content-length': 1000 } });
    req.on('error', () => {});
    req.write(Buffer.alloc(10));
    await arrived;
    req.destroy();
    const err = await settled;
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
  });

  it('loads the protobuf codec for a protobuf body, so decodeObjectBody can decode it', async () => {
    onRequest = async (req) => decodeObjectBody(await readRawBody(req), req.headers['content-type']);
    await send(protobufConfigMap('from-protobuf'), { 'content-type': 'application/vnd.kubernetes.protobuf' });
    expect(outcomes[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-protobuf' }, data: { a: 'b' } });
  });
});
