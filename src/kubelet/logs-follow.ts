// `kubectl logs -f`: the lines so far, then each new line as the clock reaches it, until the container stops.
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { KubeObject } from '../meta/types.js';
import { podSpec } from './pod-types.js';
import {
  formatLogLine,
  logLineIntervalMs,
  logRun,
  resolveLogContainer,
  runLines,
  selectLines,
  type ContainerRun,
  type LogLine,
  type PodLogOptions,
} from './logs.js';

/** Like the kubelet's logForceCheckPeriod: a followed container is looked at again at least every second. */
const recheckMs = 1000;

export interface RunFollowing {
  readPod: () => Promise<KubeObject | undefined> | KubeObject | undefined;
  container: string;
  run: ContainerRun;
  /** Lines of the run already delivered; following starts after them. */
  written: number;
  clock: Clock;
  onLine(line: LogLine): void;
  /** Once the run has exited (after its exit line), was replaced, or its pod is gone; not after stop(). */
  onEnd(): void;
  /**
   * Counts each re-read as work in flight, so a virtual clock's settle() waits until the next check is scheduled
   * (pass the controller manager's track()).
   */
  track?: (work: Promise<unknown>) => void;
}

/** The same run, as the pod now reports it (it may have exited since); undefined once it was replaced or is gone. */
function sameRun(pod: KubeObject | undefined, container: string, run: ContainerRun): ContainerRun | undefined {
  if (!pod) return undefined;
  try {
    const now = logRun(pod, container, false);
    if (now.containerID === run.containerID) return now;
    const previous = logRun(pod, container, true);
    return previous.containerID === run.containerID ? previous : undefined;
  } catch {
    return undefined;
  }
}

/** Delivers the lines a running run writes from now on, each when the clock reaches it. */
export function followRun(following: RunFollowing): { stop(): void } {
  const { clock, container } = following;
  let run = following.run;
  let count = following.written;
  let stopped = false;
  let timer: TimerHandle | undefined;
  const end = () => {
    if (stopped) return;
    stopped = true;
    following.onEnd();
  };
  const tick = async () => {
    const current = sameRun(await following.readPod(), container, run);
    if (stopped) return;
    if (!current) return end();
    run = current;
    // Once the status says the run exited, every line up to its exit is known.
    const lines = runLines(run, Math.max(clock.now(), run.finishedAt ?? 0));
    for (const line of lines.slice(count)) {
      if (stopped) return;
      following.onLine(line);
    }
    count = lines.length;
    schedule();
  };
  const schedule = () => {
    if (stopped) return;
    if (run.finishedAt !== undefined) return end();
    const nextLineAt = run.startedAt + count * logLineIntervalMs;
    timer = clock.after(Math.max(0, Math.min(nextLineAt - clock.now(), recheckMs)), () => {
      const work = tick().catch(() => end());
      following.track?.(work);
    });
  };
  schedule();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}

export interface FollowOptions extends PodLogOptions {
  /** Ends the stream early (the client went away); the pending check on the clock is cancelled. */
  signal?: AbortSignal;
  /** As RunFollowing's: lets a virtual clock's settle() wait for each re-read. */
  track?: (work: Promise<unknown>) => void;
}

/**
 * Streams a container's log as `follow=true` does: what is there now (after tail and since), then each line as it is
 * written, ending when the container stops (after its exit line) or the pod goes. `pod` re-reads the pod (the log
 * handler passes a getter onto the API). limitBytes caps the whole stream. Errors are thrown before the first chunk.
 */
export async function* followPodLogs(
  pod: () => Promise<KubeObject | undefined> | KubeObject | undefined,
  container: string | undefined,
  options: FollowOptions,
  clock: Clock,
): AsyncGenerator<string, void, undefined> {
  const first = await pod();
  if (!first) return;
  const name = resolveLogContainer(first, container);
  if (!podSpec(first).nodeName) return;
  const run = logRun(first, name, options.previous === true);
  let budget = options.limitBytes !== undefined && options.limitBytes >= 0 ? options.limitBytes : Infinity;
  const cut = (text: string): string => {
    const bytes = Buffer.from(text);
    const out = bytes.length > budget ? bytes.subarray(0, budget).toString() : text;
    budget -= Math.min(bytes.length, budget);
    return out;
  };
  const now = clock.now();
  const lines = runLines(run, now);
  const initial = selectLines(lines, options, now).map((l) => formatLogLine(l, options.timestamps)).join('');
  if (initial !== '') yield cut(initial);
  // A previous run has nothing more to say.
  if (options.previous || budget <= 0 || options.signal?.aborted) return;

  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const following = followRun({
    readPod: pod,
    container: name,
    run,
    written: lines.length,
    clock,
    track: options.track,
    onLine: (line) => {
      queue.push(formatLogLine(line, options.timestamps));
      notify();
    },
    onEnd: () => {
      ended = true;
      notify();
    },
  });
  const abort = () => {
    following.stop();
    ended = true;
    notify();
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      while (queue.length > 0 && budget > 0) yield cut(queue.shift()!);
      if (budget <= 0 || ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    following.stop();
    options.signal?.removeEventListener('abort', abort);
  }
}
