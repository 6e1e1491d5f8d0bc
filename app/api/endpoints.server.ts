import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import type { BusinessSettings } from "../domain/settings";
import { authenticateCredentials } from "../services/accounts.server";
import { recordAudit, SYSTEM_ACTOR } from "../services/audit.server";
import {
  creditRebate,
  type FundsActionResult,
  getCustomerFunds,
  listLedger,
  localDay,
  recordPayment,
} from "../services/funds.server";
import { decodeCursor, encodeCursor } from "../services/keyset.server";
import { type AmendResult, amendOrder, listOrdersForStaff } from "../services/order-admin.server";
import { type OrderActionInput, type OrderActionResult, performOrderAction } from "../services/order-pipeline.server";
import { getOrder, listCustomerOrders, type SubmitOrderResult, submitOrder } from "../services/orders.server";
import {
  type CreateReturnResult,
  createReturn,
  getReturn,
  listReturns,
  performReturnAction,
  type ReturnActionInput,
  type ReturnActionResult,
  returnableLines,
} from "../services/returns.server";
import type { Viewer } from "../services/sessions.server";
import { getSettings, updateSettings } from "../services/settings.server";
import { clearAccountThrottle, loginRetryAfterSeconds, recordLoginFailure } from "../services/throttle.server";
import {
  auditActor,
  cursorId,
  forbidden,
  idCursor,
  invalidCursor,
  pipelineActor,
  requireReader,
  requireStaffPermission,
  scopeOf,
  viewerOf,
  visibleCustomer,
  warehouseIdOf,
} from "./access.server";
import { listSkusForApi } from "./catalog.server";
import { defineEndpoint, type Endpoint } from "./endpoint";
import { withIdempotency } from "./idempotency.server";
import { buildOpenApiDocument } from "./openapi";
import { presentOrder, presentReturn, presentReturnSummary } from "./present.server";
import { ApiProblem, type FieldError, notFound } from "./problem";
import {
  CreateReturnSchema,
  FundsSchema,
  LedgerEntrySchema,
  LedgerPageSchema,
  LedgerQuerySchema,
  MeSchema,
  NoQuerySchema,
  OrderActionSchema,
  OrderPageSchema,
  OrderQuerySchema,
  OrderSchema,
  PaymentSchema,
  ProductPageSchema,
  ProductQuerySchema,
  ReturnActionSchema,
  ReturnPageSchema,
  ReturnQuerySchema,
  ReturnSchema,
  SubmitOrderSchema,
  TokenRequestSchema,
  TokenSchema,
  WorkflowSchema,
} from "./schemas";
import { issueSessionToken, revokeOwnToken } from "./tokens.server";

/**
 * The API's endpoints (API.md). Each handler is thin: check who may call, translate the
 * request to the service the UI calls, and the service's answer to the contract's shapes and
 * error codes. Permissions, region scope, customer isolation, idempotency and versions are the
 * services' own rules — the same ones the console and storefront obey.
 */

const DEFAULT_LIMIT = 50;

// ---------------------------------------------------------------------------------------------
// Orders: shared pieces
// ---------------------------------------------------------------------------------------------

async function loadOrder(db: Kysely<DB>, viewer: Viewer, number: string) {
  const order = await getOrder(
    db,
    number,
    viewer.kind === "customer" ? { customerId: viewer.customer.id } : { regionIds: viewer.grant.regionIds },
  );
  if (!order) throw notFound("The order");
  return presentOrder(db, order, viewer);
}

/** Goods, freight, discount and payable of each listed order, in one query. */
async function totalsOf(db: Kysely<DB>, numbers: string[]) {
  if (!numbers.length) return new Map<string, { goods: number; freight: number; discount: number; payable: number }>();
  const rows = await db
    .selectFrom("orders")
    .select(["number", "goods_amount", "freight", "discount", "payable"])
    .where("number", "in", numbers)
    .execute();
  return new Map(
    rows.map((r) => [
      r.number,
      {
        goods: Number(r.goods_amount),
        freight: Number(r.freight),
        discount: Number(r.discount),
        payable: Number(r.payable),
      },
    ]),
  );
}

const LINE_PROBLEM_CODE: Record<string, string> = {
  unknown_sku: "unknown_sku",
  unlisted: "unlisted",
  short_stock: "insufficient_stock",
  not_integer: "invalid_quantity",
  below_min: "invalid_quantity",
  above_max: "invalid_quantity",
  not_multiple: "invalid_quantity",
};

function submitProblem(result: Extract<SubmitOrderResult, { ok: false }>): ApiProblem {
  switch (result.error) {
    case "idempotency_key_reused":
      return new ApiProblem(409, "idempotency_key_reused", "This idempotency key was used with another order.");
    case "address_not_found":
      return new ApiProblem(422, "address_not_found", "The address is not one of the customer's addresses.", {
        errors: [{ path: "/addressId", message: "unknown address" }],
      });
    case "customer_inactive":
      return new ApiProblem(422, "customer_inactive", "The customer is disabled and cannot order.");
    case "no_lines":
      return new ApiProblem(422, "no_lines", "An order needs at least one line.");
    case "invalid_lines": {
      const bad = result.lines.map((l, index) => ({ index, line: l })).filter((x) => x.line.problem);
      const first = bad[0]!.line.problem!;
      const errors: FieldError[] = bad.map(({ index, line }) => ({
        path: `/lines/${index}/${line.problem!.code === "unknown_sku" || line.problem!.code === "unlisted" ? "skuCode" : "quantity"}`,
        message: line.problem!.code,
      }));
      return new ApiProblem(
        422,
        LINE_PROBLEM_CODE[first.code] ?? "invalid_lines",
        "Some lines cannot be ordered as they are; see `errors` and `lines`.",
        {
          errors,
          lines: bad.map(({ index, line }) => ({ index, skuCode: line.input.skuCode, ...line.problem })),
        },
      );
    }
  }
}

