// Server-side rollback through the deprecated rollbackTo annotation, still honoured for apps/v1 Deployments.
import { clearRollbackTo, getRollbackTo, lastRevision, revisionOf, setDeploymentAnnotationsTo } from './deployment-annotations.js';
import { updateDeployment, type DeploymentDeps } from './deployment-client.js';
import { getAllReplicaSetsAndSyncRevision } from './deployment-new-rs.js';
import { allOf } from './deployment-sync.js';
import { equalIgnoreHash, podTemplateHashLabel, type Deployment, type ReplicaSet } from './deployment-util.js';

const rollbackRevisionNotFound = 'DeploymentRollbackRevisionNotFound';
const rollbackTemplateUnchanged = 'DeploymentRollbackTemplateUnchanged';
const rollbackDone = 'DeploymentRollback';

/**
 * Copies the template of the requested revision (0: the previous one) into the deployment. Whatever happens the
 * request is cleared, since a rollback is not re-entrant once revisions have moved.
 */
export async function rollback(deps: DeploymentDeps, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(deps, d, rsList, true);
  const allRSs = allOf(newRS, oldRSs);
  let revision = getRollbackTo(d)!.revision;
  if (revision === 0) {
    revision = lastRevision(allRSs);
    if (revision === 0) {
      deps.ctx.recorder.event(d, 'Warning', rollbackRevisionNotFound, 'Unable to find last revision.');
      return updateDeploymentAndClearRollbackTo(deps, d);
    }
  }
  const target = allRSs.find((rs) => revisionOf(rs) === revision);
  if (!target) {
    deps.ctx.recorder.event(d, 'Warning', rollbackRevisionNotFound, 'Unable to find the revision to rollback to.');
    return updateDeploymentAndClearRollbackTo(deps, d);
  }
  const performed = await rollbackToTemplate(deps, d, target);
  if (performed) deps.ctx.recorder.event(d, 'Normal', rollbackDone, `Rolled back deployment "${d.metadata.name}" to revision ${revision}`);
}

/** The revision number itself moves on the next sync, when the restored template makes that ReplicaSet the new one. */
async function rollbackToTemplate(deps: DeploymentDeps, d: Deployment, rs: ReplicaSet): Promise<boolean> {
  let performed = false;
  if (!equalIgnoreHash(d.spec.template, rs.spec.template)) {
    const template = structuredClone(rs.spec.template ?? {});
    if (template.metadata?.labels) delete template.metadata.labels[podTemplateHashLabel];
    d.spec.template = template;
    // The deployment takes the old ReplicaSet's annotations, or its own current ones would be copied onto it.
    setDeploymentAnnotationsTo(d, rs);
    performed = true;
  } else {
    const message = `The rollback revision contains the same template as current deployment "${d.metadata.name}"`;
    deps.ctx.recorder.event(d, 'Warning', rollbackTemplateUnchanged, message);
  }
  await updateDeploymentAndClearRollbackTo(deps, d);
  return performed;
}

async function updateDeploymentAndClearRollbackTo(deps: DeploymentDeps, d: Deployment): Promise<void> {
  clearRollbackTo(d);
  await updateDeployment(deps, d);
}
