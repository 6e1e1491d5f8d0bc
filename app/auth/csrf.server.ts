/** Requests to the HTTP API (API.md), which alone accepts bearer tokens. */
export const isApiPath = (request: Request) => new URL(request.url).pathname.startsWith("/api/");

/**
 * CSRF defence (RELIABILITY B5): a request that can change something must come from one of
 * our own pages. Browsers send `Origin` on every cross-site and same-site POST, so a missing
 * one is refused too. Bearer-token API calls carry no ambient credentials and are exempt.
 */
export function isForeignRequest(
  request: Request,
  options: { allowedOrigins: string[]; trustProxy: boolean },
): boolean {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method)) return false;
  // The API carries no ambient credentials unless a session cookie rides along: a bearer token,
  // or no session at all (a script asking POST /api/v1/auth/token for one), has nothing to forge.
  // Elsewhere an Authorization header proves nothing.
  if (isApiPath(request)) {
    if (/^Bearer\s/i.test(request.headers.get("authorization") ?? "")) return false;
    if (!/(?:^|;)\s*dh_session=/.test(request.headers.get("cookie") ?? "")) return false;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("origin");
  // A browser that says the request comes from our own origin is believed: with a strict
  // referrer policy Chromium sends `Origin: null` on plain form posts to the same site.
  if (site === "same-origin" && (origin === null || origin === "null")) return false;
  if (!origin || origin === "null") return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return true;
  }
  const hosts = new Set([new URL(request.url).host]);
  const forwarded = options.trustProxy ? request.headers.get("x-forwarded-host") : null;
  if (forwarded) hosts.add(forwarded.split(",")[0]!.trim());
  if (hosts.has(originHost)) return false;
  return !options.allowedOrigins.includes(origin);
}
