// The kubelet's node side for every simulated node: the Lease renewed every 10s, status posted when it changes or every 5m.
import { errorCode } from '../controllers/shared/api-errors.js';
import type { Controller, ControllerContext, SharedInformer } from '../controllers/runtime/index.js';
import type { KubeObject } from '../meta/types.js';
import { nodeLeaseRenewIntervalMs, renewNodeLease } from './node-lease.js';
import { kubeletNodeStatus, lastHeartbeat, missingDefaultLabels, type KubeletEvent } from './node-status.js';
import { isNodeSimulated } from './node-template.js';

export interface NodeHeartbeatOptions {
  /** How often each node's Lease is renewed (the kubelet's 10 s). */
  leaseRenewIntervalMs?: number;
  /** nodeStatusReportFrequency: status is written at least this often even when nothing changed (5 min). */
  statusReportFrequencyMs?: number;
}

/** What the kubelet of one node remembers between heartbeats; dropped when its simulation stops. */
interface KubeletState {
  uid: string;
  lease?: KubeObject;
  nextLeaseRenewal: number;
  lastStatusReport: number;
  /** The node version last found needing no write: until it changes, only the report frequency matters. */
  unchangedAt?: string;
}

const fieldManager = 'kubelet';
const maxStatusAttempts = 3;

/**
 * One kubelet per Node: each simulated node (every node not annotated `kubefake.dev/simulate: "false"`, including
 * nodes users create, as kwok does) keeps its Lease fresh and its status complete. Conditions a test set stay as set:
 * a pressure condition set True is the kubelet's reading, and a Ready condition set False (or Unknown by anyone but
 * the node lifecycle controller) is its runtime's verdict; only heartbeat times move. To take a node off the network,
 * annotate it: its Lease then goes stale and the node lifecycle controller marks it Unknown.
 */
export function nodeHeartbeat(options: NodeHeartbeatOptions = {}): Controller {
  const renewEvery = options.leaseRenewIntervalMs ?? nodeLeaseRenewIntervalMs;
  const reportEvery = options.statusReportFrequencyMs ?? 5 * 60 * 1000;
  const kubelets = new Map<string, KubeletState>();
  let ctx: ControllerContext;
  let nodes: SharedInformer;

  /** Events about the node as the kubelet's nodeRef names it: kind Node, and the node's name as its UID. */
  const record = (nodeName: string, event: KubeletEvent) => {
    ctx.recorder.event({ kind: 'Node', metadata: { name: nodeName, uid: nodeName } }, event.type, event.reason, event.message);
  };

  const startKubelet = (node: KubeObject, now: number): KubeletState => {
    const name = node.metadata.name!;
    record(name, { type: 'Normal', reason: 'Starting', message: 'Starting kubelet.' });
    record(name, { type: 'Normal', reason: 'NodeAllocatableEnforced', message: 'Updated Node Allocatable limit across pods' });
    // A node registered with fresh conditions was just reported on; the next unconditional report is due from then.
    return { uid: node.metadata.uid!, nextLeaseRenewal: now, lastStatusReport: lastHeartbeat(node) ?? now - reportEvery };
  };

  const ensureDefaultLabels = async (node: KubeObject): Promise<void> => {
    const labels = missingDefaultLabels(node);
    if (Object.keys(labels).length === 0) return;
    await ctx.client.patch('v1', 'nodes', undefined, node.metadata.name!, 'merge', { metadata: { labels } }, { fieldManager });
  };

  /** tryUpdateNodeStatus: writes when something changed or the report frequency elapsed; retries on conflicts. */
  const postStatus = async (cached: KubeObject, kubelet: KubeletState, now: number): Promise<void> => {
    let node = cached;
    const reportDue = now - kubelet.lastStatusReport >= reportEvery;
    if (!reportDue && kubelet.unchangedAt === node.metadata.resourceVersion) return;
    for (let attempt = 1; ; attempt++) {
      const update = kubeletNodeStatus(node, now);
      if (!update.changed && !reportDue) {
        kubelet.unchangedAt = node.metadata.resourceVersion;
        return;
      }
      try {
        const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, status: update.status };
        await ctx.client.patch('v1', 'nodes', undefined, node.metadata.name!, 'merge', patch, { subresource: 'status', fieldManager });
        kubelet.lastStatusReport = now;
        for (const event of update.events) record(node.metadata.name!, event);
        return;
      } catch (err) {
        if (errorCode(err) !== 409 || attempt >= maxStatusAttempts) throw err;
        node = await ctx.client.get('v1', 'nodes', undefined, node.metadata.name!);
      }
    }
  };

  return {
    name: 'node-heartbeat',
    component: 'kubelet',
    workers: 4,
    start(context) {
      ctx = context;
      nodes = ctx.informers.informerFor('v1', 'nodes');
      nodes.addEventHandler({
        onAdd: (node) => ctx.enqueue(node),
        onUpdate: (_old, node) => ctx.enqueue(node),
        onDelete: (node) => ctx.enqueue(node),
      });
    },
    async reconcile(name) {
      const node = nodes.get(name);
      if (!node || !isNodeSimulated(node)) {
        // A stopped kubelet forgets everything; starting it again records Starting and re-reads its lease.
        kubelets.delete(name);
        return;
      }
      const now = ctx.clock.now();
      let kubelet = kubelets.get(name);
      if (!kubelet || kubelet.uid !== node.metadata.uid) {
        kubelet = startKubelet(node, now);
        kubelets.set(name, kubelet);
      }
      if (now >= kubelet.nextLeaseRenewal) {
        kubelet.lease = await renewNodeLease(ctx.client, node, kubelet.lease, now, fieldManager);
        kubelet.nextLeaseRenewal = now + renewEvery;
      }
      await ensureDefaultLabels(node);
      await postStatus(node, kubelet, now);
      const next = Math.min(kubelet.nextLeaseRenewal, kubelet.lastStatusReport + reportEvery);
      return { requeueAfter: Math.max(0, next - now) };
    },
  };
}
