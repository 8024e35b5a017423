// The Website operator: informers on Websites and their Deployments feed a work queue that reconciles one Website at a time.
import * as k8s from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import {
  deploymentDrift,
  desiredDeployment,
  managedBy,
  observedStatus,
  websiteGroup,
  websitePlural,
  websiteVersion,
  type Website,
} from './website.js';

export interface OperatorOptions {
  /** Called with a reconcile's error (logged by default); the Website is reconciled again on its next event. */
  onError?: (err: unknown) => void;
  /** The wall clock, for condition timestamps; tests may pass a fixed one. */
  now?: () => Date;
}

export interface Operator {
  /** Resolves when stop() has stopped it; rejects if a watch failed, after which the operator has stopped by itself. */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

const websites = { group: websiteGroup, version: websiteVersion, plural: websitePlural };
const managedSelector = `app.kubernetes.io/managed-by=${managedBy}`;
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

const keyOf = (o: k8s.KubernetesObject): string => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** The Website a Deployment belongs to, from its controller owner reference. */
function ownerKey(deployment: k8s.V1Deployment): string | undefined {
  const owner = deployment.metadata?.ownerReferences?.find((ref) => ref.controller && ref.kind === 'Website' && ref.apiVersion.startsWith(`${websiteGroup}/`));
  return owner ? `${deployment.metadata?.namespace}/${owner.name}` : undefined;
}

/** Starts watching and reconciling; resolves once both informers have listed (their caches are in sync). */
export async function startWebsiteOperator(kc: k8s.KubeConfig, options: OperatorOptions = {}): Promise<Operator> {
  const onError = options.onError ?? ((err: unknown) => console.error('website-operator:', err));
  const now = options.now ?? (() => new Date());
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const apps = kc.makeApiClient(k8s.AppsV1Api);

  const websiteInformer = k8s.makeInformer<Website>(kc, `/apis/${websiteGroup}/${websiteVersion}/${websitePlural}`, () =>
    custom.listClusterCustomObject(websites),
  );
  const deploymentInformer = k8s.makeInformer<k8s.V1Deployment>(
    kc,
    '/apis/apps/v1/deployments',
    () => apps.listDeploymentForAllNamespaces({ labelSelector: managedSelector }),
    managedSelector,
  );

  async function reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const website = websiteInformer.get(name, namespace);
    // Gone or going: the garbage collector deletes the Deployment through its owner reference.
    if (!website || website.metadata?.deletionTimestamp) return;

    let deployment = deploymentInformer.get(name, namespace);
    if (!deployment) {
      deployment = await apps.createNamespacedDeployment({ namespace, body: desiredDeployment(website) });
    } else {
      const drift = deploymentDrift(website, deployment);
      if (drift) deployment = await apps.patchNamespacedDeployment({ name, namespace, body: { spec: drift } }, mergePatch);
    }

    const status = observedStatus(website, deployment, now);
    // Writing an unchanged status would only wake this operator again.
    if (isDeepStrictEqual(status, website.status)) return;
    await custom.patchNamespacedCustomObjectStatus({ ...websites, namespace, name, body: { status } }, mergePatch);
  }

  // A set of keys drained one at a time: a burst of events for one Website costs a single reconcile.
  const queued = new Set<string>();
  let draining: Promise<void> | undefined;
  let stopped = false;

  async function drain(): Promise<void> {
    for (let key = first(queued); key !== undefined && !stopped; key = first(queued)) {
      queued.delete(key);
      try {
        await reconcile(key);
      } catch (err) {
        // Retried on the next event for this Website or its Deployment (a production operator would also back off and retry).
        onError(err);
      }
    }
    draining = undefined;
  }

  function enqueue(key: string | undefined): void {
    if (key === undefined || stopped) return;
    queued.add(key);
    draining ??= drain();
  }

  for (const verb of [k8s.ADD, k8s.UPDATE] as const) websiteInformer.on(verb, (website) => enqueue(keyOf(website)));
  for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) deploymentInformer.on(verb, (deployment) => enqueue(ownerKey(deployment)));
  let failed: (err: unknown) => void = () => {};
  let stoppedCleanly: () => void = () => {};
  const stoppedPromise = new Promise<void>((resolve, reject) => {
    stoppedCleanly = resolve;
    failed = reject;
  });
  async function stop(): Promise<void> {
    stopped = true;
    await Promise.all([websiteInformer.stop(), deploymentInformer.stop()]);
    await draining;
  }
  // An informer that fails has stopped watching: carrying on would act on a stale cache. (client-node also reports
  // the aborted request of a stop() as an error; that one is expected.)
  const watchFailed = (err: unknown) => {
    if (!stopped) void stop().then(() => failed(err));
  };
  websiteInformer.on(k8s.ERROR, watchFailed);
  deploymentInformer.on(k8s.ERROR, watchFailed);

  // Deployments first, so the first Website events find their Deployments in the cache rather than creating them again.
  await deploymentInformer.start();
  await websiteInformer.start();

  return {
    stopped: stoppedPromise,
    stop: () => stop().then(stoppedCleanly),
  };
}

function first(keys: Set<string>): string | undefined {
  return keys.values().next().value;
}
