// Tests for compileExpression: the Kubernetes CEL environment over dyn-typed JSON variables, libraries and error wording.
import { compileExpression } from './expression.js';

const variables = ['object', 'oldObject', 'request', 'params'] as const;
const bindings = {
  object: {
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { replicas: 5, ratio: 0.5, image: 'nginx:1.25', ports: [80, 443], tags: ['b', 'a'], memory: '512Mi', ip: '10.1.2.3' },
  },
  oldObject: { spec: { replicas: 3 } },
  request: { operation: 'UPDATE', userInfo: { username: 'alice', groups: ['dev'] } },
  params: { maxReplicas: 10, allowed: ['nginx'] },
};

function evaluate(expression: string): unknown {
  const compiled = compileExpression(expression, variables);
  if ('error' in compiled) throw new Error(`compile: ${compiled.error}`);
  return compiled.program.evaluate(bindings);
}

describe('compileExpression values and typing', () => {
  it.each<[string, unknown]>([
    ['object.spec.replicas > 3', true],
    ['object.spec.replicas > oldObject.spec.replicas', true],
    ['object.spec.replicas <= params.maxReplicas', true],
    ['object.spec.replicas + 1', 6],
    ['object.spec.replicas / 2', 2], // JSON whole numbers are CEL ints: integer division
    ['object.spec.ratio * 2.0', 1],
    ['type(object.spec.replicas) == int', true],
    ['type(object.spec.ratio) == double', true],
    ["request.operation == 'UPDATE' && 'dev' in request.userInfo.groups", true],
    ['has(object.spec.missing)', false],
    ['has(object.metadata.labels)', true],
    ["object.metadata.labels['app']", 'web'],
    ['object.metadata.labels', { app: 'web', tier: 'front' }],
    ['object.spec.ports', [80, 443]],
    ['null', null],
    ['object.spec.ports.all(p, p > 0)', true],
    ['object.spec.ports.exists(p, p == 443)', true],
    ['object.spec.ports.exists_one(p, p > 100)', true],
    ['object.spec.ports.map(p, p * 2)', [160, 886]],
    ['object.spec.ports.filter(p, p > 100)', [443]],
    ["object.metadata.labels.all(k, k.size() > 2)", true],
    ["params.allowed.exists(i, object.spec.image.startsWith(i))", true],
  ])('%s => %j', (expression, expected) => {
    expect(evaluate(expression)).toEqual({ value: expected });
  });
});

