// Issue 9: with random 409/500 writes, failing lists and cut watches, the controllers reach the fault-free end state.
import { isDeepStrictEqual } from 'node:util';
import { controllerFaults, endState, harshControllerFaults, play, startChaosCluster, type ChaosRun, type PlayResult } from './chaos-support.js';

const heavy = process.env.KUBEFAKE_HEAVY_TESTS === '1';
const scale = heavy ? 4 : 2;
const profiles = { 'issue 9': controllerFaults, harsh: harshControllerFaults };
const seeds = heavy ? Array.from({ length: 10 }, (_, i) => 101 + 10 * i) : [7];
const runs = Object.keys(profiles).flatMap((profile) => seeds.map((seed) => [profile as keyof typeof profiles, seed] as const));
/** Virtual time a faulty run is played for at most, so a failure shows how late (or whether) it got there. */
const deadlineMs = 20 * 60_000;
/**
 * Virtual time a faulty run may take to reach the fault-free end state (which the CronJob's run at 150 s bounds):
 * less than the informers' 300 s watch renewal, so a cut watch that nobody re-opens cannot hide behind it.
 */
const convergeWithinMs = 4 * 60_000;

let reference: PlayResult;

async function withRun<T>(fn: (run: ChaosRun) => Promise<T>): Promise<T> {
  const run = await startChaosCluster();
  try {
    return await fn(run);
  } finally {
    await run.cluster.close();
  }
}

beforeAll(async () => {
  reference = await withRun(async (run) => {
    const result = await play(run, { scale, deadlineMs: 6 * 60_000, done: () => false });
    // Quiet for good: two more minutes change nothing.
    await run.cluster.advance('2m');
    expect(await endState(run)).toEqual(result.state);
    return result;
  });
}, 120_000);

test('the fault-free run ends where the workloads ask it to', () => {
  const s = reference.state as Record<string, any>;
  for (let i = 0; i < scale; i++) {
    expect(s[`deployment/web-${i}`]).toMatchObject({
      status: { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 },
      conditions: ['Available', 'Progressing'],
      replicaSets: ['0/0:nginx:1.27', '3/3:nginx:1.28'],
      pods: Array(3).fill('Running:nginx:1.28'),
    });
    expect(s[`deployment/api-${i}`]).toMatchObject({ status: { availableReplicas: 2 }, conditions: ['Available', 'Progressing'] });
    expect(s[`job/batch-${i}`]).toMatchObject({ conditions: ['Complete', 'SuccessCriteriaMet'], succeeded: 3, failed: 0 });
  }
  expect(s['replicaset/bare']).toMatchObject({ ready: 2, available: 2 });
  expect(s['job/flaky']).toMatchObject({ conditions: ['Failed', 'FailureTarget'], succeeded: 0, failed: 3 });
  expect(s['statefulset/db']).toEqual({ ready: 3, current: 3, sameRevision: true, pods: ['db-0:Running', 'db-1:Running', 'db-2:Running'] });
  expect(s['daemonset/agent']).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 });
  expect(s['cronjob/nightly']).toEqual({ active: 0, lastScheduleTime: '2026-01-01T00:08:00Z', succeeded: true });
  expect(s['job/nightly-run']).toMatchObject({ conditions: ['Complete', 'SuccessCriteriaMet'], succeeded: 1 });
  expect(s.doomed).toEqual({ namespace: false, pods: 0, replicaSets: 0 });
  expect(s.strayPods).toEqual([]);
});

test.each(runs)('under %s faults (seed %i) the controllers converge to the same end state', async (profile, seed) => {
  await withRun(async (run) => {
    const faulty = await play(run, { scale, faults: profiles[profile](seed), deadlineMs, done: (state) => isDeepStrictEqual(state, reference.state) });
    // The faults did bite: controllers met both kinds of write error, and retried.
    const codes = new Set(run.errors.map((e) => (e as { code?: number }).code));
    expect([...codes]).toEqual(expect.arrayContaining([409, 500]));
    expect(faulty.state).toEqual(reference.state);
    expect(faulty.convergedAfterMs).toBeLessThanOrEqual(convergeWithinMs);
    // And stays there: nothing keeps flapping once the faults stop mattering.
    await run.cluster.advance('2m');
    expect(await endState(run)).toEqual(reference.state);
    const { picked } = faulty;
    // Watches were cut and found expired (in the issue 9 profile, the pods watch for sure, once pods come and go).
    expect(picked.dropWatch).toBeGreaterThanOrEqual(3);
    expect(picked['watch 410']).toBeGreaterThanOrEqual(1);
    process.stdout.write(`chaos ${profile} seed ${seed}: converged after ${faulty.convergedAfterMs! / 1000} s virtual; picked ${JSON.stringify(picked)}\n`);
  });
}, heavy ? 300_000 : 120_000);
