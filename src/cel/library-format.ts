// Kubernetes' CEL format library (format.named, format.dns1123Label()... .validate) and the optional type it returns.
import { celFunc, celMethod, CelScalar, type CelFunc, type CelValue } from '@bufbuild/cel';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameValidators,
} from '../meta/name-validation.js';
import { OPTIONAL, optionalNone, optionalOf, optionalValue, makeUrl } from './cel-types.js';

const { BOOL, STRING, DYN } = CelScalar;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Each named format's checker: the errors upstream's validation function reports, empty when valid. */
const formats: Record<string, (value: string) => string[]> = {
  dns1123Label: isDNS1123Label,
  dns1123Subdomain: isDNS1123Subdomain,
  dns1035Label: isDNS1035Label,
  qualifiedName: isQualifiedName,
  dns1123LabelPrefix: (v) => nameValidators.dns1123Label(v, true),
  dns1123SubdomainPrefix: (v) => nameValidators.dns1123Subdomain(v, true),
  dns1035LabelPrefix: (v) => nameValidators.dns1035Label(v, true),
  labelValue: isValidLabelValue,
  uri: (v) => {
    try {
      makeUrl(v);
      return /^([a-zA-Z][a-zA-Z0-9+.-]*:|\/)/.test(v) ? [] : ['invalid URI'];
    } catch {
      return ['invalid URI'];
    }
  },
  uuid: (v) => (uuidPattern.test(v) ? [] : ['does not match the UUID format']),
  byte: (v) => (/^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0 ? [] : ['invalid base64']),
  date: (v) => (datePattern.test(v) && !Number.isNaN(Date.parse(v)) ? [] : ['invalid date']),
  datetime: (v) => (dateTimePattern.test(v) && !Number.isNaN(Date.parse(v)) ? [] : ['invalid datetime']),
};

// A format value is its name in a map, so `format.named(x).value()` and `format.dns1123Label()` agree.
function formatValue(name: string): Map<string, string> {
  return new Map([['__format__', name]]);
}

function validate(format: CelValue, text: string): CelValue {
  const name = (format as unknown as { get(k: string): unknown }).get('__format__');
  const check = typeof name === 'string' ? formats[name] : undefined;
  if (!check) throw new Error('no such overload');
  const errors = check(text);
  return errors.length === 0 ? (optionalNone() as never) : (optionalOf(errors as never) as never);
}

export const formatLibrary: CelFunc[] = [
  celFunc('format.named', [STRING], OPTIONAL, (name) =>
    name in formats ? (optionalOf(formatValue(name) as never) as never) : (optionalNone() as never),
  ),
  ...Object.keys(formats).map((name) => celFunc(`format.${name}`, [], DYN, () => formatValue(name) as never)),
  celMethod('validate', DYN, [STRING], OPTIONAL, function (text) {
    return validate(this, text) as never;
  }),
];

export const optionalLibrary: CelFunc[] = [
  celFunc('optional.of', [DYN], OPTIONAL, (value) => optionalOf(value) as never),
  celFunc('optional.none', [], OPTIONAL, () => optionalNone() as never),
  celFunc('optional.ofNonZeroValue', [DYN], OPTIONAL, (value) => {
    const zero =
      value === null ||
      value === 0n ||
      value === 0 ||
      value === '' ||
      value === false ||
      (typeof value === 'object' && 'size' in value && (value as { size: number }).size === 0);
    return (zero ? optionalNone() : optionalOf(value)) as never;
  }),
  celMethod('hasValue', OPTIONAL, [], BOOL, function () {
    return optionalValue(this) !== undefined;
  }),
  celMethod('value', OPTIONAL, [], DYN, function () {
    const payload = optionalValue(this);
    if (payload === undefined) throw new Error('optional.none() dereference');
    return payload as never;
  }),
  celMethod('orValue', OPTIONAL, [DYN], DYN, function (fallback) {
    return (optionalValue(this) ?? fallback) as never;
  }),
  celMethod('or', OPTIONAL, [OPTIONAL], OPTIONAL, function (other) {
    return (optionalValue(this) !== undefined ? this : other) as never;
  }),
];

