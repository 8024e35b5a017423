// Object reads for token checks through the in-process client (a 404 is "absent", anything else is a real failure).
import type { InProcessClient } from '../client/client.js';
import { ApiError } from '../meta/errors.js';
import type { ObjectLookup } from './service-account-tokens.js';

export function clientLookup(client: InProcessClient): ObjectLookup {
  return async (resource, namespace, name) => {
    if (name === '') return undefined;
    try {
      return await client.get('v1', resource, namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  };
}
