// What the HTTP handlers share: the registry, the clock, open watch streams (closed on shutdown) and a logger.
import type { Clock } from '../clock/clock.js';
import type { Registry } from '../registry/registry.js';

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
  logError(err: unknown): void;
  /** The cluster's clock and controllers as /kubefake/v1 exposes them. */
  control: ClusterControl;
}

export interface ClusterControl {
  clockMode: 'real' | 'virtual';
  settle(): Promise<void>;
  advance(duration: string): Promise<void>;
}
