// The ServiceAccount controller (`serviceaccount`): a `default` ServiceAccount in every active namespace, kept there.
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { keyOf } from '../runtime/index.js';
import { isNamespaceActive, isNamespaceTerminating } from './namespace-lifecycle.js';

/** upstream DefaultServiceAccountsControllerOptions: the accounts every namespace gets. */
const serviceAccountsToEnsure = ['default'];

export function serviceAccountController(): Controller {
  let namespaces: SharedInformer;
  let serviceAccounts: SharedInformer;
  let client: ControllerContext['client'];
  return {
    name: 'serviceaccount',
    component: 'service-account-controller',
    start(ctx: ControllerContext): void {
      client = ctx.client;
      namespaces = ctx.informers.informerFor('v1', 'namespaces');
      serviceAccounts = ctx.informers.informerFor('v1', 'serviceaccounts');
      namespaces.addEventHandler({ onAdd: (ns) => ctx.enqueue(ns), onUpdate: (_old, ns) => ctx.enqueue(ns) });
      serviceAccounts.addEventHandler({ onDelete: (sa: KubeObject) => ctx.queue.add(sa.metadata.namespace ?? '') });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const ns = namespaces.get(key);
      // Nothing is created in a namespace that is gone or terminating.
      if (!isNamespaceActive(ns)) return;
      const failures: string[] = [];
      for (const name of serviceAccountsToEnsure) {
        if (serviceAccounts.get(keyOf({ metadata: { namespace: key, name } }))) continue;
        try {
          await client.create('v1', 'serviceaccounts', key, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: key } });
        } catch (err) {
          if (errorCode(err) === 409 || isNamespaceTerminating(err)) continue;
          failures.push(err instanceof Error ? err.message : String(err));
        }
      }
      if (failures.length > 0) throw new Error(failures.length === 1 ? failures[0] : `[${failures.join(', ')}]`);
    },
  };
}
