// Strategies of apps/v1 and batch/v1 workloads: defaults, generation tracking, selectable fields and table columns.
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaults/apps.js';
import { defaultCronJob, defaultJob } from '../defaults/batch.js';
import { cronJobTable, jobTable } from '../printers/batch-tables.js';
import { daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from '../printers/workload-tables.js';
import type { Strategy } from '../strategy.js';
import { fieldGetter } from './fields.js';

export function deploymentStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultDeployment, table: deploymentTable };
}

export function replicaSetStrategy(): Strategy {
  return {
    tracksGeneration: true,
    applyDefaults: defaultReplicaSet,
    selectableFieldNames: ['status.replicas'],
    selectableFields: fieldGetter(['status.replicas']),
    table: replicaSetTable,
  };
}

export function statefulSetStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultStatefulSet, table: statefulSetTable };
}

export function daemonSetStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultDaemonSet, table: daemonSetTable };
}

export function controllerRevisionStrategy(): Strategy {
  return {};
}

export function jobStrategy(): Strategy {
  return {
    tracksGeneration: true,
    applyDefaults: defaultJob,
    selectableFieldNames: ['status.successful'],
    selectableFields: fieldGetter(['status.successful']),
    table: jobTable,
  };
}

export function cronJobStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultCronJob, table: cronJobTable };
}
