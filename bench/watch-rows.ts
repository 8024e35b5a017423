// Watch fan-out: many watchers on pods, a burst of pod updates; delivery latency, events/s and the server's memory.
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json, pod } from './bodies.js';
import { once, sendAll, type RequestSpec } from './load.js';
import { startBaseline, startKubefake, type ServerProcess } from './processes.js';
import type { Row } from './report.js';
import { MiB } from './stats.js';

export interface WatchOptions {
  watchers: number;
  updates: number;
}

interface Report {
  type: 'report';
  events: number;
  p50: number;
  p99: number;
  max: number;
  minPerWatcher: number;
  maxPerWatcher: number;
  closed: number;
  at: number;
}

interface Measured extends Report {
  seconds: number;
  rssGrowth: number;
}

const ns = 'bench-watch';
const podCount = 100;
const clientPath = join(dirname(fileURLToPath(import.meta.url)), 'watch-client.js');
const wallMs = () => performance.timeOrigin + performance.now();

function message<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch client: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === 'error') reject(new Error(m.message));
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
  });
}

async function measure(server: ServerProcess, path: string, options: WatchOptions, update: (n: number) => RequestSpec): Promise<Measured> {
  const child = fork(clientPath, [server.url, path, String(options.watchers), String(options.updates)], { stdio: 'inherit' });
  try {
    await message(child, 'ready', 60_000);
    const rssBefore = server.rss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.rss())), 20);
    const started = wallMs();
    const finished = message<Report>(child, 'report', 120_000);
    await sendAll(server.url, options.updates, 16, update);
    const report = await finished.catch(async () => {
      child.send({ type: 'report' });
      return message<Report>(child, 'report', 5_000);
    });
    clearInterval(sampler);
    return { ...report, seconds: (report.at - started) / 1000, rssGrowth: rssPeak - rssBefore };
  } finally {
    child.send({ type: 'exit' });
  }
}

export async function watchRows(options: WatchOptions): Promise<Row[]> {
  const kubefake = await startKubefake(['--controllers', '', '--nodes', '0']);
  const baseline = await startBaseline();
  try {
    await sendAll(kubefake.url, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', headers: json, body: JSON.stringify({ metadata: { name: ns } }) }));
    await sendAll(kubefake.url, podCount, 16, (i) => ({ method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, headers: json, body: JSON.stringify(pod(ns, `pod-${i}`, i)) }));
    const list = await once(kubefake.url, { method: 'GET', path: `/api/v1/namespaces/${ns}/pods?limit=1`, headers: json });
    const rv = (JSON.parse(list.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const sample = JSON.parse((await once(kubefake.url, { method: 'GET', path: `/api/v1/namespaces/${ns}/pods/pod-0`, headers: json })).body.toString()) as {
      metadata: { annotations?: Record<string, string> };
    };

    const ours = await measure(kubefake, `/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=${rv}`, options, (n) => ({
      method: 'PATCH',
      path: `/api/v1/namespaces/${ns}/pods/pod-${n % podCount}`,
      headers: { ...json, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { annotations: { 'bench/sent': String(wallMs()) } } }),
    }));
    // The baseline sends each watcher the same frame a watch event would carry, from a bare node:http server.
    const bare = await measure(baseline, '/watch?watch=1', options, () => ({
      method: 'POST',
      path: '/__broadcast',
      headers: json,
      body: `${JSON.stringify({ type: 'MODIFIED', object: { ...sample, metadata: { ...sample.metadata, annotations: { 'bench/sent': String(wallMs()) } } } })}\n`,
    }));
    const expected = options.updates;
    const complete = `${ours.minPerWatcher === expected && ours.maxPerWatcher === expected ? 'every' : 'NOT every'} watcher got all ${expected} events, ${ours.closed} dropped`;
    const label = `${options.watchers.toLocaleString('en-US')} watchers × ${options.updates.toLocaleString('en-US')} updates`;
    const dropped = ours.closed > 0 || ours.minPerWatcher !== expected;
    return [
      {
        id: `watch.p99.${options.watchers}x${options.updates}`,
        section: 'Watch',
        name: `${label}: p99 delivery latency`,
        value: dropped ? Infinity : ours.p99,
        unit: 'ms',
        better: 'lower',
        baseline: bare.p99,
        baselineName: 'bare node:http fan-out',
        target: { on: 'value', op: '<=', limit: 100 },
        notes: `p50 ${ours.p50.toFixed(1)} ms, max ${ours.max.toFixed(1)} ms; ${complete}`,
      },
      {
        id: `watch.events-per-second.${options.watchers}x${options.updates}`,
        section: 'Watch',
        name: `${label}: events delivered per second`,
        value: ours.events / ours.seconds,
        unit: 'events/s',
        better: 'higher',
        baseline: bare.events / bare.seconds,
        baselineName: 'bare node:http fan-out',
        notes: `${ours.events.toLocaleString('en-US')} events in ${ours.seconds.toFixed(2)} s`,
      },
      {
        id: `watch.rss-growth.${options.watchers}x${options.updates}`,
        section: 'Watch',
        name: `${label}: server RSS growth`,
        value: ours.rssGrowth / MiB,
        unit: 'MiB',
        better: 'lower',
        baseline: Math.max(bare.rssGrowth / MiB, 1),
        baselineName: 'bare node:http fan-out',
        target: { on: 'value', op: '<=', limit: 200 },
      },
    ];
  } finally {
    await kubefake.stop();
    await baseline.stop();
  }
}
