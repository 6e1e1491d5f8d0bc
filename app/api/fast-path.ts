/**
 * Whether a request may skip React Router and go straight to the API's dispatcher: an
 * /api/v1 call with a bearer token and no cookie. The root middleware has nothing to do for it:
 * no session to load (no cookie), no forgery to refuse (a bearer token is no ambient
 * credential), no language (API errors are codes), and the server sets X-Request-Id itself.
 * A call that carries a cookie still goes through React Router, where the session and Origin
 * checks run.
 */
export function takesApiFastPath(path: string, headers: Headers): boolean {
  return path.startsWith("/api/v1/") && !headers.has("cookie") && /^Bearer\s/i.test(headers.get("authorization") ?? "");
}