type SharedActionError =
  | { code: "not_found" }
  | { code: "not_permitted" }
  | { code: "already_handled"; status: string; by: string | null; at: string | null }
  | { code: "stale_version"; status: string; version: number }
  | { code: "reason_required" };

/** The refusals the order and return pipelines share, worded the same for both. */
function sharedActionProblem(noun: "order" | "return", result: SharedActionError): ApiProblem {
  const The = noun === "order" ? "The order" : "The return";
  switch (result.code) {
    case "not_found":
      return notFound(The);
    case "not_permitted":
      return new ApiProblem(403, "forbidden", `You may not take this action on this ${noun} at its current step.`);
    case "already_handled":
      return new ApiProblem(
        409,
        "already_handled",
        result.by
          ? `${The} was already handled by ${result.by} at ${result.at}; it is now ${result.status}.`
          : `${The} is ${result.status}; this action does not apply any more.`,
        { currentStatus: result.status, by: result.by, at: result.at },
      );
    case "stale_version":
      return new ApiProblem(
        409,
        "stale_version",
        `${The} changed since the version you sent; it is now version ${result.version} (${result.status}).`,
        { currentStatus: result.status, currentVersion: result.version },
      );
    case "reason_required":
      return new ApiProblem(422, "reason_required", "This action needs a reason.", {
        errors: [{ path: "/reason", message: "required" }],
      });
  }
}

function orderActionProblem(result: Extract<OrderActionResult, { ok: false }>): ApiProblem {
  switch (result.code) {
    case "not_found":
    case "not_permitted":
    case "already_handled":
    case "stale_version":
    case "reason_required":
      return sharedActionProblem("order", result);
    case "shipment_required":
      return new ApiProblem(422, "shipment_required", "Shipment confirmation needs a carrier and tracking number.", {
        errors: [{ path: "/shipment", message: "required" }],
      });
    case "insufficient_stock":
      return new ApiProblem(422, "insufficient_stock", `Not enough stock of ${result.skuCode}.`, {
        skuCode: result.skuCode,
        available: result.available,
      });
    case "insufficient_funds":
      return new ApiProblem(
        422,
        "insufficient_funds",
        `The customer can spend ${result.available} fen; the order needs ${result.payable}.`,
        { available: result.available, payable: result.payable },
      );
    case "step_disabled":
      return new ApiProblem(422, "step_disabled", "This step is switched off.");
  }
}

function amendProblem(result: Extract<AmendResult, { ok: false }>): ApiProblem {
  switch (result.code) {
    case "not_found":
      return notFound("The order");
    case "not_permitted":
      return forbidden("order.review");
    case "wrong_status":
      return new ApiProblem(409, "already_handled", "Only an order waiting at order review can be amended.");
    case "stale_version":
      return new ApiProblem(409, "stale_version", "The order changed since the version you sent.");
    case "reason_required":
      return new ApiProblem(422, "reason_required", "An amendment needs a reason.", {
        errors: [{ path: "/reason", message: "required" }],
      });
    case "invalid_amounts":
      return new ApiProblem(422, "invalid_amounts", "Quantities and amounts must leave a positive order.");
    case "no_change":
      return new ApiProblem(422, "no_change", "The amendment changes nothing.");
  }
}

// ---------------------------------------------------------------------------------------------
// Returns: shared pieces
// ---------------------------------------------------------------------------------------------

function createReturnProblem(result: Extract<CreateReturnResult, { ok: false }>): ApiProblem {
  switch (result.error) {
    case "not_found":
      return notFound("The order");
    case "not_permitted":
      return forbidden("return.create");
    case "not_returnable":
      return new ApiProblem(422, "not_returnable", "Only a shipped order can be returned.");
    case "no_lines":
      return new ApiProblem(422, "no_lines", "A return needs at least one line.");
    case "idempotency_key_reused":
      return new ApiProblem(409, "idempotency_key_reused", "This idempotency key was used with another return.");
    case "note_required":
      return new ApiProblem(422, "note_required", "A line with the reason `other` needs a note.");
    case "exceeds_returnable":
      return new ApiProblem(
        422,
        "invalid_quantity",
        `At most ${result.returnable} units of that line can still be returned.`,
        { returnable: result.returnable },
      );
    case "invalid_line":
      return new ApiProblem(422, "invalid_quantity", "A line's quantity is not valid.");
    case "too_many_photos":
    case "photo":
      return new ApiProblem(422, "invalid_photo", "The photos cannot be accepted.");
  }
}

