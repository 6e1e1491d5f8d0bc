import { describe, expect, it } from "vitest";
import { MIN_PASSWORD_LENGTH_FOR_FORMS, newCustomerSchema, resetPasswordSchema } from "../../app/forms/customer-form";
import { adjustSchema, stocktakeSchema } from "../../app/forms/stock-form";
import { MIN_PASSWORD_LENGTH } from "../../app/services/passwords.server";

const customer = {
  code: "C0100",
  name: "测试商贸",
  regionId: "1",
  levelId: "",
  contactName: "",
  phone: "",
  salesRepAccountId: "",
  defaultWarehouseId: "",
  invoiceTitle: "",
  taxNo: "",
  bankName: "",
  bankAccount: "",
  address: "",
  username: " Hz-Dealer2 ",
  passwordMode: "typed",
  password: "long enough",
  passwordConfirm: "long enough",
};

const messages = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));

describe("customer forms", () => {
  it("asks for the same password floor as the server enforces", () => {
    expect(MIN_PASSWORD_LENGTH_FOR_FORMS).toBe(MIN_PASSWORD_LENGTH);
  });

  it("normalises the username and turns empty choices into null", () => {
    const parsed = newCustomerSchema.parse(customer);
    expect(parsed).toMatchObject({ username: "hz-dealer2", regionId: 1, levelId: null, salesRepAccountId: null });
  });

  it("names the field that is wrong, with an i18n key", () => {
    expect(messages(newCustomerSchema.safeParse({ ...customer, passwordConfirm: "other" }))).toEqual({
      passwordConfirm: "customers.errors.passwordMismatch",
    });
    expect(messages(newCustomerSchema.safeParse({ ...customer, password: "short", passwordConfirm: "short" }))).toEqual(
      { password: "validation.passwordTooShort" },
    );
    expect(messages(newCustomerSchema.safeParse({ ...customer, code: "C 01", username: "x", regionId: "" }))).toEqual({
      code: "customers.errors.codeFormat",
      username: "customers.errors.usernameFormat",
      regionId: "validation.required",
    });
    // A generated password needs nothing typed.
    expect(newCustomerSchema.safeParse({ ...customer, passwordMode: "generate", password: "" }).success).toBe(true);
    expect(messages(resetPasswordSchema.safeParse({ password: "12345678", passwordConfirm: "12345679" }))).toEqual({
      passwordConfirm: "customers.errors.passwordMismatch",
    });
  });
});

describe("stock forms", () => {
  const target = { skuId: "3", warehouseId: "4" };
  it("takes a signed, non-zero change and a reason for an adjustment", () => {
    expect(adjustSchema.parse({ ...target, delta: "-3", reason: "破损" })).toEqual({
      skuId: 3,
      warehouseId: 4,
      delta: -3,
      reason: "破损",
    });
    expect(adjustSchema.parse({ ...target, delta: "+5", reason: "到货" }).delta).toBe(5);
    expect(messages(adjustSchema.safeParse({ ...target, delta: "0", reason: "" }))).toEqual({
      delta: "stock.errors.deltaZero",
      reason: "validation.required",
    });
    expect(messages(adjustSchema.safeParse({ ...target, delta: "1.5", reason: "x" }))).toEqual({
      delta: "stock.errors.signedInteger",
    });
  });

  it("takes a whole, non-negative count for a stocktake", () => {
    expect(stocktakeSchema.parse({ ...target, counted: "0", reason: "盘点" }).counted).toBe(0);
    expect(messages(stocktakeSchema.safeParse({ ...target, counted: "-1", reason: "盘点" }))).toEqual({
      counted: "stock.errors.nonNegative",
    });
  });
});
