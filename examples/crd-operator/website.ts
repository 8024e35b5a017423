// The Website custom resource's types, and the pure halves of reconciling it: the Deployment it wants, the status it reports.
import type * as k8s from '@kubernetes/client-node';

export const websiteGroup = 'web.example.com';
export const websiteVersion = 'v1';
export const websitePlural = 'websites';
export const websiteApiVersion = `${websiteGroup}/${websiteVersion}`;
/** Every Deployment this operator creates carries it, so its informer watches only those. */
export const managedBy = 'website-operator';

export interface WebsiteCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface WebsiteStatus {
  observedGeneration?: number;
  availableReplicas?: number;
  conditions?: WebsiteCondition[];
}

export interface Website extends k8s.KubernetesObject {
  spec: { image: string; replicas: number };
  status?: WebsiteStatus;
}

function podLabels(website: Website): Record<string, string> {
  return { 'app.kubernetes.io/name': 'website', 'app.kubernetes.io/instance': website.metadata!.name! };
}

/** The Deployment serving a Website: same name and namespace, owned by it so deleting the Website deletes it. */
export function desiredDeployment(website: Website): k8s.V1Deployment {
  const labels = podLabels(website);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: website.metadata!.name,
      namespace: website.metadata!.namespace,
      labels: { ...labels, 'app.kubernetes.io/managed-by': managedBy },
      ownerReferences: [{
        apiVersion: websiteApiVersion,
        kind: 'Website',
        name: website.metadata!.name!,
        uid: website.metadata!.uid!,
        controller: true,
        blockOwnerDeletion: true,
      }],
    },
    spec: {
      replicas: website.spec.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'web', image: website.spec.image, ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** The fields of the Deployment's spec this operator owns, when they differ from what the Website asks for. */
export function deploymentDrift(website: Website, deployment: k8s.V1Deployment): Partial<k8s.V1DeploymentSpec> | undefined {
  const image = deployment.spec?.template.spec?.containers.find((c) => c.name === 'web')?.image;
  if (deployment.spec?.replicas === website.spec.replicas && image === website.spec.image) return undefined;
  return desiredDeployment(website).spec;
}

/**
 * The Website's status as its Deployment shows it: Ready once the Deployment has rolled out the current spec and every
 * wanted replica is available. `now` stamps a Ready condition whose status changed.
 */
export function observedStatus(website: Website, deployment: k8s.V1Deployment | undefined, now: () => Date): WebsiteStatus {
  const wanted = website.spec.replicas;
  const status = deployment?.status;
  const available = status?.availableReplicas ?? 0;
  const rolledOut =
    deployment !== undefined &&
    (status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    deploymentDrift(website, deployment) === undefined &&
    (status?.updatedReplicas ?? 0) === wanted &&
    // No old replicas left over, as `kubectl rollout status` requires too.
    (status?.replicas ?? 0) === wanted;
  const ready = rolledOut && available === wanted;
  const previous = website.status?.conditions?.find((c) => c.type === 'Ready');
  const statusValue = ready ? 'True' : 'False';
  const condition: WebsiteCondition = {
    type: 'Ready',
    status: statusValue,
    observedGeneration: website.metadata?.generation,
    lastTransitionTime: previous?.status === statusValue ? previous.lastTransitionTime : now().toISOString().replace(/\.\d+Z$/, 'Z'),
    reason: ready ? 'DeploymentAvailable' : deployment ? 'DeploymentProgressing' : 'DeploymentMissing',
    message: `${available}/${wanted} replicas available`,
  };
  return { observedGeneration: website.metadata?.generation, availableReplicas: available, conditions: [condition] };
}