function returnActionProblem(result: Extract<ReturnActionResult, { ok: false }>): ApiProblem {
  switch (result.code) {
    case "not_found":
    case "not_permitted":
    case "already_handled":
    case "stale_version":
    case "reason_required":
      return sharedActionProblem("return", result);
    case "shipment_required":
      return new ApiProblem(
        422,
        "shipment_required",
        "Shipping back needs a carrier and tracking number, or drop-off.",
        {
          errors: [{ path: "/shipment", message: "required" }],
        },
      );
    case "invalid_quantity":
      return new ApiProblem(422, "invalid_quantity", "A line's quantity is not valid for this step.");
    case "warehouse_required":
      return new ApiProblem(422, "warehouse_required", "Name the warehouse the goods come back into.", {
        errors: [{ path: "/warehouseCode", message: "required" }],
      });
    case "exceeds_paid":
      return new ApiProblem(422, "exceeds_paid", `At most ${result.refundable} fen can be refunded.`, {
        refundable: result.refundable,
      });
  }
}

// ---------------------------------------------------------------------------------------------
// Funds: shared pieces
// ---------------------------------------------------------------------------------------------

function fundsProblem(result: Exclude<FundsActionResult, { ok: true }>): ApiProblem {
  switch (result.error) {
    case "not_found":
      return notFound("The customer");
    case "future_date":
      return new ApiProblem(422, "future_date", "The business date is in the future.", {
        errors: [{ path: "/businessDate", message: "in the future" }],
      });
    case "below_zero":
      return new ApiProblem(422, "insufficient_funds", `The ${result.account} balance would drop below zero.`);
    case "over_credit_limit":
      return new ApiProblem(422, "over_credit_limit", "The movement would exceed the credit limit.");
  }
}

function ledgerItem(e: NonNullable<Awaited<ReturnType<typeof listLedger>>>["items"][number]) {
  return {
    id: e.id,
    account: e.account,
    kind: e.kind,
    amount: e.amount,
    balanceAfter: e.balanceAfter,
    method: e.method,
    reference: e.reference,
    reason: e.reason,
    businessDate: e.businessDate,
    reversalOf: e.reversalOf,
    actor: e.actorName,
    at: e.createdAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Settings: shared pieces
// ---------------------------------------------------------------------------------------------

const presentWorkflow = (s: BusinessSettings) => ({
  orders: s.orderSteps,
  returns: s.returnSteps,
  autoReceiptDays: s.autoReceiptDays,
  allowOverselling: s.allowOverselling,
  stockDisplay: s.stockDisplay,
});

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const tokenEndpoint = defineEndpoint({
  method: "POST",
  path: "/auth/token",
  operationId: "createToken",
  tag: "auth",
  summary: "Exchange a username and password for a bearer token",
  description:
    "Throttled like the login page: after repeated failures per account and per address the answer is 429 with Retry-After. Tokens expire after 12 hours.",
  auth: "none",
  access: "Anyone with an active account.",
  body: TokenRequestSchema,
  success: { status: 201, schema: TokenSchema, description: "A new token." },
  errors: [
    { status: 401, codes: ["invalid_credentials"] },
    { status: 429, codes: ["throttled"] },
  ],
  async handler({ db, body, ip, requestId, now }) {
    const keys = { username: body.username, ip };
    const throttled = (seconds: number) =>
      new ApiProblem(
        429,
        "throttled",
        `Too many failed sign-ins; try again in ${seconds} seconds.`,
        { retryAfter: seconds },
        { "Retry-After": String(seconds) },
      );
    const wait = await loginRetryAfterSeconds(db, keys, now);
    if (wait > 0) throw throttled(wait);
    const account = await authenticateCredentials(db, body.username, body.password);
    if (!account) {
      await recordLoginFailure(db, keys, now);
      await recordAudit(
        db,
        { ...SYSTEM_ACTOR, name: body.username.trim().slice(0, 64), requestId, ip },
        { action: "auth.login_failed", objectType: "account", after: { via: "api" } },
        now,
      );
      const waitNow = await loginRetryAfterSeconds(db, keys, now);
      if (waitNow > 0) throw throttled(waitNow);
      throw new ApiProblem(401, "invalid_credentials", "The username or password is incorrect.");
    }
    await clearAccountThrottle(db, account.username);
    const issued = await issueSessionToken(db, account, { ip, requestId }, now);
    return { status: 201, body: { token: issued.token, accountType: account.kind, expiresAt: issued.expiresAt } };
  },
});

const revokeTokenEndpoint = defineEndpoint({
  method: "DELETE",
  path: "/auth/token",
  operationId: "revokeToken",
  tag: "auth",
  summary: "Revoke the bearer token this request carries",
  description: "The token stops working at once. Integration tokens can also be revoked in the console.",
  auth: "token",
  access: "Any bearer token.",
  success: { status: 204, description: "Revoked." },
  errors: [{ status: 400, codes: ["bearer_required"] }],
  async handler(ctx) {
    const viewer = viewerOf(ctx);
    if (ctx.tokenId === null)
      throw new ApiProblem(400, "bearer_required", "Only a request with a bearer token can revoke its token.");
    await revokeOwnToken(ctx.db, ctx.tokenId, auditActor(viewer, ctx), ctx.now);
    return { status: 204 };
  },
});

const meEndpoint = defineEndpoint({
  method: "GET",
  path: "/me",
  operationId: "getMe",
  tag: "auth",
  summary: "The account behind the token",
  auth: "token",
  access: "Any account.",
  query: NoQuerySchema,
  success: { status: 200, schema: MeSchema, description: "The account." },
  errors: [],
  async handler(ctx) {
    const viewer = viewerOf(ctx);
    const base = { username: viewer.username, displayName: viewer.displayName };
    if (viewer.kind === "customer")
      return {
        status: 200,
        body: {
          accountType: "customer",
          ...base,
          customer: { code: viewer.customer.code, name: viewer.customer.name },
          permissions: [],
        },
      };
    return {
      status: 200,
      body: {
        accountType: "staff",
        ...base,
        permissions: [...viewer.grant.permissions].sort(),
        regions: viewer.grant.regionIds,
      },
    };
  },
});

const productsEndpoint = defineEndpoint({
  method: "GET",
  path: "/products",
  operationId: "listProducts",
  tag: "catalog",
  summary: "SKUs with prices and stock",
  description:
    "One item per SKU, in catalog order (oldest SKU first). For a customer: listed SKUs at its own price, stock as the stock display setting allows. For staff: every SKU at the base price, with stock.",
  auth: "token",
  access: "Customers; staff with product.view.",
  query: ProductQuerySchema,
  success: { status: 200, schema: ProductPageSchema, description: "A page of SKUs." },
  errors: [{ status: 403, codes: ["forbidden"] }],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "product.view");
    const audience =
      viewer.kind === "customer"
        ? {
            kind: "customer" as const,
            customerId: viewer.customer.id,
            stockDisplay: (await getSettings(ctx.db)).stockDisplay,
          }
        : { kind: "staff" as const };
    const page = await listSkusForApi(ctx.db, audience, {
      q: ctx.query.q,
      categoryId: ctx.query.category,
      afterSkuId: cursorId(ctx.query.cursor),
      limit: ctx.query.limit ?? DEFAULT_LIMIT,
    });
    return { status: 200, body: { items: page.items, nextCursor: idCursor(page.lastSkuId) } };
  },
});

const submitOrderEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders",
  operationId: "submitOrder",
  tag: "orders",
  summary: "Submit an order",
  description:
    "Prices are the server's, never the client's. Replaying the same idempotency key and body answers 200 with the first order; the same key with another body is 409 idempotency_key_reused.",
  auth: "token",
  access: "Customers (for themselves); staff with order.create, naming customerCode.",
  body: SubmitOrderSchema,
  success: { status: 201, schema: OrderSchema, description: "The new order (200 on an idempotent replay)." },
  errors: [
    { status: 400, codes: ["validation_failed"] },
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
    { status: 409, codes: ["idempotency_key_reused"] },
    {
      status: 422,
      codes: [
        "invalid_quantity",
        "insufficient_stock",
        "unknown_sku",
        "unlisted",
        "address_not_found",
        "customer_inactive",
      ],
    },
  ],
  async handler(ctx) {
    const viewer = viewerOf(ctx);
    const { body } = ctx;
    let customerId: number;
    if (viewer.kind === "customer") {
      if (body.customerCode !== undefined && body.customerCode !== viewer.customer.code) throw notFound("The customer");
      customerId = viewer.customer.id;
    } else {
      requireStaffPermission(viewer, "order.create");
      if (!body.customerCode)
        throw new ApiProblem(400, "validation_failed", "Staff ordering on a customer's behalf name its customerCode.", {
          errors: [{ path: "/customerCode", message: "required for staff" }],
        });
      customerId = (await visibleCustomer(ctx.db, viewer, body.customerCode)).id;
    }
    const result = await submitOrder(
      ctx.db,
      { ...auditActor(viewer, ctx), kind: viewer.kind },
      {
        customerId,
        idempotencyKey: body.idempotencyKey,
        lines: body.lines,
        addressId: body.addressId ?? null,
        requestedDeliveryDate: body.requestedDeliveryDate ?? null,
        remark: body.remark,
        contractNo: body.contractNo,
      },
      ctx.now,
    );
    if (!result.ok) throw submitProblem(result);
    // The new order as written: nothing to read back (issue 9).
    const order = result.detail
      ? await presentOrder(ctx.db, result.detail, viewer, "new")
      : await loadOrder(ctx.db, viewer, result.order.number);
    return { status: result.replayed ? 200 : 201, body: order };
  },
});

