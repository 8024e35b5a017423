// Boolean query parameters: strict Go strconv.ParseBool, and the lenient form upstream's query decoding really uses.
import { errors } from './errors.js';
import { goQuote } from './field-errors.js';

const truthy = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const falsy = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * Go's strconv.ParseBool; undefined stays undefined (parameter absent).
 * Anything else is a 400 naming the parameter and carrying Go's own error text.
 */
export function parseBool(v: string | undefined, param: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (truthy.has(v)) return true;
  if (falsy.has(v)) return false;
  throw errors.badRequest(
    `invalid value for query parameter ${goQuote(param)}: strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`,
  );
}

/**
 * upstream runtime.Convert_Slice_string_To_bool, which is how the apiserver decodes boolean fields of
 * ListOptions, GetOptions, DeleteOptions, PatchOptions... (watch, allowWatchBookmarks, sendInitialEvents,
 * force): only "0" and any casing of "false" are false; every other value, even "" or "foo", is true.
 * It never fails. undefined stays undefined (parameter absent).
 */
export function parseQueryBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  // strings.EqualFold also folds U+017F (long s) to 's'.
  return !(v === '0' || v.toLowerCase().replace(/\u017f/g, 's') === 'false');
}
