/**
 * API errors as RFC 9457 problem details (API.md): `{type, title, status, detail, code}`, plus
 * `errors: [{path, message}]` when a request failed validation. `code` is the stable contract;
 * `title` and `detail` are for the person reading a log.
 */
export interface FieldError {
  /** JSON Pointer into the request body or query, e.g. `/lines/0/quantity`. */
  path: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const TITLES: Record<number, string> = {
  400: "The request is not valid",
  401: "Authentication required",
  403: "Not permitted",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Request body too large",
  415: "Unsupported media type",
  422: "Business rule refused the request",
  429: "Too many requests",
  500: "Internal server error",
};

export const problemType = (code: string) => `urn:dinghuo:problem:${code}`;

/** An expected failure: thrown by a handler (or returned by a mapper), answered as problem+json. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Extra members of the problem object (`errors`, `available`, `by`…). */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = "ApiProblem";
  }

  body(): Record<string, unknown> {
    return {
      type: problemType(this.code),
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...this.extra,
    };
  }
}

export function problemResponse(problem: ApiProblem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem.body()), {
    status: problem.status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, ...headers, ...problem.headers },
  });
}

/** Zod issues as `errors` entries: a JSON Pointer and a message per problem. */
export function fieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = "",
): FieldError[] {
  return issues.map((issue) => ({
    path: prefix + issue.path.map((p) => `/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`).join(""),
    message: issue.message,
  }));
}

export const notFound = (what = "The resource") =>
  new ApiProblem(404, "not_found", `${what} does not exist, or is not yours to see.`);
