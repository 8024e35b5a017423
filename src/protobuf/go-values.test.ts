// Tests for the Go-compatible value renderers (durations, RFC 3339 times, quantities) and the yaml.v3-style emitter.
import YAML from 'yaml';
import { ValueError, checkQuantity, formatGoDuration, formatRfc3339, int64ToNumber } from './go-values.js';
import { toGoYaml } from './go-yaml.js';

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ns'],
    [1100, '1.1µs'],
    [2_200_000, '2.2ms'],
    [1e9, '1s'],
    [1.5e9, '1.5s'],
    [30e9, '30s'],
    [300e9, '5m0s'],
    [3723e9, '1h2m3s'],
    [3600e9, '1h0m0s'],
    [3600.5e9, '1h0m0.5s'],
    [93600e9, '26h0m0s'],
    [-1e9, '-1s'],
    [-1500, '-1.5µs'],
  ])('%d ns → %s', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });

  it('reads protobufjs Long values exactly', () => {
    // 2^40 ns, as protobufjs hands out an int64 when `long` is installed.
    const long = { low: 0, high: 256, unsigned: false };
    expect(formatGoDuration(long)).toBe('18m19.511627776s');
    expect(int64ToNumber(long)).toBe(2 ** 40);
    expect(int64ToNumber({ low: -1, high: -1, unsigned: false })).toBe(-1);
  });
});

describe('formatRfc3339', () => {
  it('formats seconds and microseconds in UTC', () => {
    expect(formatRfc3339(1704164645, 0, false)).toBe('2024-01-02T03:04:05Z');
    expect(formatRfc3339(1704164645, 123456789, true)).toBe('2024-01-02T03:04:05.123456Z');
    expect(formatRfc3339(0, 0, true)).toBe('1970-01-01T00:00:00.000000Z');
    expect(formatRfc3339(-62135596799, 0, false)).toBe('0001-01-01T00:00:01Z');
  });

  it('rejects timestamps Date cannot hold', () => {
    expect(() => formatRfc3339(1e15, 0, false)).toThrow(ValueError);
  });
});

describe('checkQuantity', () => {
  it.each(['1', '0', '500m', '1.5Gi', '128Mi', '1e3', '+1k', '-2', '.5', '1.'])('accepts %s', (q) => {
    expect(checkQuantity(q)).toBe(q);
  });
  it.each(['', 'lots', '1KiB', '1 Gi', '--1'])('rejects %j', (q) => {
    expect(() => checkQuantity(q)).toThrow(ValueError);
  });
});

describe('toGoYaml', () => {
  it('lays out collections like yaml.v3', () => {
    expect(toGoYaml('merge')).toBe('merge\n');
    expect(toGoYaml(['name'])).toBe('- name\n');
    expect(toGoYaml([{ group: '', kind: 'Pod', version: 'v1' }])).toBe('- group: ""\n  kind: Pod\n  version: v1\n');
    expect(toGoYaml([{ discriminator: 'type', 'fields-to-discriminateBy': { a: 'A', b: 'B' } }])).toBe(
      '- discriminator: type\n  fields-to-discriminateBy:\n    a: A\n    b: B\n',
    );
    expect(toGoYaml({ a: { b: ['x', 'y'] }, e: [], f: {} })).toBe('a:\n    b:\n        - x\n        - "y"\ne: []\nf: {}\n');
    expect(toGoYaml([['a', 'b'], 'c'])).toBe('- - a\n  - b\n- c\n');
    expect(toGoYaml(true)).toBe('true\n');
    expect(toGoYaml(null)).toBe('null\n');
    expect(toGoYaml([])).toBe('[]\n');
  });

  it('quotes every string a YAML 1.1 reader would not read back as the same string', () => {
    const tricky = ['', 'y', 'no', 'On', 'NULL', '~', '1', '0x1F', '1e3', '1:20', '2024-01-02', '.inf', '- a', 'a: b', 'a #b', '#x', '*ref', '&a', '!tag', '|', '>', '"q"', "'s'", 'line1\nline2', ' lead', 'trail ', 'tab\there', 'ünï', '%x', '@x', '`x', '[a]', '{a}', 'a,b', '<<', '='];
    for (const s of tricky) {
      expect(YAML.parse(toGoYaml(s), { version: '1.1' })).toBe(s);
      expect(YAML.parse(toGoYaml({ [s]: [s] }), { version: '1.1' })).toEqual({ [s]: [s] });
    }
    expect(toGoYaml('merge,retainKeys')).toBe('merge,retainKeys\n');
    expect(toGoYaml('io.k8s.api.core.v1.Pod')).toBe('io.k8s.api.core.v1.Pod\n');
  });
});
