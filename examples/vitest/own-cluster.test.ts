// useCluster() on the virtual clock: a CronJob's hour of schedule plays in moments, in a cluster private to this file.
import * as k8s from '@kubernetes/client-node';
import { expect, test } from 'vitest';
import { useCluster } from 'kubefake/vitest';

const kube = useCluster({ clock: 'virtual' });

test('an every-15-minutes CronJob runs four Jobs in an hour of virtual time', async () => {
  const batch = kube.kubeConfig.makeApiClient(k8s.BatchV1Api);
  await batch.createNamespacedCronJob({
    namespace: 'default',
    body: {
      metadata: { name: 'report' },
      spec: {
        schedule: '*/15 * * * *',
        // Keep every finished Job, so the count below is all the runs.
        successfulJobsHistoryLimit: 10,
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'busybox:1.36' }] } } } },
      },
    },
  });
  // Plays an hour of cluster life: every timer fires in order and the controllers settle after each.
  await kube.cluster.advance('1h');
  const jobs = await batch.listNamespacedJob({ namespace: 'default' });
  expect(jobs.items).toHaveLength(4);
});

test('time only moves on advance(): settling runs what is due now, and no CronJob run is due', async () => {
  const batch = kube.kubeConfig.makeApiClient(k8s.BatchV1Api);
  const before = kube.cluster.clock.now();
  await kube.cluster.settle();
  expect(kube.cluster.clock.now()).toBe(before);
  const jobs = await batch.listNamespacedJob({ namespace: 'default' });
  expect(jobs.items).toHaveLength(4);
});
