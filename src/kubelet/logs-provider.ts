// The fake kubelet's side of pods/log, in the shape the apiserver's log handler takes (its PodLogProvider).
import type { Clock } from '../clock/clock.js';
import type { KubeObject } from '../meta/types.js';
import { followRun } from './logs-follow.js';
import { formatLogLine, logRun, runLines, selectLines, type PodLogOptions } from './logs.js';

/** The options as the apiserver hands them over: validated, the container chosen, sinceTime in ms since the epoch. */
export interface ValidatedLogOptions {
  follow?: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceSeconds?: number;
  sinceTime?: number;
  tailLines?: number;
  limitBytes?: number;
}

export interface KubeletLogProvider {
  /** The lines (without their newline) the kubelet answers now: previous, since, tail and timestamps applied. */
  lines(pod: KubeObject, container: string, options: ValidatedLogOptions): string[];
  /** Each line written from now on, as the clock reaches it; onEnd once the run stops or its pod goes. */
  follow(pod: KubeObject, container: string, options: ValidatedLogOptions, onLine: (line: string) => void, onEnd: () => void): { stop(): void };
}

function asLogOptions(options: ValidatedLogOptions): PodLogOptions {
  return {
    previous: options.previous,
    timestamps: options.timestamps,
    sinceSeconds: options.sinceSeconds,
    sinceTime: options.sinceTime !== undefined ? new Date(options.sinceTime).toISOString() : undefined,
    tailLines: options.tailLines,
  };
}

/**
 * `readPod` re-reads a pod (undefined once it is gone) so a followed log sees its container exit; the composition
 * root passes a getter onto the API, and `track` (the controller manager's) so settle() covers followed logs. Both
 * methods read the same deterministic lines, so `lines` then `follow` miss nothing.
 */
export function kubeletLogProvider(
  clock: Clock,
  readPod: (pod: KubeObject) => Promise<KubeObject | undefined>,
  track?: (work: Promise<unknown>) => void,
): KubeletLogProvider {
  return {
    lines(pod, container, options) {
      const now = clock.now();
      const run = logRun(pod, container, options.previous);
      return selectLines(runLines(run, now), asLogOptions(options), now).map((l) => formatLogLine(l, options.timestamps).slice(0, -1));
    },
    follow(pod, container, options, onLine, onEnd) {
      const run = logRun(pod, container, options.previous);
      // A previous run, or one that already exited, has nothing more to say.
      if (options.previous || run.finishedAt !== undefined) {
        onEnd();
        return { stop: () => {} };
      }
      return followRun({
        readPod: () => readPod(pod),
        container,
        run,
        written: runLines(run, clock.now()).length,
        clock,
        track,
        onLine: (line) => onLine(formatLogLine(line, options.timestamps).slice(0, -1)),
        onEnd,
      });
    },
  };
}
