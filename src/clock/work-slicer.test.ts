// Work slices: on the real clock a long chain of microtasks lets timers run in between; on a virtual clock it never
// does, so settle() sees the same order of work every time.
import { RealClock } from './clock.js';
import { VirtualClock } from './virtual-clock.js';
import { workSlicer } from './work-slicer.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Schedules `steps` pieces of work, each ~1 ms, one after another; records where a timer set at the start fired. */
function chain(slicer: ReturnType<typeof workSlicer>, steps: number): Promise<{ timerAt: number | undefined }> {
  return new Promise((resolve) => {
    let timerAt: number | undefined;
    let step = 0;
    setTimeout(() => (timerAt ??= step), 0);
    const next = () => {
      busy(1);
      step++;
      if (step < steps) slicer.schedule(next);
      else resolve({ timerAt });
    };
    slicer.schedule(next);
  });
}

test('on the real clock, continuous work gives timers a turn after about the budget', async () => {
  const { timerAt } = await chain(workSlicer(new RealClock(), 8), 60);
  expect(timerAt).toBeDefined();
  expect(timerAt!).toBeGreaterThan(0);
  expect(timerAt!).toBeLessThan(40);
});

test('on a virtual clock, work stays on microtasks and nothing else runs in between', async () => {
  const { timerAt } = await chain(workSlicer(new VirtualClock(), 8), 30);
  expect(timerAt).toBeUndefined();
});

test('work scheduled in one slice runs in the order it was scheduled, deferred or not', async () => {
  const slicer = workSlicer(new RealClock(), 2);
  const order: number[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < 6; i++) {
      // The later ones are scheduled past the budget: deferred, and nothing scheduled after them may overtake them.
      busy(1);
      slicer.schedule(() => {
        busy(1);
        order.push(i);
        if (i === 5) resolve();
      });
    }
  });
  expect(order).toEqual([0, 1, 2, 3, 4, 5]);
});
