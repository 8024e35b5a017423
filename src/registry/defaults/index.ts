// The apiserver's defaulting for built-in kinds; each resource's strategy picks its own defaulter from here.
import type { KubeObject } from '../../meta/types.js';
export type Defaulter = (obj: KubeObject) => void;

export * from './apps.js';
export * from './autoscaling.js';
export * from './batch.js';
export * from './core.js';
export * from './image-pull-policy.js';
export * from './misc.js';
export * from './networking.js';
export * from './pod.js';
export * from './pod-admission.js';
export * from './rbac.js';
export * from './service-ip-families.js';
