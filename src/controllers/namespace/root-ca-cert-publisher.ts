// The root CA publisher (`root-ca-cert-publisher`): kube-root-ca.crt with the cluster CA in every namespace, kept so.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { keyOf } from '../runtime/index.js';
import { isNamespaceActive, isNamespaceTerminating } from './namespace-lifecycle.js';

export const rootCACertConfigMapName = 'kube-root-ca.crt';
const descriptionAnnotation = 'kubernetes.io/description';
const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCACertPublisherOptions {
  /** The CA bundle to publish, PEM; a getter is awaited on first use (the cluster CA is generated lazily). */
  caCertificate: string | (() => Promise<string>);
}

export function rootCACertPublisherController(options: RootCACertPublisherOptions): Controller {
  let configMaps: SharedInformer;
  let client: ControllerContext['client'];
  const rootCA = (): Promise<string> => (typeof options.caCertificate === 'string' ? Promise.resolve(options.caCertificate) : options.caCertificate());
  return {
    name: 'root-ca-cert-publisher',
    component: 'root-ca-cert-publisher',
    start(ctx: ControllerContext): void {
      client = ctx.client;
      configMaps = ctx.informers.informerFor('v1', 'configmaps');
      const onConfigMap = (cm: KubeObject) => {
        if (cm.metadata.name === rootCACertConfigMapName && cm.metadata.namespace) ctx.queue.add(cm.metadata.namespace);
      };
      configMaps.addEventHandler({ onUpdate: (_old, cm) => onConfigMap(cm), onDelete: onConfigMap });
      ctx.informers.informerFor('v1', 'namespaces').addEventHandler({
        onAdd: (ns) => ctx.enqueue(ns),
        onUpdate: (_old, ns) => {
          if (isNamespaceActive(ns)) ctx.enqueue(ns);
        },
      });
    },
    async reconcile(namespace: string): Promise<ReconcileResult> {
      const data = { 'ca.crt': await rootCA() };
      const cm = configMaps.get(keyOf({ metadata: { namespace, name: rootCACertConfigMapName } }));
      if (!cm) {
        try {
          await client.create('v1', 'configmaps', namespace, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: rootCACertConfigMapName, namespace, annotations: { [descriptionAnnotation]: description } },
            data,
          });
        } catch (err) {
          // A namespace that is gone or terminating is not retried.
          if ((err as { code?: unknown }).code !== 404 && !isNamespaceTerminating(err)) throw err;
        }
        return;
      }
      // Only the data and the one annotation describing the ConfigMap are ours to keep as they should be.
      if (deepEqual(cm.data ?? {}, data) && cm.metadata.annotations?.[descriptionAnnotation]) return;
      const updated: KubeObject = { ...cm, data, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [descriptionAnnotation]: description } } };
      await client.update('v1', 'configmaps', namespace, updated);
    },
  };
}
