import { createHmac, timingSafeEqual } from "node:crypto";
import { createCookie } from "react-router";
import { getEnv } from "../env.server";

let sessionCookieInstance: ReturnType<typeof createCookie> | undefined;
let languageCookieInstance: ReturnType<typeof createCookie> | undefined;

/** Holds only the random session token; the session itself lives in the `sessions` table. */
export function sessionCookie() {
  const env = getEnv();
  sessionCookieInstance ??= createCookie("dh_session", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: env.cookieSecure,
    secrets: env.sessionSecrets,
  });
  return sessionCookieInstance;
}

const SESSION_COOKIE = "dh_session";
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The session token from a Cookie header, as `sessionCookie().parse` reads it (same format, same
 * secrets, the first that verifies wins), without its cost: React Router verifies the signature
 * with WebCrypto, importing the key and verifying on the thread pool, ~0.2 ms on every signed-in
 * request (issue 9); here it is one HMAC in node:crypto. Null when there is no session cookie or
 * its signature does not verify; "" for an emptied one.
 */
export function readSessionToken(cookieHeader: string | null, secrets = getEnv().sessionSecrets): string | null {
  if (!cookieHeader) return null;
  let raw: string | undefined;
  for (const pair of cookieHeader.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    raw = pair.slice(eq + 1).trim();
    break; // the first one counts, as in the cookie parser React Router uses
  }
  if (raw === undefined) return null;
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length > 1) raw = raw.slice(1, -1);
  let value: string;
  try {
    value = raw.includes("%") ? decodeURIComponent(raw) : raw;
  } catch {
    return null;
  }
  if (value === "") return "";
  const dot = value.lastIndexOf(".");
  if (dot < 0) return null;
  const payload = value.slice(0, dot);
  const signature = Buffer.from(value.slice(dot + 1), "base64");
  const verified = secrets.some((secret) => {
    const expected = createHmac("sha256", secret).update(payload).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  });
  if (!verified) return null;
  try {
    const token: unknown = JSON.parse(strictUtf8.decode(Buffer.from(payload, "base64")));
    return typeof token === "string" ? token : null;
  } catch {
    return null;
  }
}

/** Remembers the language chosen with the switcher for a year. */
export function languageCookie() {
  languageCookieInstance ??= createCookie("dh_lang", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: getEnv().cookieSecure,
    maxAge: 365 * 24 * 3600,
  });
  return languageCookieInstance;
}
