/**
 * What the security suites ask for, made in the e2e database through the same services the app
 * uses: a region of their own (矩阵测试区) with a dealer whose orders, returns and payment reports
 * wait at every step, a second customer safe to disable, throwaway staff and roles, and staff
 * accounts holding exactly one permission each. Nothing of the demo data is changed, so the other
 * e2e files see the demo as seeded.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import sharp from "sharp";
import { expect } from "vitest";
import { PERMISSIONS, type Permission } from "../../app/domain/permissions";
import { createCustomer, createStaffAccount } from "../../app/services/accounts.server";
import { type Actor, SYSTEM_ACTOR } from "../../app/services/audit.server";
import { setCartQuantity } from "../../app/services/cart.server";
import { recordPayment, submitPaymentReport } from "../../app/services/funds.server";
import { type OrderActionInput, type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { submitOrder } from "../../app/services/orders.server";
import { createReturn, performReturnAction, type ReturnActionInput } from "../../app/services/returns.server";
import type { DB } from "../../db/schema";
import { CookieJar, postLogin } from "../e2e/http";
import type { Caller, Fixture } from "./access-matrix";

export const PASSWORD = "Matrix-pass-2026";
const ACTOR: Actor = { ...SYSTEM_ACTOR, name: "security-suite" };
const ALL = new Set<Permission>(PERMISSIONS);
const ADMIN: OrderActor = { ...ACTOR, kind: "staff", grant: { permissions: ALL, regionIds: null } };
/** Unique per run: the e2e database outlives one file, and a rerun of a file must not collide. */
const RUN = randomBytes(3).toString("hex");

/** A small PNG of its own colour, so it is stored as an image of its own (images are deduplicated). */
export async function uniquePng(): Promise<Uint8Array> {
  const [r, g, b] = randomBytes(3);
  return sharp({ create: { width: 48, height: 48, channels: 3, background: { r: r!, g: g!, b: b! } } })
    .png()
    .toBuffer();
}

