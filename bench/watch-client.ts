// A child process holding many watches: counts each watcher's events and how long each took to arrive since it was sent.
import { connect } from 'node:net';

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

/** Finds each stamped event in `data` (whole lines only) and records its delivery latency; returns the unscanned tail. */
function scan(data: Buffer, watcher: number): Buffer | undefined {
  const now = wallMs();
  let from = 0;
  for (let nl = data.indexOf(newline, from); nl >= 0; nl = data.indexOf(newline, from)) {
    const at = data.indexOf(marker, from);
    if (at >= 0 && at < nl) {
      const start = at + marker.length;
      const sent = Number(data.toString('latin1', start, data.indexOf(quote, start)));
      counts[watcher]!++;
      if (latencyCount < latencies.length) latencies[latencyCount++] = now - sent;
    }
    from = nl + 1;
  }
  return from < data.length ? Buffer.from(data.subarray(from)) : undefined;
}

/**
 * One watch on a raw socket: the HTTP/1.1 request written by hand and the chunked answer scanned as bytes (chunk-size
 * lines end in a newline too, so they only split the scan), which keeps this process from being the bottleneck.
 */
function open(watcher: number): Promise<void> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: application/json\r\n\r\n`);
    });
    let headersSeen = false;
    let carry: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      let data = carry ? Buffer.concat([carry, chunk]) : chunk;
      if (!headersSeen) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) {
          carry = data;
          return;
        }
        const status = data.toString('latin1', 0, data.indexOf('\r\n'));
        if (!status.includes(' 200 ')) return reject(new Error(`watch ${watcher}: ${status}`));
        headersSeen = true;
        resolve();
        data = data.subarray(end + 4);
      }
      carry = scan(data, watcher);
      if (counts[watcher]! >= expectedPerWatcher && !done[watcher]) {
        done[watcher] = 1;
        complete++;
        if (complete === watcherCount) report();
      }
    });
    socket.on('close', () => closed++);
    socket.on('error', reject);
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
