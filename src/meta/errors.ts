// ApiError: the one error type every layer throws for client-visible failures, rendered as metav1.Status.
import { aggregateMessage, goQuote } from './field-errors.js';
import type { Status, StatusCause, StatusDetails } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** Extra headers the response must carry (e.g. Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    // metav1.StatusReasonUnknown is "" and omitted from the JSON, as upstream's plain-error answers show.
    if (!this.reason) delete status.reason;
    if (this.details) status.details = this.details;
    return status;
  }
}

/** A group-qualified resource as upstream prints it in messages: `deployments.apps`, `pods`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string | undefined, extra?: Partial<StatusDetails>): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return { ...d, ...extra };
}

export const errors = {
  notFound(gr: GroupResource, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, details(gr, name));
  },
  alreadyExists(gr: GroupResource, name: string): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, details(gr, name));
  },
  conflict(gr: GroupResource, name: string, why: string): ApiError {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
      details(gr, name),
    );
  },
  /** 422 Invalid, formatted like upstream's NewInvalid: `Kind.group "name" is invalid: [field: msg, ...]`. */
  invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    const summary = aggregateMessage(causes);
    const d: StatusDetails = { name, kind, causes };
    if (group) d.group = group;
    if (!name) delete d.name;
    if (!kind) delete d.kind;
    return new ApiError(422, 'Invalid', `${qualifiedKind} ${goQuote(name)} is invalid: ${summary}`, d);
  },
  badRequest(message: string, causes?: StatusCause[]): ApiError {
    return new ApiError(400, 'BadRequest', message, causes ? { causes } : undefined);
  },
  methodNotSupported(gr: GroupResource, action: string): ApiError {
    return new ApiError(
      405,
      'MethodNotAllowed',
      `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`,
      details(gr, undefined),
    );
  },
  /** 410 for a resourceVersion older than the retained history (watch or list). */
  expired(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  },
  gone(message: string): ApiError {
    return new ApiError(410, 'Gone', message);
  },
  /** 415 naming the media types that would have been accepted, as upstream lists them. */
  unsupportedMediaType(accepted: string[]): ApiError {
    return new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    );
  },
  notAcceptable(message: string): ApiError {
    return new ApiError(406, 'NotAcceptable', message);
  },
  tooLarge(): ApiError {
    return new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
  },
  forbidden(gr: GroupResource, name: string, why: string): ApiError {
    const who = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
    return new ApiError(403, 'Forbidden', `${who} is forbidden: ${why}`, details(gr, name));
  },
  timeout(message: string): ApiError {
    return new ApiError(504, 'Timeout', message);
  },
  internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    });
  },
};
