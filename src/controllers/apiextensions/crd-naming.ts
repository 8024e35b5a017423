// The apiserver's NamingConditionController: accepts a CRD's names unless another CRD of its group holds them.
import { setCustomResourceDefinitionCondition } from '../../registry/crd/crd-strategy.js';
import { crdApiVersion, type CustomResourceDefinition, type CustomResourceDefinitionNames } from '../../registry/crd/crd-types.js';
import type { Controller, ControllerContext, ReconcileResult } from '../runtime/index.js';
import { crdResource, findCondition, getCRD, isConditionEquivalent, listCRDs, updateCRDStatus, type Condition } from './crd-controller-kit.js';

const list = (v: string[] | undefined | null): string[] => (Array.isArray(v) ? v : []);

/** Semantic equality of names (an empty list is an absent one), as apimachinery's DeepEqual sees it. */
function sameNames(a: CustomResourceDefinitionNames | undefined, b: CustomResourceDefinitionNames | undefined): boolean {
  const norm = (n: CustomResourceDefinitionNames | undefined) =>
    JSON.stringify([n?.plural ?? '', n?.singular ?? '', list(n?.shortNames), n?.kind ?? '', n?.listKind ?? '', list(n?.categories)]);
  return norm(a) === norm(b);
}

function equalToAcceptedOrFresh(requested: string, accepted: string, used: Set<string>): string | undefined {
  if (requested === accepted || !used.has(requested)) return undefined;
  return `"${requested}" is already in use`;
}

interface Calculated {
  names: CustomResourceDefinitionNames;
  namesAccepted: Condition;
  established: Condition;
}

/** upstream calculateNamesAndConditions: names taken from spec where free, the last conflict deciding the reason. */
function calculate(crd: CustomResourceDefinition, groupCRDs: CustomResourceDefinition[]): Calculated {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of groupCRDs) {
    const accepted = other.status?.acceptedNames;
    resources.add(accepted?.plural ?? '');
    resources.add(accepted?.singular ?? '');
    for (const s of list(accepted?.shortNames)) resources.add(s);
    kinds.add(accepted?.kind ?? '');
    kinds.add(accepted?.listKind ?? '');
  }
  const requested = crd.spec.names;
  const accepted: CustomResourceDefinitionNames = crd.status?.acceptedNames ?? { plural: '', kind: '' };
  const names: CustomResourceDefinitionNames = { ...accepted };
  let condition: Condition = { type: 'NamesAccepted', status: 'Unknown' };
  const conflict = (reason: string, message: string) => (condition = { type: 'NamesAccepted', status: 'False', reason, message });

  const plural = equalToAcceptedOrFresh(requested.plural, accepted.plural ?? '', resources);
  if (plural) conflict('PluralConflict', plural);
  else names.plural = requested.plural;
  const singular = equalToAcceptedOrFresh(requested.singular ?? '', accepted.singular ?? '', resources);
  if (singular) conflict('SingularConflict', singular);
  else names.singular = requested.singular;
  if (JSON.stringify(list(requested.shortNames)) !== JSON.stringify(list(accepted.shortNames))) {
    const ours = new Set(list(accepted.shortNames));
    const errs = list(requested.shortNames)
      .filter((s) => !ours.has(s))
      .map((s) => equalToAcceptedOrFresh(s, '', resources))
      .filter((e): e is string => e !== undefined);
    // utilerrors.NewAggregate: one error bare, several bracketed.
    if (errs.length > 0) conflict('ShortNamesConflict', errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
    else names.shortNames = requested.shortNames;
  }
  const kind = equalToAcceptedOrFresh(requested.kind, accepted.kind ?? '', kinds);
  if (kind) conflict('KindConflict', kind);
  else names.kind = requested.kind;
  const listKind = equalToAcceptedOrFresh(requested.listKind ?? '', accepted.listKind ?? '', kinds);
  if (listKind) conflict('ListKindConflict', listKind);
  else names.listKind = requested.listKind;
  names.categories = requested.categories;
  if (condition.status === 'Unknown') condition = { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };

  // Established stays as it was, or False until the establishing controller sees the accepted names.
  let established: Condition = findCondition(crd, 'Established') ?? {
    type: 'Established',
    status: 'False',
    reason: 'NotAccepted',
    message: 'not all names are accepted',
  };
  if (established.status !== 'True' && condition.status === 'True') {
    established = { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' };
  }
  return { names: inGoOrder(names), namesAccepted: condition, established };
}

/** The names as Go serialises them: field order kept, empty optional fields left out. */
function inGoOrder(n: CustomResourceDefinitionNames): CustomResourceDefinitionNames {
  const out: Record<string, unknown> = { plural: n.plural ?? '' };
  if (n.singular) out.singular = n.singular;
  if (list(n.shortNames).length > 0) out.shortNames = n.shortNames;
  out.kind = n.kind ?? '';
  if (n.listKind) out.listKind = n.listKind;
  if (list(n.categories).length > 0) out.categories = n.categories;
  return out as unknown as CustomResourceDefinitionNames;
}

/** One worker, as upstream: names are reserved one CRD at a time. */
export function crdNamingController(): Controller {
  let ctx: ControllerContext;
  const requeueOtherGroupCRDs = async (name: string) => {
    const group = name.slice(name.indexOf('.') + 1);
    for (const other of await listCRDs(ctx.client)) {
      if (other.spec?.group === group && other.metadata.name !== name) ctx.queue.add(other.metadata.name!);
    }
  };
  return {
    name: 'crd-naming',
    component: 'crd-naming-condition-controller',
    start(context: ControllerContext): void {
      ctx = context;
      const crds = ctx.informers.informerFor(crdApiVersion, crdResource);
      crds.addEventHandler({ onAdd: ctx.enqueue, onUpdate: (_old, crd) => ctx.enqueue(crd), onDelete: ctx.enqueue });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const crd = await getCRD(ctx.client, key);
      // A deleted CRD frees its names: the others of its group may take them now.
      if (!crd) return requeueOtherGroupCRDs(key);
      if (sameNames(crd.spec.names, crd.status?.acceptedNames)) return;
      const groupCRDs = (await listCRDs(ctx.client)).filter((c) => c.spec?.group === crd.spec.group);
      const { names, namesAccepted, established } = calculate(crd, groupCRDs);
      if (sameNames(crd.status?.acceptedNames, names) && isConditionEquivalent(namesAccepted, findCondition(crd, 'NamesAccepted'))) return;
      const now = ctx.clock.now();
      crd.status = { ...(crd.status ?? {}), acceptedNames: names };
      if (!Array.isArray(crd.status.conditions)) crd.status.conditions = [];
      setCustomResourceDefinitionCondition(crd, namesAccepted, now);
      setCustomResourceDefinitionCondition(crd, established, now);
      const written = await updateCRDStatus(ctx.client, crd);
      if (written === 'conflict') return { requeueAfter: 0 };
      if (written !== 'gone') await requeueOtherGroupCRDs(key);
    },
  };
}
