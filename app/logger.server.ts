import { AsyncLocalStorage } from "node:async_hooks";
import pino from "pino";
import { getEnv } from "./env.server";

export const logScope = new AsyncLocalStorage<{ requestId: string }>();

/** Structured JSON logs; every line about a request carries its request id. */
export const logger = pino({
  level: getEnv().LOG_LEVEL,
  base: undefined,
  // server.js runs each request inside `logScope`, so lines written while handling it carry its id.
  mixin: () => {
    const scope = logScope.getStore();
    return scope ? { requestId: scope.requestId } : {};
  },
  redact: { paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie"], censor: "[redacted]" },
});
