// pods/log request checks as upstream makes them: PodLogOptions decoding and validation, the container, its log state.
import { errors, ApiError } from '../../meta/errors.js';
import { forbiddenCause, goQuote, invalidCause } from '../../meta/field-errors.js';
import type { KubeObject, StatusCause } from '../../meta/types.js';
import { RFC3339, timeParseError } from '../../registry/schema/go-time.js';
import type { PodLogOptions } from '../api-context.js';
import type { Query } from '../query.js';

export interface PodLogRequest {
  container?: string;
  options: PodLogOptions;
}

const maxInt64 = 2n ** 63n - 1n;

/** runtime.Convert_Slice_string_To_Pointer_int64: blank is unset, anything else goes through strconv.ParseInt. */
function int64Param(query: Query, name: string): number | undefined {
  const raw = query.string(name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^[+-]?[0-9]+$/.test(raw)) throw errors.badRequest(`strconv.ParseInt: parsing ${goQuote(raw)}: invalid syntax`);
  const value = BigInt(raw);
  if (value > maxInt64 || value < -maxInt64 - 1n) throw errors.badRequest(`strconv.ParseInt: parsing ${goQuote(raw)}: value out of range`);
  return Number(value);
}

/** metav1.Time.UnmarshalQueryParameter: RFC 3339, or blank (and the "null" old clients send) for unset. */
function timeParam(query: Query, name: string): number | undefined {
  const raw = query.string(name);
  if (raw === undefined || raw === '' || raw === 'null') return undefined;
  const failure = timeParseError(RFC3339, raw);
  if (failure) throw errors.badRequest(failure);
  return Date.parse(raw);
}

/**
 * Decodes the query into PodLogOptions (a value that does not parse is a 400, as the parameter codec's error) and
 * validates them as ValidatePodLogOptions does (422 on PodLogOptions). `stream` needs the PodLogsQuerySplitStreams
 * feature gate, off by default, so it is refused.
 */
export function parsePodLogRequest(query: Query, podName: string): PodLogRequest {
  const options: PodLogOptions = {
    follow: query.bool('follow') ?? false,
    previous: query.bool('previous') ?? false,
    timestamps: query.bool('timestamps') ?? false,
    sinceSeconds: int64Param(query, 'sinceSeconds'),
    sinceTime: timeParam(query, 'sinceTime'),
    tailLines: int64Param(query, 'tailLines'),
    limitBytes: int64Param(query, 'limitBytes'),
  };
  // insecureSkipTLSVerifyBackend only picks the transport to the kubelet; it is accepted and has nothing to change.
  query.bool('insecureSkipTLSVerifyBackend');
  const causes: StatusCause[] = [];
  if (options.tailLines !== undefined && options.tailLines < 0) causes.push(invalidCause('tailLines', options.tailLines, 'must be greater than or equal to 0'));
  if (options.limitBytes !== undefined && options.limitBytes < 1) causes.push(invalidCause('limitBytes', options.limitBytes, 'must be greater than 0'));
  if (options.sinceSeconds !== undefined && options.sinceTime !== undefined) {
    // The path of this error is the empty one, which Status causes leave out.
    const { field: _root, ...cause } = forbiddenCause('', 'at most one of `sinceTime` or `sinceSeconds` may be specified');
    causes.push(cause);
  } else if (options.sinceSeconds !== undefined && options.sinceSeconds < 1) {
    causes.push(invalidCause('sinceSeconds', options.sinceSeconds, 'must be greater than 0'));
  }
  if (query.string('stream') !== undefined) causes.push(forbiddenCause('stream', 'may not be specified'));
  if (causes.length > 0) throw errors.invalid('PodLogOptions', '', podName, causes);
  const container = query.string('container');
  return { container: container === '' ? undefined : container, options };
}

interface NamedContainer {
  name: string;
}

/** Every container of the pod in upstream's VisitContainers order: init, regular, ephemeral. */
function containerNames(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as { initContainers?: NamedContainer[]; containers?: NamedContainer[]; ephemeralContainers?: NamedContainer[] };
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
}

/** validateContainer: the named container must exist; unnamed, the pod must have exactly one regular container. */
export function chooseContainer(pod: KubeObject, requested: string | undefined): string {
  const name = pod.metadata.name!;
  if (requested !== undefined) {
    if (!containerNames(pod).includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const regular = ((pod.spec as { containers?: NamedContainer[] } | undefined)?.containers ?? []).map((c) => c.name);
  if (regular.length === 1) return regular[0]!;
  if (regular.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
  throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`);
}

interface ContainerState {
  waiting?: { reason?: string };
  running?: object;
  terminated?: { containerID?: string };
}

interface ContainerStatus {
  name: string;
  containerID?: string;
  state?: ContainerState;
  lastState?: ContainerState;
}

export function containerStatusOf(pod: KubeObject, container: string): ContainerStatus | undefined {
  const status = (pod.status ?? {}) as Record<string, ContainerStatus[] | undefined>;
  const all = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? []), ...(status.ephemeralContainerStatuses ?? [])];
  return all.find((s) => s.name === container);
}

/**
 * The kubelet's validateContainerLogStatus on the pod status it reported: which container instance has logs, or the
 * 400 the apiserver relays (the kubelet's answer text becomes a BadRequest message).
 */
export function checkContainerLogState(pod: KubeObject, container: string, previous: boolean): void {
  const refuse = (why: string) => new ApiError(400, 'BadRequest', `container "${container}" in pod "${pod.metadata.name}" ${why}`);
  const status = containerStatusOf(pod, container);
  if (!status) throw refuse('is not available');
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  if (previous) {
    if (!last?.containerID) throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
    return;
  }
  if (running) return;
  if (terminated) {
    if (!terminated.containerID && !last?.containerID) throw refuse('is terminated');
    return;
  }
  if (last) {
    if (!last.containerID) throw refuse('is terminated');
    return;
  }
  if (waiting) {
    if (waiting.reason === 'ErrImagePull') throw refuse("is waiting to start: image can't be pulled");
    if (waiting.reason === 'ImagePullBackOff') throw refuse('is waiting to start: trying and failing to pull image');
    throw refuse(`is waiting to start: ${waiting.reason ?? ''}`);
  }
  throw refuse('is waiting to start - no logs yet');
}
