// The default profile's plugins, in upstream's MultiPoint order (filters run and fail in this order) with its weights.
import type { Plugin } from './framework.js';
import { dynamicResources } from './plugins/dynamic-resources.js';
import { interPodAffinity } from './plugins/inter-pod-affinity.js';
import { nodeName, nodePorts, nodeUnschedulable } from './plugins/node-basics.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodeResourcesBalancedAllocation, nodeResourcesFit } from './plugins/node-resources.js';
import { podTopologySpread } from './plugins/pod-topology-spread.js';
import { taintToleration } from './plugins/taint-toleration.js';
import { volumeBinding } from './plugins/volume-binding.js';

/**
 * SchedulingGates and PrioritySort live in the queue, DefaultBinder in the binding cycle. Not simulated:
 * VolumeRestrictions, NodeVolumeLimits, VolumeZone (no CSI drivers or zonal disks here) and ImageLocality
 * (nodes report no images, so it scores every node 0). DynamicResources sits before DefaultPreemption, as
 * applyFeatureGates puts it, so its PostFilter speaks first.
 */
export function defaultPlugins(preemption: Plugin): Plugin[] {
  return [
    nodeUnschedulable,
    nodeName,
    taintToleration,
    nodeAffinity,
    nodePorts,
    nodeResourcesFit,
    volumeBinding,
    podTopologySpread,
    interPodAffinity,
    dynamicResources,
    preemption,
    nodeResourcesBalancedAllocation,
  ];
}
