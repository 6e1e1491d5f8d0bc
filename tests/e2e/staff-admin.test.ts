// Staff, roles and permissions in the console (issue 7): `admin` creates a role with two
// permissions and a staff account holding it; that account sees exactly those menus; `admin`
// takes one permission away in the matrix and the still-signed-in account's page answers 403.
// Every new page is opened in both languages (screenshots admin-staff-*-zh/en with SCREENSHOTS=1).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { CONSOLE_NAV } from "../../app/routes/admin/nav";
import { createStaff } from "../../app/services/staff-admin.server";
import { type Database, openDatabase } from "../../db/client";
import { login, screenshot, waitForHydration } from "../support/browser";
import { baseUrl, browsersPerTest, failedResource, pathOf, textOf } from "./journey";

const newBrowser = browsersPerTest();
let database: Database;

beforeAll(() => {
  database = openDatabase({ dialect: "sqlite", url: inject("dbPath") });
});
afterAll(async () => {
  // The journey's account stays (the audit log names it) but is switched off, out of others' way.
  await database.db.updateTable("accounts").set({ active: 0 }).where("username", "like", "e2e-staff-%").execute();
  await database.close();
});

/** A suffix that keeps names of this run apart from any earlier one. */
const RUN = Date.now().toString(36).slice(-5);
const ROLE_NAME = `客服专员${RUN}`;
const USERNAME = `e2e-staff-${RUN}`;
const STAFF_PASSWORD = "staff-pass-1";

