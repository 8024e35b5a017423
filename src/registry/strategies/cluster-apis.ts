// Strategies of the remaining groups: networking, policy, autoscaling, RBAC, storage, scheduling, discovery, CRDs.
import { defaultHorizontalPodAutoscalerV1, defaultHorizontalPodAutoscalerV2 } from '../defaults/autoscaling.js';
import { defaultEndpointSlice, defaultPriorityClass, defaultStorageClass } from '../defaults/misc.js';
import { defaultIngressClass, defaultNetworkPolicy } from '../defaults/networking.js';
import { defaultRoleBinding } from '../defaults/rbac.js';
import { checkBindingWrite, checkRoleWrite } from '../../auth/authorization/escalation.js';
import { ingressTable } from '../printers/ingress-table.js';
import type { Strategy } from '../strategy.js';

export function ingressStrategy(): Strategy {
  return { tracksGeneration: true, table: ingressTable };
}

export function ingressClassStrategy(): Strategy {
  return { applyDefaults: defaultIngressClass };
}

export function networkPolicyStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultNetworkPolicy };
}

export function podDisruptionBudgetStrategy(): Strategy {
  return { tracksGeneration: true };
}

export function hpaV1Strategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultHorizontalPodAutoscalerV1 };
}

export function hpaV2Strategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultHorizontalPodAutoscalerV2 };
}

/** RBAC objects are named by path segment rules (colons allowed: `system:controller:x`); a PUT may create them. */
export function rbacStrategy(): Strategy {
  return { nameValidation: 'pathSegment', allowCreateOnUpdate: true, authorizeWrite: (object, ctx) => checkRoleWrite({ object, ...ctx }) };
}

export function roleBindingStrategy(): Strategy {
  return {
    nameValidation: 'pathSegment',
    allowCreateOnUpdate: true,
    applyDefaults: defaultRoleBinding,
    authorizeWrite: (object, ctx) => checkBindingWrite({ object, ...ctx }),
  };
}

/** RuntimeClasses may be created by a PUT, as upstream's strategy allows. */
export function runtimeClassStrategy(): Strategy {
  return { allowCreateOnUpdate: true };
}

export function endpointSliceStrategy(): Strategy {
  return { applyDefaults: defaultEndpointSlice };
}

export function storageClassStrategy(): Strategy {
  return { applyDefaults: defaultStorageClass };
}

export function priorityClassStrategy(): Strategy {
  return { applyDefaults: defaultPriorityClass };
}

export function generationTrackingStrategy(): Strategy {
  return { tracksGeneration: true };
}
