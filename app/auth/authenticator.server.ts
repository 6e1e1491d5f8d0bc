import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { getDatabase } from "../db.server";
import { type AuthenticatedAccount, authenticateCredentials } from "../services/accounts.server";
import { loginSchema } from "./login-schema";

/** `null` when the credentials do not match an active account (the login page says so). */
export const authenticator = new Authenticator<AuthenticatedAccount | null>();

authenticator.use(
  new FormStrategy(async ({ form }) => {
    const parsed = loginSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return null;
    return authenticateCredentials(getDatabase().db, parsed.data.username, parsed.data.password);
  }),
  "form",
);
