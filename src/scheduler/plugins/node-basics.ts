// The small node filters: NodeUnschedulable, NodeName and NodePorts, with upstream's reasons and status codes.
import type { KubeObject } from '../../meta/types.js';
import { SUCCESS, status, type NodeInfo, type Plugin } from '../framework.js';
import { hostPortsOf, portsConflict } from '../pod-resources.js';
import { podTolerations, tolerationsTolerateTaint } from '../node-selector.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** A cordoned node (spec.unschedulable) takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule. */
export const nodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  filter(_cycle, pod, node) {
    if ((node.node.spec as { unschedulable?: boolean } | undefined)?.unschedulable !== true) return SUCCESS;
    const tolerated = tolerationsTolerateTaint(podTolerations(pod), { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    return tolerated ? SUCCESS : status('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);
  },
};

/** A pod that names a node (spec.nodeName) fits only that node. */
export const nodeName: Plugin = {
  name: 'NodeName',
  filter(_cycle, pod, node) {
    const wanted = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    return !wanted || wanted === node.name ? SUCCESS : status('UnschedulableAndUnresolvable', ERR_REASON_NODE_NAME);
  },
};

/** fitsPorts: every host port the pod asks for must be free on the node. */
export function portsFit(pod: KubeObject, node: NodeInfo): boolean {
  return hostPortsOf(pod).every((wanted) => !node.usedPorts.some((used) => portsConflict(wanted, used)));
}

export const nodePorts: Plugin = {
  name: 'NodePorts',
  preFilter(_cycle, pod) {
    return { status: hostPortsOf(pod).length === 0 ? status('Skip') : SUCCESS };
  },
  filter(_cycle, pod, node) {
    return portsFit(pod, node) ? SUCCESS : status('Unschedulable', ERR_REASON_NODE_PORTS);
  },
};
