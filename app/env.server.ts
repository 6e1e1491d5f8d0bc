import { z } from "zod";

const WEAK_SECRETS = new Set(["secret", "changeme", "change-me", "dinghuo", "password", "dev-secret"]);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: z.string().optional(),
    SESSION_SECRET: z.string().optional(),
    /** Send cookies with `Secure`; on by default in production. Turn off only for plain-http demos. */
    COOKIE_SECURE: z.enum(["true", "false"]).optional(),
    /** Trust `X-Forwarded-For` / `X-Forwarded-Host` from a reverse proxy in front of the app. */
    TRUST_PROXY: z.enum(["true", "false"]).default("false"),
    /** Extra origins allowed to POST (besides the request's own host), comma-separated. */
    ALLOWED_ORIGINS: z.string().default(""),
    APP_TIMEZONE: z.string().default("Asia/Shanghai"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    const s = env.SESSION_SECRET ?? "";
    if (s.length < 32 || WEAK_SECRETS.has(s.toLowerCase()) || new Set(s).size < 10) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_SECRET"],
        message:
          "production needs a strong SESSION_SECRET: at least 32 random characters (e.g. `openssl rand -hex 32`)",
      });
    }
  });

export type Env = z.infer<typeof schema> & { sessionSecrets: string[]; cookieSecure: boolean };

let cached: Env | undefined;

/** The environment, parsed once; a bad value stops the process at start with a message that says which. */
export function getEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (cached && source === process.env) return cached;
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const result: Env = {
    ...env,
    // Several comma-separated secrets allow rotation: the first signs, all verify.
    sessionSecrets: (env.SESSION_SECRET ?? "dinghuo-development-only-secret").split(",").map((s) => s.trim()),
    cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === "true" : env.NODE_ENV === "production",
  };
  if (source === process.env) cached = result;
  return result;
}
