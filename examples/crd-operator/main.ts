// Runs the Website operator against the cluster of the current kubeconfig ($KUBECONFIG or ~/.kube/config) until signalled.
import * as k8s from '@kubernetes/client-node';
import { startWebsiteOperator } from './operator.js';

const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const operator = await startWebsiteOperator(kc);
console.log(`website-operator: watching Websites on ${kc.getCurrentCluster()?.server}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void operator.stop());
operator.stopped.catch((err: unknown) => {
  // A failed watch stopped the operator: exit non-zero so whatever runs it (a Deployment, say) starts it afresh.
  console.error('website-operator: watch failed:', err);
  process.exitCode = 1;
});
