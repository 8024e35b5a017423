// The apiserver's EstablishingController and API approval controller: Established, KubernetesAPIApprovalPolicyConformant.
import { setCustomResourceDefinitionCondition } from '../../registry/crd/crd-strategy.js';
import { crdApiVersion, type CustomResourceDefinition } from '../../registry/crd/crd-types.js';
import { caBundleError } from '../../registry/crd/crd-validation-parts.js';
import { apiApprovalState, isProtectedCommunityGroup } from '../../registry/crd/crd-validation.js';
import type { Controller, ControllerContext, ReconcileResult } from '../runtime/index.js';
import { crdResource, findCondition, getCRD, isConditionEquivalent, isConditionTrue, updateCRDStatus, type Condition } from './crd-controller-kit.js';

function watchCRDs(ctx: ControllerContext): void {
  const crds = ctx.informers.informerFor(crdApiVersion, crdResource);
  crds.addEventHandler({ onAdd: ctx.enqueue, onUpdate: (_old, crd) => ctx.enqueue(crd) });
}

async function writeCondition(ctx: ControllerContext, crd: CustomResourceDefinition, condition: Condition): Promise<ReconcileResult> {
  if (!Array.isArray(crd.status?.conditions)) crd.status = { ...(crd.status ?? {}), conditions: [] };
  setCustomResourceDefinitionCondition(crd, condition, ctx.clock.now());
  // A CRD changed meanwhile is looked at again with what is stored then.
  if ((await updateCRDStatus(ctx.client, crd)) === 'conflict') return { requeueAfter: 0 };
}

/**
 * Turns a CRD whose names are accepted Established. Upstream waits 5s when several apiservers run; kubefake is one,
 * so it establishes at once, as a single apiserver does.
 */
export function crdEstablishingController(): Controller {
  let ctx: ControllerContext;
  return {
    name: 'crd-establishing',
    component: 'crd-establishing-controller',
    start(context) {
      ctx = context;
      watchCRDs(ctx);
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const crd = await getCRD(ctx.client, key);
      if (!crd || !isConditionTrue(crd, 'NamesAccepted') || isConditionTrue(crd, 'Established')) return;
      const caBundle = crd.spec.conversion?.webhook?.clientConfig?.caBundle;
      const condition: Condition =
        caBundle !== undefined && caBundleError(caBundle) !== undefined
          ? { type: 'Established', status: 'False', reason: 'InvalidCABundle', message: 'The conversion webhook CABundle is invalid' }
          : { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' };
      if (isConditionEquivalent(condition, findCondition(crd, 'Established'))) return;
      return writeCondition(ctx, crd, condition);
    },
  };
}

/** upstream calculateCondition of the KubernetesAPIApprovalPolicyConformantConditionController. */
function approvalCondition(crd: CustomResourceDefinition): Condition | undefined {
  if (!isProtectedCommunityGroup(crd.spec.group)) return undefined;
  const { state, reason } = apiApprovalState(crd.metadata.annotations);
  const type = 'KubernetesAPIApprovalPolicyConformant';
  switch (state) {
    case 'invalid':
      return { type, status: 'False', reason: 'InvalidAnnotation', message: reason };
    case 'missing':
      return { type, status: 'False', reason: 'MissingAnnotation', message: reason };
    case 'approved':
      return { type, status: 'True', reason: 'ApprovedAnnotation', message: reason };
    case 'bypassed':
      return { type, status: 'False', reason: 'UnapprovedAnnotation', message: reason };
  }
}

/** Says on `*.k8s.io` and `*.kubernetes.io` CRDs whether their api-approved.kubernetes.io annotation is in order. */
export function crdAPIApprovalController(): Controller {
  let ctx: ControllerContext;
  return {
    name: 'crd-api-approval',
    component: 'kubernetes-api-approval-conformant-condition-controller',
    start(context) {
      ctx = context;
      watchCRDs(ctx);
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const crd = await getCRD(ctx.client, key);
      const condition = crd && approvalCondition(crd);
      if (!crd || !condition || isConditionEquivalent(condition, findCondition(crd, condition.type))) return;
      return writeCondition(ctx, crd, condition);
    },
  };
}
