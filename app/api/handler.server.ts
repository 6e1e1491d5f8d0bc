import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import type { Viewer } from "../services/sessions.server";
import { PermissionDeniedError } from "../services/staff-actor.server";
import type { ApiResult, Endpoint } from "./endpoint";
import { ENDPOINTS } from "./endpoints.server";
import { ApiProblem, fieldErrors, problemResponse } from "./problem";
import { authenticateToken, consumeRequest, DEFAULT_RATE_LIMIT, type RateLimitPolicy } from "./tokens.server";

/**
 * The API's front door: finds the endpoint, authenticates (bearer token, or the console's cookie
 * session whose CSRF check the root middleware has already made), counts the request against
 * the caller's rate limit, validates query and body with the endpoint's zod schemas, runs the
 * handler, and turns every failure into problem+json — an unexpected one into a 500 that
 * carries a request id and no stack trace.
 */
export const API_BASE = "/api/v1";
const MAX_BODY_BYTES = 1_000_000;

export interface ApiDeps {
  db: Kysely<DB>;
  /** The clock; a test passes its own. */
  now?: () => Date;
  requestId?: string;
  ip?: string;
  /** The console or storefront session behind the request's cookie, if any. */
  sessionViewer?: Viewer | null;
  rateLimit?: RateLimitPolicy;
  /** Where unexpected errors are reported (the app's logger). */
  onError?: (error: unknown, info: { requestId: string; method: string; path: string }) => void;
}

interface CompiledEndpoint {
  endpoint: Endpoint;
  pattern: RegExp;
  names: string[];
}

const compile = (endpoint: Endpoint): CompiledEndpoint => {
  const names: string[] = [];
  const source = endpoint.path.replace(/[.]/g, "\\.").replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { endpoint, pattern: new RegExp(`^${source}$`), names };
};

const COMPILED = ENDPOINTS.map(compile);

function match(path: string, method: string) {
  const candidates = COMPILED.map((c) => ({ c, m: c.pattern.exec(path) })).filter((x) => x.m);
  if (!candidates.length) return { kind: "none" as const };
  const wanted = method === "HEAD" ? "GET" : method;
  const hit = candidates.find((x) => x.c.endpoint.method === wanted);
  if (!hit) return { kind: "method" as const, allow: candidates.map((x) => x.c.endpoint.method) };
  const params: Record<string, string> = {};
  hit.c.names.forEach((name, i) => {
    params[name] = decodeURIComponent(hit.m![i + 1]!);
  });
  return { kind: "found" as const, endpoint: hit.c.endpoint, params };
}

const json = (result: ApiResult, extra: Record<string, string>): Response =>
  new Response(result.status === 204 || result.body === undefined ? null : JSON.stringify(result.body), {
    status: result.status,
    headers: {
      ...(result.status === 204 ? {} : { "Content-Type": "application/json; charset=utf-8" }),
      ...extra,
      ...result.headers,
    },
  });

async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim()))
    throw new ApiProblem(415, "unsupported_media_type", "Send the body as application/json.");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiProblem(413, "body_too_large", "The body is larger than 1 MB.");
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new ApiProblem(413, "body_too_large", "The body is larger than 1 MB.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiProblem(400, "invalid_json", "The body is not valid JSON.");
  }
}

function parseWith<T>(schema: { safeParse(v: unknown): any } | undefined, value: unknown, where: "body" | "query") {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as T;
  throw new ApiProblem(
    400,
    "validation_failed",
    where === "body" ? "The request body does not match the schema." : "The query parameters are not valid.",
    { errors: fieldErrors(parsed.error.issues) },
  );
}

async function principal(
  request: Request,
  deps: ApiDeps,
  ip: string,
  now: Date,
): Promise<{ viewer: Viewer; tokenId: number | null; rateKey: string } | null> {
  const header = request.headers.get("authorization");
  if (header !== null) {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const found = m ? await authenticateToken(deps.db, m[1]!, { ip }, now) : null;
    if (!found)
      throw new ApiProblem(
        401,
        "invalid_token",
        "The token is not valid: unknown, expired or revoked, or its account is disabled.",
        {},
        { "WWW-Authenticate": 'Bearer error="invalid_token"' },
      );
    return { viewer: found.viewer, tokenId: found.tokenId, rateKey: `token:${found.tokenId}` };
  }
  const viewer = deps.sessionViewer ?? null;
  return viewer ? { viewer, tokenId: null, rateKey: `session:${viewer.sessionId}` } : null;
}

export async function handleApi(request: Request, deps: ApiDeps): Promise<Response> {
  const now = deps.now?.() ?? new Date();
  const requestId = deps.requestId ?? crypto.randomUUID();
  const ip = deps.ip ?? "";
  const url = new URL(request.url);
  const headers: Record<string, string> = { "Cache-Control": "no-store", "X-Request-Id": requestId };
  try {
    const path = url.pathname.startsWith(API_BASE) ? url.pathname.slice(API_BASE.length) || "/" : null;
    let found: ReturnType<typeof match>;
    try {
      found = path === null ? { kind: "none" } : match(path, request.method);
    } catch {
      found = { kind: "none" };
    }
    if (found.kind === "none")
      throw new ApiProblem(
        404,
        "no_such_endpoint",
        `There is no endpoint ${url.pathname}; see ${API_BASE}/openapi.json.`,
      );
    if (found.kind === "method")
      throw new ApiProblem(
        405,
        "method_not_allowed",
        `${request.method} is not allowed here.`,
        {},
        {
          Allow: [...new Set(found.allow)].join(", "),
        },
      );
    const { endpoint, params } = found;

    const who = endpoint.auth === "token" ? await principal(request, deps, ip, now) : null;
    if (endpoint.auth === "token" && !who)
      throw new ApiProblem(
        401,
        "unauthenticated",
        "Send a bearer token in the Authorization header.",
        {},
        {
          "WWW-Authenticate": "Bearer",
        },
      );
    if (who) {
      const policy = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
      const decision = await consumeRequest(deps.db, who.rateKey, policy, now);
      headers["RateLimit-Limit"] = String(policy.limit);
      if (!decision.ok)
        throw new ApiProblem(
          429,
          "rate_limited",
          `Too many requests with this token; try again in ${decision.retryAfterSeconds} seconds.`,
          { retryAfter: decision.retryAfterSeconds },
          { "Retry-After": String(decision.retryAfterSeconds) },
        );
      headers["RateLimit-Remaining"] = String(decision.remaining);
    }

    const query = parseWith(endpoint.query, Object.fromEntries(url.searchParams), "query");
    const body = endpoint.body ? parseWith(endpoint.body, await readJsonBody(request), "body") : undefined;
    const result = await endpoint.handler({
      db: deps.db,
      now,
      request,
      requestId,
      ip,
      viewer: who?.viewer ?? null,
      tokenId: who?.tokenId ?? null,
      params,
      body,
      query,
    });
    const response = json(result, headers);
    return request.method === "HEAD" ? new Response(null, response) : response;
  } catch (error) {
    if (error instanceof ApiProblem) return problemResponse(error, headers);
    if (error instanceof PermissionDeniedError)
      return problemResponse(
        new ApiProblem(403, "forbidden", `This needs the permission ${error.permission}.`, {
          permission: error.permission,
        }),
        headers,
      );
    deps.onError?.(error, { requestId, method: request.method, path: url.pathname });
    return problemResponse(
      new ApiProblem(500, "internal_error", `Something went wrong on our side; quote request id ${requestId}.`, {
        requestId,
      }),
      headers,
    );
  }
}
