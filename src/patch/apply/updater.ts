// Ownership bookkeeping for updates and applies (upstream structured-merge-diff merge.Updater): conflicts, pruning, transfers.
import { deepEqual } from '../../meta/deep-equal.js';
import { isPlainObject } from '../../meta/types.js';
import { compareValues, excludeFields, type Comparison } from './compare.js';
import { ConflictsError, conflictsFromManagers } from './conflict.js';
import { FieldSet } from './fieldpath.js';
import { mergeValues } from './merge.js';
import { ensureNamedFieldsAreMembers, removeItems, toFieldSet } from './typed-fields.js';
import { withZeros, withZerosPair, type TypeRef } from './typed-schema.js';

export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  /** True for an Apply entry, false for an Update one. */
  readonly applied: boolean;
}

/** Field sets by manager identifier. */
export type ManagedSets = Map<string, VersionedSet>;

export interface UpdaterContext {
  type: TypeRef;
  /** Fields the endpoint resets and nobody may own through it (upstream's IgnoreFilter / resetFields). */
  ignored?: FieldSet;
}

/** Objects are compared as upstream's typed values of them. */
const view = (value: unknown, ctx: UpdaterContext) => withZeros(value, ctx.type);

/**
 * Every other manager loses the fields this change touches (or, without force, they are conflicts) and the
 * fields it removes. All versions share one schema here, so no manager is converted or dropped for its version.
 */
function transfer(
  oldObject: unknown,
  newObject: unknown,
  managers: ManagedSets,
  workflow: string,
  force: boolean,
  ctx: UpdaterContext,
): Comparison {
  const [lhs, rhs] = withoutEqualMembers(oldObject, newObject, 2);
  const [lv, rv] = withZerosPair(lhs, rhs, ctx.type);
  const compare = excludeFields(compareValues(lv, rv, ctx.type), ctx.ignored);
  const changed = compare.modified.union(compare.added);
  const conflicts = new Map<string, FieldSet>();
  // Forced, the conflicts only leave their owners: removing what changed removes exactly the same paths.
  if (!force) {
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      const conflict = vs.set.intersection(changed);
      if (!conflict.empty()) conflicts.set(manager, conflict);
    }
    if (conflicts.size > 0) throw new ConflictsError(conflictsFromManagers(conflicts));
  }
  for (const [manager, vs] of managers) {
    if (manager === workflow) continue;
    let set = vs.set;
    if (force) set = set.difference(changed);
    if (!compare.removed.empty()) set = set.difference(compare.removed);
    if (set !== vs.set) managers.set(manager, { ...vs, set });
  }
  // Entries left empty go, whoever they belong to (including ones that arrived empty).
  for (const [manager, vs] of managers) if (vs.set.empty()) managers.delete(manager);
  return compare;
}

/**
 * Both objects without the members they hold equal (down to `depth` levels of nested objects). A member equal
 * on both sides adds, modifies and removes nothing, and leaving it out of both leaves every other decision of
 * the comparison as it was (both sides get the same zero value, or none): the comparison only gets cheaper.
 */
export function withoutEqualMembers(a: unknown, b: unknown, depth: number): [unknown, unknown] {
  if (!isPlainObject(a) || !isPlainObject(b) || a === b) return [a, b];
  let left: Record<string, unknown> | undefined;
  let right: Record<string, unknown> | undefined;
  for (const key of Object.keys(a)) {
    const av = a[key];
    const bv = b[key];
    if (av === undefined || bv === undefined) continue;
    let keep: [unknown, unknown] | undefined;
    if (!deepEqual(av, bv)) {
      if (depth <= 1) continue;
      keep = withoutEqualMembers(av, bv, depth - 1);
      if (keep[0] === av && keep[1] === bv) continue;
    }
    left ??= { ...a };
    right ??= { ...b };
    if (keep) {
      left[key] = keep[0];
      right[key] = keep[1];
    } else {
      delete left[key];
      delete right[key];
    }
  }
  return left && right ? [left, right] : [a, b];
}

/** A non-apply write: the manager gains what changed and keeps what it had, minus what was removed. */
export function updateSets(live: unknown, next: unknown, version: string, managers: ManagedSets, manager: string, ctx: UpdaterContext): void {
  const compare = transfer(live, next, managers, manager, true, ctx);
  let set = (managers.get(manager)?.set ?? FieldSet.empty()).difference(compare.removed).union(compare.modified).union(compare.added);
  if (ctx.ignored) set = set.recursiveDifference(ctx.ignored);
  if (set.empty()) managers.delete(manager);
  else managers.set(manager, { set, apiVersion: version, applied: false });
}

export interface ApplyOutcome {
  /** The merged object, or undefined when applying changed nothing. */
  object: unknown;
}

/**
 * An apply: merge the configuration into live, make the manager own exactly what it applied, prune what it
 * stopped applying (unless someone else owns it), then transfer ownership or fail with the conflicts.
 */
export function applySets(
  live: unknown,
  config: unknown,
  version: string,
  managers: ManagedSets,
  manager: string,
  force: boolean,
  ctx: UpdaterContext,
): ApplyOutcome {
  let merged = mergeValues(live, config, ctx.type);
  const lastSet = managers.get(manager);
  let set = toFieldSet(config, ctx.type);
  if (ctx.ignored) set = set.recursiveDifference(ctx.ignored);
  managers.set(manager, { set, apiVersion: version, applied: true });
  merged = prune(merged, managers, lastSet, ctx.type);
  transfer(live, merged, managers, manager, force, ctx);
  return { object: deepEqual(view(live, ctx), view(merged, ctx)) ? undefined : merged };
}

/** Removes what the manager applied last time but no longer does, unless another manager (or it, anew) owns it. */
function prune(merged: unknown, managers: ManagedSets, lastSet: VersionedSet | undefined, type: TypeRef): unknown {
  if (!lastSet || lastSet.set.empty()) return merged;
  const ensure = (s: FieldSet) => ensureNamedFieldsAreMembers(s, type);
  const remove = (s: FieldSet) => removeItems(merged, s, type) ?? {};
  let pruned = remove(ensure(lastSet.set));

  // Add back whatever a manager claims.
  let managed = FieldSet.empty();
  for (const vs of managers.values()) managed = managed.union(vs.set);
  const mergedSet = ensure(toFieldSet(merged, type));
  pruned = remove(mergedSet.difference(ensure(toFieldSet(pruned, type)).union(ensure(managed))));

  // Only remove what this manager owned before: everything else pruning touched comes back.
  const prunedSet = ensure(toFieldSet(pruned, type));
  return remove(mergedSet.difference(prunedSet).intersection(ensure(lastSet.set)));
}
