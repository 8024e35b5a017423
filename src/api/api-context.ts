// What the HTTP handlers share: the registry, the clock, open watch streams (closed on shutdown) and a logger.
import type { ClusterAuthenticator } from '../auth/authenticator.js';
import type { Authorizer } from '../auth/authorization/authorizer.js';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { KubeObject } from '../meta/types.js';
import type { Registry } from '../registry/registry.js';
import type { FaultInjector } from './faults.js';

export interface OpenWatch {
  /** Ends the stream cleanly (the client sees the response end). */
  close(): void;
}

export interface ApiContext {
  registry: Registry;
  clock: Clock;
  watches: Set<OpenWatch>;
  /** Per-watch cap on bytes waiting in the socket buffer: a watcher this far behind is dropped. */
  maxWatchBufferBytes: number;
  /** HTTP watches served at once (default 10,000); more are refused with 429 (in-process watches are not HTTP ones). */
  maxWatches?: number;
  logError(err: unknown): void;
  /** Structured logs (request lines at info); none in-process unless asked for, so requests cost nothing. */
  logger?: Logger;
  /** The cluster's clock and controllers as /kubefake/v1 exposes them. */
  control: ClusterControl;
  /**
   * Authenticates every request before it is routed (recording its user for requestUser()) and issues ServiceAccount
   * tokens; without it requests run unauthenticated and serviceaccounts/token is not served.
   */
  auth?: ClusterAuthenticator;
  /** Authorizes every request right after authentication (403 when refused); absent, everything is allowed (AlwaysAllow). */
  authorizer?: Authorizer;
  /** Injected failures for HTTP requests (tests of clients' retry paths). */
  faults?: FaultInjector;
  /** The kubelets' side of pods/log; without it a log request fails as one to a node whose kubelet is down. */
  podLogs?: PodLogProvider;
}

/** PodLogOptions as the apiserver hands them to the kubelet: validated, the container already chosen. */
export interface PodLogOptions {
  follow: boolean;
  /** The logs of the container's previous (terminated) instance. */
  previous: boolean;
  /** Each line prefixed with its RFC3339Nano timestamp and a space. */
  timestamps: boolean;
  sinceSeconds?: number;
  /** sinceTime, in ms since the epoch. */
  sinceTime?: number;
  tailLines?: number;
  /** The handler also cuts the answer at this many bytes, so a provider may ignore it. */
  limitBytes?: number;
}

/**
 * What a (fake) kubelet offers pods/log. The handler calls lines() and, to follow, follow() right after it with no
 * await in between, so together they miss nothing.
 */
export interface PodLogProvider {
  /** The lines (without their newline) the kubelet would answer now: since, tail and timestamps applied. */
  lines(pod: KubeObject, container: string, options: PodLogOptions): string[];
  /** Lines written from now on, as they come; onEnd once the container instance stops. stop() ends early. */
  follow?(pod: KubeObject, container: string, options: PodLogOptions, onLine: (line: string) => void, onEnd: () => void): { stop(): void };
}

export interface ClusterControl {
  clockMode: 'real' | 'virtual';
  settle(): Promise<void>;
  advance(duration: string): Promise<void>;
  /** Back to the objects right after start; answers how many objects it created, updated and deleted. */
  reset(): Promise<{ created: number; updated: number; deleted: number }>;
  /** A kubeconfig (YAML) for that identity: a client certificate from the cluster CA (TLS only) or a token. */
  kubeconfigFor?(identity: { user: string; groups?: readonly string[]; token?: string }): Promise<string>;
}
