// An immutable stored version whose JSON bytes are encoded at most once.
import type { StoredRecord } from './types.js';

export class Record_ implements StoredRecord {
  private encoded: Buffer | undefined;

  constructor(
    readonly key: string,
    readonly object: Readonly<Record<string, unknown>>,
    readonly modRevision: number,
    readonly createRevision: number,
  ) {}

  bytes(): Buffer {
    if (this.encoded === undefined) this.encoded = Buffer.from(JSON.stringify(this.object));
    return this.encoded;
  }
}
