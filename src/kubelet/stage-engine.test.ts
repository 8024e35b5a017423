// The stage engine on a toy world, and stage selectors on their own.
import { newStageMemory, runStages, stageCandidates, type Stage, type StageSubject, type StageWorld } from './stage-engine.js';
import { lookup, matches, parsePath } from './stage-selector.js';

/** A light with a colour; stages turn it green → yellow → red, optionally with a sensor as a fact. */
class Light implements StageWorld {
  colour = 'green';
  sensor = true;
  readonly applied: string[] = [];
  subjects(scope: Stage['scope']): StageSubject[] {
    return scope === 'pod' ? [{ id: '', fields: { light: { colour: this.colour } } }] : [];
  }
  fact(name: string): boolean {
    if (name === 'sensor') return this.sensor;
    throw new Error(`no fact ${name}`);
  }
  delay(stage: Stage): number {
    return stage.delay?.ms ?? 0;
  }
  apply(stage: Stage): void {
    this.applied.push(stage.name);
    if (stage.action === 'yellow' || stage.action === 'red' || stage.action === 'green') this.colour = stage.action;
  }
}

const when = (colour: string) => [{ key: 'light.colour', operator: 'In' as const, values: [colour] }];
const stages: Stage[] = [
  { name: 'to-yellow', scope: 'pod', selector: when('green'), when: ['sensor'], delay: { ms: 1000 }, action: 'yellow' },
  { name: 'to-red', scope: 'pod', selector: when('yellow'), delay: { ms: 500 }, action: 'red' },
  { name: 'beep', scope: 'pod', selector: when('red'), action: 'beep', once: true },
  { name: 'to-green', scope: 'pod', selector: when('red'), delay: { ms: 2000 }, action: 'green' },
];

describe('runStages', () => {
  it('fires a stage once it has matched for its whole delay, counting from the first match', () => {
    const light = new Light();
    const memory = newStageMemory();
    expect(runStages(stages, light, memory, 0)).toEqual({ fired: [], nextDue: 1000 });
    expect(runStages(stages, light, memory, 999)).toEqual({ fired: [], nextDue: 1000 });
    expect(runStages(stages, light, memory, 1000)).toEqual({ fired: ['to-yellow/'], nextDue: 1500 });
    expect(light.colour).toBe('yellow');
  });

  it('chains transitions due at the same instant, counts a late transition from when it happened, fires once-stages once', () => {
    const light = new Light();
    const memory = newStageMemory();
    runStages(stages, light, memory, 0);
    // Late by 500ms: the light turns yellow now, so red is due 500ms after now.
    expect(runStages(stages, light, memory, 1500)).toEqual({ fired: ['to-yellow/'], nextDue: 2000 });
    // Red and the beep it allows (no delay) happen in one run.
    expect(runStages(stages, light, memory, 2000)).toEqual({ fired: ['to-red/', 'beep/'], nextDue: 4000 });
    expect(runStages(stages, light, memory, 4000)).toEqual({ fired: ['to-green/'], nextDue: 5000 });
    runStages(stages, light, memory, 5000);
    expect(runStages(stages, light, memory, 5500).fired).toEqual(['to-red/']);
    expect(light.applied.filter((a) => a === 'beep')).toEqual(['beep']);
  });

  it('restarts a delay when the match is broken in between', () => {
    const light = new Light();
    const memory = newStageMemory();
    runStages(stages, light, memory, 0);
    light.sensor = false;
    expect(runStages(stages, light, memory, 600)).toEqual({ fired: [], nextDue: undefined });
    light.sensor = true;
    expect(runStages(stages, light, memory, 700)).toEqual({ fired: [], nextDue: 1700 });
  });

  it('breaks ties in stage order and reports candidates with their due times', () => {
    const light = new Light();
    const tie: Stage[] = [
      { name: 'first', scope: 'pod', selector: when('green'), delay: { ms: 10 }, action: 'red' },
      { name: 'second', scope: 'pod', selector: when('green'), delay: { ms: 10 }, action: 'yellow' },
    ];
    const memory = newStageMemory();
    expect(stageCandidates(tie, light, memory, 5).map((c) => [c.stage.name, c.since, c.due])).toEqual([
      ['first', 5, 15],
      ['second', 5, 15],
    ]);
    expect(runStages(tie, light, memory, 15).fired).toEqual(['first/']);
    expect(light.colour).toBe('red');
  });

  it('refuses stages that never settle', () => {
    const light = new Light();
    const loop: Stage[] = [
      { name: 'a', scope: 'pod', selector: when('green'), action: 'red' },
      { name: 'b', scope: 'pod', selector: when('red'), action: 'green' },
    ];
    expect(() => runStages(loop, light, newStageMemory(), 0, 50)).toThrow(/more than 50 transitions at one instant .*the stages loop/);
  });
});

describe('stage selectors', () => {
  const subject = {
    pod: { metadata: { annotations: { 'kubefake.dev/crash-loop': 'true' }, deletionGracePeriodSeconds: 0 }, status: { phase: 'Running' } },
    status: { started: false, state: { running: { startedAt: 'x' } } },
  };

  it('read dotted paths, with bracketed keys for names holding dots', () => {
    expect(parsePath("pod.metadata.annotations['kubefake.dev/crash-loop']")).toEqual(['pod', 'metadata', 'annotations', 'kubefake.dev/crash-loop']);
    expect(lookup(subject, "pod.metadata.annotations['kubefake.dev/crash-loop']")).toBe('true');
    expect(lookup(subject, 'pod.status.phase.length.x')).toBeUndefined();
  });

  it('compare values as text and treat missing fields as NotIn, not In', () => {
    expect(matches(subject, { key: 'pod.status.phase', operator: 'In', values: ['Running'] })).toBe(true);
    expect(matches(subject, { key: 'status.started', operator: 'In', values: ['false'] })).toBe(true);
    expect(matches(subject, { key: 'pod.metadata.deletionGracePeriodSeconds', operator: 'NotIn', values: ['0'] })).toBe(false);
    expect(matches(subject, { key: 'pod.metadata.deletionTimestamp', operator: 'NotIn', values: ['x'] })).toBe(true);
    expect(matches(subject, { key: 'pod.metadata.deletionTimestamp', operator: 'In', values: ['x'] })).toBe(false);
    expect(matches(subject, { key: 'status.state.running', operator: 'Exists' })).toBe(true);
    expect(matches(subject, { key: 'status.state.running', operator: 'In', values: ['[object Object]'] })).toBe(false);
    expect(matches(subject, { key: 'status.state.waiting', operator: 'DoesNotExist' })).toBe(true);
  });
});
