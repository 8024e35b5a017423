// Server-side printing of core/v1 Pods: READY, the computed STATUS reason, RESTARTS with "(5m ago)", and wide columns.
import type { KubeObject } from '../../meta/types.js';
import type { TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { ageColumn, column } from './columns.js';
import { int, obj, objs, present, str, type Obj } from './fields.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './human-duration.js';

/** The reason the node lifecycle controller sets on pods of an unreachable node (node.NodeUnreachablePodReason). */
const NODE_UNREACHABLE_REASON = 'NodeLost';

function isRestartableInitContainer(container: Obj | undefined): boolean {
  return container !== undefined && container.restartPolicy === 'Always';
}

function conditionStatus(conditions: Obj[], type: string): string | undefined {
  const condition = conditions.find((c) => c.type === type);
  return condition && str(condition.status);
}

function hasPodReadyCondition(conditions: Obj[]): boolean {
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** FinishedAt of the last termination in ms; a missing time is Go's zero time, which never counts as latest. */
function lastTerminatedAt(status: Obj): number | undefined {
  const terminated = present(obj(status.lastTerminationState).terminated);
  return terminated && parseTimestamp(terminated.finishedAt);
}

function later(a: number | undefined, b: number | undefined): number | undefined {
  if (b === undefined) return a;
  if (a === undefined || b > a) return b;
  return a;
}

/** `Signal:9` / `ExitCode:1` for a termination that carries no reason. */
function terminationCode(terminated: Obj): string {
  const signal = int(terminated.signal);
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${int(terminated.exitCode)}`;
}

interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

/** The READY, STATUS and RESTARTS cells, following printPod's walk over init then app container statuses. */
export function summarizePod(pod: KubeObject, now: number): PodSummary {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const conditions = objs(status.conditions);
  const initContainers = objs(spec.initContainers);
  const initByName = new Map(initContainers.map((c) => [str(c.name), c]));

  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = objs(spec.containers).length;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const phase = str(status.phase);
  let reason = str(status.reason) || phase;

  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  for (const c of initContainers) if (isRestartableInitContainer(c)) totalContainers++;

  let initializing = false;
  const initStatuses = objs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const sidecar = isRestartableInitContainer(initByName.get(str(cs.name)));
    const finished = lastTerminatedAt(cs);
    restarts += int(cs.restartCount);
    lastRestart = later(lastRestart, finished);
    if (sidecar) {
      sidecarRestarts += int(cs.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }

    const state = obj(cs.state);
    const terminated = present(state.terminated);
    const waiting = present(state.waiting);
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      reason = str(terminated.reason) ? `Init:${str(terminated.reason)}` : `Init:${terminationCode(terminated)}`;
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionStatus(conditions, 'Initialized') === 'True') {
    // App containers count from scratch, keeping only the sidecars' share of the init restarts.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    // Walked backwards so the first container's waiting/terminated reason is the one that sticks.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += int(cs.restartCount);
      lastRestart = later(lastRestart, lastTerminatedAt(cs));
      const state = obj(cs.state);
      const terminated = present(state.terminated);
      const waiting = present(state.waiting);
      if (waiting && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason) !== '') {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = terminationCode(terminated);
      } else if (cs.ready === true && present(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose first container completed but another still runs is not "Completed".
    if (reason === 'Completed' && hasRunning) {
      reason = hasPodReadyCondition(conditions) ? 'Running' : 'NotReady';
    }
  }

  const deleting = parseTimestamp(pod.metadata.deletionTimestamp) !== undefined;
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) {
    reason = 'Unknown';
  } else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartsCell = `${restarts} (${humanDuration(now - lastRestart)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts: restartsCell };
}

function readinessGates(spec: Obj, conditions: Obj[]): string {
  const gates = objs(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  let satisfied = 0;
  for (const gate of gates) {
    if (conditionStatus(conditions, str(gate.conditionType)) === 'True') satisfied++;
  }
  return `${satisfied}/${gates.length}`;
}

export const podTable: TablePrinter = {
  columns: [
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    column('IP', 'string', docs.podStatusPodIP, 1),
    column('Node', 'string', docs.podSpecNodeName, 1),
    column('Nominated Node', 'string', docs.podStatusNominatedNodeName, 1),
    column('Readiness Gates', 'string', docs.podSpecReadinessGates, 1),
  ],
  cells(pod: KubeObject, now: number): unknown[] {
    const spec = obj(pod.spec);
    const status = obj(pod.status);
    const { ready, reason, restarts } = summarizePod(pod, now);
    // The internal type only has podIPs; v1 → internal conversion fills it from podIP when absent.
    const podIP = str(objs(status.podIPs)[0]?.ip) || str(status.podIP);
    return [
      ready,
      reason,
      restarts,
      translateTimestampSince(pod.metadata.creationTimestamp, now),
      podIP || '<none>',
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      readinessGates(spec, objs(status.conditions)),
    ];
  },
};
