// Server-side printing of controller workloads: deployments, replica sets, stateful sets, daemon sets, replication controllers.
import type { KubeObject } from '../../meta/types.js';
import type { TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { ageColumn, column, containerCells, containersColumn, imagesColumn, templateSpec } from './columns.js';
import { int, obj, optInt, path } from './fields.js';
import { translateTimestampSince } from './human-duration.js';
import { formatLabels, formatLabelSelector, labelSelectorString } from './label-selector.js';

/** Desired replicas; the apiserver defaults an unset spec.replicas to 1 before anything is printed. */
function desiredReplicas(spec: Record<string, unknown>): number {
  return optInt(spec.replicas) ?? 1;
}

function age(o: KubeObject, now: number): string {
  return translateTimestampSince(o.metadata.creationTimestamp, now);
}

const READY_POD_DOC = 'Number of the pod with ready state';

export const deploymentTable: TablePrinter = {
  columns: [
    column('Ready', 'string', READY_POD_DOC),
    column('Up-to-date', 'string', docs.deploymentStatusUpdatedReplicas),
    column('Available', 'string', docs.deploymentStatusAvailableReplicas),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', docs.deploymentSpecSelector, 1),
  ],
  cells(d, now) {
    const spec = obj(d.spec);
    const status = obj(d.status);
    const [names, images] = containerCells(templateSpec(spec));
    // Unlike the other workloads, deployments print the raw selector string: "" (not "<none>") when unset.
    const selector = labelSelectorString(spec.selector) ?? '<invalid>';
    return [
      `${int(status.readyReplicas)}/${desiredReplicas(spec)}`,
      int(status.updatedReplicas),
      int(status.availableReplicas),
      age(d, now),
      names,
      images,
      selector,
    ];
  },
};

export const replicaSetTable: TablePrinter = {
  columns: [
    column('Desired', 'integer', docs.replicaSetSpecReplicas),
    column('Current', 'integer', docs.replicaSetStatusReplicas),
    column('Ready', 'integer', docs.replicaSetStatusReadyReplicas),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', docs.replicaSetSpecSelector, 1),
  ],
  cells(rs, now) {
    const spec = obj(rs.spec);
    const status = obj(rs.status);
    const [names, images] = containerCells(templateSpec(spec));
    return [
      desiredReplicas(spec),
      int(status.replicas),
      int(status.readyReplicas),
      age(rs, now),
      names,
      images,
      formatLabelSelector(spec.selector),
    ];
  },
};

export const statefulSetTable: TablePrinter = {
  columns: [column('Ready', 'string', READY_POD_DOC), ageColumn, containersColumn, imagesColumn],
  cells(ss, now) {
    const spec = obj(ss.spec);
    const status = obj(ss.status);
    const [names, images] = containerCells(templateSpec(spec));
    return [`${int(status.readyReplicas)}/${desiredReplicas(spec)}`, age(ss, now), names, images];
  },
};

export const daemonSetTable: TablePrinter = {
  columns: [
    column('Desired', 'integer', docs.daemonSetStatusDesiredNumberScheduled),
    column('Current', 'integer', docs.daemonSetStatusCurrentNumberScheduled),
    column('Ready', 'integer', docs.daemonSetStatusNumberReady),
    column('Up-to-date', 'integer', docs.daemonSetStatusUpdatedNumberScheduled),
    column('Available', 'integer', docs.daemonSetStatusNumberAvailable),
    column('Node Selector', 'string', docs.podSpecNodeSelector),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', docs.daemonSetSpecSelector, 1),
  ],
  cells(ds, now) {
    const spec = obj(ds.spec);
    const status = obj(ds.status);
    const podSpec = templateSpec(spec);
    const [names, images] = containerCells(podSpec);
    return [
      int(status.desiredNumberScheduled),
      int(status.currentNumberScheduled),
      int(status.numberReady),
      int(status.updatedNumberScheduled),
      int(status.numberAvailable),
      formatLabels(podSpec.nodeSelector),
      age(ds, now),
      names,
      images,
      formatLabelSelector(spec.selector),
    ];
  },
};

export const replicationControllerTable: TablePrinter = {
  columns: [
    column('Desired', 'integer', docs.replicationControllerSpecReplicas),
    column('Current', 'integer', docs.replicationControllerStatusReplicas),
    column('Ready', 'integer', docs.replicationControllerStatusReadyReplicas),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', docs.replicationControllerSpecSelector, 1),
  ],
  cells(rc, now) {
    const spec = obj(rc.spec);
    const status = obj(rc.status);
    const [names, images] = containerCells(path(spec, 'template', 'spec'));
    // RC selectors are plain label maps, not LabelSelectors.
    return [
      desiredReplicas(spec),
      int(status.replicas),
      int(status.readyReplicas),
      age(rc, now),
      names,
      images,
      formatLabels(spec.selector),
    ];
  },
};
