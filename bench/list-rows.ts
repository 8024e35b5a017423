// LIST at scale (10,000 pods, full and paginated) and the server's memory per stored pod.
import { Pool } from 'undici';
import { json, pod } from './bodies.js';
import { once, sendAll } from './load.js';
import { startBaseline, startKubefake } from './processes.js';
import type { Row } from './report.js';
import { elapsedMs, median, MiB, repeat, sleep } from './stats.js';

export interface ListOptions {
  pods: number;
  runs: number;
}

const ns = 'bench-list';

/** Follows continue tokens; reads each page's metadata from its head (the client parsing 20 MB is not the server's time). */
async function fetchAll(pool: Pool, path: string): Promise<{ bytes: number; pages: number; last: Buffer }> {
  let bytes = 0;
  let pages = 0;
  let last = Buffer.alloc(0);
  let next: string | undefined = path;
  while (next !== undefined) {
    const res = await pool.request({ method: 'GET', path: next, headers: json });
    last = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200) throw new Error(`GET ${next}: ${res.statusCode} ${last.toString().slice(0, 200)}`);
    bytes += last.length;
    pages++;
    const token = /"continue":"([^"]+)"/.exec(last.subarray(0, 2048).toString())?.[1];
    next = token ? `${path}&continue=${encodeURIComponent(token)}` : undefined;
  }
  return { bytes, pages, last };
}

async function timedFetch(pool: Pool, path: string): Promise<number> {
  const started = performance.now();
  await fetchAll(pool, path);
  return elapsedMs(started);
}

function itemCount(page: Buffer): number {
  return (JSON.parse(page.toString()) as { items: unknown[] }).items.length;
}

export async function listRows(options: ListOptions): Promise<Row[]> {
  const kubefake = await startKubefake(['--controllers', '', '--nodes', '0']);
  const baseline = await startBaseline();
  const pool = new Pool(kubefake.url, { connections: 1 });
  const bare = new Pool(baseline.url, { connections: 1 });
  try {
    await sendAll(kubefake.url, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', headers: json, body: JSON.stringify({ metadata: { name: ns } }) }));
    await sleep(200);
    const rssBefore = kubefake.rss();
    await sendAll(kubefake.url, options.pods, 16, (i) => ({
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/pods`,
      headers: json,
      body: JSON.stringify(pod(ns, `pod-${String(i).padStart(6, '0')}`, i)),
    }));
    await sleep(200);
    const rssAfter = kubefake.rss();

    const full = `/api/v1/namespaces/${ns}/pods?limit=0`;
    const paged = `/api/v1/namespaces/${ns}/pods?limit=500`;
    // One checked, unmeasured fetch of each first (it also warms the server up), then the timed runs.
    const whole = await fetchAll(pool, full);
    if (itemCount(whole.last) !== options.pods) throw new Error(`LIST did not return ${options.pods} pods`);
    const fullBytes = whole.bytes;
    const fullTimes = await repeat(options.runs, () => timedFetch(pool, full), 0);
    const pages = (await fetchAll(pool, paged)).pages;
    if (pages !== Math.ceil(options.pods / 500)) throw new Error(`paginated LIST took ${pages} pages`);
    const pagedTimes = await repeat(options.runs, () => timedFetch(pool, paged), 0);
    // Baseline: the same list bytes from a bare node:http server, fetched by the same client code.
    await once(baseline.url, {
      method: 'PUT',
      path: '/__configure',
      body: JSON.stringify({ status: 200, contentType: 'application/json', body: whole.last.toString('base64') }),
    });
    const bareTimes = await repeat(options.runs, () => timedFetch(bare, full));
    const fullMs = median(fullTimes);
    const pagedMs = median(pagedTimes);
    const count = options.pods.toLocaleString('en-US');
    return [
      {
        id: `list.full.${options.pods}`,
        section: 'LIST',
        name: `${count} pods, one request (median of ${options.runs})`,
        value: fullMs,
        unit: 'ms',
        better: 'lower',
        baseline: median(bareTimes),
        baselineName: 'same bytes, bare node:http',
        target: options.pods === 10_000 ? { on: 'value', op: '<=', limit: 150 } : undefined,
        notes: `${(fullBytes / MiB).toFixed(1)} MiB, ${(fullBytes / MiB / (fullMs / 1000)).toFixed(0)} MiB/s`,
      },
      {
        id: `list.paged.${options.pods}`,
        section: 'LIST',
        name: `${count} pods, limit=500 (${pages} pages, median of ${options.runs})`,
        value: pagedMs,
        unit: 'ms',
        better: 'lower',
        baseline: median(bareTimes),
        baselineName: 'same bytes in one answer, bare node:http',
        notes: `${(fullBytes / MiB / (pagedMs / 1000)).toFixed(0)} MiB/s`,
      },
      {
        id: `memory.per-pod.${options.pods}`,
        section: 'Memory',
        name: `server RSS growth per 10,000 stored pods (${count} created over HTTP)`,
        value: ((rssAfter - rssBefore) / MiB) * (10_000 / options.pods),
        unit: 'MiB',
        better: 'lower',
        notes: `${(fullBytes / options.pods / 1024).toFixed(2)} KiB of JSON per pod; RSS ${(rssBefore / MiB).toFixed(0)} → ${(rssAfter / MiB).toFixed(0)} MiB`,
      },
    ];
  } finally {
    await pool.close();
    await bare.close();
    await kubefake.stop();
    await baseline.stop();
  }
}
