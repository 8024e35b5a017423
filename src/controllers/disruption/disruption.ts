// The disruption controller: keeps each PodDisruptionBudget's status (healthy pods, disruptions allowed) as upstream's does.
import type { KubeObject } from '../../meta/types.js';
import { labelSelectorFromObject, type LabelSelector } from '../../meta/label-selector.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { inNamespace } from '../runtime/index.js';
import { fieldManager } from '../shared/statefulset-daemonset-common.js';
import { expectedPodCount, type ExpectedPods, type ScaleSources } from './disruption-scale.js';
import { enqueueIfStaleCondition, stalePodKeyPrefix, syncStalePodDisruption } from './disruption-stale-condition.js';
import { buildDisruptedPodMap, countHealthyPods, failSafeStatus, nextPdbStatus, type PdbStatus } from './disruption-status.js';

const pdbApiVersion = 'policy/v1';

/** metav1.LabelSelectorAsSelector of a budget's selector, or undefined when it does not parse. */
function selectorOf(pdb: KubeObject): LabelSelector | undefined {
  try {
    return labelSelectorFromObject((pdb.spec as { selector?: never } | undefined)?.selector);
  } catch {
    return undefined;
  }
}

const isConflict = (err: unknown): boolean => (err as { code?: number } | undefined)?.code === 409;

export function disruptionController(): Controller {
  let ctx: ControllerContext;
  let pods: SharedInformer;
  let pdbs: SharedInformer;
  let sources: ScaleSources;

  /** The budgets in the pod's namespace selecting it; for v1 an empty selector selects every pod. */
  const budgetsFor = (pod: KubeObject): KubeObject[] =>
    pdbs
      .list()
      .filter((pdb) => pdb.metadata.namespace === pod.metadata.namespace && selectorOf(pdb)?.matches(pod.metadata.labels) === true)
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));

  /** getPdbForPod: a pod change wakes one budget; with several, upstream picks one and warns on the pod. */
  const onPod = (pod: KubeObject, checkStale: boolean) => {
    const matching = budgetsFor(pod);
    if (matching.length > 1) {
      const message = `Pod "${pod.metadata.namespace}"/"${pod.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "${matching[0]!.metadata.name}" arbitrarily.`;
      ctx.recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', message);
    }
    if (matching.length > 0) ctx.enqueue(matching[0]!);
    if (checkStale) enqueueIfStaleCondition(ctx, pod);
  };

  /** getPodsForPdb: a selector that does not parse fails the sync with the parser's error. */
  const podsFor = (pdb: KubeObject): KubeObject[] => {
    const selector = labelSelectorFromObject((pdb.spec as { selector?: never } | undefined)?.selector);
    return inNamespace(pods, pdb.metadata.namespace).filter((p) => selector.matches(p.metadata.labels));
  };

  const writeStatus = (pdb: KubeObject, status: PdbStatus) =>
    ctx.client.update(pdbApiVersion, 'poddisruptionbudgets', pdb.metadata.namespace, { ...pdb, status }, { subresource: 'status', fieldManager });

  /** trySync: the counts from the caches, written when they changed; asks to be run again when an eviction entry expires. */
  const trySync = async (pdb: KubeObject): Promise<ReconcileResult> => {
    let selected: KubeObject[];
    try {
      selected = podsFor(pdb);
    } catch (err) {
      ctx.recorder.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${(err as Error).message}`);
      throw err;
    }
    if (selected.length === 0) ctx.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let expected: ExpectedPods;
    try {
      expected = await expectedPodCount(sources, pdb, selected);
    } catch (err) {
      ctx.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      throw err;
    }
    if (expected.unmanagedPods.length > 0) {
      ctx.recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${goSelector(pdb)}) were found to be unmanaged. As a result, the status of the PDB ` +
          'cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" ' +
          'field of the PDB to an integer value.',
      );
    }
    const now = ctx.clock.now();
    const { disrupted, recheckAt, expired } = buildDisruptedPodMap(selected, pdb, now);
    for (const pod of expired) {
      // Upstream names the budget's namespace twice here; the message is kept as it is.
      const ns = pdb.metadata.namespace;
      ctx.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${ns}/${ns} to be deleted but it wasn't`);
    }
    const currentHealthy = countHealthyPods(selected, disrupted, now);
    const status = nextPdbStatus(pdb, { currentHealthy, desiredHealthy: expected.desiredHealthy, expectedCount: expected.expectedCount, disrupted }, now);
    if (status) await writeStatus(pdb, status);
    // Look again at the first instant an entry has expired (strictly after its deadline, as upstream compares).
    if (recheckAt !== undefined) return { requeueAfter: recheckAt + 1 - now };
  };

  const syncBudget = async (key: string): Promise<ReconcileResult> => {
    const pdb = pdbs.get(key);
    if (!pdb) return;
    try {
      return await trySync(pdb);
    } catch (err) {
      // A conflict retries as it is; anything else at least stops evictions. Once that write lands the error is
      // settled, as upstream's failSafe returns the write's own result.
      if (isConflict(err)) throw err;
      ctx.logError(err);
      await writeStatus(pdb, failSafeStatus(pdb, err, ctx.clock.now()));
    }
  };

  return {
    name: 'disruption',
    // Upstream's recorder is created with EventSource{Component: "controllermanager"}.
    component: 'controllermanager',
    start(context: ControllerContext) {
      ctx = context;
      pods = ctx.informers.informerFor('v1', 'pods');
      pdbs = ctx.informers.informerFor(pdbApiVersion, 'poddisruptionbudgets');
      sources = {
        client: ctx.client,
        replicationControllers: ctx.informers.informerFor('v1', 'replicationcontrollers'),
        replicaSets: ctx.informers.informerFor('apps/v1', 'replicasets'),
        deployments: ctx.informers.informerFor('apps/v1', 'deployments'),
        statefulSets: ctx.informers.informerFor('apps/v1', 'statefulsets'),
      };
      pdbs.addEventHandler({ onAdd: (pdb) => ctx.enqueue(pdb), onUpdate: (_old, pdb) => ctx.enqueue(pdb), onDelete: (pdb) => ctx.enqueue(pdb) });
      pods.addEventHandler({
        onAdd: (pod) => onPod(pod, true),
        onUpdate: (_old, pod) => onPod(pod, true),
        onDelete: (pod) => onPod(pod, false),
      });
    },
    reconcile(key: string): Promise<ReconcileResult> {
      if (key.startsWith(stalePodKeyPrefix)) return syncStalePodDisruption(ctx, pods, key.slice(stalePodKeyPrefix.length));
      return syncBudget(key);
    },
  };
}

/** The selector as the generated String() of *metav1.LabelSelector prints it (Go's %v) in the UnmanagedPods event. */
function goSelector(pdb: KubeObject): string {
  type Requirement = { key: string; operator: string; values?: string[] };
  const selector = (pdb.spec as { selector?: { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] } }).selector;
  if (!selector) return 'nil';
  const labels = Object.keys(selector.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${selector.matchLabels![k]},`)
    .join('');
  const expressions = (selector.matchExpressions ?? [])
    .map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
