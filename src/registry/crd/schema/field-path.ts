// field.Path rendering for the embedded-resource and list-type checks: children dotted, keys and indexes bracketed.

/** undefined is Go's nil *field.Path (the resource root). */
export type FieldPath = string | undefined;

export const child = (path: FieldPath, name: string): string => (path === undefined ? name : `${path}.${name}`);
export const key = (path: FieldPath, k: string): string => `${path ?? ''}[${k}]`;
export const index = (path: FieldPath, i: number): string => `${path ?? ''}[${i}]`;
/** How Go prints a nil *field.Path. */
export const nilPath = '<nil>';