/** The console menu's own entries (not the queue links under 订单), as paths. */
const menuOf = (page: Page) =>
  page.locator("aside nav > ul > li > a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));

/** The message shown next to a labelled field (its aria-describedby), or "". */
async function fieldError(page: Page, label: string): Promise<string> {
  const id = await page.getByLabel(label, { exact: true }).getAttribute("aria-describedby");
  return id ? textOf(page.locator(`[id="${id}"]`)) : "";
}

async function waitForPath(page: Page, pattern: RegExp) {
  await page.waitForURL((url) => pattern.test(url.pathname + url.search), { timeout: 15_000 });
  await waitForHydration(page);
}

describe("roles and menus, end to end", () => {
  test("admin grants a two-permission role; the account sees exactly those menus; a revoked one answers 403", async () => {
    // The refused own-password answers 400, which the browser logs.
    const admin = await newBrowser({ allowErrors: [/status of 400 \(Bad Request\)/] });
    await login(admin.page, baseUrl(), "admin");
    const a = admin.page;

    // 1. A custom role with product.view + customer.view.
    await a.goto(`${baseUrl()}/admin/settings/roles/new`);
    await waitForHydration(a);
    await a.getByLabel("角色名称").fill(ROLE_NAME);
    await a.locator('input[name="permissions"][value="product.view"]').check();
    await a.locator('input[name="permissions"][value="customer.view"]').check();
    await a.getByRole("button", { name: "创建角色" }).click();
    await waitForPath(a, /^\/admin\/settings\/roles\/\d+\?created=1$/);
    const roleId = Number(/roles\/(\d+)/.exec(a.url())![1]);
    // The URL changes before the new page has rendered: wait for the page itself.
    await expect.poll(() => textOf(a.locator("main h1")), { timeout: 10_000 }).toBe(ROLE_NAME);
    expect(
      await a
        .locator('input[name="permissions"]:checked')
        .evaluateAll((xs) => xs.map((x) => (x as HTMLInputElement).value)),
    ).toEqual(["product.view", "customer.view"]);

    // 2. A staff account holding it. A wrong own password is refused next to its field, the rest kept.
    await a.goto(`${baseUrl()}/admin/settings/staff/new`);
    await waitForHydration(a);
    await a.getByLabel("用户名").fill(USERNAME);
    await a.getByLabel("姓名").fill("周客服");
    await a.getByLabel("密码", { exact: true }).fill(STAFF_PASSWORD);
    await a.getByLabel("再次输入密码").fill(STAFF_PASSWORD);
    await a.getByRole("checkbox", { name: ROLE_NAME }).check();
    await a.getByLabel("你的登录密码").fill("not-my-password");
    await a.getByRole("button", { name: "创建员工账号" }).click();
    await expect.poll(() => fieldError(a, "你的登录密码")).toBe("密码不正确。");
    await screenshot(a, "admin-staff-new-error-zh");
    expect(pathOf(a)).toBe("/admin/settings/staff/new");
    expect(await a.getByLabel("用户名").inputValue()).toBe(USERNAME);
    expect(await a.getByLabel("姓名").inputValue()).toBe("周客服");
    expect(await a.getByRole("checkbox", { name: ROLE_NAME }).isChecked()).toBe(true);

    await a.getByLabel("你的登录密码").fill("demo1234");
    await a.getByRole("button", { name: "创建员工账号" }).click();
    await waitForPath(a, /^\/admin\/settings\/staff\/\d+\?created=1$/);
    await expect
      .poll(() => textOf(a.getByRole("status").first()), { timeout: 10_000 })
      .toBe(`员工账号 ${USERNAME} 已创建。`);

    // 3. The account sees the dashboard and exactly the menus of its two permissions.
    const staff = await newBrowser({ allowErrors: [failedResource(403)] });
    const s = staff.page;
    await login(s, baseUrl(), USERNAME, STAFF_PASSWORD);
    const held = new Set(["product.view", "customer.view"]);
    const expected = CONSOLE_NAV.filter((n) => n.permission === null || held.has(n.permission)).map((n) => n.to);
    expect(expected).toContain("/admin/customers");
    expect(expected).toContain("/admin/products");
    // login() waits for the URL only; the console's menu renders after it: poll the menu itself.
    await expect.poll(() => menuOf(s), { timeout: 10_000 }).toEqual(expected);
    await s.goto(`${baseUrl()}/admin/customers`);
    await waitForHydration(s);
    expect(await textOf(s.locator("main h1"))).toBe("客户");
    expect((await s.goto(`${baseUrl()}/admin/orders`))?.status()).toBe(403);
    expect((await s.goto(`${baseUrl()}/admin/settings/staff`))?.status()).toBe(403);

    // 4. admin takes customer.view away in the matrix.
    await a.goto(`${baseUrl()}/admin/settings/permissions`);
    await waitForHydration(a);
    const cell = a.locator(`input[name="p:${roleId}"][value="customer.view"]`);
    expect(await cell.isChecked()).toBe(true);
    await cell.uncheck();
    await a.getByRole("button", { name: "保存权限矩阵" }).first().click();
    await expect.poll(() => textOf(a.getByRole("status").first())).toBe("已保存，1 个角色的权限有变化。");
    expect(await a.locator(`input[name="p:${roleId}"][value="customer.view"]`).isChecked()).toBe(false);

    // 5. The same, still signed-in session: the page refuses, and the menu lost it.
    const refused = await s.goto(`${baseUrl()}/admin/customers`);
    expect(refused?.status()).toBe(403);
    await waitForHydration(s);
    expect(await textOf(s.locator("main h1"))).toBe("没有权限");
    expect(await menuOf(s)).toEqual(
      CONSOLE_NAV.filter((n) => n.permission === null || n.permission === "product.view").map((n) => n.to),
    );
    expect((await s.goto(`${baseUrl()}/admin/products`))?.status()).toBe(200);

    // 6. The audit log shows what admin did.
    await a.goto(`${baseUrl()}/admin/settings/audit?objectType=role&objectId=${roleId}`);
    await waitForHydration(a);
    const actions = await a.locator("main tbody tr td:nth-child(3)").allTextContents();
    expect(actions.map((x) => x.trim())).toEqual(["role.permissions", "role.create"]);
  });
});

describe("without JavaScript", () => {
  /** Clicks a submit button; without JavaScript the POST must be the browser's own form submission. */
  async function submitForm(page: Page, button: ReturnType<Page["locator"]>) {
    const posted = page.waitForRequest((r) => r.method() === "POST");
    await button.click();
    const request = await posted;
    expect(request.resourceType(), `${request.url()} is a plain form post`).toBe("document");
    await page.waitForLoadState("load");
    return request;
  }

  test("roles are granted with a plain form, a wrong own password keeps what was ticked", async () => {
    const created = await createStaff(
      database.db,
      { accountId: null, name: "e2e" },
      { username: `e2e-staff-nojs-${RUN}`, displayName: "无脚本", password: null, roleIds: [], regionIds: null },
      new Date(),
    );
    if (!created.ok) throw new Error(created.error);
    const { page } = await newBrowser({ javaScriptEnabled: false, allowErrors: [/status of 400 \(Bad Request\)/] });
    await page.goto(`${baseUrl()}/login`);
    await page.locator('input[name="username"]').fill("admin");
    await page.locator('input[name="password"]').fill("demo1234");
    await submitForm(page, page.locator('form:has(input[name="password"]) button[type="submit"]'));
    await page.goto(`${baseUrl()}/admin/settings/staff/${created.id}`);
    expect(await page.evaluate(() => "__reactRouterDataRouter" in window)).toBe(false);

    await page.getByRole("checkbox", { name: "区域经理" }).check();
    await page.getByRole("radio", { name: "仅限所选区域（分区查看/分区审核）" }).check();
    await page.getByRole("checkbox", { name: "华南" }).check();
    await page.getByLabel("你的登录密码").fill("wrong-password");
    const refused = await submitForm(page, page.getByRole("button", { name: "保存", exact: true }));
    expect((await refused.response())?.status()).toBe(400);
    expect(await fieldError(page, "你的登录密码")).toBe("密码不正确。");
    expect(await page.getByRole("checkbox", { name: "区域经理" }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: "华南" }).isChecked()).toBe(true);
    expect(await page.getByRole("radio", { name: "仅限所选区域（分区查看/分区审核）" }).isChecked()).toBe(true);
    await screenshot(page, "admin-staff-edit-nojs-refused-zh");

    await page.getByLabel("你的登录密码").fill("demo1234");
    await submitForm(page, page.getByRole("button", { name: "保存", exact: true }));
    expect(await textOf(page.locator("main [role=status]").first())).toBe("已保存。更改从该员工的下一次操作起生效。");
    const roles = await database.db
      .selectFrom("account_roles as ar")
      .innerJoin("roles as r", "r.id", "ar.role_id")
      .select("r.name")
      .where("ar.account_id", "=", created.id)
      .execute();
    expect(roles.map((r) => r.name)).toEqual(["区域经理"]);
    const regions = await database.db
      .selectFrom("account_regions as ag")
      .innerJoin("regions as g", "g.id", "ag.region_id")
      .select("g.name")
      .where("ag.account_id", "=", created.id)
      .execute();
    expect(regions.map((r) => r.name)).toEqual(["华南"]);

    // Disabling is a plain post too.
    await submitForm(page, page.getByRole("button", { name: "停用账号" }));
    expect(await textOf(page.locator("main [role=status]").first())).toBe("账号已停用，其会话已全部结束。");
  });
});

