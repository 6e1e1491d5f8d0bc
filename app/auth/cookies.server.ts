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
