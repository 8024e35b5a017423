// Request throughput over HTTP: kubefake (its own process) against a bare node:http server answering the same bytes.
import { configMap, json, pod } from './bodies.js';
import { once, runLoad, sendAll, type RequestSpec } from './load.js';
import { startBaseline, startKubefake } from './processes.js';
import type { Row } from './report.js';

export interface HttpOptions {
  concurrencies: number[];
  durationMs: number;
  /** Which operations to run (all by default): ids such as 'get-configmap'. */
  only?: string[];
}

interface Operation {
  id: string;
  name: string;
  /** Objects this operation needs in place first. */
  prepare: (url: string) => Promise<void>;
  request: (runId: string) => RequestSpec;
}

const ns = 'bench';
const seeded = 100;

function operations(kind: 'configmap' | 'pod'): Operation[] {
  const plural = kind === 'configmap' ? 'configmaps' : 'pods';
  const body = kind === 'configmap' ? configMap : pod;
  const base = `/api/v1/namespaces/${ns}/${plural}`;
  const seed = async (url: string) => {
    await sendAll(url, seeded, 16, (i) => ({ method: 'POST', path: base, headers: json, body: JSON.stringify(body(ns, `${kind}-${i}`, i)) }));
  };
  const changed = (n: number) => body(ns, `${kind}-0`, n);
  const patchBody = (n: number) => JSON.stringify(kind === 'configmap' ? { data: { revision: String(n) } } : { metadata: { labels: { revision: String(n) } } });
  return [
    { id: `get-${kind}`, name: `GET ${kind}`, prepare: seed, request: () => ({ method: 'GET', path: `${base}/${kind}-0`, headers: json }) },
    { id: `list-${kind}`, name: `LIST ${seeded} ${plural}`, prepare: seed, request: () => ({ method: 'GET', path: base, headers: json }) },
    {
      id: `create-${kind}`,
      name: `CREATE ${kind}`,
      prepare: async () => {},
      request: (runId) => ({ method: 'POST', path: base, headers: json, body: (n) => JSON.stringify(body(ns, `${kind}-${runId}-${n}`, n)) }),
    },
    {
      id: `update-${kind}`,
      name: `UPDATE ${kind}`,
      prepare: seed,
      request: () => ({ method: 'PUT', path: `${base}/${kind}-0`, headers: json, body: (n) => JSON.stringify(changed(n)) }),
    },
    {
      id: `patch-merge-${kind}`,
      name: `PATCH merge ${kind}`,
      prepare: seed,
      request: () => ({ method: 'PATCH', path: `${base}/${kind}-0`, headers: { ...json, 'content-type': 'application/merge-patch+json' }, body: patchBody }),
    },
    {
      id: `patch-strategic-${kind}`,
      name: `PATCH strategic ${kind}`,
      prepare: seed,
      request: () => ({
        method: 'PATCH',
        path: `${base}/${kind}-0`,
        headers: { ...json, 'content-type': 'application/strategic-merge-patch+json' },
        body: patchBody,
      }),
    },
    {
      id: `apply-${kind}`,
      name: `PATCH apply ${kind}`,
      prepare: seed,
      request: () => ({
        method: 'PATCH',
        path: `${base}/${kind}-0?fieldManager=bench&force=true`,
        headers: { ...json, 'content-type': 'application/apply-patch+yaml' },
        body: (n) => JSON.stringify(changed(n)),
      }),
    },
  ];
}

export async function httpRows(options: HttpOptions): Promise<Row[]> {
  const selected = [...operations('configmap'), ...operations('pod')].filter((op) => !options.only || options.only.includes(op.id));
  // The API server alone: no controllers or nodes moving pods on in the background while requests are counted.
  const kubefake = await startKubefake(['--controllers', '', '--nodes', '0']);
  const baseline = await startBaseline();
  const rows: Row[] = [];
  try {
    await sendAll(kubefake.url, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', headers: json, body: JSON.stringify({ metadata: { name: ns } }) }));
    const prepared = new Set<string>();
    for (const op of selected) {
      const seedKey = op.id.endsWith('pod') ? 'pod' : 'configmap';
      if (!prepared.has(seedKey) && op.id !== `create-${seedKey}`) {
        await op.prepare(kubefake.url);
        prepared.add(seedKey);
      }
      for (const concurrency of options.concurrencies) {
        const runId = `${concurrency}-${rows.length}`;
        const spec = op.request(runId);
        // The baseline answers with exactly the bytes kubefake answered this request with.
        const sample = await once(kubefake.url, { ...spec, body: typeof spec.body === 'function' ? spec.body(1_000_000 + rows.length) : spec.body });
        if (sample.status >= 300) throw new Error(`${op.name}: kubefake answered ${sample.status}: ${sample.body.toString().slice(0, 300)}`);
        await once(baseline.url, {
          method: 'PUT',
          path: '/__configure',
          body: JSON.stringify({ status: sample.status, contentType: sample.contentType, body: sample.body.toString('base64') }),
        });
        // Unmeasured warm-up at the same concurrency: a fresh process's JIT would otherwise count against the first rows.
        const warmupMs = Math.min(500, options.durationMs / 2);
        await runLoad(kubefake.url, op.request(`${runId}-warmup`), concurrency, warmupMs);
        await runLoad(baseline.url, spec, concurrency, warmupMs);
        const cpuBefore = kubefake.cpuMs();
        const measured = await runLoad(kubefake.url, spec, concurrency, options.durationMs);
        const cpuPerRequest = ((kubefake.cpuMs() - cpuBefore) * 1000) / measured.requests;
        if (measured.errors > 0) throw new Error(`${op.name}: ${measured.errors} failed requests, first: ${measured.firstError}`);
        const bareCpuBefore = baseline.cpuMs();
        const bare = await runLoad(baseline.url, spec, concurrency, options.durationMs);
        const bareCpuPerRequest = ((baseline.cpuMs() - bareCpuBefore) * 1000) / bare.requests;
        const target = concurrency === 16 && op.id === 'get-configmap' ? 0.5 : concurrency === 16 && op.id === 'create-configmap' ? 0.3 : undefined;
        rows.push({
          id: `http.${op.id}.c${concurrency}`,
          section: 'HTTP',
          name: `${op.name}, c=${concurrency}`,
          value: measured.requestsPerSecond,
          unit: 'req/s',
          better: 'higher',
          baseline: bare.requestsPerSecond,
          baselineName: 'bare node:http',
          target: target === undefined ? undefined : { on: 'ratio', op: '>=', limit: target },
          notes: `${sample.body.length} B answers; server CPU ${Math.round(cpuPerRequest)} µs/req (bare ${Math.round(bareCpuPerRequest)})`,
        });
      }
    }
  } finally {
    await kubefake.stop();
    await baseline.stop();
  }
  return rows;
}