/** The pages of this issue, in both languages, with what each must show. */
describe("every staff administration page in zh and en", () => {
  for (const [locale, lang] of [
    ["zh-CN", "zh"],
    ["en", "en"],
  ] as const) {
    test(`opens in ${locale}`, async () => {
      const { db } = database;
      const east = await db
        .selectFrom("accounts")
        .select("id")
        .where("username", "=", "east")
        .executeTakeFirstOrThrow();
      const manager = await db
        .selectFrom("roles")
        .select("id")
        .where("name", "=", "区域经理")
        .executeTakeFirstOrThrow();
      const adminRole = await db.selectFrom("roles").select("id").where("key", "=", "admin").executeTakeFirstOrThrow();
      const { page } = await newBrowser({ locale });
      await login(page, baseUrl(), "admin");
      const zh = lang === "zh";
      const stops: Array<[name: string, path: string, heading: string]> = [
        ["list", "/admin/settings/staff", zh ? "员工账号" : "Staff accounts"],
        ["new", "/admin/settings/staff/new", zh ? "新建员工账号" : "New staff account"],
        ["edit", `/admin/settings/staff/${east.id}`, "孙丽华"],
        ["roles", "/admin/settings/roles", zh ? "角色" : "Roles"],
        ["role-new", "/admin/settings/roles/new", zh ? "新建角色" : "New role"],
        ["role-edit", `/admin/settings/roles/${manager.id}`, "区域经理"],
        ["role-admin", `/admin/settings/roles/${adminRole.id}`, zh ? "系统管理员" : "System administrator"],
        ["matrix", "/admin/settings/permissions", zh ? "权限矩阵" : "Permission matrix"],
        ["audit", "/admin/settings/audit", zh ? "操作日志" : "Audit log"],
      ];
      for (const [name, path, heading] of stops) {
        const response = await page.goto(`${baseUrl()}${path}`);
        expect(response?.status(), path).toBe(200);
        await waitForHydration(page);
        expect(await textOf(page.locator("main h1")), path).toBe(heading);
        const text = `${await page.locator("main").textContent()} ${await page.locator("aside").textContent()}`;
        expect(text, `${path}: untranslated key`).not.toMatch(
          /\b(staff|roles|common|validation)\.[a-z][A-Za-z]*\.[A-Za-z]/,
        );
        await screenshot(page, `admin-staff-${name}-${lang}`);
      }
    });
  }
});
