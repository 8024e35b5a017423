// A small engine for lifecycle-as-data: stages (selector, delay, action) fire in order as their delays run out.
import { matchesAll, type Requirement } from './stage-selector.js';

export interface StageDelay {
  /** A fixed delay in milliseconds. */
  ms?: number;
  /** The name of a configurable default timing, e.g. `timeToRunning`. */
  timing?: string;
  /** A delay the world computes (probe delays, back-off, grace periods), by name. */
  from?: string;
}

/**
 * One step of a lifecycle, as a kwok Stage: when `selector` and the named facts hold for a subject (the pod, or one
 * of its containers) continuously for `delay`, `action` changes it. Delays count from when the stage began to match.
 */
export interface Stage {
  name: string;
  scope: 'pod' | 'container';
  selector?: Requirement[];
  /** Named predicates for what fields cannot say (e.g. `its-turn`); a leading `!` negates. */
  when?: string[];
  delay?: StageDelay;
  action: string;
  /** Fires at most once per subject, for actions that only record an event (e.g. Killing). */
  once?: boolean;
}

export interface StageSubject {
  /** Stable within the pod: `` for the pod itself, the container name for a container. */
  id: string;
  /** What selector paths are read from. */
  fields: unknown;
}

/** Where stages are evaluated: the facts, delays and actions that stage data names. */
export interface StageWorld<S extends StageSubject = StageSubject> {
  subjects(scope: Stage['scope']): S[];
  fact(name: string, subject: S): boolean;
  /** Milliseconds after `since` (when the stage began to match) that the stage is due. */
  delay(stage: Stage, subject: S, since: number): number;
  apply(stage: Stage, subject: S, since: number): void;
}

/** Per-pod engine state: when each (stage, subject) began to match, and when once-stages fired. */
export interface StageMemory {
  since: Map<string, number>;
  fired: Map<string, number>;
}

export function newStageMemory(): StageMemory {
  return { since: new Map(), fired: new Map() };
}

export function copyStageMemory(memory: StageMemory): StageMemory {
  return { since: new Map(memory.since), fired: new Map(memory.fired) };
}

export interface Candidate<S extends StageSubject> {
  stage: Stage;
  subject: S;
  key: string;
  since: number;
  due: number;
}

export function stageKey(stage: Stage, subject: StageSubject): string {
  return `${stage.name}/${subject.id}`;
}

function factsHold<S extends StageSubject>(world: StageWorld<S>, stage: Stage, subject: S): boolean {
  return (stage.when ?? []).every((name) => (name.startsWith('!') ? !world.fact(name.slice(1), subject) : world.fact(name, subject)));
}

/**
 * Every (stage, subject) that matches now, in stage order then subject order, with when it is due. Starts the clock
 * of new matches and forgets those that stopped matching, so a delay always covers one unbroken match.
 */
export function stageCandidates<S extends StageSubject>(stages: Stage[], world: StageWorld<S>, memory: StageMemory, now: number): Candidate<S>[] {
  const out: Candidate<S>[] = [];
  const matched = new Set<string>();
  const subjects = { pod: world.subjects('pod'), container: world.subjects('container') };
  for (const stage of stages) {
    for (const subject of subjects[stage.scope]) {
      const key = stageKey(stage, subject);
      if (stage.once && memory.fired.has(key)) continue;
      if (!matchesAll(subject.fields, stage.selector) || !factsHold(world, stage, subject)) continue;
      matched.add(key);
      const since = memory.since.get(key) ?? now;
      memory.since.set(key, since);
      out.push({ stage, subject, key, since, due: since + Math.max(0, world.delay(stage, subject, since)) });
    }
  }
  for (const key of [...memory.since.keys()]) if (!matched.has(key)) memory.since.delete(key);
  return out;
}

export interface StageRun {
  /** `stage/subject` of each transition applied, in order. */
  fired: string[];
  /** When the next stage falls due, if any matches. */
  nextDue?: number;
}

/**
 * Applies every transition due at `now`, earliest first (ties in stage order), re-evaluating after each, since one
 * transition often lets the next match. Throws if transitions never stop, which would be a stage list that loops.
 */
export function runStages<S extends StageSubject>(stages: Stage[], world: StageWorld<S>, memory: StageMemory, now: number, maxSteps = 1000): StageRun {
  const fired: string[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const candidates = stageCandidates(stages, world, memory, now);
    let next: Candidate<S> | undefined;
    let nextDue: number | undefined;
    for (const c of candidates) {
      if (c.due <= now) {
        if (!next || c.due < next.due) next = c;
      } else if (nextDue === undefined || c.due < nextDue) nextDue = c.due;
    }
    if (!next) return { fired, nextDue };
    world.apply(next.stage, next.subject, next.since);
    memory.since.delete(next.key);
    if (next.stage.once) memory.fired.set(next.key, now);
    fired.push(next.key);
  }
  throw new Error(`stage engine: more than ${maxSteps} transitions at one instant (last: ${fired.slice(-3).join(', ')}); the stages loop`);
}
