// Fixtures for the pods/log tests: a server whose ApiContext has a fake kubelet log provider, and pods in any state.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCluster, type Cluster } from '../src/cluster.js';
import type { KubeObject } from '../src/meta/types.js';
import { loadSwagger } from '../src/openapi/openapi-v2.js';
import type { ApiContext, PodLogOptions, PodLogProvider } from '../src/api/api-context.js';
import { buildApp } from '../src/api/server.js';

export const ns = 'default';

/** A provider standing in for the kubelet: a fixed history, lines the test pushes, every call recorded. */
export class FakeLogs implements PodLogProvider {
  history: string[] = [];
  calls: { pod: string; container: string; options: PodLogOptions }[] = [];
  followers: { push(line: string): void; end(): void; stopped: boolean }[] = [];

  /** The history, tailed as a kubelet would; the other options are only recorded. */
  lines(pod: KubeObject, container: string, options: PodLogOptions): string[] {
    this.calls.push({ pod: pod.metadata.name!, container, options });
    return options.tailLines === undefined ? [...this.history] : this.history.slice(Math.max(0, this.history.length - options.tailLines));
  }

  follow(_pod: KubeObject, _container: string, _options: PodLogOptions, onLine: (line: string) => void, onEnd: () => void): { stop(): void } {
    const follower = { push: onLine, end: onEnd, stopped: false };
    this.followers.push(follower);
    return { stop: () => (follower.stopped = true) };
  }
}

export interface LogServer {
  cluster: Cluster;
  /** The server whose pods/log answers from `logs`. */
  url: string;
  /** The same cluster's own server, which has no log provider. */
  bareUrl: string;
  logs: FakeLogs;
  watches: ApiContext['watches'];
  close(): Promise<void>;
}

export async function startLogServer(): Promise<LogServer> {
  const cluster = await startCluster({ clock: 'virtual', controllers: '' });
  const logs = new FakeLogs();
  const watches: ApiContext['watches'] = new Set();
  const api: ApiContext = {
    registry: cluster.registry,
    clock: cluster.clock,
    watches,
    maxWatchBufferBytes: 16 * 1024 * 1024,
    logError: (err) => console.error(err),
    control: { clockMode: cluster.clockMode, settle: () => cluster.settle(), advance: (d) => cluster.advance(d), reset: () => cluster.reset() },
    podLogs: logs,
  };
  let address = '';
  const server: Server = createServer(buildApp({ api, swagger: loadSwagger(), serverAddress: () => address }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    cluster,
    url: `http://${address}`,
    bareUrl: cluster.url,
    logs,
    watches,
    close: async () => {
      for (const w of [...watches]) w.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await cluster.close();
    },
  };
}

export const running = (name: string) => ({ name, ready: true, restartCount: 0, image: 'busybox', imageID: '', containerID: `containerd://${name}-1`, started: true, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } });
export const waiting = (name: string, reason: string) => ({ name, ready: false, restartCount: 0, image: 'busybox', imageID: '', started: false, state: { waiting: { reason } } });

/** A pod bound to `node-1` with the given containers and container statuses (as its kubelet would report). */
export async function podWith(cluster: Cluster, name: string, spec: Record<string, unknown>, statuses: object[], nodeName: string | null = 'node-1'): Promise<KubeObject> {
  const created = await cluster.client.create('v1', 'pods', ns, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { ...spec, ...(nodeName ? { nodeName } : {}) } });
  const status = { phase: 'Running', containerStatuses: statuses };
  return cluster.client.update('v1', 'pods', ns, { ...created, status }, { subresource: 'status' });
}

export async function node(cluster: Cluster, name: string, status: Record<string, unknown> = {}): Promise<void> {
  const created = await cluster.client.create('v1', 'nodes', undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  await cluster.client.update('v1', 'nodes', undefined, { ...created, status }, { subresource: 'status' });
}
