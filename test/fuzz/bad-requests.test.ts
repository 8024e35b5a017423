// Property: generated bad requests over HTTP never get a 5xx or crash the server, and a rejected one never changes the store.
import fc from 'fast-check';
import type { Pool } from 'undici';
import {
  fixtureObject, fixtures, fuzzNamespace, requestIdHeader, snapshotDifferences, startFuzzCluster, storeSnapshot, type FuzzCluster,
} from './fuzz-cluster-support.js';
import { describeRequest, judge, openPool, send, type FuzzRequest } from './fuzz-http-support.js';
import { badRequest } from './request-arbitraries-support.js';

const heavy = process.env.KUBEFAKE_HEAVY_TESTS === '1';
/** CI's heavy run sends at least 100,000 requests; the everyday one enough to meet every generator many times. */
const requestCount = process.env.KUBEFAKE_FUZZ_REQUESTS ? Number(process.env.KUBEFAKE_FUZZ_REQUESTS) : heavy ? 100_008 : 10_008;
const batchSize = 12;
/** The whole store is compared byte for byte every this many batches (and at the end); the revision after every batch. */
const batchesPerComparison = 25;
const timeLimitMs = heavy ? 600_000 : 120_000;
const seed = process.env.KUBEFAKE_FUZZ_SEED ? Number(process.env.KUBEFAKE_FUZZ_SEED) : 90_210;

let fuzz: FuzzCluster;
let pool: Pool;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);

beforeAll(async () => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  fuzz = await startFuzzCluster();
  pool = openPool(fuzz.cluster.url, batchSize);
  await send(pool, { category: 'setup', method: 'POST', path: '/api/v1/namespaces', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: { name: fuzzNamespace } }) }, 'setup');
  await restoreFixtures();
});

afterAll(async () => {
  await pool?.close();
  fuzz?.tracer.close();
  await fuzz?.cluster.close();
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
});

/** Recreates fixtures an accepted request deleted, so later requests still find something to break. */
async function restoreFixtures(): Promise<void> {
  for (const f of fixtures) {
    const found = await pool.request({ method: 'GET', path: `${f.collection}/${f.name}`, headers: { [requestIdHeader]: 'harness' } });
    await found.body.dump();
    if (found.statusCode === 200) continue;
    const created = await pool.request({
      method: 'POST', path: f.collection, headers: { 'Content-Type': 'application/json', [requestIdHeader]: 'harness' }, body: JSON.stringify(fixtureObject(f)),
    });
    const text = await created.body.text();
    if (created.statusCode !== 201) throw new Error(`could not create fixture ${f.kind} ${f.name}: ${created.statusCode} ${text}`);
  }
}

/** The cluster still serves an ordinary read. */
async function expectHealthy(): Promise<string | undefined> {
  const res = await pool.request({ method: 'GET', path: `/api/v1/namespaces/${fuzzNamespace}`, headers: { [requestIdHeader]: 'harness' } });
  const text = await res.body.text();
  return res.statusCode === 200 && (JSON.parse(text) as { metadata: { name: string } }).metadata.name === fuzzNamespace ? undefined : `GET namespace answered ${res.statusCode}: ${text.slice(0, 200)}`;
}