const listOrdersEndpoint = defineEndpoint({
  method: "GET",
  path: "/orders",
  operationId: "listOrders",
  tag: "orders",
  summary: "Orders, newest first",
  auth: "token",
  access: "Customers (their own); staff with order.view (their regions).",
  query: OrderQuerySchema,
  success: { status: 200, schema: OrderPageSchema, description: "A page of order summaries." },
  errors: [
    { status: 400, codes: ["validation_failed", "invalid_cursor"] },
    { status: 403, codes: ["forbidden"] },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "order.view");
    const { query, db } = ctx;
    const limit = query.limit ?? DEFAULT_LIMIT;
    let rows: Array<{ number: string; status: string; version: number; createdAt: string; customer: any }> = [];
    let nextCursor: string | null = null;
    if (viewer.kind === "customer") {
      if (query.customerCode === undefined || query.customerCode === viewer.customer.code) {
        const page = await listCustomerOrders(db, viewer.customer.id, {
          status: query.status,
          before: cursorId(query.cursor),
          limit,
        });
        const customer = { code: viewer.customer.code, name: viewer.customer.name };
        rows = page.items.map((o) => ({ ...o, customer }));
        nextCursor = idCursor(page.nextCursor);
      }
    } else {
      // The console's list filters customers by "contains"; the API's customerCode is exact.
      if (query.cursor && !decodeCursor(query.cursor, ["string", "number"])) throw invalidCursor();
      const code = query.customerCode;
      let cursor = query.cursor;
      for (;;) {
        const page = await listOrdersForStaff(db, viewer.grant, {
          status: query.status,
          customer: code,
          sort: "-created",
          cursor,
          limit,
        });
        let stoppedEarly = false;
        for (const o of page.items) {
          if (code !== undefined && o.customerCode !== code) continue;
          rows.push({ ...o, customer: { code: o.customerCode, name: o.customerName } });
          if (rows.length === limit) {
            stoppedEarly = o !== page.items[page.items.length - 1];
            break;
          }
        }
        const last = rows[rows.length - 1];
        if (rows.length === limit) {
          nextCursor =
            stoppedEarly || page.nextCursor
              ? encodeCursor([last!.createdAt, (page.items.find((o) => o.number === last!.number) ?? { id: 0 }).id])
              : null;
          break;
        }
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
    }
    const totals = await totalsOf(
      db,
      rows.map((r) => r.number),
    );
    return {
      status: 200,
      body: {
        items: rows.map((r) => ({
          number: r.number,
          status: r.status,
          version: r.version,
          customer: r.customer,
          totals: totals.get(r.number)!,
          createdAt: r.createdAt,
        })),
        nextCursor,
      },
    };
  },
});

const getOrderEndpoint = defineEndpoint({
  method: "GET",
  path: "/orders/{number}",
  operationId: "getOrder",
  tag: "orders",
  summary: "One order with lines, totals, payment, shipment, timeline and change slips",
  auth: "token",
  access: "The order's customer; staff with order.view in its region.",
  query: NoQuerySchema,
  success: { status: 200, schema: OrderSchema, description: "The order." },
  errors: [
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "order.view");
    return { status: 200, body: await loadOrder(ctx.db, viewer, ctx.params.number!) };
  },
});

const orderActionEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{number}/actions",
  operationId: "actOnOrder",
  tag: "orders",
  summary: "Move an order: approve the current step, send back, void, cancel, resubmit, confirm receipt, amend",
  description:
    "`version` must be the order's current version: a change in between answers 409 (stale_version, or already_handled naming who handled it). `approve` acts on the step the order waits at and needs that step's permission: order.review, order.finance_review (may add `payment`), order.outbound_review, order.ship (adds `shipment`). `cancel` and `resubmit` are the customer's; `confirm_receipt` the customer's or staff with order.confirm_receipt; `send_back` (order.review) and `void` (order.void) need a reason; `amend` (order.review, at order review) changes lines, freight and discount with a reason.",
  auth: "token",
  access: "As the step requires; staff also need order.view.",
  body: OrderActionSchema,
  success: { status: 200, schema: OrderSchema, description: "The order after the action." },
  errors: [
    { status: 400, codes: ["validation_failed"] },
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
    { status: 409, codes: ["stale_version", "already_handled"] },
    {
      status: 422,
      codes: [
        "insufficient_funds",
        "insufficient_stock",
        "reason_required",
        "shipment_required",
        "step_disabled",
        "unknown_sku",
        "unknown_warehouse",
        "invalid_amounts",
        "no_change",
      ],
    },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "order.view");
    const { body, db, now } = ctx;
    const number = ctx.params.number!;
    if (body.action === "amend") {
      const staff = requireStaffPermission(viewer, "order.review");
      const order = await getOrder(db, number, { regionIds: staff.grant.regionIds });
      if (!order) throw notFound("The order");
      const lines = body.lines.map((l, i) => {
        const line = order.lines.find((o) => o.skuCode === l.skuCode);
        if (!line)
          throw new ApiProblem(422, "unknown_sku", `The order has no line of ${l.skuCode}.`, {
            errors: [{ path: `/lines/${i}/skuCode`, message: "not on this order" }],
          });
        return { skuId: line.skuId, quantity: l.quantity, unitPrice: l.unitPrice ?? line.unitPrice };
      });
      const result = await amendOrder(
        db,
        { ...auditActor(staff, ctx), grant: staff.grant },
        number,
        {
          version: body.version,
          lines,
          freight: body.freight ?? order.totals.freight,
          discount: body.discount ?? order.totals.discount,
          reason: body.reason,
        },
        now,
      );
      if (!result.ok) throw amendProblem(result);
      return { status: 200, body: await loadOrder(db, viewer, number) };
    }
    let input: OrderActionInput;
    switch (body.action) {
      case "approve":
        input = {
          type: "approve",
          version: body.version,
          note: body.note,
          warehouseId: await warehouseIdOf(db, body.warehouseCode),
          payment: body.payment ?? { method: "auto" },
          shipment: body.shipment,
        };
        break;
      case "send_back":
      case "void":
        input = { type: body.action, version: body.version, reason: (body.reason ?? body.note ?? "").trim() };
        break;
      case "cancel":
        input = { type: "cancel", version: body.version };
        break;
      case "resubmit":
      case "confirm_receipt":
        input = { type: body.action, version: body.version, note: body.note };
        break;
    }
    const result = await performOrderAction(db, pipelineActor(viewer, ctx), number, input, now);
    if (!result.ok) throw orderActionProblem(result);
    return { status: 200, body: await loadOrder(db, viewer, number) };
  },
});

