// The scheduler's public surface: the controller, and the pieces tests and other components may reuse.
export { Scheduler, schedulerController, type SchedulerOptions } from './scheduler.js';
export { fitErrorMessage, NO_NODES_AVAILABLE, type Diagnosis } from './fit-error.js';
export { quantityMilliValue, quantityValue } from './quantity.js';
export { podRequestList, podResourceSummary, type Resources } from './pod-resources.js';
