// Runs a callback once the event loop's current I/O phase is over: for writes batched across the requests it handles.
export function afterIoPhase(fn: () => void): void {
  setImmediate(fn);
}
