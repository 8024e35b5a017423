// pods/log: upstream's validation errors, options handed to the kubelet's provider, limitBytes, follow streams that end.
import { node, ns, podWith, running, startLogServer, waiting, type LogServer } from '../../../test/pod-logs-test-kit.js';

let server: LogServer;
const containers = [{ name: 'app', image: 'busybox' }];

beforeEach(async () => {
  server = await startLogServer();
  await node(server.cluster, 'node-1', { addresses: [{ type: 'InternalIP', address: '10.0.0.7' }] });
});

afterEach(async () => {
  await server.close();
});

async function getLog(path: string, base = server.url) {
  const res = await fetch(`${base}/api/v1/namespaces/${ns}/pods/${path}`);
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  return { status: res.status, contentType, text, body: contentType === 'application/json' ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const failure = (code: number, reason: string, message: string, details?: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  ...(reason ? { reason } : {}),
  ...(details ? { details } : {}),
  code,
});

describe('checks before the kubelet is asked', () => {
  it('a pod with several containers needs one named, and the name must be one of them', async () => {
    const spec = { initContainers: [{ name: 'setup', image: 'busybox' }], containers: [{ name: 'app', image: 'busybox' }, { name: 'proxy', image: 'envoy' }] };
    await podWith(server.cluster, 'web', spec, [running('app'), running('proxy')]);
    expect((await getLog('web/log')).body).toEqual(
      failure(400, 'BadRequest', 'a container name must be specified for pod web, choose one of: [setup app proxy]'),
    );
    expect((await getLog('web/log?container=nope')).body).toEqual(failure(400, 'BadRequest', 'container nope is not valid for pod web'));
    expect(await getLog('nope/log')).toMatchObject({ status: 404, body: { message: 'pods "nope" not found' } });
  });

  it('options that do not parse are 400s and invalid ones 422s on PodLogOptions', async () => {
    await podWith(server.cluster, 'web', { containers }, [running('app')]);
    expect((await getLog('web/log?tailLines=abc')).body).toEqual(failure(400, 'BadRequest', 'strconv.ParseInt: parsing "abc": invalid syntax'));
    expect((await getLog('web/log?sinceTime=yesterday')).body).toMatchObject({ code: 400, message: 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"' });
    expect((await getLog('web/log?tailLines=-1&limitBytes=0')).body).toEqual(
      failure(422, 'Invalid', 'PodLogOptions "web" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]', {
        name: 'web',
        kind: 'PodLogOptions',
        causes: [
          { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'tailLines' },
          { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be greater than 0', field: 'limitBytes' },
        ],
      }),
    );
    expect((await getLog('web/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z')).body).toMatchObject({
      code: 422,
      message: 'PodLogOptions "web" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
    expect(server.logs.calls).toEqual([]);
  });

  it('a container that has not started is the kubelet\'s 400', async () => {
    await podWith(server.cluster, 'web', { containers }, [waiting('app', 'ContainerCreating')]);
    expect((await getLog('web/log')).body).toEqual(failure(400, 'BadRequest', 'container "app" in pod "web" is waiting to start: ContainerCreating'));
    await podWith(server.cluster, 'pulling', { containers }, [waiting('app', 'ImagePullBackOff')]);
    expect((await getLog('pulling/log')).body).toMatchObject({ message: 'container "app" in pod "pulling" is waiting to start: trying and failing to pull image' });
    await podWith(server.cluster, 'fresh', { containers }, []);
    expect((await getLog('fresh/log')).body).toMatchObject({ code: 400, message: 'container "app" in pod "fresh" is not available' });
    await podWith(server.cluster, 'once', { containers }, [running('app')]);
    expect((await getLog('once/log?previous=true')).body).toMatchObject({ code: 400, message: 'previous terminated container "app" in pod "once" not found' });
    expect(server.logs.calls).toEqual([]);
  });

  it('an unscheduled pod answers 204; a node that does not exist is a 404', async () => {
    await podWith(server.cluster, 'pending', { containers }, [], null);
    expect(await getLog('pending/log')).toMatchObject({ status: 204, text: '' });
    await podWith(server.cluster, 'lost', { containers }, [running('app')], 'gone');
    expect((await getLog('lost/log')).body).toMatchObject({ code: 404, reason: 'NotFound', message: 'nodes "gone" not found' });
  });

  it('without a log provider the kubelet cannot be reached, as upstream answers', async () => {
    await podWith(server.cluster, 'web', { containers }, [running('app')]);
    expect((await getLog('web/log?follow=true&tailLines=5', server.bareUrl)).body).toEqual(
      failure(500, '', 'Get "https://10.0.0.7:10250/containerLogs/default/web/app?follow=true&tailLines=5": dial tcp 10.0.0.7:10250: connect: connection refused'),
    );
    await node(server.cluster, 'bare');
    await podWith(server.cluster, 'orphan', { containers }, [running('app')], 'bare');
    expect((await getLog('orphan/log', server.bareUrl)).body).toEqual(failure(500, '', 'no preferred addresses found; known addresses: []'));
  });
});

describe('the provider\'s lines', () => {
  it('come back as text/plain, with since, tail and timestamps handed to the provider', async () => {
    await podWith(server.cluster, 'web', { containers }, [running('app')]);
    server.logs.history = ['2026-01-01T00:00:01.000000000Z one', '2026-01-01T00:00:02.000000000Z two'];
    const reply = await getLog('web/log?tailLines=2&sinceSeconds=30&timestamps=true&insecureSkipTLSVerifyBackend=true');
    expect(reply).toMatchObject({ status: 200, contentType: 'text/plain', text: '2026-01-01T00:00:01.000000000Z one\n2026-01-01T00:00:02.000000000Z two\n' });
    expect(server.logs.calls).toEqual([
      { pod: 'web', container: 'app', options: { follow: false, previous: false, timestamps: true, sinceSeconds: 30, sinceTime: undefined, tailLines: 2, limitBytes: undefined } },
    ]);
    await getLog('web/log?container=app&sinceTime=2026-01-01T00:00:05%2B01:00&previous=false');
    expect(server.logs.calls[1]!.options).toMatchObject({ sinceTime: Date.UTC(2025, 11, 31, 23, 0, 5), previous: false });
  });

  it('are cut at limitBytes, mid-line if need be', async () => {
    await podWith(server.cluster, 'web', { containers }, [running('app')]);
    server.logs.history = ['hello', 'world'];
    expect((await getLog('web/log?limitBytes=8')).text).toBe('hello\nwo');
  });
});

describe('follow', () => {
  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { text: string }, want: string): Promise<void> {
    const decoder = new TextDecoder();
    while (!seen.text.includes(want)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${JSON.stringify(want)}; got ${JSON.stringify(seen.text)}`);
      seen.text += decoder.decode(value, { stream: true });
    }
  }

  async function startFollow(path: string) {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/v1/namespaces/${ns}/pods/${path}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    return { reader: res.body!.getReader(), seen: { text: '' }, abort: () => controller.abort() };
  }

  it('streams the history, then each new line, and ends cleanly when the container stops', async () => {
    await podWith(server.cluster, 'web', { containers }, [running('app')]);
    server.logs.history = ['old'];
    const stream = await startFollow('web/log?follow=true');
    await readUntil(stream.reader, stream.seen, 'old\n');
    const follower = server.logs.followers[0]!;
    follower.push('new 1');
    follower.push('new 2');
    await readUntil(stream.reader, stream.seen, 'new 2\n');
    expect(stream.seen.text).toBe('old\nnew 1\nnew 2\n');
    follower.end();
    expect(await stream.reader.read()).toEqual({ done: true, value: undefined });
    expect(server.watches.size).toBe(0);
    expect(server.logs.calls[0]!.options.follow).toBe(true);
  });

  it('stops the provider when the client goes away, and ends when the pod is deleted', async () => {
    await podWith(server.cluster, 'web', { containers }, [running('app')]);
    const first = await startFollow('web/log?follow=true');
    first.abort();
    await expect(first.reader.read()).rejects.toThrow();
    while (!server.logs.followers[0]!.stopped) await new Promise((resolve) => setImmediate(resolve));
    expect(server.watches.size).toBe(0);

    const second = await startFollow('web/log?follow=true');
    server.logs.followers[1]!.push('bye');
    await readUntil(second.reader, second.seen, 'bye\n');
    await server.cluster.client.delete('v1', 'pods', ns, 'web', { gracePeriodSeconds: 0 });
    expect(await second.reader.read()).toEqual({ done: true, value: undefined });
    expect(server.logs.followers[1]!.stopped).toBe(true);
  });

  it('does not follow a container that has finished, nor past limitBytes', async () => {
    const finished = { ...running('app'), state: { terminated: { exitCode: 0, reason: 'Completed', containerID: 'containerd://app-1' } } };
    await podWith(server.cluster, 'done', { containers }, [finished]);
    server.logs.history = ['last words'];
    expect((await getLog('done/log?follow=true')).text).toBe('last words\n');
    await podWith(server.cluster, 'web', { containers }, [running('app')]);
    const stream = await startFollow('web/log?follow=true&limitBytes=16');
    server.logs.followers[0]!.push('0123456789');
    await readUntil(stream.reader, stream.seen, '01234');
    expect(await stream.reader.read()).toEqual({ done: true, value: undefined });
    expect(stream.seen.text).toBe('last words\n01234');
    expect(server.logs.followers).toHaveLength(1);
  });
});
