/**
 * RFC 9457 problem details (`application/problem+json`): the one builder every Passflow HTTP
 * error goes through. `type` is `https://passflow.dev/problems/<slug>` and `title` the status's
 * one title (the RFC 9110 reason phrase), so a status always reads the same; what differs
 * between two problems of one status is `detail` and the failing fields in `errors`.
 */
export interface FieldError {
  /** Path of the failing field, e.g. `identifiers` or `additionalData.points`. */
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  correlationId?: string;
}

const TYPE_BASE = "https://passflow.dev/problems/";

/** Every status Passflow answers with a problem: its slug (the `type` URI) and its one title. */
const STATUSES: Record<number, { slug: string; title: string }> = {
  400: { slug: "invalid-request", title: "Bad Request" },
  401: { slug: "unauthorized", title: "Unauthorized" },
  403: { slug: "forbidden", title: "Forbidden" },
  404: { slug: "not-found", title: "Not Found" },
  405: { slug: "method-not-allowed", title: "Method Not Allowed" },
  409: { slug: "conflict", title: "Conflict" },
  410: { slug: "gone", title: "Gone" },
  413: { slug: "payload-too-large", title: "Content Too Large" },
  415: { slug: "unsupported-media-type", title: "Unsupported Media Type" },
  422: { slug: "unprocessable-content", title: "Unprocessable Content" },
  429: { slug: "too-many-requests", title: "Too Many Requests" },
  500: { slug: "internal-error", title: "Internal Server Error" },
  503: { slug: "service-unavailable", title: "Service Unavailable" },
};

/** The problem `type` and `title` of a status. */
export function problemKind(status: number): { type: string; title: string } {
  const known = STATUSES[status];
  return { type: TYPE_BASE + (known?.slug ?? String(status)), title: known?.title ?? `HTTP ${status}` };
}

/** The problem+json body of `init`. */
export function problemBody(init: ProblemInit) {
  return {
    ...problemKind(init.status),
    status: init.status,
    ...(init.detail ? { detail: init.detail } : {}),
    ...(init.errors?.length ? { errors: init.errors } : {}),
    ...(init.correlationId ? { correlationId: init.correlationId } : {}),
  };
}

/** A problem+json Response. */
export function problem(init: ProblemInit): Response {
  return new Response(JSON.stringify(problemBody(init)), {
    status: init.status,
    headers: {
      "content-type": "application/problem+json",
      "cache-control": "no-store",
      ...(init.correlationId ? { "x-correlation-id": init.correlationId } : {}),
      ...init.headers,
    },
  });
}

/**
 * Thrown inside a handler to answer with a problem; the route wrapper (./route.ts) or the
 * listener pipeline answers it. Subclasses (e.g. the wallet's PassKitError) fix the statuses.
 */
export class HttpProblem extends Error {
  override name = "HttpProblem";
  constructor(readonly init: ProblemInit) {
    super(init.detail ?? problemKind(init.status).title);
  }
}

/** 405 for every method but `allow`. */
export function methodNotAllowed(allow: string): Response {
  return problem({ status: 405, detail: `use ${allow}`, headers: { allow } });
}
