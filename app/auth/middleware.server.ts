import { data, type MiddlewareFunction } from "react-router";
import { ApiProblem, problemResponse } from "../api/problem";
import { getDatabase } from "../db.server";
import { getEnv } from "../env.server";
import { loadViewer } from "../services/sessions.server";
import { requestInfoContext, viewerContext } from "./context";
import { readSessionToken, sessionCookie } from "./cookies.server";
import { isApiPath, isForeignRequest } from "./csrf.server";

export interface CsrfRefusal {
  reason: "csrf";
}

/** Request id on every response, and the CSRF check before any action runs. */
export const requestMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const env = getEnv();
  const info = context.get(requestInfoContext);
  const requestId = info.requestId === "-" ? crypto.randomUUID() : info.requestId;
  context.set(requestInfoContext, { ...info, requestId, userAgent: request.headers.get("user-agent") ?? "" });
  if (
    isForeignRequest(request, {
      trustProxy: env.TRUST_PROXY === "true",
      allowedOrigins: env.ALLOWED_ORIGINS.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    })
  ) {
    // API clients get the refusal in the API's own error format.
    if (isApiPath(request)) {
      const refusal = new ApiProblem(403, "csrf", "A cookie-authenticated request must come from this site's pages.");
      return problemResponse(refusal, { "X-Request-Id": requestId, "Cache-Control": "no-store" });
    }
    throw data({ reason: "csrf" } satisfies CsrfRefusal, { status: 403 });
  }
  const response = await next();
  response.headers.set("X-Request-Id", requestId);
  return response;
};

/** Loads the signed-in account once per request; a dead session's cookie is cleared. */
export const viewerMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const token = readSessionToken(request.headers.get("cookie"));
  const viewer = token ? await loadViewer(getDatabase().db, token, new Date()) : null;
  context.set(viewerContext, viewer);
  const response = await next();
  if (token && !viewer && !response.headers.has("set-cookie")) {
    response.headers.append("Set-Cookie", await sessionCookie().serialize("", { maxAge: 0 }));
  }
  return response;
};