describe('compileExpression libraries', () => {
  it.each<[string, unknown]>([
    // strings ext
    ["'Hello'.lowerAscii()", 'hello'],
    ["'Hello'.upperAscii()", 'HELLO'],
    ["'a-b-c'.replace('-', '+')", 'a+b+c'],
    ["'a,b'.split(',')", ['a', 'b']],
    ["['a', 'b'].join('/')", 'a/b'],
    ["'kubernetes'.substring(4)", 'rnetes'],
    ["'  x  '.trim()", 'x'],
    ["object.spec.image.indexOf(':')", 5],
    ["object.spec.image.lastIndexOf('.')", 7],
    ["'abc'.charAt(1)", 'b'],
    ["object.spec.image.matches('^nginx:[0-9.]+$')", true],
    // lists
    ['[1, 2, 3].isSorted()', true],
    ['object.spec.tags.isSorted()', false],
    ['[1, 2, 3].sum()', 6],
    ['[1.5, 2.5].sum()', 4],
    ['[3, 1, 2].min()', 1],
    ["['b', 'c', 'a'].max()", 'c'],
    ['[1, 2, 1].indexOf(1)', 0],
    ['[1, 2, 1].lastIndexOf(1)', 2],
    ['[1, 2].indexOf(9)', -1],
    // regex
    ["'abc 123 def 456'.find('[0-9]+')", '123'],
    ["'abc 123 def 456'.findAll('[0-9]+')", ['123', '456']],
    ["'abc 123 def 456'.findAll('[0-9]+', 1)", ['123']],
    ["'abc'.find('[0-9]+')", ''],
    // sets
    ['sets.contains([1, 2, 3], [3, 1])', true],
    ['sets.equivalent([1, 2], [2, 1, 1])', true],
    ['sets.intersects([1, 2], [3])', false],
    // urls
    ["isURL('https://example.com:8443/a/b?x=1&x=2')", true],
    ["isURL('not a url')", false],
    ["url('https://example.com:8443/a/b?x=1&x=2').getScheme()", 'https'],
    ["url('https://example.com:8443/a/b?x=1&x=2').getHost()", 'example.com:8443'],
    ["url('https://example.com:8443/a/b?x=1&x=2').getHostname()", 'example.com'],
    ["url('https://example.com:8443/a/b?x=1&x=2').getPort()", '8443'],
    ["url('https://[::1]:80/').getHostname()", '::1'],
    ["url('https://example.com/a%20b').getEscapedPath()", '/a%20b'],
    ["url('https://example.com/?x=1&x=2&y=3').getQuery()", { x: ['1', '2'], y: ['3'] }],
    // ip and cidr
    ["isIP('10.0.0.1')", true],
    ["isIP('10.0.0.01')", false],
    ["isIP('::ffff:10.0.0.1')", false],
    ["ip('10.0.0.1').family()", 4],
    ["ip('2001:db8::1').family()", 6],
    ["ip.isCanonical('2001:db8::1')", true],
    ["ip.isCanonical('2001:DB8::1')", false],
    ["ip('127.0.0.1').isLoopback()", true],
    ["ip('0.0.0.0').isUnspecified()", true],
    ["ip('169.254.1.1').isLinkLocalUnicast()", true],
    ["ip('8.8.8.8').isGlobalUnicast()", true],
    ["string(ip('2001:0db8:0:0:0:0:0:1'))", '2001:db8::1'],
    ["ip('10.0.0.1') == ip('10.0.0.1')", true],
    ["cidr('10.0.0.0/8').containsIP(object.spec.ip)", true],
    ["cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))", false],
    ["cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", true],
    ["cidr('10.0.0.0/16').containsCIDR(cidr('10.0.0.0/8'))", false],
    ["cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8')", true],
    ["cidr('10.1.2.3/8').prefixLength()", 8],
    ["string(cidr('10.1.2.3/8').ip())", '10.1.2.3'],
    ["isCIDR('10.0.0.0/33')", false],
    // quantity
    ["isQuantity('1.5Gi')", true],
    ["isQuantity('1.5Gb')", false],
    ["quantity(object.spec.memory).isGreaterThan(quantity('256Mi'))", true],
    ["quantity('1').isLessThan(quantity('1001m'))", true],
    ["quantity('1k').compareTo(quantity('1000'))", 0],
    ["quantity('1000m') == quantity('1')", true],
    ["quantity('1Ki').asInteger()", 1024],
    ["quantity('1.5').isInteger()", false],
    ["quantity('1.5').asApproximateFloat()", 1.5],
    ["quantity('-3').sign()", -1],
    ["quantity('1Gi').add(quantity('1Gi')) == quantity('2Gi')", true],
    ["quantity('5').sub(2).asInteger()", 3],
    // format and optionals
    ["format.dns1123Label().validate('web-1').hasValue()", false],
    ["format.named('dns1123Label').value().validate('Web_1').hasValue()", true],
    ["format.named('nope').hasValue()", false],
    ['optional.of(1).value()', 1],
    ['optional.none().orValue(2)', 2],
    // timestamps and durations
    ["timestamp('2024-01-02T03:04:05Z') + duration('1h')", '2024-01-02T04:04:05Z'],
    ["duration('90m')", '1h30m0s'],
    ["timestamp('2024-01-02T03:04:05Z') < timestamp('2024-01-03T00:00:00Z')", true],
  ])('%s => %j', (expression, expected) => {
    expect(evaluate(expression)).toEqual({ value: expected });
  });

  it('lists the validation errors of a named format', () => {
    expect(evaluate("format.dns1123Label().validate('Web_1').value()")).toEqual({
      value: [
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    });
  });
});

describe('compileExpression errors', () => {
  it.each<[string, string]>([
    ['object.spec.missing', 'no such key: missing'],
    ["object.metadata.labels['nope']", 'no such key: nope'],
    ['object.spec.replicas / 0', 'division by zero'],
    ['object.spec.replicas % 0', 'modulus by zero'],
    ['object.spec.ports[5]', 'index out of bounds: 5'],
    ["object.spec.replicas + 'x'", 'no such overload'],
    ['9223372036854775807 + object.spec.replicas', 'integer overflow'],
    ['[].min()', 'min called on empty list'],
    ["quantity('1.5').asInteger()", 'cannot convert value to integer'],
    [
      "quantity('abc')",
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ],
    ["ip('::ffff:1.2.3.4')", 'IPv4-mapped IPv6 address is not allowed'],
    ["url('foo')", 'URL parse error during conversion from string: parse "foo": invalid URI for request'],
    ['optional.none().value()', 'optional.none() dereference'],
  ])('%s fails at run time with %j', (expression, error) => {
    expect(evaluate(expression)).toEqual({ error });
  });

  it.each<[string, string]>([
    ['foo == 1', "ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo == 1\n | ^"],
    [
      'object.spec.replicas > 1 && nope(object)',
      "ERROR: <input>:1:33: undeclared reference to 'nope' (in container '')\n | object.spec.replicas > 1 && nope(object)\n | ................................^",
    ],
    ['self.x', "ERROR: <input>:1:1: undeclared reference to 'self' (in container '')\n | self.x\n | ^"],
  ])('%s does not compile', (expression, error) => {
    expect(compileExpression(expression, variables)).toEqual({ error });
  });

  it('reports a syntax error at its place', () => {
    const result = compileExpression('object.spec.replicas >', variables);
    expect('error' in result && result.error).toMatch(/^ERROR: <input>:1:\d+: Syntax error: /);
  });

  it('compiles each expression once', () => {
    const first = compileExpression('request.operation == "CREATE"', variables);
    expect(compileExpression('request.operation == "CREATE"', variables)).toBe(first);
  });

  it('leaves comprehension variables and variables of other names alone', () => {
    expect(compileExpression('object.spec.ports.all(x, x > 0)', ['object'])).toHaveProperty('program');
    expect(compileExpression('params.x', ['object'])).toHaveProperty('error');
  });
});