test(`${requestCount} generated bad requests: never a 5xx or a crash, a 4xx is a Status and leaves the store unchanged`, async () => {
  const { cluster, tracer, loggedErrors } = fuzz;
  console.log(`bad-request fuzz: seed ${seed} (set KUBEFAKE_FUZZ_SEED to replay), ${requestCount} requests, ${batchSize} in flight`);
  const started = performance.now();
  const byCategory = new Map<string, number>();
  const byStatus = new Map<number, number>();
  let sent = 0;
  let batches = 0;
  let comparisons = 0;
  let nextId = 0;
  let baseline = await storeSnapshot(cluster.store);
  let writtenSinceBaseline = new Set<string>();

  const property = fc.asyncProperty(fc.array(badRequest, { minLength: batchSize, maxLength: batchSize }), async (batch: FuzzRequest[]) => {
    const revisionBefore = cluster.store.currentRevision();
    const writesBefore = tracer.writes.length;
    const ids = batch.map(() => `r${++nextId}`);
    const batchStarted = performance.now();
    const answers = await Promise.all(batch.map((request, i) => send(pool, request, ids[i]!).catch((err: Error) => err)));
    const batchMs = performance.now() - batchStarted;
    if (process.env.KUBEFAKE_FUZZ_TRACE && batchMs > 1000) console.log(`slow batch ${batchMs.toFixed(0)} ms: ${batch.map(describeRequest).join('\n')}`);
    const writes = tracer.writes.slice(writesBefore);
    const problems: string[] = [];
    answers.forEach((answer, i) => {
      const request = batch[i]!;
      sent++;
      byCategory.set(request.category, (byCategory.get(request.category) ?? 0) + 1);
      if (answer instanceof Error) {
        problems.push(`${describeRequest(request)}\n  → the connection failed: ${answer.message}`);
        return;
      }
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      for (const problem of judge(request, answer, writes.filter((w) => w.requestId === ids[i]).length)) problems.push(`${describeRequest(request)}\n  → ${problem}`);
    });
    const foreign = writes.filter((w) => !ids.includes(w.requestId ?? ''));
    if (foreign.length > 0) problems.push(`store writes no request of the batch made: ${foreign.map((w) => `${w.requestId} ${w.key}`).join(', ')}`);
    // Nothing writes the store behind the tracer's back: the revision moved once per traced write.
    const moved = cluster.store.currentRevision() - revisionBefore;
    if (moved !== writes.length) problems.push(`the store revision moved by ${moved} for ${writes.length} traced write(s)`);
    if (loggedErrors.length > 0) problems.push(`server errors logged: ${loggedErrors.splice(0).map((e) => (e instanceof Error ? e.stack : String(e))).join('; ')}`);
    if (crashes.length > 0) problems.push(`unhandled: ${crashes.splice(0).map(String).join('; ')}`);
    const unhealthy = await expectHealthy();
    if (unhealthy) problems.push(unhealthy);
    for (const w of writes) writtenSinceBaseline.add(w.key);
    if (++batches % batchesPerComparison === 0) {
      const current = await storeSnapshot(cluster.store);
      const differing = snapshotDifferences(baseline, current, writtenSinceBaseline);
      comparisons++;
      if (differing.length > 0) problems.push(`objects changed that no accepted request wrote: ${differing.join(', ')}`);
      await restoreFixtures();
      baseline = await storeSnapshot(cluster.store);
      writtenSinceBaseline = new Set();
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  // Shrinking re-sends whole batches: it is bounded by time, and what it reached by then is reported.
  const result = await fc.check(property, {
    seed, numRuns: Math.ceil(requestCount / batchSize), endOnFailure: process.env.KUBEFAKE_FUZZ_SHRINK === '0', interruptAfterTimeLimit: timeLimitMs - 20_000,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const tally = (m: Map<string | number, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
  console.log(`bad-request fuzz: ${sent} requests in ${seconds} s; ${comparisons} byte comparisons of the store\n  by category: ${tally(byCategory)}\n  by status: ${tally(byStatus)}`);
  if (result.failed) {
    const shrunk = (result.counterexample?.[0] ?? []) as FuzzRequest[];
    throw new Error(
      `seed ${seed}, path ${result.counterexamplePath}: after ${result.numShrinks} shrinks, this batch fails:\n` +
      `${shrunk.map(describeRequest).join('\n')}\n${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`,
    );
  }
  const final = await storeSnapshot(cluster.store);
  expect(snapshotDifferences(baseline, final, writtenSinceBaseline)).toEqual([]);
  expect(crashes).toEqual([]);
  expect(loggedErrors).toEqual([]);
  expect(sent).toBeGreaterThanOrEqual(requestCount);
  // Every generator was met often enough to mean something.
  for (const [category, n] of byCategory) expect({ category, enough: n >= requestCount / 2000 }).toEqual({ category, enough: true });
}, timeLimitMs);
