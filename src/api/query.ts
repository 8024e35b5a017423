// Query-string parameters of API requests, parsed and checked as upstream does (Go ParseBool, integers, dryRun).
import { errors } from '../meta/errors.js';
import { parseQueryBool } from '../meta/parse-bool.js';

export class Query {
  private readonly params: URLSearchParams;

  constructor(search: string) {
    this.params = new URLSearchParams(search);
  }

  string(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null ? undefined : value;
  }

  /** Upstream's query decoder never rejects a boolean: only "0" and "false" (any case) are false. */
  bool(name: string): boolean | undefined {
    const value = this.params.get(name);
    if (value === null) return undefined;
    return parseQueryBool(value);
  }

  int(name: string): number | undefined {
    const value = this.params.get(name);
    if (value === null || value === '') return undefined;
    if (!/^-?\d+$/.test(value)) {
      throw errors.badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
    }
    return Number(value);
  }

  /** `fieldValidation`: Strict, Warn (the default) or Ignore; anything else is a 422 on the verb's options kind. */
  fieldValidation(optionsKind: string): 'Strict' | 'Warn' | 'Ignore' | undefined {
    const value = this.params.get('fieldValidation');
    if (value === null || value === '') return undefined;
    if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
    throw errors.invalid(optionsKind, 'meta.k8s.io', '', [
      { reason: 'FieldValueNotSupported', field: 'fieldValidation', message: `Unsupported value: ${JSON.stringify(value)}: supported values: "", "Ignore", "Strict", "Warn"` },
    ]);
  }

  /** `dryRun=All` (the only value upstream accepts); anything else is a 422 on the verb's options kind. */
  dryRun(optionsKind: string): boolean {
    const values = this.params.getAll('dryRun');
    return checkDryRun(values, optionsKind);
  }
}

export function checkDryRun(values: readonly string[], optionsKind: string): boolean {
  if (values.length === 0) return false;
  for (const v of values) {
    if (v !== 'All') {
      throw errors.invalid(optionsKind, 'meta.k8s.io', '', [
        { reason: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: ${JSON.stringify(values)}: supported values: "All"` },
      ]);
    }
  }
  return true;
}