const createReturnEndpoint = defineEndpoint({
  method: "POST",
  path: "/returns",
  operationId: "createReturn",
  tag: "returns",
  summary: "Start a return of a shipped order",
  description:
    "Each line names a SKU of the order, a quantity within what was shipped and not yet returned, and a reason. Replaying the same idempotency key and body answers 200 with the first return.",
  auth: "token",
  access: "The order's customer; staff with return.create in its region.",
  body: CreateReturnSchema,
  success: { status: 201, schema: ReturnSchema, description: "The new return (200 on an idempotent replay)." },
  errors: [
    { status: 400, codes: ["validation_failed"] },
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
    { status: 409, codes: ["idempotency_key_reused"] },
    { status: 422, codes: ["invalid_quantity", "not_returnable", "note_required", "unknown_sku"] },
  ],
  async handler(ctx) {
    const viewer = viewerOf(ctx);
    if (viewer.kind === "staff") requireStaffPermission(viewer, "return.create");
    const { body, db } = ctx;
    const scope = scopeOf(viewer);
    const order = await returnableLines(db, scope, body.orderNumber);
    if (!order) throw notFound("The order");
    // Each SKU's units go to the order's lines of that SKU in turn (an order rarely repeats a SKU).
    const left = new Map(order.lines.map((l) => [l.orderLineId, l.returnable]));
    const lines = body.lines.map((l, i) => {
      const candidates = order.lines.filter((o) => o.skuCode === l.skuCode);
      if (!candidates.length)
        throw new ApiProblem(422, "unknown_sku", `The order has no line of ${l.skuCode}.`, {
          errors: [{ path: `/lines/${i}/skuCode`, message: "not on this order" }],
        });
      const line = candidates.find((c) => (left.get(c.orderLineId) ?? 0) >= l.quantity) ?? candidates[0]!;
      left.set(line.orderLineId, (left.get(line.orderLineId) ?? 0) - l.quantity);
      return { orderLineId: line.orderLineId, quantity: l.quantity, reason: l.reason, note: l.note };
    });
    const result = await createReturn(
      db,
      pipelineActor(viewer, ctx),
      { orderNumber: body.orderNumber, idempotencyKey: body.idempotencyKey, lines, note: body.note },
      ctx.now,
    );
    if (!result.ok) throw createReturnProblem(result);
    const detail = await getReturn(db, scope, result.return.number);
    return { status: result.replayed ? 200 : 201, body: presentReturn(detail!) };
  },
});

const listReturnsEndpoint = defineEndpoint({
  method: "GET",
  path: "/returns",
  operationId: "listReturns",
  tag: "returns",
  summary: "Returns, newest first",
  auth: "token",
  access: "Customers (their own); staff with return.view (their regions).",
  query: ReturnQuerySchema,
  success: { status: 200, schema: ReturnPageSchema, description: "A page of return summaries." },
  errors: [
    { status: 400, codes: ["validation_failed", "invalid_cursor"] },
    { status: 403, codes: ["forbidden"] },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "return.view");
    const { query, db } = ctx;
    let customerId: number | undefined;
    if (query.customerCode !== undefined) {
      const found = await visibleCustomer(db, viewer, query.customerCode).catch(() => null);
      if (!found) return { status: 200, body: { items: [], nextCursor: null } };
      customerId = found.id;
    }
    const page = await listReturns(db, scopeOf(viewer), {
      status: query.status,
      orderNumber: query.orderNumber,
      customerId,
      before: cursorId(query.cursor),
      limit: query.limit ?? DEFAULT_LIMIT,
    });
    return {
      status: 200,
      body: { items: page.items.map(presentReturnSummary), nextCursor: idCursor(page.nextCursor) },
    };
  },
});

const getReturnEndpoint = defineEndpoint({
  method: "GET",
  path: "/returns/{number}",
  operationId: "getReturn",
  tag: "returns",
  summary: "One return with lines and timeline",
  auth: "token",
  access: "The return's customer; staff with return.view in its region.",
  query: NoQuerySchema,
  success: { status: 200, schema: ReturnSchema, description: "The return." },
  errors: [
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "return.view");
    const detail = await getReturn(ctx.db, scopeOf(viewer), ctx.params.number!);
    if (!detail) throw notFound("The return");
    return { status: 200, body: presentReturn(detail) };
  },
});

