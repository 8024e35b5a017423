// The fake ingress controller (`ingress-status`): Ingresses of its IngressClass get a load balancer address.
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';

/** The spec.controller of the IngressClasses this controller implements. */
export const ingressControllerName = 'kubefake.dev/ingress';
export const defaultIngressClassName = 'kubefake';
const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
/** The class annotation Ingresses carried before spec.ingressClassName (still honoured by ingress controllers). */
const legacyClassAnnotation = 'kubernetes.io/ingress.class';
const fieldManager = 'kubefake-ingress-controller';
const api = 'networking.k8s.io/v1';

/** The IngressClass a cluster starts with: this controller's, marked as the default class. */
export function defaultIngressClass(): KubeObject {
  return {
    apiVersion: api,
    kind: 'IngressClass',
    metadata: { name: defaultIngressClassName, annotations: { [defaultClassAnnotation]: 'true' } },
    spec: { controller: ingressControllerName },
  };
}

export interface IngressStatusOptions {
  /** The address Ingresses are published at, as an ingress controller reports its own load balancer's. */
  address?: string;
}

function isDefaultClass(ingressClass: KubeObject): boolean {
  return ingressClass.metadata.annotations?.[defaultClassAnnotation] === 'true';
}

function classController(ingressClass: KubeObject | undefined): string | undefined {
  return (ingressClass?.spec as { controller?: string } | undefined)?.controller;
}

function ingressIPs(ingress: KubeObject): string[] {
  const status = (ingress.status ?? {}) as { loadBalancer?: { ingress?: { ip?: string }[] } };
  return (status.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
}

export function ingressStatusController(options: IngressStatusOptions = {}): Controller {
  const address = options.address ?? '172.18.255.199';
  let ctx: ControllerContext;
  let ingresses: SharedInformer;
  let classes: SharedInformer;

  /**
   * Whether this controller implements the Ingress's class: the one spec.ingressClassName (or the legacy annotation)
   * names, or, for an Ingress naming none, the cluster's default class.
   */
  function ours(ingress: KubeObject): boolean {
    const named = (ingress.spec as { ingressClassName?: string } | undefined)?.ingressClassName ?? ingress.metadata.annotations?.[legacyClassAnnotation];
    if (named) return classController(classes.get(named)) === ingressControllerName;
    const defaults = classes.list().filter(isDefaultClass);
    // With several default classes the admission plugin refuses to choose, and so does this controller.
    return defaults.length === 1 && classController(defaults[0]) === ingressControllerName;
  }

  return {
    name: 'ingress-status',
    component: 'kubefake-ingress-controller',
    start(context: ControllerContext): void {
      ctx = context;
      ingresses = ctx.informers.informerFor(api, 'ingresses');
      classes = ctx.informers.informerFor(api, 'ingressclasses');
      ingresses.addEventHandler({ onAdd: ctx.enqueue, onUpdate: (_old, ingress) => ctx.enqueue(ingress) });
      // A class appearing, changing or becoming the default may make Ingresses this controller's.
      const everyIngress = () => {
        for (const ingress of ingresses.list()) ctx.enqueue(ingress);
      };
      classes.addEventHandler({ onAdd: everyIngress, onUpdate: everyIngress, onDelete: everyIngress });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const ingress = ingresses.get(key);
      if (!ingress || ingress.metadata.deletionTimestamp || !ours(ingress)) return;
      if (ingressIPs(ingress).length === 1 && ingressIPs(ingress)[0] === address) return;
      try {
        await ctx.client.patch(api, 'ingresses', ingress.metadata.namespace, ingress.metadata.name!, 'merge', {
          status: { loadBalancer: { ingress: [{ ip: address }] } },
        }, { subresource: 'status', fieldManager });
      } catch (err) {
        if (errorCode(err) !== 404) throw err;
      }
    },
  };
}
