// Shared helpers for the @kubernetes/client-node e2e suites: API clients, error assertions and event queues.
import * as k8s from '@kubernetes/client-node';
import type { TestCluster } from '../helpers.js';

export interface Clients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
}

export function clientsFor(cluster: TestCluster): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  return { kc, core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
}

/** Merge patch instead of the typed calls' default json-patch, through 1.4's header middleware. */
export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export interface StatusBody {
  kind?: string;
  status?: string;
  reason?: string;
  code?: number;
  message?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** Awaits a rejected call and returns its ApiException's code and parsed metav1.Status body. */
export async function apiError(call: Promise<unknown>): Promise<{ code: number; status: StatusBody }> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof k8s.ApiException)) throw new Error(`expected an ApiException, got ${String(caught)}`);
  const body: unknown = caught.body;
  const status = (typeof body === 'string' ? JSON.parse(body) : body) as StatusBody;
  return { code: caught.code, status };
}

/** A queue of pushed values that tests await one by one, so nothing is polled or slept on. */
export class Queue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async take(count: number): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next());
    return out;
  }

  /** Waits for the first item that satisfies `match`, discarding the ones before it. */
  async until(match: (item: T) => boolean): Promise<T> {
    for (;;) {
      const item = await this.next();
      if (match(item)) return item;
    }
  }
}

export function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): k8s.V1ConfigMap {
  return { metadata: { name, labels }, data };
}

export function deployment(name: string, replicas = 1): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}
