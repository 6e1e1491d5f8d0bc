import { z } from "zod";

/** The login form, checked in the browser by react-hook-form and again by the action. Messages are i18n keys. */
export const loginSchema = z.object({
  username: z.string().trim().min(1, "login.usernameRequired").max(64),
  password: z.string().min(1, "login.passwordRequired").max(256),
  redirectTo: z.string().optional(),
});

export type LoginForm = z.infer<typeof loginSchema>;