const returnActionEndpoint = defineEndpoint({
  method: "POST",
  path: "/returns/{number}/actions",
  operationId: "actOnReturn",
  tag: "returns",
  summary: "Move a return: approve the current step, reject, cancel",
  description:
    "`approve` acts on the step the return waits at: return review (return.review; `lines` with approvedQuantity), ship back (the customer or staff with return.create; `shipment`), inbound review (return.inbound_review; `lines` with receivedQuantity and disposition, `warehouseCode`), refund review (return.refund_review; optional `refund`). `reject` (return.review) needs a reason; `cancel` is the customer's while nothing has been approved.",
  auth: "token",
  access: "As the step requires; staff also need return.view.",
  body: ReturnActionSchema,
  success: { status: 200, schema: ReturnSchema, description: "The return after the action." },
  errors: [
    { status: 400, codes: ["validation_failed"] },
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
    { status: 409, codes: ["stale_version", "already_handled"] },
    {
      status: 422,
      codes: [
        "invalid_quantity",
        "reason_required",
        "shipment_required",
        "warehouse_required",
        "exceeds_paid",
        "unknown_sku",
        "unknown_warehouse",
      ],
    },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "return.view");
    const { body, db, now } = ctx;
    const scope = scopeOf(viewer);
    const current = await getReturn(db, scope, ctx.params.number!);
    if (!current) throw notFound("The return");
    const lineId = (skuCode: string, i: number) => {
      const line = current.lines.find((l) => l.skuCode === skuCode);
      if (!line)
        throw new ApiProblem(422, "unknown_sku", `The return has no line of ${skuCode}.`, {
          errors: [{ path: `/lines/${i}/skuCode`, message: "not on this return" }],
        });
      return line.id;
    };
    const missing = (path: string) =>
      new ApiProblem(400, "validation_failed", "A line is missing a field this step needs.", {
        errors: [{ path, message: "required at this step" }],
      });
    let input: ReturnActionInput;
    if (body.action === "approve") {
      if (current.status === "pending_return_shipment") {
        input = {
          type: "ship_back",
          version: body.version,
          note: body.note,
          shipment: body.shipment ?? { carrier: "", trackingNo: "" },
        };
      } else {
        const lines = body.lines ?? [];
        input = {
          type: "approve",
          version: body.version,
          note: body.note,
          warehouseId: await warehouseIdOf(db, body.warehouseCode),
          refund: body.refund,
          ...(current.status === "pending_return_review"
            ? {
                approvals: lines.map((l, i) => {
                  if (l.approvedQuantity === undefined) throw missing(`/lines/${i}/approvedQuantity`);
                  return { lineId: lineId(l.skuCode, i), quantity: l.approvedQuantity };
                }),
              }
            : {}),
          ...(current.status === "pending_inbound_review"
            ? {
                receipts: lines.map((l, i) => {
                  if (l.receivedQuantity === undefined) throw missing(`/lines/${i}/receivedQuantity`);
                  return {
                    lineId: lineId(l.skuCode, i),
                    quantity: l.receivedQuantity,
                    disposition: l.disposition ?? "restock",
                  };
                }),
              }
            : {}),
        };
      }
    } else if (body.action === "reject") {
      input = { type: "reject", version: body.version, reason: (body.reason ?? body.note ?? "").trim() };
    } else {
      input = { type: "cancel", version: body.version };
    }
    const result = await performReturnAction(db, pipelineActor(viewer, ctx), current.number, input, now);
    if (!result.ok) throw returnActionProblem(result);
    const detail = await getReturn(db, scope, current.number);
    return { status: 200, body: presentReturn(detail!) };
  },
});

const fundsEndpoint = defineEndpoint({
  method: "GET",
  path: "/customers/{code}/funds",
  operationId: "getFunds",
  tag: "funds",
  summary: "A customer's balances and what it can spend",
  auth: "token",
  access: "The customer itself; staff with funds.view in its region.",
  query: NoQuerySchema,
  success: { status: 200, schema: FundsSchema, description: "The balances (fen)." },
  errors: [
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "funds.view");
    const customer = await visibleCustomer(ctx.db, viewer, ctx.params.code!);
    const funds = await getCustomerFunds(ctx.db, scopeOf(viewer), customer.id);
    if (!funds) throw notFound("The customer");
    const b = funds.balances;
    return {
      status: 200,
      body: {
        prepaid: b.prepaid,
        rebate: b.rebate,
        deposit: b.deposit,
        creditLimit: b.creditLimit,
        receivable: b.receivable,
        availableToSpend: funds.available,
      },
    };
  },
});

const paymentEndpoint = defineEndpoint({
  method: "POST",
  path: "/customers/{code}/payments",
  operationId: "recordPayment",
  tag: "funds",
  summary: "Record a payment received (收款确认) into prepaid or deposit, or credit a rebate",
  description:
    "Replaying the same idempotency key and body answers 200 with the first entry; the same key with another body is 409 idempotency_key_reused.",
  auth: "token",
  access: "Staff with funds.manage in the customer's region.",
  body: PaymentSchema,
  success: { status: 201, schema: LedgerEntrySchema, description: "The ledger entry written." },
  errors: [
    { status: 400, codes: ["validation_failed"] },
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
    { status: 409, codes: ["idempotency_key_reused", "request_in_progress"] },
    { status: 422, codes: ["future_date"] },
  ],
  async handler(ctx) {
    const staff = requireStaffPermission(viewerOf(ctx), "funds.manage");
    const { db, body, now } = ctx;
    const customer = await visibleCustomer(db, staff, ctx.params.code!);
    const actor = { ...auditActor(staff, ctx), grant: staff.grant };
    const { idempotencyKey, ...request } = body;
    const done = await withIdempotency(db, `payment:${customer.id}`, idempotencyKey, request, now, async () => {
      const businessDate = body.businessDate ?? localDay(now);
      const result =
        body.account === "rebate"
          ? await creditRebate(
              db,
              actor,
              {
                customerId: customer.id,
                amount: body.amount,
                reason: body.reason ?? body.reference,
                reference: body.reference,
                businessDate,
              },
              now,
            )
          : await recordPayment(
              db,
              actor,
              {
                customerId: customer.id,
                account: body.account,
                amount: body.amount,
                method: body.method,
                reference: body.reference,
                reason: body.reason,
                businessDate,
              },
              now,
            );
      if (!result.ok) throw fundsProblem(result);
      const entry = await listLedger(db, scopeOf(staff), customer.id, { entryId: result.entryId, limit: 1 });
      return { status: 201, body: ledgerItem(entry!.items[0]!) };
    });
    return { status: done.status, body: done.body };
  },
});

