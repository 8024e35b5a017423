// The text log format: klog-style header, quoted message, key=value fields, error stacks on indented lines.
import { createLogger } from './logger.js';
import { formatLogLine } from './text-format.js';

describe('formatLogLine', () => {
  test('a request line reads like the apiserver httplog', () => {
    const json = JSON.stringify({
      level: 30,
      time: Date.UTC(2025, 10, 23, 13, 4, 5, 123),
      pid: 1,
      hostname: 'box',
      verb: 'list',
      resource: 'pods',
      namespace: 'default',
      uri: '/api/v1/namespaces/default/pods?limit=500',
      code: 200,
      latencyMs: 1.25,
      msg: 'HTTP',
    });
    expect(formatLogLine(json)).toBe(
      'I1123 13:04:05.123000] "HTTP" verb="list" resource="pods" namespace="default" uri="/api/v1/namespaces/default/pods?limit=500" code=200 latencyMs=1.25\n',
    );
  });

  test('levels map to klog letters and errors show their message, then the stack', () => {
    const line = formatLogLine(JSON.stringify({ level: 50, time: 0, msg: 'internal error', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' } }));
    expect(line).toBe('E0101 00:00:00.000000] "internal error" err="boom"\n\tError: boom\n\t    at x\n');
    expect(formatLogLine(JSON.stringify({ level: 40, time: 0, msg: 'w' }))).toMatch(/^W0101 /);
  });

  test('a line that is not JSON passes through', () => {
    expect(formatLogLine('plain')).toBe('plain\n');
  });

  test('createLogger with format text writes text lines to the stream', () => {
    const chunks: string[] = [];
    const logger = createLogger({ level: 'info', format: 'text', stream: { write: (c: string) => chunks.push(c) } });
    logger.info({ url: 'http://127.0.0.1:6443' }, 'serving');
    logger.debug({}, 'hidden');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{6}\] "serving" url="http:\/\/127\.0\.0\.1:6443"\n$/);
  });
});
