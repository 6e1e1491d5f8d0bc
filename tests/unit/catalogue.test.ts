import { describe, expect, it } from "vitest";
import { BUILTIN_ROLES, PERMISSIONS, REGIONAL_MANAGER_PERMISSIONS } from "../../app/domain/permissions";
import { en } from "../../app/i18n/en";
import { zhCN } from "../../app/i18n/zh-CN";

const keysOf = (obj: object, prefix = ""): string[] =>
  Object.entries(obj).flatMap(([k, v]) => (typeof v === "object" ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`]));

describe("permission catalogue", () => {
  it("has the 27 permissions of DOMAIN.md §2, each once", () => {
    expect(PERMISSIONS).toHaveLength(27);
    expect(new Set(PERMISSIONS).size).toBe(27);
  });
  it("gives the administrator all of them and every other role a subset", () => {
    expect([...BUILTIN_ROLES.admin.permissions].sort()).toEqual([...PERMISSIONS].sort());
    for (const role of Object.values(BUILTIN_ROLES)) for (const p of role.permissions) expect(PERMISSIONS).toContain(p);
    for (const p of REGIONAL_MANAGER_PERMISSIONS) expect(PERMISSIONS).toContain(p);
  });
  it("matches DOMAIN.md's counts per role", () => {
    const counts = Object.fromEntries(Object.entries(BUILTIN_ROLES).map(([k, r]) => [k, r.permissions.length]));
    expect(counts).toEqual({
      admin: 27,
      business_lead: 15,
      order_reviewer: 7,
      finance_reviewer: 9,
      warehouse_keeper: 6,
      shipping_clerk: 5,
    });
  });
});

describe("translations", () => {
  it("have the same keys in both languages and no empty string", () => {
    expect(keysOf(en).sort()).toEqual(keysOf(zhCN).sort());
    for (const key of keysOf(en)) {
      const get = (o: any) => key.split(".").reduce((acc, k) => acc[k], o);
      expect(get(en), key).not.toBe("");
      expect(get(zhCN), key).not.toBe("");
    }
  });
  it("translate every built-in role", () => {
    for (const key of Object.keys(BUILTIN_ROLES)) {
      expect(en.roles).toHaveProperty(key);
      expect(zhCN.roles).toHaveProperty(key);
    }
  });
});
