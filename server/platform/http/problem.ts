/**
 * RFC 9457 problem details (`application/problem+json`). Every error a Passflow HTTP endpoint
 * answers goes through `problem()`, naming the failing fields in `errors` where there are any.
 */
export interface FieldError {
  /** Path of the failing field, e.g. `identifiers` or `additionalData.points`. */
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  correlationId?: string;
}

const TYPE_BASE = "https://passflow.dev/problems/";

const SLUGS: Record<number, string> = {
  400: "invalid-request",
  401: "unauthorized",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  413: "payload-too-large",
  415: "unsupported-media-type",
  429: "too-many-requests",
  500: "internal-error",
  503: "service-unavailable",
};

/** A problem+json Response. */
export function problem(init: ProblemInit): Response {
  const body = {
    type: TYPE_BASE + (SLUGS[init.status] ?? String(init.status)),
    title: init.title,
    status: init.status,
    ...(init.detail ? { detail: init.detail } : {}),
    ...(init.errors?.length ? { errors: init.errors } : {}),
    ...(init.correlationId ? { correlationId: init.correlationId } : {}),
  };
  return new Response(JSON.stringify(body), {
    status: init.status,
    headers: {
      "content-type": "application/problem+json",
      "cache-control": "no-store",
      ...(init.correlationId ? { "x-correlation-id": init.correlationId } : {}),
      ...init.headers,
    },
  });
}

/** Thrown inside a handler to answer with a problem; caught at the handler's edge. */
export class HttpProblem extends Error {
  constructor(readonly init: ProblemInit) {
    super(init.detail ?? init.title);
  }
}

/** 405 for every method but `allow`. */
export function methodNotAllowed(allow: string): Response {
  return problem({ status: 405, title: "Method not allowed", detail: `use ${allow}`, headers: { allow } });
}
