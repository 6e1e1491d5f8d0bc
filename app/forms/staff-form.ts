import { z } from "zod";
import { en } from "../i18n/en";
import { zhCN } from "../i18n/zh-CN";
import { MIN_PASSWORD_LENGTH_FOR_FORMS } from "./customer-form";

/**
 * The staff administration forms (员工账号, 角色, 权限矩阵): one schema each, used by
 * react-hook-form in the browser and by the action on the server. Messages are i18n keys.
 */

/** A checkbox group: nothing checked sends nothing, one box a string, several an array. */
const idList = z.preprocess(
  (v) => (Array.isArray(v) ? v : typeof v === "string" && v !== "" ? [v] : []),
  z
    .array(
      z
        .string()
        .regex(/^\d{1,12}$/, "validation.invalid")
        .transform(Number),
    )
    .max(200, "validation.invalid"),
);

/** The same for permission keys; unknown keys are dropped by the service. */
export const permissionList = z.preprocess(
  (v) => (Array.isArray(v) ? v : typeof v === "string" && v !== "" ? [v] : []),
  z.array(z.string().max(40)).max(100),
);

const displayName = z.string().trim().min(1, "validation.required").max(50, "validation.tooLong");
const actorPassword = z.string().max(256, "validation.tooLong").optional();

const regionFields = {
  regionMode: z.enum(["all", "limited"]).catch("all"),
  regionIds: idList,
};

function checkRegions(form: { regionMode: "all" | "limited"; regionIds: number[] }, ctx: z.RefinementCtx) {
  if (form.regionMode === "limited" && form.regionIds.length === 0) {
    ctx.addIssue({ code: "custom", path: ["regionIds"], message: "staff.errors.regionsRequired" });
  }
}

export const newStaffSchema = z
  .object({
    username: z
      .string()
      .trim()
      .toLowerCase()
      .min(1, "validation.required")
      .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, "staff.errors.usernameFormat"),
    displayName,
    passwordMode: z.enum(["typed", "generate"]).catch("typed"),
    password: z.string().max(256, "validation.tooLong").optional(),
    passwordConfirm: z.string().max(256, "validation.tooLong").optional(),
    roleIds: idList,
    ...regionFields,
    actorPassword,
  })
  .superRefine((form, ctx) => {
    checkRegions(form, ctx);
    if (form.passwordMode === "typed") {
      if ((form.password ?? "").length < MIN_PASSWORD_LENGTH_FOR_FORMS) {
        ctx.addIssue({ code: "custom", path: ["password"], message: "validation.passwordTooShort" });
      } else if (form.password !== form.passwordConfirm) {
        ctx.addIssue({ code: "custom", path: ["passwordConfirm"], message: "staff.errors.passwordMismatch" });
      }
    }
    if (form.roleIds.length && !form.actorPassword) {
      ctx.addIssue({ code: "custom", path: ["actorPassword"], message: "staff.errors.actorPasswordRequired" });
    }
  });

export const editStaffSchema = z
  .object({
    displayName,
    roleIds: idList,
    /** The roles the form showed, comma-separated: roles are only changed when they differ. */
    rolesBase: z
      .string()
      .regex(/^[\d,]*$/)
      .max(2000)
      .catch(""),
    ...regionFields,
    actorPassword,
  })
  .superRefine(checkRegions);

/** Whether the submitted roles differ from those the form started with. */
export function rolesChanged(form: { roleIds: number[]; rolesBase: string }): boolean {
  const base = form.rolesBase
    .split(",")
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
  const now = [...new Set(form.roleIds)].sort((a, b) => a - b);
  return base.length !== now.length || base.some((id, i) => id !== now[i]);
}

export const resetStaffPasswordSchema = z
  .object({
    password: z
      .string()
      .max(256, "validation.tooLong")
      .refine((v) => v.length >= MIN_PASSWORD_LENGTH_FOR_FORMS, "validation.passwordTooShort"),
    passwordConfirm: z.string().max(256, "validation.tooLong"),
  })
  .refine((form) => form.password === form.passwordConfirm, {
    path: ["passwordConfirm"],
    message: "staff.errors.passwordMismatch",
  });

export const roleNameSchema = z.object({
  name: z.string().trim().min(1, "validation.required").max(30, "validation.tooLong"),
});

export const newRoleSchema = z.object({
  name: roleNameSchema.shape.name,
  permissions: permissionList,
});

export const deleteRoleSchema = z.object({
  moveTo: z
    .string()
    .regex(/^\d{0,12}$/, "validation.invalid")
    .optional()
    .transform((v) => (v ? Number(v) : null)),
  actorPassword,
});

/** What a failed staff form sends back to be shown again: everything typed except passwords. */
export function keptStaffValues(form: FormData) {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const list = (name: string) => form.getAll(name).filter((v): v is string => typeof v === "string");
  return {
    username: text("username"),
    displayName: text("displayName"),
    passwordMode: text("passwordMode") === "generate" ? ("generate" as const) : ("typed" as const),
    roleIds: list("roleIds"),
    regionMode: text("regionMode") === "limited" ? ("limited" as const) : ("all" as const),
    regionIds: list("regionIds"),
  };
}

export type KeptStaffValues = ReturnType<typeof keptStaffValues>;

/** The form field and message for a refusal of the staff service. */
export function staffRefusalError(error: string, actorPasswordTyped: boolean): { field: string; message: string } {
  switch (error) {
    case "username_taken":
      return { field: "username", message: "staff.errors.usernameTaken" };
    case "wrong_password":
      return {
        field: "actorPassword",
        message: actorPasswordTyped ? "staff.errors.wrongPassword" : "staff.errors.actorPasswordRequired",
      };
    case "throttled":
      return { field: "actorPassword", message: "staff.errors.throttled" };
    case "last_admin":
      return { field: "roleIds", message: "staff.errors.lastAdmin" };
    case "unknown_role":
      return { field: "roleIds", message: "staff.errors.unknownRole" };
    case "unknown_region":
      return { field: "regionIds", message: "staff.errors.unknownRegion" };
    case "self_disable":
      return { field: "_form", message: "staff.errors.selfDisable" };
    default:
      return { field: "_form", message: "staff.errors.notFound" };
  }
}

const RESERVED_ROLE_NAMES = new Set(
  [...Object.values(zhCN.roles), ...Object.values(en.roles)].map((n) => n.trim().toLowerCase()),
);

/** Built-in roles' names in either language: a custom role may not pass for one of them. */
export function isReservedRoleName(name: string): boolean {
  return RESERVED_ROLE_NAMES.has(name.trim().toLowerCase());
}
