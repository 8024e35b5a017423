// Tests for the string format checks, using upstream's validation_test.go and content/kube_test.go vectors.
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isPathSegmentName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameValidators,
  validatePathSegmentName,
} from './name-validation.js';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const labelBad = [
  '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
  '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'a'.repeat(64),
];

describe('isDNS1123Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)])(
    'accepts %j',
    (v) => expect(isDNS1123Label(v)).toEqual([]),
  );
  it.each(labelBad)('rejects %j', (v) => expect(isDNS1123Label(v).length).toBeGreaterThan(0));
  it('uses upstream messages', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('Ab')).toEqual([labelMsg]);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
    expect(isDNS1123Label('a.' + 'a'.repeat(62))).toEqual(['must be no more than 63 characters', 'must not contain dots']);
  });
});

describe('isDNS1123Subdomain', () => {
  it.each([
    'a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a',
    'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1', '0.a', '01.a', '012.a',
    '1a.a', '1-a.a', '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1', 'a.b.c.d.e', 'aa.bb.cc.dd.ee',
    '1.2.3.4.5', '11.22.33.44.55', 'a'.repeat(253),
  ])('accepts %j', (v) => expect(isDNS1123Subdomain(v)).toEqual([]));
  it.each([
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a', 'ab.A',
    'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E',
    'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a_b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b',
    'a'.repeat(254),
  ])('rejects %j', (v) => expect(isDNS1123Subdomain(v).length).toBeGreaterThan(0));
  it('uses upstream messages', () => {
    expect(isDNS1123Subdomain('Bad_Name')).toEqual([subdomainMsg]);
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
    // Go counts bytes: 127 two-byte characters are 254 bytes.
    expect(isDNS1123Subdomain('é'.repeat(127))).toEqual(['must be no more than 253 characters', subdomainMsg]);
  });
});

describe('isDNS1035Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)])('accepts %j', (v) =>
    expect(isDNS1035Label(v)).toEqual([]),
  );
  it.each(['0', '01', '012', '1a', '1-a', '1--a--b--2', ...labelBad])('rejects %j', (v) =>
    expect(isDNS1035Label(v).length).toBeGreaterThan(0),
  );
  it('uses upstream messages', () => {
    expect(isDNS1035Label('1a')).toEqual([dns1035Msg]);
  });
});

describe('isQualifiedName', () => {
  it.each([
    'simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num',
    '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo',
    'a'.repeat(63), 'a'.repeat(253) + '/' + 'b'.repeat(63),
  ])('accepts %j', (v) => expect(isQualifiedName(v)).toEqual([]));
  it.each([
    'nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc',
    'example_com/abc', 'example.com/', '/simple', 'a'.repeat(64), 'a'.repeat(254) + '/abc',
  ])('rejects %j', (v) => expect(isQualifiedName(v).length).toBeGreaterThan(0));
  it('uses upstream messages (content package: lengths in bytes)', () => {
    const name =
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    expect(isQualifiedName('example.com/')).toEqual(['name part must be non-empty', name]);
    expect(isQualifiedName('/simple')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('a'.repeat(64))).toEqual(['name part must be no more than 63 bytes']);
    expect(isQualifiedName('a'.repeat(254) + '/abc')).toEqual(['prefix part must be no more than 253 bytes']);
    expect(isQualifiedName('Example.com/abc')).toEqual(['prefix part ' + subdomainMsg]);
  });
});

describe('isValidLabelValue', () => {
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), ''])(
    'accepts %j',
    (v) => expect(isValidLabelValue(v)).toEqual([]),
  );
  it.each([
    'nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash',
    'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', 'a'.repeat(64),
  ])('rejects %j', (v) => expect(isValidLabelValue(v).length).toBeGreaterThan(0));
  it('reports length in bytes', () => {
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
  });
});

describe('path segments and name validators', () => {
  it('rejects . and .. and / or %', () => {
    expect(isPathSegmentName('.')).toEqual(["may not be '.'"]);
    expect(isPathSegmentName('..')).toEqual(["may not be '..'"]);
    expect(isPathSegmentName('a/b%c')).toEqual(["may not contain '/'", "may not contain '%'"]);
    expect(isPathSegmentName('..a')).toEqual([]);
    expect(validatePathSegmentName('..', true)).toEqual([]);
    expect(validatePathSegmentName('a%', true)).toEqual(["may not contain '%'"]);
    expect(nameValidators.pathSegment('Any Thing', false)).toEqual([]);
  });

  it('masks a trailing dash for generateName, quirk included', () => {
    expect(nameValidators.dns1123Subdomain('foo-', true)).toEqual([]);
    expect(nameValidators.dns1123Subdomain('foo-', false)).toEqual([subdomainMsg]);
    expect(nameValidators.dns1123Label('a-', true)).toEqual([]);
    // "1-" becomes "a": fine for DNS-1035 even though "1" is not.
    expect(nameValidators.dns1035Label('1-', true)).toEqual([]);
    // "-" alone is not masked.
    expect(nameValidators.dns1123Label('-', true)).toEqual([labelMsg]);
    // The masking drops the character before the dash too: "A-" is checked as "a".
    expect(nameValidators.dns1123Label('A-', true)).toEqual([]);
    expect(nameValidators.dns1035Label('my-svc', false)).toEqual([]);
  });
});

describe('other formats', () => {
  it('checks config map keys', () => {
    expect(isConfigMapKey('key.name')).toEqual([]);
    expect(isConfigMapKey('..a')).toEqual(["must not start with '..'"]);
    expect(isConfigMapKey('a b')).toEqual([
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });

  it('checks ports', () => {
    expect(isValidPortNum(0)).toEqual(['must be between 1 and 65535, inclusive']);
    expect(isValidPortNum(65535)).toEqual([]);
    expect(isValidPortName('http')).toEqual([]);
    expect(isValidPortName('-a--b-')).toEqual(['must not contain consecutive hyphens', 'must not begin or end with a hyphen']);
    expect(isValidPortName('1234')).toEqual(['must contain at least one letter (a-z)']);
  });
});
