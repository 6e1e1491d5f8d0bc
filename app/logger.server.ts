import pino from "pino";
import { getEnv } from "./env.server";

/** Structured JSON logs; every line about a request carries its request id. */
export const logger = pino({
  level: getEnv().LOG_LEVEL,
  base: undefined,
  redact: { paths: ["password", "*.password", "token", "*.token", "cookie", "*.cookie"], censor: "[redacted]" },
});
