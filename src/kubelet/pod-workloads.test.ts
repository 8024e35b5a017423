// The kubelet with the workload controllers: Deployments become available and Jobs complete, on the virtual clock.
import { deploymentController } from '../controllers/deployment/deployment.js';
import { jobController } from '../controllers/job/job-controller.js';
import { replicaSetController } from '../controllers/replicaset/replicaset.js';
import { startControllerTestbed } from '../../test/controller-testbed.js';
import { createNode } from './kubelet-test-kit.js';
import { kubeletController } from './kubelet.js';

const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 2 } }], ...extra },
});

describe('workloads on simulated nodes', () => {
  it('a Deployment rolls out and becomes available', async () => {
    const tb = await startControllerTestbed([deploymentController(), replicaSetController(), kubeletController()]);
    try {
      await createNode(tb, 'node-1', { podCIDR: '10.244.1.0/24', internalIP: '172.18.0.2' });
      await tb.client.create('apps/v1', 'deployments', 'default', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
      });
      await tb.advance(1000);
      let status = (await tb.client.get('apps/v1', 'deployments', 'default', 'web')).status as Record<string, unknown>;
      expect(status.availableReplicas ?? 0).toBe(0);
      await tb.advance(2000);
      status = (await tb.client.get('apps/v1', 'deployments', 'default', 'web')).status as Record<string, unknown>;
      expect(status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 });
      expect(tb.errors).toEqual([]);
    } finally {
      await tb.close();
    }
  });

  it('a Job’s pods succeed and the Job completes', async () => {
    const tb = await startControllerTestbed([jobController(), kubeletController({ defaults: { runDuration: 5000 } })]);
    try {
      await createNode(tb, 'node-1', { podCIDR: '10.244.1.0/24', internalIP: '172.18.0.2' });
      await tb.client.create('batch/v1', 'jobs', 'default', {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'pi' },
        spec: { completions: 2, parallelism: 2, template: { spec: { nodeName: 'node-1', restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } } },
      });
      await tb.advance(10_000);
      const job = await tb.client.get('batch/v1', 'jobs', 'default', 'pi');
      expect(job.status).toMatchObject({ succeeded: 2, conditions: expect.arrayContaining([expect.objectContaining({ type: 'Complete', status: 'True' })]) });
      const pods = await tb.client.list('v1', 'pods', 'default');
      expect(pods.items.map((p) => [(p.status as { phase: string }).phase, p.metadata.finalizers ?? []])).toEqual([
        ['Succeeded', []],
        ['Succeeded', []],
      ]);
      expect(tb.errors).toEqual([]);
    } finally {
      await tb.close();
    }
  });
});
