// `--log-format text`: renders pino's JSON lines as klog-style text, `I1123 13:04:05.123456] "HTTP" verb="list" …`.

interface LogRecord {
  level?: number;
  time?: number;
  msg?: string;
  [field: string]: unknown;
}

// klog knows I, W, E and F; pino's trace and debug read as verbose info lines.
const levelLetters: Record<number, string> = { 10: 'T', 20: 'D', 30: 'I', 40: 'W', 50: 'E', 60: 'F' };
// Fields the header already shows, or that say nothing on one machine's console.
const headerFields = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** One pino JSON line as a text line (with its newline); an error's stack follows on indented lines. */
export function formatLogLine(json: string): string {
  let record: LogRecord;
  try {
    record = JSON.parse(json) as LogRecord;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const parts = [`${levelLetters[record.level ?? 30] ?? 'I'}${timestamp(record.time)}]`, JSON.stringify(record.msg ?? '')];
  let stack: string | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (headerFields.has(key) || value === undefined) continue;
    if (key === 'err' && isSerializedError(value)) {
      parts.push(`err=${JSON.stringify(value.message)}`);
      stack = value.stack;
      continue;
    }
    parts.push(`${key}=${JSON.stringify(value) ?? String(value)}`);
  }
  const line = parts.join(' ');
  const trace = stack ? `\n${stack.split('\n').map((l) => `\t${l}`).join('\n')}` : '';
  return `${line}${trace}\n`;
}

/** A pino destination that writes text lines to `stream`. */
export function textDestination(stream: { write(chunk: string): unknown }): { write(chunk: string): void } {
  return {
    write(chunk) {
      // pino hands over one record per write, each ending in a newline.
      for (const json of chunk.split('\n')) if (json !== '') stream.write(formatLogLine(json));
    },
  };
}

/** klog's header time, MMDD hh:mm:ss.uuuuuu, in UTC (containers and CI runners log in UTC anyway). */
function timestamp(time: number | undefined): string {
  if (time === undefined) return '';
  const d = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros}`;
}

function isSerializedError(value: unknown): value is { message: string; stack?: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}
