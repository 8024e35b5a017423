// A child process holding many watches: counts each watcher's events and how long each took to arrive since it was sent.
import { Agent, get } from 'node:http';

const [url, path, watcherCount, expectedPerWatcher] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4]), Number(process.argv[5])];
/** The driver stamps each update with its send time (ms since the epoch) in this annotation. */
const marker = Buffer.from('"bench/sent":"');
const quote = 0x22;
const newline = 0x0a;

export const wallMs = (): number => performance.timeOrigin + performance.now();

const latencies = new Float64Array(watcherCount * expectedPerWatcher + 1024);
let latencyCount = 0;
const counts = new Int32Array(watcherCount);
const done = new Uint8Array(watcherCount);
let closed = 0;
let complete = 0;
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

function scanLine(line: Buffer, watcher: number): void {
  counts[watcher]!++;
  const at = line.indexOf(marker);
  if (at < 0) return;
  const start = at + marker.length;
  const end = line.indexOf(quote, start);
  const sent = Number(line.toString('latin1', start, end));
  if (latencyCount < latencies.length) latencies[latencyCount++] = wallMs() - sent;
}

function open(watcher: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}${path}`, { agent, headers: { accept: 'application/json' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch ${watcher}: ${res.statusCode}`));
      let carry: Buffer | undefined;
      res.on('data', (chunk: Buffer) => {
        let data = carry ? Buffer.concat([carry, chunk]) : chunk;
        let from = 0;
        for (let nl = data.indexOf(newline, from); nl >= 0; nl = data.indexOf(newline, from)) {
          scanLine(data.subarray(from, nl), watcher);
          from = nl + 1;
        }
        carry = from < data.length ? Buffer.from(data.subarray(from)) : undefined;
        data = Buffer.alloc(0);
        if (counts[watcher]! >= expectedPerWatcher && !done[watcher]) {
          done[watcher] = 1;
          complete++;
          if (complete === watcherCount) report();
        }
      });
      res.on('close', () => closed++);
      resolve();
    });
    req.on('error', reject);
  });
}

function report(): void {
  const sorted = latencies.slice(0, latencyCount).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  let min = Infinity;
  let max = 0;
  for (const n of counts) {
    min = Math.min(min, n);
    max = Math.max(max, n);
  }
  process.send!({ type: 'report', events: latencyCount, p50: at(50), p99: at(99), max: at(100), minPerWatcher: min, maxPerWatcher: max, closed, at: wallMs() });
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') report();
  if (message.type === 'exit') process.exit(0);
});

const opening: Promise<void>[] = [];
for (let i = 0; i < watcherCount; i++) opening.push(open(i));
Promise.all(opening).then(
  () => process.send!({ type: 'ready' }),
  (err: unknown) => process.send!({ type: 'error', message: String(err) }),
);
