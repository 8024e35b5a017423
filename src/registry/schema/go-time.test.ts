// time.Parse error text for metav1.Time (RFC3339) and metav1.MicroTime layouts, element by element.
import { RFC3339, RFC3339_MICRO, timeParseError, timeQuote } from './go-time.js';

const as = (value: string, valueElem: string, layoutElem: string, layout = RFC3339): string =>
  `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(valueElem)} as ${JSON.stringify(layoutElem)}`;

describe('timeParseError', () => {
  it.each([
    '2024-01-02T03:04:05Z',
    '2024-01-02T03:04:05.123456789Z',
    '2024-01-02T03:04:05,5+05:30', // a comma fraction too
    '2024-01-02T3:04:05Z', // the hour may have one digit
    '2024-02-29T00:00:00Z',
    '2024-01-02T03:04:05+24:00',
  ])('RFC3339 accepts %s', (value) => expect(timeParseError(RFC3339, value)).toBeUndefined());

  // Checked against Go's time.Parse; Go 1.20+ reports the element's input before it was consumed.
  it.each([
    ['x', as('x', 'x', '2006')],
    ['', as('', '', '2006')],
    ['2024', as('2024', '', '-')],
    ['2024/01/02T03:04:05Z', as('2024/01/02T03:04:05Z', '/01/02T03:04:05Z', '-')],
    ['2024-1-02T03:04:05Z', as('2024-1-02T03:04:05Z', '1-02T03:04:05Z', '01')],
    ['2024-01-02', as('2024-01-02', '', 'T')],
    ['2024-01-02 03:04:05Z', as('2024-01-02 03:04:05Z', ' 03:04:05Z', 'T')],
    ['2024-01-02T03:04:05', as('2024-01-02T03:04:05', '', 'Z07:00')],
    ['2024-01-02T03:04:05+0100', as('2024-01-02T03:04:05+0100', '+0100', 'Z07:00')],
    ['2024-01-02T03:04:05z', as('2024-01-02T03:04:05z', 'z', 'Z07:00')],
    ['20x4-01-02T03:04:05Z', as('20x4-01-02T03:04:05Z', '20x4-01-02T03:04:05Z', '2006')],
    ['2024-13-02T03:04:05Z', 'parsing time "2024-13-02T03:04:05Z": month out of range'],
    ['2024-02-30T03:04:05Z', 'parsing time "2024-02-30T03:04:05Z": day out of range'],
    ['2023-02-29T00:00:00Z', 'parsing time "2023-02-29T00:00:00Z": day out of range'],
    ['2024-01-02T24:00:00Z', 'parsing time "2024-01-02T24:00:00Z": hour out of range'],
    ['2024-01-02T03:60:00Z', 'parsing time "2024-01-02T03:60:00Z": minute out of range'],
    ['2024-01-02T03:04:60Z', 'parsing time "2024-01-02T03:04:60Z": second out of range'],
    ['2024-01-02T03:04:05+25:00', 'parsing time "2024-01-02T03:04:05+25:00": time zone offset hour out of range'],
    ['2024-01-02T03:04:05Zjunk', 'parsing time "2024-01-02T03:04:05Zjunk": extra text: "junk"'],
  ])('RFC3339 rejects %j', (value, expected) => expect(timeParseError(RFC3339, value)).toBe(expected));

  it('MicroTime needs exactly six fraction digits', () => {
    expect(timeParseError(RFC3339_MICRO, '2024-01-02T03:04:05.123456Z')).toBeUndefined();
    expect(timeParseError(RFC3339_MICRO, '2024-01-02T03:04:05Z')).toBe(as('2024-01-02T03:04:05Z', 'Z', '.000000', RFC3339_MICRO));
    expect(timeParseError(RFC3339_MICRO, '2024-01-02T03:04:05.123Z')).toBe(as('2024-01-02T03:04:05.123Z', '.123Z', '.000000', RFC3339_MICRO));
    expect(timeParseError(RFC3339_MICRO, '2024-01-02T03:04:05.1234567Z')).toBe(as('2024-01-02T03:04:05.1234567Z', '7Z', 'Z07:00', RFC3339_MICRO));
    expect(timeParseError(RFC3339_MICRO, '2024-01-02T03:04:05.-12345Z')).toBe('parsing time "2024-01-02T03:04:05.-12345Z": fractional second out of range');
  });

  it('quotes like the time package: non-ASCII and control bytes as \\x escapes', () => {
    expect(timeQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(timeQuote('ü\n')).toBe('"\\xc3\\xbc\\x0a"');
    expect(timeParseError(RFC3339, '2024-01-02T03:04:05ü')).toBe(
      'parsing time "2024-01-02T03:04:05\\xc3\\xbc" as "2006-01-02T15:04:05Z07:00": cannot parse "\\xc3\\xbc" as "Z07:00"',
    );
  });
});
