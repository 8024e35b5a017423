// Request bodies shaped like kubectl's (compact JSON): ConfigMaps and Pods, varied per request so every write changes something.

export interface BenchObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export function configMap(namespace: string, name: string, n = 0): BenchObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { app: 'bench', tier: 'backend' } },
    data: { 'app.properties': `color=blue\nsize=${n}\nmode=fast\n`, revision: String(n) },
  };
}

export function pod(namespace: string, name: string, n = 0): BenchObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'bench', revision: String(n) } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.k8s.io/nginx:1.27',
          ports: [{ containerPort: 8080, name: 'http' }],
          env: [{ name: 'MODE', value: 'bench' }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
        },
      ],
    },
  };
}

export const json = { 'content-type': 'application/json', accept: 'application/json' };