export async function makeRole(db: Kysely<DB>, name: string, permissions: readonly Permission[]): Promise<number> {
  const at = new Date().toISOString();
  const role = await db
    .insertInto("roles")
    .values({ name: `${name}-${RUN}`, created_at: at, updated_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (permissions.length)
    await db
      .insertInto("role_permissions")
      .values(permissions.map((permission_key) => ({ role_id: role.id, permission_key })))
      .execute();
  return role.id;
}

export async function makeStaff(
  db: Kysely<DB>,
  name: string,
  roleIds: number[],
  regionIds: number[] | null = null,
): Promise<{ id: number; username: string }> {
  const username = `${name}-${RUN}`.toLowerCase();
  const id = await createStaffAccount(
    db,
    ACTOR,
    { username, displayName: `矩阵 ${name}`, password: PASSWORD, roleIds, regionIds },
    new Date(),
  );
  return { id, username };
}

export async function signIn(baseUrl: string, username: string, password = PASSWORD): Promise<CookieJar> {
  const jar = new CookieJar();
  const res = await postLogin(baseUrl, username, password, jar);
  expect(res.status, `sign in as ${username}`).toBe(302);
  return jar;
}

/** Runs `work` over `items`, `limit` at a time, in order of completion. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

export interface SignedInCaller {
  label: string;
  caller: Caller;
  jar: CookieJar | null;
  /** The account's credentials (null: the anonymous), for an API token of its own. */
  login: { username: string; password: string } | null;
}

/**
 * The callers the matrix is driven over: for each of the 27 permissions a staff account whose
 * one role holds exactly it, one whose role holds none, three holding two roles each (their
 * rights must be exactly the union), the demo administrator, a customer and the anonymous.
 */
export async function makeCallers(
  db: Kysely<DB>,
  baseUrl: string,
  customerUsername: string,
  customerPassword: string,
): Promise<SignedInCaller[]> {
  const roleOf = new Map<Permission, number>();
  for (const p of PERMISSIONS) roleOf.set(p, await makeRole(db, `矩阵-${p}`, [p]));
  const empty = await makeRole(db, "矩阵-无权限", []);
  const staff: Array<{ label: string; name: string; roles: number[]; permissions: Permission[] }> = [
    ...PERMISSIONS.map((p) => ({
      label: `[${p}]`,
      name: `mx-${p.replace(/[._]/g, "-")}`,
      roles: [roleOf.get(p)!],
      permissions: [p],
    })),
    { label: "[no permission]", name: "mx-none", roles: [empty], permissions: [] },
  ];
  const unions: Array<[Permission, Permission]> = [
    ["order.view", "order.review"],
    ["funds.view", "funds.manage"],
    ["return.view", "return.inbound_review"],
  ];
  for (const [a, b] of unions)
    staff.push({
      label: `[${a}] + [${b}] (two roles)`,
      name: `mx-union-${a.split(".")[0]}`,
      roles: [roleOf.get(a)!, roleOf.get(b)!],
      permissions: [a, b],
    });
  const made = await pool(staff, 2, async (s) => ({ ...s, account: await makeStaff(db, s.name, s.roles) }));
  const callers: SignedInCaller[] = await pool(made, 3, async (s) => ({
    label: s.label,
    caller: { kind: "staff" as const, permissions: new Set(s.permissions) },
    jar: await signIn(baseUrl, s.account.username),
    login: { username: s.account.username, password: PASSWORD },
  }));
  callers.push(
    {
      label: "admin (系统管理员)",
      caller: { kind: "staff", permissions: ALL },
      jar: await signIn(baseUrl, "admin", "demo1234"),
      login: { username: "admin", password: "demo1234" },
    },
    {
      label: "customer",
      caller: { kind: "customer" },
      jar: await signIn(baseUrl, customerUsername, customerPassword),
      login: { username: customerUsername, password: customerPassword },
    },
    { label: "anonymous", caller: { kind: "anonymous" }, jar: null, login: null },
  );
  return callers;
}

// -----------------------------------------------------------------------------------------
// Documents at every step
// -----------------------------------------------------------------------------------------

export type OrderStatus =
  | "pending_order_review"
  | "pending_finance_review"
  | "pending_outbound_review"
  | "pending_shipment"
  | "pending_receipt"
  | "completed";

const ORDER_STEPS: OrderStatus[] = [
  "pending_order_review",
  "pending_finance_review",
  "pending_outbound_review",
  "pending_shipment",
  "pending_receipt",
  "completed",
];

export type ReturnStatus =
  | "pending_return_review"
  | "pending_return_shipment"
  | "pending_inbound_review"
  | "pending_refund_review"
  | "completed";

const RETURN_STEPS: ReturnStatus[] = [
  "pending_return_review",
  "pending_return_shipment",
  "pending_inbound_review",
  "pending_refund_review",
  "completed",
];

export interface Dealer {
  id: number;
  code: string;
  name: string;
  username: string;
  password: string;
  accountId: number;
  regionId: number;
}

/** The suites' own region and its dealers: `dealer` orders and files returns, `spare` may be disabled. */
export async function makeDealers(db: Kysely<DB>): Promise<{ regionId: number; dealer: Dealer; spare: Dealer }> {
  const at = new Date().toISOString();
  const region = await db
    .insertInto("regions")
    .values({ code: `mx${RUN}`, name: `矩阵测试区${RUN}`, created_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  const make = async (n: number, name: string): Promise<Dealer> => {
    const code = `MX${RUN}${n}`.toUpperCase();
    const username = `mx-dealer${n}-${RUN}`;
    const id = await createCustomer(
      db,
      ACTOR,
      {
        code,
        name,
        levelId: null,
        regionId: region.id,
        contactName: "矩阵联系人",
        phone: "13900000000",
        address: "测试省测试市矩阵路 1 号",
        username,
        password: PASSWORD,
      },
      new Date(),
    );
    const row = await db.selectFrom("customers").select("account_id").where("id", "=", id).executeTakeFirstOrThrow();
    return { id, code, name, username, password: PASSWORD, accountId: row.account_id, regionId: region.id };
  };
  const dealer = await make(1, `矩阵测试商贸有限公司${RUN}`);
  const spare = await make(2, `矩阵备用客户${RUN}`);
  const paid = await recordPayment(
    db,
    { ...ACTOR, grant: { permissions: ALL, regionIds: null } },
    {
      customerId: dealer.id,
      account: "prepaid",
      amount: 500_000_00,
      method: "bank",
      reference: `MX-${RUN}`,
      businessDate: at.slice(0, 10),
    },
    new Date(),
  );
  expect(paid.ok, "prepaid top-up for the matrix dealer").toBe(true);
  return { regionId: region.id, dealer, spare };
}

/** The SKU with the most stock in its poorest warehouse, in a valid quantity of at least 10. */
async function stockedSku(db: Kysely<DB>): Promise<{ code: string; quantity: number }> {
  const sku = await db
    .selectFrom("skus as s")
    .innerJoin("stock as st", "st.sku_id", "s.id")
    .select((eb) => ["s.code", "s.min_qty", "s.multiple", eb.fn.min("st.on_hand").as("least")])
    .where("s.listed", "=", 1)
    .groupBy(["s.id", "s.code", "s.min_qty", "s.multiple"])
    .orderBy("least", "desc")
    .executeTakeFirstOrThrow();
  const unit = sku.min_qty * sku.multiple;
  return { code: sku.code, quantity: unit * Math.ceil(10 / unit) };
}

async function versionOf(db: Kysely<DB>, table: "orders" | "returns", number: string): Promise<number> {
  const row = await db.selectFrom(table).select("version").where("number", "=", number).executeTakeFirstOrThrow();
  return row.version;
}

type WithoutVersion<T> = T extends unknown ? Omit<T, "version"> : never;

/** A new order of `dealer` moved by the administrator to `status`. */
export async function orderAt(db: Kysely<DB>, dealer: Dealer, status: OrderStatus): Promise<string> {
  const sku = await stockedSku(db);
  const placed = await submitOrder(
    db,
    { accountId: dealer.accountId, name: dealer.username, kind: "customer" },
    { customerId: dealer.id, idempotencyKey: randomUUID(), lines: [{ skuCode: sku.code, quantity: sku.quantity }] },
    new Date(),
  );
  if (!placed.ok) throw new Error(`order refused: ${JSON.stringify(placed)}`);
  const number = placed.order.number;
  const act = async (input: WithoutVersion<OrderActionInput>, actor: OrderActor = ADMIN) => {
    const result = await performOrderAction(
      db,
      actor,
      number,
      { ...input, version: await versionOf(db, "orders", number) } as OrderActionInput,
      new Date(),
    );
    if (!result.ok) throw new Error(`order ${number} stuck: ${JSON.stringify(result)}`);
  };
  for (const step of ORDER_STEPS.slice(0, ORDER_STEPS.indexOf(status))) {
    if (step === "pending_shipment") await act({ type: "approve", shipment: { selfPickup: true } });
    else if (step === "pending_receipt")
      await act(
        { type: "confirm_receipt" },
        { accountId: dealer.accountId, name: dealer.username, kind: "customer", customerId: dealer.id },
      );
    else await act({ type: "approve", payment: { method: "auto" } });
  }
  return number;
}

/** A new return of one unit of a completed order of `dealer`, with a photo, moved to `status`. */
export async function returnAt(
  db: Kysely<DB>,
  dealer: Dealer,
  status: ReturnStatus,
  orderNumber: string,
): Promise<string> {
  const line = await db
    .selectFrom("order_lines as l")
    .innerJoin("orders as o", "o.id", "l.order_id")
    .select("l.id")
    .where("o.number", "=", orderNumber)
    .executeTakeFirstOrThrow();
  const customer: OrderActor = {
    accountId: dealer.accountId,
    name: dealer.username,
    kind: "customer",
    customerId: dealer.id,
  };
  const created = await createReturn(
    db,
    customer,
    {
      orderNumber,
      idempotencyKey: randomUUID(),
      lines: [{ orderLineId: line.id, quantity: 1, reason: "quality" }],
      note: "矩阵测试退货",
      photos: [await uniquePng()],
    },
    new Date(),
  );
  if (!created.ok) throw new Error(`return refused: ${JSON.stringify(created)}`);
  const number = created.return.number;
  const act = async (input: WithoutVersion<ReturnActionInput>, actor: OrderActor = ADMIN) => {
    const result = await performReturnAction(
      db,
      actor,
      number,
      { ...input, version: await versionOf(db, "returns", number) } as ReturnActionInput,
      new Date(),
    );
    if (!result.ok) throw new Error(`return ${number} stuck: ${JSON.stringify(result)}`);
  };
  for (const step of RETURN_STEPS.slice(0, RETURN_STEPS.indexOf(status))) {
    if (step === "pending_return_shipment") await act({ type: "ship_back", shipment: { dropOff: true } }, customer);
    else await act({ type: "approve" });
  }
  return number;
}

/** A payment report (付款报备) of `dealer`, with a proof image of its own. */
export async function paymentReport(db: Kysely<DB>, dealer: Dealer): Promise<number> {
  const result = await submitPaymentReport(
    db,
    { accountId: dealer.accountId, name: dealer.username },
    dealer.id,
    {
      amount: 123_45,
      method: "bank",
      reference: `MXREF-${RUN}`,
      paidOn: new Date().toISOString().slice(0, 10),
      note: "矩阵测试报备",
      proof: await uniquePng(),
    },
    new Date(),
  );
  if (!result.ok) throw new Error(`payment report refused: ${JSON.stringify(result)}`);
  return result.reportId;
}

export interface Fixtures {
  regionId: number;
  dealer: Dealer;
  spare: Dealer;
  values: Record<Fixture, string>;
  /** The dealer's orders waiting at each step (left alone: denied requests must not move them). */
  orders: Record<OrderStatus, string>;
  /** A completed order returns are filed against. */
  returnable: string;
  returns: Record<Exclude<ReturnStatus, "completed">, string>;
}

export async function makeFixtures(db: Kysely<DB>): Promise<Fixtures> {
  const { regionId, dealer, spare } = await makeDealers(db);
  const orders = {} as Record<OrderStatus, string>;
  for (const status of ORDER_STEPS) orders[status] = await orderAt(db, dealer, status);
  // One big completed order to file every return against.
  const returnable = await orderAt(db, dealer, "completed");
  const returns = {} as Fixtures["returns"];
  for (const status of RETURN_STEPS.slice(0, -1) as Array<Exclude<ReturnStatus, "completed">>)
    returns[status] = await returnAt(db, dealer, status, returnable);
  const report = await paymentReport(db, dealer);
  // Something in the cart, so the checkout page shows instead of sending back to the cart.
  const sku = await db
    .selectFrom("skus")
    .select("id")
    .where("code", "=", (await stockedSku(db)).code)
    .executeTakeFirstOrThrow();
  await setCartQuantity(db, dealer.id, sku.id, (await stockedSku(db)).quantity, new Date());
  const product = await db
    .selectFrom("product_images as pi")
    .innerJoin("products as p", "p.id", "pi.product_id")
    .select(["p.id", "pi.image_id"])
    .where("p.listed", "=", 1)
    .orderBy("p.id")
    .executeTakeFirstOrThrow();
  const role = await makeRole(db, "矩阵-一次性角色", ["product.view"]);
  const staffAccount = await makeStaff(db, "mx-throwaway", [role]);
  const at = new Date().toISOString();
  const webhook = await db
    .insertInto("webhook_endpoints")
    .values({
      url: "https://hooks.example.com/mx",
      description: "矩阵测试",
      events_json: JSON.stringify(["order.submitted"]),
      active: 0,
      secret_ciphertext: "not-a-real-secret",
      secret_prefix: "whsec_mx",
      secret_rotated_at: at,
      created_by_name: "security-suite",
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return {
    regionId,
    dealer,
    spare,
    orders,
    returnable,
    returns,
    values: {
      customer: String(spare.id),
      product: String(product.id),
      productImage: String(product.image_id),
      order: orders.pending_order_review,
      shippedOrder: orders.pending_receipt,
      returnableOrder: returnable,
      paymentReport: String(report),
      return: returns.pending_return_review,
      staffAccount: String(staffAccount.id),
      role: String(role),
      webhook: String(webhook.id),
    },
  };
}

/** Fills `{fixture}` placeholders. */
export function fill(url: string, values: Record<string, string>): string {
  return url.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no fixture "${name}" for ${url}`);
    return encodeURIComponent(value);
  });
}

/** The single-fetch address of a page: `/admin/orders?x` → `/admin/orders.data?x`, `/` → `/_root.data`. */
export function dataUrl(url: string): string {
  const [path = "", query] = url.split("?");
  const base = path === "/" ? "/_root.data" : `${path.replace(/\/$/, "")}.data`;
  return query ? `${base}?${query}` : base;
}

// -----------------------------------------------------------------------------------------
// The HTTP API
// -----------------------------------------------------------------------------------------

/** A bearer token for an account, from POST /api/v1/auth/token (the endpoint every script starts with). */
export async function apiToken(baseUrl: string, username: string, password = PASSWORD): Promise<string> {
  const res = await fetch(new URL("/api/v1/auth/token", baseUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status, `API token for ${username}`).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

export interface ApiAnswer {
  status: number;
  body: string;
  json: any;
}

/** One API request: a bearer token (or none), a JSON body (or none). */
export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, body: text, json };
}

/** An order of `dealer` sent back (退回) at order review, for the customer's resubmit. */
export async function sentBackOrder(db: Kysely<DB>, dealer: Dealer): Promise<string> {
  const number = await orderAt(db, dealer, "pending_order_review");
  const result = await performOrderAction(
    db,
    ADMIN,
    number,
    { type: "send_back", reason: "矩阵测试", version: await versionOf(db, "orders", number) },
    new Date(),
  );
  if (!result.ok) throw new Error(`order ${number} not sent back: ${JSON.stringify(result)}`);
  return number;
}
