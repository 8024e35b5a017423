// resource.ParseQuantity and base64 []byte errors, as upstream's decoders word them.
import { base64ErrorOffset, QUANTITY_FORMAT_ERROR, QUANTITY_NUMERIC_ERROR, QUANTITY_SUFFIX_ERROR, quantityError } from './go-literals.js';

describe('quantityError', () => {
  // parseQuantityString is looser than the regular expression it quotes.
  it.each(['0', '1', '1Gi', '500m', '1.5', '.5', '+1', '-1', '.', '-.', '+', 'm', 'Ki', '1e3', '1E', '1E+3', '1.5Gi', '1e-400', ' 2Gi ', '99999999999999999999', '0000'])(
    'accepts %j',
    (text) => expect(quantityError(text)).toBeUndefined(),
  );
  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1 Gi', QUANTITY_FORMAT_ERROR],
    ['1.5.5', QUANTITY_FORMAT_ERROR],
    ['0x10', QUANTITY_FORMAT_ERROR],
    ['1Gix', QUANTITY_FORMAT_ERROR],
    ['1\t', QUANTITY_FORMAT_ERROR], // arrived escaped, so Go saw a backslash, not a tab to trim
    ['1e', QUANTITY_SUFFIX_ERROR],
    ['1GG', QUANTITY_SUFFIX_ERROR],
    ['1Ki5', QUANTITY_SUFFIX_ERROR],
    ['1e+', QUANTITY_SUFFIX_ERROR],
    ['1e99999999999999999999', QUANTITY_SUFFIX_ERROR],
    ['Ei', QUANTITY_NUMERIC_ERROR],
    ['Pi', QUANTITY_NUMERIC_ERROR],
    ['e-20', QUANTITY_NUMERIC_ERROR],
  ])('rejects %j', (text, expected) => expect(quantityError(text)).toBe(expected));

  it('quotes the regular expression upstream documents', () => {
    expect(QUANTITY_FORMAT_ERROR).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe('base64ErrorOffset', () => {
  it.each(['', 'YWJj', 'YWI=', 'YQ==', 'YWJj\nZGVm', 'YWJj\r\n', 'YQ==\n'])('decodes %j', (text) => expect(base64ErrorOffset(text)).toBeUndefined());
  // Offsets as base64.StdEncoding.Decode reports them: where the bad quantum or padding is seen.
  it.each([
    ['YQ', 0],
    ['YWJjY', 4],
    ['YQ=', 3],
    ['Y===', 1],
    ['!!!!', 0],
    ['YWJj!', 4],
    ['YWJjZA==ZA==', 8],
    ['YWJj YWJj', 4],
    ['é', 0],
    ['YWJjé', 4],
  ])('%j fails at byte %d', (text, offset) => expect(base64ErrorOffset(text)).toBe(offset));
});
