// The controller runtime's public surface: informers, work queues, controllers and their manager.
export { InformerFactory, SharedInformer, keyOf, splitKey, type EventHandler, type InformerClient, type InformerOptions } from './informer.js';
export { BucketRateLimiter, defaultControllerRateLimiter, ExponentialBackoff, MaxOfRateLimiter, WorkQueue, type RateLimiter, type WorkQueueOptions } from './work-queue.js';
export {
  ControllerManager,
  controllerOf,
  isControllerEnabled,
  ownerKeyFor,
  parseControllerSpec,
  type Controller,
  type ControllerContext,
  type ControllerManagerOptions,
  type ReconcileResult,
  type SettleOptions,
} from './controller.js';
export { controlledBy, controlledByOrOrphans, inNamespace, podsOnNode } from './indexes.js';
export { ClientEventRecorder, type EventRecorder, type EventType } from './event-recorder.js';
export { ControllerExpectations, UIDTrackingControllerExpectations, expectationsTimeoutMs } from './expectations.js';
