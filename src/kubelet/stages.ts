// The default pod lifecycle as data: each stage is a kubelet step, from admission to the final delete.
import type { Stage } from './stage-engine.js';
import type { Requirement } from './stage-selector.js';

/** The kubelet's default timings in milliseconds; small so that real-clock runs finish fast. */
export interface KubeletTimings {
  /** Pod admitted → sandbox and network up (PodReadyToStartContainers, pod IP). */
  sandboxReady: number;
  /** A container's turn → running: image pull, create, start. */
  timeToRunning: number;
  /** How long containers that run to completion run: init containers, Job pods, crash loops. */
  runDuration: number;
  /** A container event → the kubelet's next sync acting on it (PLEG relists every second). */
  syncDelay: number;
}

export const defaultTimings: KubeletTimings = {
  sandboxReady: 100,
  timeToRunning: 200,
  runDuration: 1000,
  syncDelay: 1000,
};

const notDeleting: Requirement = { key: 'pod.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const deleting: Requirement[] = [
  { key: 'pod.metadata.deletionTimestamp', operator: 'Exists' },
  // Grace 0 means the kubelet already deleted it for good; only finalizers keep it around.
  { key: 'pod.metadata.deletionGracePeriodSeconds', operator: 'NotIn', values: ['0'] },
];
const notTerminal: Requirement = { key: 'pod.status.phase', operator: 'NotIn', values: ['Succeeded', 'Failed'] };
const running: Requirement = { key: 'status.state.running', operator: 'Exists' };
const waitingFor = (...reasons: string[]): Requirement => ({ key: 'status.state.waiting.reason', operator: 'In', values: reasons });

/**
 * The stages, in priority order for ties. Facts (`when`), computed delays (`delay.from`) and actions are named here and
 * implemented in stage-facts.ts and pod-actions.ts; a new behaviour is one more entry (and a golden test).
 */
export const defaultStages: Stage[] = [
  {
    name: 'pod-accept',
    scope: 'pod',
    selector: [{ key: 'pod.status.startTime', operator: 'DoesNotExist' }, notDeleting, notTerminal],
    action: 'accept',
  },
  {
    name: 'pod-sandbox-ready',
    scope: 'pod',
    selector: [{ key: 'pod.status.startTime', operator: 'Exists' }, notDeleting, notTerminal],
    when: ['sandbox-missing'],
    delay: { timing: 'sandboxReady' },
    action: 'sandbox-ready',
  },
  {
    name: 'container-start',
    scope: 'container',
    selector: [notDeleting, waitingFor('ContainerCreating', 'PodInitializing', 'ImagePullBackOff')],
    when: ['sandbox-ready', 'its-turn', '!image-pull-fails'],
    delay: { from: 'pull' },
    action: 'start',
  },
  {
    name: 'image-pull-fail',
    scope: 'container',
    selector: [notDeleting, waitingFor('ContainerCreating', 'PodInitializing', 'ImagePullBackOff')],
    when: ['sandbox-ready', 'its-turn', 'image-pull-fails'],
    delay: { from: 'pull' },
    action: 'pull-fail',
  },
  {
    name: 'image-pull-back-off',
    scope: 'container',
    selector: [notDeleting, waitingFor('ErrImagePull')],
    delay: { timing: 'syncDelay' },
    action: 'pull-back-off',
  },
  {
    name: 'container-startup-probe',
    scope: 'container',
    selector: [notDeleting, running, { key: 'status.started', operator: 'In', values: ['false'] }, { key: 'container.startupProbe', operator: 'Exists' }],
    delay: { from: 'startup-probe' },
    action: 'become-started',
  },
  {
    name: 'container-readiness-probe',
    scope: 'container',
    selector: [
      running,
      { key: 'kind', operator: 'In', values: ['regular', 'sidecar'] },
      { key: 'status.started', operator: 'In', values: ['true'] },
      { key: 'status.ready', operator: 'In', values: ['false'] },
      { key: 'container.readinessProbe', operator: 'Exists' },
    ],
    when: ['!never-ready'],
    delay: { from: 'readiness-probe' },
    action: 'become-ready',
  },
  {
    name: 'container-exit',
    scope: 'container',
    selector: [notDeleting, running],
    when: ['runs-to-completion', '!should-stop'],
    delay: { from: 'run-duration' },
    action: 'exit',
  },
  {
    name: 'container-restart',
    scope: 'container',
    selector: [notDeleting, { key: 'status.state.terminated', operator: 'Exists' }],
    when: ['restart-allowed', '!crash-back-off'],
    delay: { from: 'pull' },
    action: 'start',
  },
  {
    name: 'container-back-off',
    scope: 'container',
    selector: [notDeleting, { key: 'status.state.terminated', operator: 'Exists' }],
    when: ['restart-allowed', 'crash-back-off'],
    delay: { timing: 'syncDelay' },
    action: 'crash-back-off',
  },
  {
    name: 'crash-loop-restart',
    scope: 'container',
    selector: [notDeleting, waitingFor('CrashLoopBackOff')],
    delay: { from: 'crash-back-off' },
    action: 'start',
  },
  {
    name: 'container-definition-changed',
    scope: 'container',
    selector: [notDeleting, running],
    when: ['image-changed'],
    action: 'replace',
  },
  {
    name: 'container-kill',
    scope: 'container',
    selector: [running],
    when: ['should-stop'],
    action: 'kill',
    once: true,
  },
  {
    name: 'container-stop',
    scope: 'container',
    selector: [running],
    when: ['should-stop', 'stop-turn'],
    delay: { from: 'termination' },
    action: 'stop',
  },
  {
    name: 'pod-sandbox-stop',
    scope: 'pod',
    selector: [{ key: 'pod.status.phase', operator: 'In', values: ['Succeeded', 'Failed'] }],
    when: ['sandbox-ready'],
    action: 'sandbox-stop',
  },
  {
    name: 'pod-terminate',
    scope: 'pod',
    selector: deleting,
    when: ['!finished', 'no-running-containers'],
    action: 'terminate',
  },
  {
    name: 'pod-delete',
    scope: 'pod',
    selector: [...deleting, { key: 'pod.status.phase', operator: 'In', values: ['Succeeded', 'Failed'] }],
    when: ['finished'],
    action: 'delete',
    once: true,
  },
];
