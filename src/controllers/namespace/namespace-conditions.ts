// The namespace deleter's status conditions (upstream deletion/status_condition_utils.go): what failed, what remains.
import { rfc3339 } from '../../clock/clock.js';

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The condition types the deleter maintains, in the order upstream adds them. */
const conditionTypes = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const okReasons: Record<(typeof conditionTypes)[number], string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentHasNoFinalizers',
};

const okMessages: Record<(typeof conditionTypes)[number], string> = {
  NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
  NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
  NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
  NamespaceContentRemaining: 'All content successfully removed',
  NamespaceFinalizersRemaining: 'All content-preserving finalizers finished',
};

/** What is left after a pass: instances per resource (`resource.group`) and per finalizer. */
export interface RemainingContent {
  byResource: Map<string, number>;
  byFinalizer: Map<string, number>;
}

/** Gathers one pass's failures and leftovers, then writes them as conditions (the "ok" variant where nothing failed). */
export class NamespaceConditionUpdater {
  private readonly failing: NamespaceCondition[] = [];
  private readonly deleteContentErrors: string[] = [];

  constructor(private readonly now: number) {}

  processDeleteContentError(message: string): void {
    this.deleteContentErrors.push(message);
  }

  processContentTotals(remaining: RemainingContent): void {
    const resources = [...remaining.byResource].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`);
    if (remaining.byResource.size > 0) {
      this.fail('NamespaceContentRemaining', 'SomeResourcesRemain', `Some resources are remaining: ${resources.sort().join(', ')}`);
    }
    const finalizers = [...remaining.byFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`);
    if (remaining.byFinalizer.size > 0) {
      this.fail('NamespaceFinalizersRemaining', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers.sort().join(', ')}`);
    }
  }

  /** Brings `conditions` up to date in place; answers whether anything changed (and needs a status write). */
  update(conditions: NamespaceCondition[]): boolean {
    if (this.deleteContentErrors.length > 0 && !this.failing.some((c) => c.type === 'NamespaceDeletionContentFailure')) {
      const messages = [...this.deleteContentErrors].sort();
      this.fail('NamespaceDeletionContentFailure', 'ContentDeletionFailed', `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}`);
    }
    let changed = false;
    for (const type of conditionTypes) {
      const next = this.failing.find((c) => c.type === type) ?? this.condition(type, 'False', okReasons[type], okMessages[type]);
      const old = conditions.find((c) => c.type === type);
      if (!old) {
        conditions.push(next);
        changed = true;
      } else if (old.status !== next.status || old.message !== next.message || old.reason !== next.reason) {
        if (old.status !== next.status) old.lastTransitionTime = next.lastTransitionTime;
        Object.assign(old, { status: next.status, reason: next.reason, message: next.message });
        changed = true;
      }
    }
    return changed;
  }

  private fail(type: string, reason: string, message: string): void {
    this.failing.push(this.condition(type, 'True', reason, message));
  }

  private condition(type: string, status: 'True' | 'False', reason: string, message: string): NamespaceCondition {
    return { type, status, lastTransitionTime: rfc3339(this.now), reason, message };
  }
}
