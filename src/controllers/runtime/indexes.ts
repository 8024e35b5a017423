// The informer indexes controllers share (upstream's PodControllerUIDIndex, the namespace index, pods by node).
import type { KubeObject } from '../../meta/types.js';
import { controllerOf } from './controller.js';
import type { SharedInformer } from './informer.js';

const controllerIndex = 'controller-uid';
const namespaceIndex = 'namespace';
const nodeNameIndex = 'node-name';

/** Orphans are filed per namespace; the NUL keeps the value apart from any uid. */
function orphanValue(namespace: string | undefined): string {
  return `\u0000orphan\u0000${namespace ?? ''}`;
}

function byControllerUid(obj: KubeObject): string[] {
  const ref = controllerOf(obj);
  return [ref ? ref.uid : orphanValue(obj.metadata.namespace)];
}

function byNamespace(obj: KubeObject): string[] {
  return [obj.metadata.namespace ?? ''];
}

function byNodeName(obj: KubeObject): string[] {
  const nodeName = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
  return nodeName ? [nodeName] : [];
}

/** Objects whose controllerRef has this uid, in list() order (whatever their namespace, as upstream's index). */
export function controlledBy(informer: SharedInformer, uid: string): KubeObject[] {
  informer.addIndex(controllerIndex, byControllerUid);
  return informer.byIndex(controllerIndex, uid);
}

/** Objects of `namespace` that the owner with `uid` controls or that no one controls: what it may claim. */
export function controlledByOrOrphans(informer: SharedInformer, uid: string, namespace: string | undefined): KubeObject[] {
  informer.addIndex(controllerIndex, byControllerUid);
  return informer.byIndex(controllerIndex, [uid, orphanValue(namespace)]).filter((obj) => obj.metadata.namespace === namespace);
}

/** The namespace lister: objects of one namespace (`` for cluster-scoped ones), in list() order. */
export function inNamespace(informer: SharedInformer, namespace: string | undefined): KubeObject[] {
  informer.addIndex(namespaceIndex, byNamespace);
  return informer.byIndex(namespaceIndex, namespace ?? '');
}

/** Pods bound to `nodeName`, in list() order (the kubelet's view of its node). */
export function podsOnNode(pods: SharedInformer, nodeName: string): KubeObject[] {
  pods.addIndex(nodeNameIndex, byNodeName);
  return pods.byIndex(nodeNameIndex, nodeName);
}
