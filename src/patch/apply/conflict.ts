// Apply conflicts and the 409 Status upstream builds from them (merge.Conflicts, internal.NewConflictError).
import { ApiError } from '../../meta/errors.js';
import { goQuote } from '../../meta/field-errors.js';
import { isPlainObject, type StatusCause } from '../../meta/types.js';
import type { FieldSet } from './fieldpath.js';
import { compareStrings, pathString, type Path } from './path-element.js';

export interface Conflict {
  /** The manager identifier (JSON of manager, operation, apiVersion for updaters, subresource). */
  manager: string;
  path: Path;
}

/** Thrown by the updater when an apply would change fields other managers own. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflicts.map((c) => `conflict with ${goQuote(c.manager)}: ${pathString(c.path)}`).join('\n'));
  }
}

/** One conflict per owned path; managers in identifier order (upstream walks a Go map, in random order). */
export function conflictsFromManagers(sets: Map<string, FieldSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const manager of [...sets.keys()].sort(compareStrings)) {
    for (const path of sets.get(manager)!.paths()) out.push({ manager, path });
  }
  return out;
}

/** upstream printManager: `"name"`, `"name" with subresource "scale"`, `... using apps/v1` for updaters. */
export function printManager(manager: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(manager);
  } catch {
    return goQuote(manager);
  }
  if (!isPlainObject(entry)) return goQuote(manager);
  const str = (k: string) => (typeof entry[k] === 'string' ? (entry[k] as string) : '');
  let out = goQuote(str('manager'));
  if (str('subresource')) out += ` with subresource ${goQuote(str('subresource'))}`;
  if (str('operation') === 'Update') {
    // Identifiers never carry a time, so upstream's "at <time>" form does not arise.
    out += ` using ${str('apiVersion')}`;
  }
  return out;
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  }
  const byManager = new Map<string, Path[]>();
  for (const c of conflicts) {
    const paths = byManager.get(c.manager);
    if (paths) paths.push(c.path);
    else byManager.set(c.manager, [c.path]);
  }
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort(compareStrings)) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const p of byManager.get(manager)!) lines.push(`- ${pathString(p)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 Conflict Status: one FieldManagerConflict cause per conflicting field. */
export function conflictError(conflicts: readonly Conflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  return new ApiError(409, 'Conflict', conflictMessage(conflicts), { causes });
}
