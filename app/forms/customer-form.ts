import { z } from "zod";

/**
 * The customer forms (客户资料, 收货地址, 订货账号密码): one schema each, used by react-hook-form
 * in the browser and by the action on the server. Messages are i18n keys.
 */

/** The floor passwords.server.ts enforces (kept equal by a unit test; that module is server-only). */
export const MIN_PASSWORD_LENGTH_FOR_FORMS = 8;

const text = (max: number) => z.string().trim().max(max, "validation.tooLong");
const requiredText = (max: number) => text(max).min(1, "validation.required");

/** A drop-down whose empty choice means "none". */
const optionalId = z
  .string()
  .trim()
  .regex(/^\d{0,12}$/, "validation.invalid")
  .optional()
  .transform((v) => (v ? Number(v) : null));

const requiredId = z
  .string({ error: "validation.required" })
  .trim()
  .regex(/^\d{1,12}$/, "validation.required")
  .transform(Number);

const phone = (max: number) => text(max).regex(/^[0-9+\-\s()]*$/, "customers.errors.phoneFormat");

/** Unchecked boxes send nothing; react-hook-form reports a checked box as its value or `true`. */
const flag = z.preprocess((v) => v === true || v === "1" || v === "on", z.boolean());

export const customerDetailsFields = {
  code: requiredText(32).regex(/^[A-Za-z0-9_-]+$/, "customers.errors.codeFormat"),
  name: requiredText(100),
  levelId: optionalId,
  regionId: requiredId,
  contactName: text(50),
  phone: phone(30),
  salesRepAccountId: optionalId,
  defaultWarehouseId: optionalId,
  invoiceTitle: text(100),
  taxNo: text(30).regex(/^[0-9A-Za-z]*$/, "validation.invalid"),
  bankName: text(100),
  bankAccount: text(40).regex(/^[0-9\s-]*$/, "validation.invalid"),
};

export const customerDetailsSchema = z.object(customerDetailsFields);

const password = z
  .string()
  .max(256, "validation.tooLong")
  .refine((v) => v.length >= MIN_PASSWORD_LENGTH_FOR_FORMS, "validation.passwordTooShort");

export const newCustomerSchema = z
  .object({
    ...customerDetailsFields,
    address: text(200),
    username: z
      .string()
      .trim()
      .toLowerCase()
      .min(1, "validation.required")
      .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, "customers.errors.usernameFormat"),
    passwordMode: z.enum(["typed", "generate"]).catch("typed"),
    password: z.string().max(256, "validation.tooLong").optional(),
    passwordConfirm: z.string().max(256, "validation.tooLong").optional(),
  })
  .superRefine((form, ctx) => {
    if (form.passwordMode !== "typed") return;
    if ((form.password ?? "").length < MIN_PASSWORD_LENGTH_FOR_FORMS) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "validation.passwordTooShort" });
    } else if (form.password !== form.passwordConfirm) {
      ctx.addIssue({ code: "custom", path: ["passwordConfirm"], message: "customers.errors.passwordMismatch" });
    }
  });

export const addressSchema = z.object({
  contactName: requiredText(50),
  phone: phone(30).min(1, "validation.required"),
  address: requiredText(200),
  makeDefault: flag,
});

export const resetPasswordSchema = z
  .object({ password, passwordConfirm: z.string().max(256, "validation.tooLong") })
  .refine((form) => form.password === form.passwordConfirm, {
    path: ["passwordConfirm"],
    message: "customers.errors.passwordMismatch",
  });

export type CustomerDetailsValues = z.input<typeof customerDetailsSchema>;
export type NewCustomerValues = z.input<typeof newCustomerSchema>;

/** A saved customer → the form's strings. */
export function customerToFormValues(c: {
  code: string;
  name: string;
  levelId: number | null;
  regionId: number;
  contactName: string;
  phone: string;
  salesRepAccountId: number | null;
  defaultWarehouseId: number | null;
  invoiceTitle: string;
  taxNo: string;
  bankName: string;
  bankAccount: string;
}): Record<keyof typeof customerDetailsFields, string> {
  const id = (v: number | null) => (v === null ? "" : String(v));
  return {
    code: c.code,
    name: c.name,
    levelId: id(c.levelId),
    regionId: String(c.regionId),
    contactName: c.contactName,
    phone: c.phone,
    salesRepAccountId: id(c.salesRepAccountId),
    defaultWarehouseId: id(c.defaultWarehouseId),
    invoiceTitle: c.invoiceTitle,
    taxNo: c.taxNo,
    bankName: c.bankName,
    bankAccount: c.bankAccount,
  };
}
