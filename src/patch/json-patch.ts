// RFC 6902 JSON patch through fast-json-patch, with upstream's status codes for bad patches.
import jsonPatch from 'fast-json-patch';
import { ApiError, errors } from '../meta/errors.js';

const { applyPatch, validate } = jsonPatch;

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw errors.badRequest(`json: cannot unmarshal ${typeof patch} into Go value of type jsonpatch.Patch`);
  }
  const problem = validate(patch as jsonPatch.Operation[], undefined);
  if (problem) throw errors.badRequest(`invalid JSON patch: ${problem.message.split('\n')[0]}`);
  // Moving a value into itself (`from` "" or an ancestor of `path`) would make fast-json-patch build a cycle that
  // cannot be encoded; upstream's jsonpatch removes `from` first and then finds no parent to add to: an apply failure.
  const intoItself = (op: jsonPatch.Operation) => op.op === 'move' && (op.from === '' || op.path.startsWith(`${op.from}/`));
  if ((patch as jsonPatch.Operation[]).some(intoItself)) throw applyFailed();
  try {
    // Validation on apply is what turns a failed `test` or a missing path into an error rather than a no-op.
    return applyPatch(target, patch as jsonPatch.Operation[], true, false).newDocument;
  } catch {
    throw applyFailed();
  }
}

/**
 * Upstream wraps every apply failure in NewGenericServerResponse(422): a fixed message and empty details, so kubectl
 * prints "The request is invalid: the server rejected our request due to an error in our request".
 */
function applyFailed(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}
