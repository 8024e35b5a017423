// GET pods/{name}/log: the apiserver's checks, then the kubelet's part from the injected provider, whole or followed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { rfc3339 } from '../../clock/clock.js';
import { ApiError } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import type { Resource } from '../../registry/resource.js';
import type { ApiContext, OpenWatch, PodLogOptions } from '../api-context.js';
import type { Query } from '../query.js';
import { checkContainerLogState, chooseContainer, containerStatusOf, parsePodLogRequest } from './pod-log-options.js';

/** kube-apiserver's default --kubelet-preferred-address-types and --kubelet-port. */
const preferredAddressTypes = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];
const defaultKubeletPort = 10250;

interface NodeStatus {
  addresses?: { type: string; address: string }[];
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
}

const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** The kubelet's /containerLogs query as LogLocation builds it (url.Values.Encode sorts the keys). */
function containerLogsQuery(options: PodLogOptions): string {
  const params: [string, string][] = [];
  if (options.follow) params.push(['follow', 'true']);
  if (options.previous) params.push(['previous', 'true']);
  if (options.timestamps) params.push(['timestamps', 'true']);
  if (options.sinceSeconds !== undefined) params.push(['sinceSeconds', String(options.sinceSeconds)]);
  if (options.sinceTime !== undefined) params.push(['sinceTime', rfc3339(options.sinceTime)]);
  if (options.tailLines !== undefined) params.push(['tailLines', String(options.tailLines)]);
  if (options.limitBytes !== undefined) params.push(['limitBytes', String(options.limitBytes)]);
  const encoded = new URLSearchParams(params.sort(([a], [b]) => (a < b ? -1 : 1))).toString();
  return encoded ? `?${encoded}` : '';
}

/**
 * What the apiserver answers when nothing listens where the node says its kubelet is: a 500 carrying Go's error text
 * (no preferred address, or the refused connection; a hostname address fails its DNS lookup instead).
 */
function kubeletUnreachable(node: KubeObject, pod: KubeObject, container: string, options: PodLogOptions): ApiError {
  const status = (node.status ?? {}) as NodeStatus;
  const addresses = status.addresses ?? [];
  let host: string | undefined;
  for (const type of preferredAddressTypes) {
    host ??= addresses.find((a) => a.type === type)?.address;
  }
  if (host === undefined) {
    return new ApiError(500, '', `no preferred addresses found; known addresses: [${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`);
  }
  const reported = status.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  const port = reported > 0 ? reported : defaultKubeletPort;
  const url = `https://${joinHostPort(host, port)}/containerLogs/${pod.metadata.namespace}/${pod.metadata.name}/${container}${containerLogsQuery(options)}`;
  const dial = isIP(host) ? `dial tcp ${joinHostPort(host, port)}: connect: connection refused` : `dial tcp: lookup ${host}: no such host`;
  return new ApiError(500, '', `Get "${url}": ${dial}`);
}

/** The kubelet's LimitWriter: bytes up to limitBytes, then nothing. */
class LimitedOutput {
  private remaining: number;

  constructor(limitBytes: number | undefined) {
    this.remaining = limitBytes ?? Infinity;
  }

  /** The part of `lines` that still fits (each line with its newline); empty once the limit is reached. */
  take(lines: string[]): Buffer {
    const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
    const kept = bytes.length <= this.remaining ? bytes : bytes.subarray(0, this.remaining);
    this.remaining -= kept.length;
    return kept;
  }

  get exhausted(): boolean {
    return this.remaining <= 0;
  }
}

export async function handlePodLog(api: ApiContext, req: IncomingMessage, res: ServerResponse, pods: Resource, namespace: string | undefined, name: string, query: Query): Promise<void> {
  const { container: requested, options } = parsePodLogRequest(query, name);
  const pod = (await api.registry.get(pods, namespace, name)).object as KubeObject;
  const container = chooseContainer(pod, requested);
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!nodeName) {
    // An unscheduled pod has no kubelet to ask: upstream streams from no location, which answers 204 and no body.
    res.statusCode = 204;
    res.end();
    return;
  }
  const node = (await api.registry.get(api.registry.lookup('', 'v1', 'nodes')!, undefined, nodeName)).object as KubeObject;
  const provider = api.podLogs;
  if (!provider) throw kubeletUnreachable(node, pod, container, options);
  checkContainerLogState(pod, container, options.previous);

  const output = new LimitedOutput(options.limitBytes);
  const history = output.take(provider.lines(pod, container, options));
  // The kubelet follows only a running instance; a finished one's log simply ends.
  const running = containerStatusOf(pod, container)?.state?.running !== undefined;
  if (!options.follow || options.previous || !running || !provider.follow || output.exhausted) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/plain');
    res.end(history);
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/plain');
  res.flushHeaders();
  res.write(history);
  await followLog(api, res, pods, pod, container, options, output);
}

/** Streams new lines until the container instance stops, the pod goes, the limit is reached or the client leaves. */
async function followLog(api: ApiContext, res: ServerResponse, pods: Resource, pod: KubeObject, container: string, options: PodLogOptions, output: LimitedOutput): Promise<void> {
  let ended = false;
  const stops: (() => void)[] = [];
  const open: OpenWatch = { close: () => finish() };
  const finish = () => {
    if (ended) return;
    ended = true;
    for (const stop of stops) stop();
    api.watches.delete(open);
    res.end();
  };
  api.watches.add(open);
  res.on('close', finish);
  const following = api.podLogs!.follow!(
    pod,
    container,
    options,
    (line) => {
      if (ended) return;
      res.write(output.take([line]));
      // A client that does not read is dropped rather than buffered for without bound.
      if (res.writableLength > api.maxWatchBufferBytes) res.destroy();
      if (output.exhausted) finish();
    },
    finish,
  );
  stops.push(() => following.stop());
  if (ended) return following.stop();
  // Deleting the pod ends its containers and so their logs, whatever the provider does.
  const watch = await api.registry.watch(
    pods,
    pod.metadata.namespace,
    { fieldSelector: `metadata.name=${pod.metadata.name}`, resourceVersion: pod.metadata.resourceVersion },
    {
      event: (type, view) => {
        if (type === 'BOOKMARK') return;
        if (type === 'DELETED' || view.object.metadata.uid !== pod.metadata.uid) finish();
      },
      error: () => finish(),
      end: () => {},
    },
  );
  if (ended) watch.stop();
  else stops.push(() => watch.stop());
}