const ledgerEndpoint = defineEndpoint({
  method: "GET",
  path: "/customers/{code}/ledger",
  operationId: "listLedger",
  tag: "funds",
  summary: "A customer's ledger entries, newest first",
  auth: "token",
  access: "The customer itself; staff with funds.view in its region.",
  query: LedgerQuerySchema,
  success: { status: 200, schema: LedgerPageSchema, description: "A page of ledger entries." },
  errors: [
    { status: 400, codes: ["validation_failed", "invalid_cursor"] },
    { status: 403, codes: ["forbidden"] },
    { status: 404, codes: ["not_found"] },
  ],
  async handler(ctx) {
    const viewer = requireReader(viewerOf(ctx), "funds.view");
    const customer = await visibleCustomer(ctx.db, viewer, ctx.params.code!);
    if (ctx.query.cursor && !decodeCursor(ctx.query.cursor, ["number"])) throw invalidCursor();
    const page = await listLedger(ctx.db, scopeOf(viewer), customer.id, {
      account: ctx.query.account,
      after: ctx.query.cursor,
      limit: ctx.query.limit ?? DEFAULT_LIMIT,
    });
    if (!page) throw notFound("The customer");
    return { status: 200, body: { items: page.items.map(ledgerItem), nextCursor: page.nextCursor } };
  },
});

const getWorkflowEndpoint = defineEndpoint({
  method: "GET",
  path: "/settings/workflow",
  operationId: "getWorkflow",
  tag: "settings",
  summary: "Pipeline steps switched on, and the order rules",
  auth: "token",
  access: "Staff with settings.workflow.",
  query: NoQuerySchema,
  success: { status: 200, schema: WorkflowSchema, description: "The settings in force." },
  errors: [{ status: 403, codes: ["forbidden"] }],
  async handler(ctx) {
    requireStaffPermission(viewerOf(ctx), "settings.workflow");
    return { status: 200, body: presentWorkflow(await getSettings(ctx.db)) };
  },
});

const putWorkflowEndpoint = defineEndpoint({
  method: "PUT",
  path: "/settings/workflow",
  operationId: "putWorkflow",
  tag: "settings",
  summary: "Replace the pipeline steps and order rules",
  description: "Orders already waiting at a step that is switched off can still be handled there.",
  auth: "token",
  access: "Staff with settings.workflow.",
  body: WorkflowSchema,
  success: { status: 200, schema: WorkflowSchema, description: "The settings now in force." },
  errors: [
    { status: 400, codes: ["validation_failed"] },
    { status: 403, codes: ["forbidden"] },
  ],
  async handler(ctx) {
    const staff = requireStaffPermission(viewerOf(ctx), "settings.workflow");
    const { body } = ctx;
    const saved = await updateSettings(
      ctx.db,
      auditActor(staff, ctx),
      {
        orderSteps: body.orders,
        returnSteps: body.returns,
        autoReceiptDays: body.autoReceiptDays,
        allowOverselling: body.allowOverselling,
        stockDisplay: body.stockDisplay,
      },
      ctx.now,
    );
    return { status: 200, body: presentWorkflow(saved) };
  },
});

const openApiEndpoint = defineEndpoint({
  method: "GET",
  path: "/openapi.json",
  operationId: "getOpenApi",
  tag: "meta",
  summary: "This API as an OpenAPI 3.1 document",
  auth: "none",
  access: "Anyone.",
  success: { status: 200, description: "The OpenAPI 3.1 document." },
  errors: [],
  async handler() {
    return { status: 200, body: openApiDocument() };
  },
});

/** Every endpoint, in the order the reference lists them. */
export const ENDPOINTS: ReadonlyArray<Endpoint> = [
  tokenEndpoint,
  revokeTokenEndpoint,
  meEndpoint,
  productsEndpoint,
  submitOrderEndpoint,
  listOrdersEndpoint,
  getOrderEndpoint,
  orderActionEndpoint,
  createReturnEndpoint,
  listReturnsEndpoint,
  getReturnEndpoint,
  returnActionEndpoint,
  fundsEndpoint,
  paymentEndpoint,
  ledgerEndpoint,
  getWorkflowEndpoint,
  putWorkflowEndpoint,
  openApiEndpoint,
];

let cachedDocument: unknown;
/** Built once per process: it depends on nothing but the code. */
export function openApiDocument(): unknown {
  cachedDocument ??= buildOpenApiDocument(ENDPOINTS);
  return cachedDocument;
}
