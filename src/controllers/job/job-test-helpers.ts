// Test helpers for the job and cronjob controller tests: Job manifests, finishing pods as a kubelet would, Events.
import type { InProcessClient } from '../../client/client.js';
import { rfc3339, type Clock } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import type { JobCondition, JobStatus } from './job-util.js';

export const namespace = 'default';

/** The part of test/controller-testbed.ts these helpers use (src must not import from test/ to build). */
interface ControllerTestbed {
  client: InProcessClient;
  clock: Clock;
}

/** A Job running one `main` container that the test finishes by hand (there is no kubelet). */
export function jobManifest(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
      ...spec,
    },
  };
}

export async function getJob(tb: ControllerTestbed, name: string): Promise<KubeObject & { status: JobStatus }> {
  const job = await tb.client.get('batch/v1', 'jobs', namespace, name);
  return job as KubeObject & { status: JobStatus };
}

export function condition(job: KubeObject, type: string): JobCondition | undefined {
  return ((job.status as JobStatus | undefined)?.conditions ?? []).find((c) => c.type === type);
}

/** The Job's pods, oldest first (creation order within a second is the name order of the store). */
export async function jobPods(tb: ControllerTestbed, jobName: string): Promise<KubeObject[]> {
  const list = await tb.client.list('v1', 'pods', namespace, { labelSelector: `batch.kubernetes.io/job-name=${jobName}` });
  return list.items;
}

export function podPhaseOf(pod: KubeObject): string {
  return (pod.status as { phase?: string } | undefined)?.phase ?? 'Pending';
}

export async function activePods(tb: ControllerTestbed, jobName: string): Promise<KubeObject[]> {
  return (await jobPods(tb, jobName)).filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(podPhaseOf(p)));
}

export interface FinishOptions {
  exitCode?: number;
  /** Extra pod conditions, e.g. DisruptionTarget for a podFailurePolicy rule. */
  conditions?: { type: string; status: string; reason?: string }[];
}

/** Ends a pod the way the kubelet reports it: the phase, and a terminated container that finished now. */
export async function finishPod(tb: ControllerTestbed, pod: KubeObject, phase: 'Succeeded' | 'Failed', options: FinishOptions = {}): Promise<KubeObject> {
  const fresh = await tb.client.get('v1', 'pods', namespace, pod.metadata.name!);
  const at = rfc3339(tb.clock.now());
  const exitCode = options.exitCode ?? (phase === 'Succeeded' ? 0 : 1);
  fresh.status = {
    ...(fresh.status as object),
    phase,
    conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at, reason: 'PodCompleted' }, ...(options.conditions ?? [])],
    containerStatuses: [
      {
        name: 'main',
        image: 'busybox',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: at, finishedAt: at } },
      },
    ],
  };
  return tb.client.update('v1', 'pods', namespace, fresh, { subresource: 'status' });
}

export async function finishAll(tb: ControllerTestbed, pods: KubeObject[], phase: 'Succeeded' | 'Failed'): Promise<void> {
  for (const pod of pods) await finishPod(tb, pod, phase);
}

/** Events about one object, as `reason: message`, oldest first. */
export async function eventsAbout(tb: ControllerTestbed, name: string): Promise<string[]> {
  const list = await tb.client.list('v1', 'events', namespace);
  return list.items
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))
    .map((e) => `${e.reason}: ${e.message}`);
}

/** How many times an Event with this reason was recorded about the object (repeats are counted, not duplicated). */
export async function eventCount(tb: ControllerTestbed, name: string, reason: string): Promise<number> {
  const list = await tb.client.list('v1', 'events', namespace);
  return list.items
    .filter((e) => (e.involvedObject as { name?: string }).name === name && e.reason === reason)
    .reduce((sum, e) => sum + Number(e.count ?? 1), 0);
}

/** A CronJob whose Jobs run one `main` container; `spec` overrides the defaults (schedule included). */
export function cronJobManifest(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace },
    spec: {
      jobTemplate: {
        metadata: { labels: { app: name }, annotations: { team: 'batch' } },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
      },
      ...spec,
    },
  };
}

/** The CronJob's Jobs (by controller reference), in name order, which for scheduled Jobs is time order. */
export async function cronJobJobs(tb: ControllerTestbed, cronJobName: string): Promise<KubeObject[]> {
  const list = await tb.client.list('batch/v1', 'jobs', namespace);
  return list.items
    .filter((j) => j.metadata.ownerReferences?.some((r) => r.kind === 'CronJob' && r.name === cronJobName))
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

/** Finishes every running pod of a Job. */
export async function finishJob(tb: ControllerTestbed, jobName: string, phase: 'Succeeded' | 'Failed'): Promise<void> {
  await finishAll(tb, await activePods(tb, jobName), phase);
}
