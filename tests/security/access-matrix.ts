/**
 * Who may reach what (RELIABILITY A1–A3, DOMAIN §1–2): one machine-readable entry per route of
 * the React Router manifest (app/routes.ts), read by the suites in tests/e2e/access-matrix,
 * customer-isolation and region-scope and by tests/unit/access-matrix-manifest. A route without
 * an entry, or an entry without its route, fails them; so does a route module exporting an
 * action the entry lists no intents for.
 *
 * Adding a route = adding one line here, e.g.
 *   "/admin/settings/roles": { get: "settings.staff", actions: { create: "settings.staff" } },
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { RouteConfigEntry } from "@react-router/dev/routes";
import ts from "typescript";
import { PERMISSIONS, type Permission } from "../../app/domain/permissions";

/**
 * Who may do it:
 * - a permission: staff holding it; a list: staff holding all of them (a route's guard plus the
 *   step's, e.g. `order.view` to open the order and `order.review` to approve at 订单审核);
 * - `"staff"`: any signed-in staff account (the console layout's guard only);
 * - `"customer"`: a customer's ordering account, on its own objects only (the storefront);
 * - `"signed-in"`: any signed-in account, staff or customer (product images);
 * - `"anyone"`: anonymous too (login, health checks, the 404 page);
 * - `"api"`: the HTTP API's own router; its endpoints are listed in API_MATRIX below.
 */
export type Who = Permission | readonly Permission[] | "staff" | "customer" | "signed-in" | "anyone" | "api" | AnyOf;

/** Any one of several (the API: a customer on its own objects, or staff holding …). */
export interface AnyOf {
  readonly anyOf: readonly Who[];
}

const anyOf = (...whos: Who[]): AnyOf => ({ anyOf: whos });

export interface Access {
  /** Who may GET the page (and its `.data` request). */
  get: Who;
  /**
   * Per action intent (the form's `intent` field; `"*"`: the route's one action, whatever the
   * intent). `intent@status`: the intent on a document waiting at that status, when the
   * permission depends on the step (approve at 财务审核 needs order.finance_review…).
   */
  actions?: Readonly<Record<string, Who>>;
}

/** Fixture names the suites fill in `{…}` placeholders with (tests/e2e/security-fixtures.ts). */
export type Fixture =
  | "customer" // a customer of the suites' own region (safe to edit)
  | "product"
  | "productImage"
  | "order" // one of that customer's orders; `intent@status` picks one at the status
  | "shippedOrder" // one that has shipped (a delivery note exists)
  | "returnableOrder" // a completed one returns can be filed against
  | "paymentReport" // one of its payment reports, with a proof image
  | "return" // one of its returns, with a photo at position 0
  | "staffAccount" // a throwaway staff account
  | "role" // a throwaway custom role
  | "webhook"; // a webhook endpoint

export interface Entry extends Access {
  /** A concrete address with `{fixture}` placeholders; needed when the path has parameters. */
  at?: string;
  /** When who may do what depends on the address: one Access per sample address (no `get` above). */
  samples?: Readonly<Record<string, Access>>;
  /** Storefront routes naming one of the customer's objects (the isolation suite asks for another's). */
  owns?: "order" | "paymentReport" | "return";
  /** Free text: why an entry is special (the API splat is not requested here, see API_MATRIX). */
  note?: string;
}

type Matrix = Readonly<Record<string, Entry>>;

const ORDER_REVIEW = ["order.view", "order.review"] as const;
const FUNDS_MANAGE = ["funds.view", "funds.manage"] as const;

export const MATRIX: Matrix = {
  // ---- public and shared ----------------------------------------------------------------
  "/": { get: "anyone" },
  "/login": { get: "anyone", actions: { "*": "anyone" } },
  "/logout": { get: "anyone", actions: { "*": "anyone" } },
  "/set-language": { get: "anyone", actions: { "*": "anyone" } },
  "/healthz": { get: "anyone" },
  "/readyz": { get: "anyone" },
  // The benchmark's ceilings: 404 unless the server runs with BENCH=1 (npm run bench).
  "/bench/ceiling": { get: "anyone" },
  "/bench/ssr": { get: "anyone" },
  "/images/:imageId/:variant": { get: "signed-in", at: "/images/{productImage}/thumb" },
  "/*": { get: "anyone", at: "/no-such-page" },
  "/api/v1/*": { get: "api", note: "the API's own router: endpoints in API_MATRIX" },

  // ---- console: dashboard, customers ----------------------------------------------------
  "/admin": { get: "staff" },
  "/admin/customers": { get: "customer.view" },
  "/admin/customers/new": { get: "customer.manage", actions: { "*": "customer.manage" } },
  "/admin/customers/:customerId": {
    get: "customer.view",
    at: "/admin/customers/{customer}",
    actions: {
      details: "customer.manage",
      addAddress: "customer.manage",
      updateAddress: "customer.manage",
      removeAddress: "customer.manage",
      defaultAddress: "customer.manage",
      setStatus: "customer.manage",
      resetPassword: "customer.manage",
      generatePassword: "customer.manage",
    },
  },

  // ---- console: catalogue, prices, stock, import/export ---------------------------------
  "/admin/products": { get: "product.view" },
  "/admin/products/new": { get: "product.manage", actions: { save: "product.manage" } },
  "/admin/products/:productId": {
    get: "product.view",
    at: "/admin/products/{product}",
    actions: { save: "product.manage", removeImage: "product.manage", moveImage: "product.manage" },
  },
  "/admin/categories": {
    get: "product.view",
    actions: {
      create: "product.manage",
      rename: "product.manage",
      move: "product.manage",
      reorder: "product.manage",
      delete: "product.manage",
    },
  },
  "/admin/prices": {
    get: "price.manage",
    actions: {
      createLevel: "price.manage",
      updateLevel: "price.manage",
      setLevelPrice: "price.manage",
      clearLevelPrice: "price.manage",
      setCustomerPrice: "price.manage",
      clearCustomerPrice: "price.manage",
    },
  },
  "/admin/warehouses": {
    get: "product.view",
    actions: { create: "stock.manage", update: "stock.manage", setActive: "stock.manage" },
  },
  "/admin/stock": {
    get: "product.view",
    actions: { adjust: "stock.manage", stocktake: "stock.manage", initial: "stock.manage" },
  },
  "/admin/stock/movements": { get: "product.view" },
  "/admin/import/:kind": {
    get: "staff",
    samples: {
      "/admin/import/products": {
        get: "product.manage",
        actions: { check: "product.manage", import: "product.manage" },
      },
      "/admin/import/customers": {
        get: "customer.manage",
        actions: { check: "customer.manage", import: "customer.manage" },
      },
    },
  },
  "/admin/export/:file": {
    get: "staff",
    samples: {
      "/admin/export/products.csv": { get: "product.view" },
      "/admin/export/products-template.xlsx": { get: "product.manage" },
      "/admin/export/customers.csv": { get: "customer.view" },
      "/admin/export/customers-template.csv": { get: "customer.manage" },
    },
  },

  // ---- console: orders ------------------------------------------------------------------
  "/admin/orders/new": { get: "order.create", actions: { check: "order.create", submit: "order.create" } },
  // Bulk approval: order.view to post; each order then needs its step's permission, else it is
  // counted as failed and left alone (the access suite checks that separately).
  "/admin/orders": { get: "order.view", actions: { "*": "order.view" } },
  "/admin/orders/:number": {
    get: "order.view",
    at: "/admin/orders/{order}",
    actions: {
      "approve@pending_order_review": ORDER_REVIEW,
      "approve@pending_finance_review": ["order.view", "order.finance_review"],
      "approve@pending_outbound_review": ["order.view", "order.outbound_review"],
      "approve@pending_shipment": ["order.view", "order.ship"],
      "confirm_receipt@pending_receipt": ["order.view", "order.confirm_receipt"],
      "send_back@pending_order_review": ORDER_REVIEW,
      "void@pending_order_review": ["order.view", "order.void"],
      "amend@pending_order_review": ORDER_REVIEW,
    },
  },
  "/admin/orders/:number/delivery-note": { get: "order.view", at: "/admin/orders/{shippedOrder}/delivery-note" },
  "/admin/orders-export/:file": {
    get: "order.export",
    samples: {
      "/admin/orders-export/orders.csv": { get: "order.export" },
      "/admin/orders-export/orders.xlsx": { get: "order.export" },
    },
  },
  "/admin/settings/workflow": { get: "settings.workflow", actions: { "*": "settings.workflow" } },

  // ---- console: funds -------------------------------------------------------------------
  "/admin/funds": { get: "funds.view", actions: { rebateShare: "customer.credit" } },
  "/admin/payment-reports": { get: "funds.view", actions: { confirm: "funds.manage", reject: "funds.manage" } },
  "/admin/funds/customers/:customerId": {
    get: "funds.view",
    at: "/admin/funds/customers/{customer}",
    actions: {
      payment: FUNDS_MANAGE,
      rebate: FUNDS_MANAGE,
      adjust: FUNDS_MANAGE,
      creditCharge: FUNDS_MANAGE,
      reverse: FUNDS_MANAGE,
      creditLimit: ["funds.view", "customer.credit"],
    },
  },
  "/admin/funds/customers/:customerId/statement": {
    get: "funds.view",
    at: "/admin/funds/customers/{customer}/statement",
  },
  "/admin/funds/customers/:customerId/statement/export": {
    get: "funds.view",
    at: "/admin/funds/customers/{customer}/statement/export?format=csv",
  },
  "/admin/funds/proof/:reportId": { get: "funds.view", at: "/admin/funds/proof/{paymentReport}?variant=thumb" },

  // ---- console: returns -----------------------------------------------------------------
  "/admin/returns": { get: "return.view" },
  "/admin/returns/new": { get: "return.create", actions: { "*": "return.create" } },
  "/admin/returns/:number": {
    get: "return.view",
    at: "/admin/returns/{return}",
    actions: {
      "review@pending_return_review": ["return.view", "return.review"],
      "reject@pending_return_review": ["return.view", "return.review"],
      "ship_back@pending_return_shipment": ["return.view", "return.create"],
      "inbound@pending_inbound_review": ["return.view", "return.inbound_review"],
      "refund@pending_refund_review": ["return.view", "return.refund_review"],
    },
  },
  "/admin/returns/:number/photos/:position/:variant": {
    get: "return.view",
    at: "/admin/returns/{return}/photos/0/thumb",
  },
  "/admin/returns-export/:file": {
    get: "return.view",
    samples: {
      "/admin/returns-export/returns.csv": { get: "return.view" },
      "/admin/returns-export/returns.xlsx": { get: "return.view" },
    },
  },
  "/admin/returns-report": { get: "return.view" },

  // ---- console: settings (webhooks, API tokens) -----------------------------------------
  // Webhooks also need an account limited to no region (checked in the region suite).
  "/admin/settings/webhooks": { get: "settings.workflow" },
  "/admin/settings/webhooks/new": { get: "settings.workflow", actions: { "*": "settings.workflow" } },
  "/admin/settings/webhooks/:endpointId": {
    get: "settings.workflow",
    at: "/admin/settings/webhooks/{webhook}",
    actions: {
      update: "settings.workflow",
      rotate: "settings.workflow",
      delete: "settings.workflow",
      redeliver: "settings.workflow",
    },
  },
  "/admin/settings/api": { get: "staff" },
  "/admin/settings/api-tokens": {
    get: "settings.staff",
    actions: { create: "settings.staff", revoke: "settings.staff" },
  },

  // ---- console: staff, roles, audit (settings.staff) -------------------------------------
  "/admin/settings/staff": { get: "settings.staff" },
  "/admin/settings/staff/new": { get: "settings.staff", actions: { "*": "settings.staff" } },
  "/admin/settings/staff/:accountId": {
    get: "settings.staff",
    at: "/admin/settings/staff/{staffAccount}",
    actions: {
      details: "settings.staff",
      setStatus: "settings.staff",
      resetPassword: "settings.staff",
      generatePassword: "settings.staff",
    },
  },
  "/admin/settings/roles": { get: "settings.staff" },
  "/admin/settings/roles/new": { get: "settings.staff", actions: { "*": "settings.staff" } },
  "/admin/settings/roles/:roleId": {
    get: "settings.staff",
    at: "/admin/settings/roles/{role}",
    actions: { rename: "settings.staff", permissions: "settings.staff", delete: "settings.staff" },
  },
  "/admin/settings/permissions": { get: "settings.staff", actions: { "*": "settings.staff" } },
  "/admin/settings/audit": { get: "settings.staff" },
  "/admin/settings/audit-export/:file": {
    get: "settings.staff",
    samples: {
      "/admin/settings/audit-export/audit-log.csv": { get: "settings.staff" },
      "/admin/settings/audit-export/audit-log.xlsx": { get: "settings.staff" },
    },
  },

  // ---- storefront: customers only, their own objects -------------------------------------
  "/shop": { get: "customer" },
  "/shop/products/:productId": {
    get: "customer",
    at: "/shop/products/{product}",
    actions: { add: "customer", favourite: "customer" },
  },
  "/shop/cart": { get: "customer", actions: { update: "customer", remove: "customer" } },
  "/shop/quick-order": { get: "customer", actions: { check: "customer", add: "customer" } },
  "/shop/checkout": { get: "customer", actions: { "*": "customer" } },
  "/shop/orders": { get: "customer" },
  "/shop/orders/:number": {
    get: "customer",
    at: "/shop/orders/{order}",
    owns: "order",
    actions: {
      cancel: "customer",
      confirm_receipt: "customer",
      resubmit: "customer",
      edit: "customer",
      reorder: "customer",
    },
  },
  "/shop/funds": { get: "customer" },
  "/shop/funds/statement": { get: "customer" },
  "/shop/funds/report": { get: "customer", actions: { "*": "customer" } },
  "/shop/funds/proof/:reportId": {
    get: "customer",
    at: "/shop/funds/proof/{paymentReport}?variant=thumb",
    owns: "paymentReport",
  },
  "/shop/returns": { get: "customer" },
  "/shop/returns/new": {
    get: "customer",
    at: "/shop/returns/new?order={returnableOrder}",
    actions: { "*": "customer" },
  },
  "/shop/returns/:number": {
    get: "customer",
    at: "/shop/returns/{return}",
    owns: "return",
    actions: { cancel: "customer", ship_back: "customer" },
  },
  "/shop/returns/:number/photos/:position/:variant": {
    get: "customer",
    at: "/shop/returns/{return}/photos/0/thumb",
    owns: "return",
  },
};

/**
 * Answers that differ from the matrix today and are not leaks (nothing is shown or changed):
 * `"<test name> <caller>"` → why. Reported on every run; a deviation that stops happening fails
 * the suite so its line is removed. Fix the app, not this list.
 */
export const KNOWN_DEVIATIONS: Readonly<Record<string, string>> = {};

/**
 * The HTTP API (/api/v1, issue 8, API.md): one entry per endpoint of the API's table
 * (app/api/endpoints.server.ts `ENDPOINTS`), `"METHOD /api/v1/path"` with the table's `{name}`
 * parameters → Access, with `get` for who may call the endpoint whatever its method. The two
 * action endpoints list per `action@status` who may take that action on a document waiting at
 * that status (the endpoint's own `get` lets a caller in first: staff also need order.view /
 * return.view). Objects named by a path are the caller's own (customers) or in its regions.
 */
const ORDER_READER = anyOf("customer", "order.view");
const RETURN_READER = anyOf("customer", "return.view");

export const API_MATRIX: Readonly<Record<string, Access>> = {
  "POST /api/v1/auth/token": { get: "anyone" },
  "DELETE /api/v1/auth/token": { get: "signed-in" },
  "GET /api/v1/me": { get: "signed-in" },
  "GET /api/v1/openapi.json": { get: "anyone" },
  "GET /api/v1/products": { get: anyOf("customer", "product.view") },
  "POST /api/v1/orders": { get: anyOf("customer", "order.create") },
  "GET /api/v1/orders": { get: ORDER_READER },
  "GET /api/v1/orders/{number}": { get: ORDER_READER },
  "POST /api/v1/orders/{number}/actions": {
    get: ORDER_READER,
    actions: {
      "approve@pending_order_review": ORDER_REVIEW,
      "approve@pending_finance_review": ["order.view", "order.finance_review"],
      "approve@pending_outbound_review": ["order.view", "order.outbound_review"],
      "approve@pending_shipment": ["order.view", "order.ship"],
      "confirm_receipt@pending_receipt": anyOf("customer", ["order.view", "order.confirm_receipt"]),
      "send_back@pending_order_review": ORDER_REVIEW,
      "void@pending_order_review": ["order.view", "order.void"],
      "amend@pending_order_review": ORDER_REVIEW,
      "cancel@pending_order_review": "customer",
      "resubmit@sent_back": "customer",
    },
  },
  "POST /api/v1/returns": { get: anyOf("customer", "return.create") },
  "GET /api/v1/returns": { get: RETURN_READER },
  "GET /api/v1/returns/{number}": { get: RETURN_READER },
  "POST /api/v1/returns/{number}/actions": {
    get: RETURN_READER,
    actions: {
      "approve@pending_return_review": ["return.view", "return.review"],
      "reject@pending_return_review": ["return.view", "return.review"],
      "approve@pending_return_shipment": anyOf("customer", ["return.view", "return.create"]),
      "approve@pending_inbound_review": ["return.view", "return.inbound_review"],
      "approve@pending_refund_review": ["return.view", "return.refund_review"],
      "cancel@pending_return_review": "customer",
    },
  },
  "GET /api/v1/customers/{code}/funds": { get: anyOf("customer", "funds.view") },
  // API.md: staff with funds.manage (the console's payment form also wants funds.view to open the page).
  "POST /api/v1/customers/{code}/payments": { get: "funds.manage" },
  "GET /api/v1/customers/{code}/ledger": { get: anyOf("customer", "funds.view") },
  "GET /api/v1/settings/workflow": { get: "settings.workflow" },
  "PUT /api/v1/settings/workflow": { get: "settings.workflow" },
};

/** One endpoint of the API's table, as the matrix is checked against it. */
export interface ApiEndpointRef {
  method: string;
  /** Below /api/v1, with `{name}` parameters (the table's own form). */
  path: string;
  /** The body's `action` values, for the action endpoints. */
  actions?: readonly string[];
}

export const apiKey = (e: { method: string; path: string }) => `${e.method} /api/v1${e.path}`;

/** What is wrong between API_MATRIX and the API's endpoint table: the suites expect every list empty. */
export function apiMatrixProblems(endpoints: readonly ApiEndpointRef[]): {
  withoutEntry: string[];
  withoutEndpoint: string[];
  malformed: string[];
} {
  const keys = endpoints.map(apiKey);
  const malformed: string[] = [];
  for (const [key, entry] of Object.entries(API_MATRIX)) {
    for (const who of [entry.get, ...Object.values(entry.actions ?? {})])
      for (const name of namedPermissions(who))
        if (!permissionsOf(name as Permission).length) malformed.push(`${key}: unknown permission ${name}`);
    const endpoint = endpoints.find((e) => apiKey(e) === key);
    if (!endpoint) continue;
    const listed = new Set(Object.keys(entry.actions ?? {}).map((k) => parseActionKey(k).intent));
    for (const action of endpoint.actions ?? [])
      if (!listed.has(action)) malformed.push(`${key}: the matrix lists no entry for action ${action}`);
    for (const action of listed)
      if (!(endpoint.actions ?? []).includes(action ?? ""))
        malformed.push(`${key}: the matrix lists action ${action}, the endpoint has none such`);
  }
  return {
    withoutEntry: keys.filter((k) => !API_MATRIX[k]),
    withoutEndpoint: Object.keys(API_MATRIX).filter((k) => !keys.includes(k)),
    malformed,
  };
}

/** Every dotted name a Who uses, real permission or not. */
function namedPermissions(who: Who): string[] {
  if (typeof who === "string") return who.includes(".") ? [who] : [];
  if (isAnyOf(who)) return who.anyOf.flatMap(namedPermissions);
  return [...who];
}

export const isAnyOf = (who: Who): who is AnyOf => typeof who === "object" && !Array.isArray(who) && "anyOf" in who;

// -----------------------------------------------------------------------------------------
// Reading the route manifest
// -----------------------------------------------------------------------------------------

export const APP_DIR = resolve(import.meta.dirname, "../../app");

export interface ManifestRoute {
  /** The URL pattern, e.g. "/admin/orders/:number" ("/" for the root index, "/*" for the splat). */
  path: string;
  /** The module, relative to app/. */
  file: string;
}

/**
 * Every addressable route of app/routes.ts (the config React Router builds from), flattened:
 * leaves and index routes with their full paths; a layout only when nothing under it answers
 * its own path.
 */
export function flattenRoutes(config: readonly RouteConfigEntry[], parent = ""): ManifestRoute[] {
  const out: ManifestRoute[] = [];
  for (const entry of config) {
    const path = entry.index ? parent : joinPath(parent, entry.path ?? "");
    if (entry.children?.length) {
      out.push(...flattenRoutes(entry.children, path));
      const answersOwnPath = entry.children.some((c) => c.index || !c.path);
      if (entry.path && !answersOwnPath) out.push({ path: path || "/", file: entry.file });
    } else {
      out.push({ path: path || "/", file: entry.file });
    }
  }
  return out;
}

function joinPath(parent: string, child: string): string {
  if (!child) return parent;
  return `${parent}/${child}`.replace(/\/+/g, "/");
}

/** The manifest as the build sees it: app/routes.ts imported, flattened. */
export async function routeManifest(): Promise<ManifestRoute[]> {
  const config = (await import("../../app/routes")).default as RouteConfigEntry[];
  return flattenRoutes(config).map((r) => ({ ...r, path: r.path.startsWith("/") ? r.path : `/${r.path}` }));
}

/** Which of loader/action/default a route module exports (TypeScript's parser; nothing is run). */
export function moduleExports(file: string): { exists: boolean; loader: boolean; action: boolean; component: boolean } {
  const full = resolve(APP_DIR, file);
  if (!existsSync(full)) return { exists: false, loader: false, action: false, component: false };
  const source = ts.createSourceFile(full, readFileSync(full, "utf8"), ts.ScriptTarget.Latest, false);
  const names = new Set<string>();
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    const isDefault = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)
      : false;
    if (ts.isExportAssignment(statement)) names.add("default");
    if (!exported) continue;
    if (isDefault) names.add("default");
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name)
      names.add(statement.name.text);
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
      for (const e of statement.exportClause.elements) names.add(e.name.text);
  }
  return { exists: true, loader: names.has("loader"), action: names.has("action"), component: names.has("default") };
}

// -----------------------------------------------------------------------------------------
// Reading the matrix
// -----------------------------------------------------------------------------------------

export interface Sample extends Access {
  route: string;
  /** The address with `{fixture}` placeholders. */
  url: string;
}

/** Every address the suites request for a route: its samples, or its one `at` (or its path). */
export function samplesOf(route: string, entry: Entry = MATRIX[route]!): Sample[] {
  if (entry.samples) return Object.entries(entry.samples).map(([url, access]) => ({ route, url, ...access }));
  return [{ route, url: entry.at ?? route, get: entry.get, actions: entry.actions }];
}

export type Area = "public" | "console" | "shop" | "api";

export function areaOf(route: string): Area {
  if (route === "/admin" || route.startsWith("/admin/")) return "console";
  if (route === "/shop" || route.startsWith("/shop/")) return "shop";
  if (route.startsWith("/api/")) return "api";
  return "public";
}

export type Caller =
  | { kind: "anonymous" }
  | { kind: "customer" }
  | { kind: "staff"; permissions: ReadonlySet<Permission> };

/** Does `who` let this caller in? */
export function allows(who: Who, caller: Caller): boolean {
  if (isAnyOf(who)) return who.anyOf.some((w) => allows(w, caller));
  if (who === "anyone") return true;
  if (who === "api") return false;
  if (who === "signed-in") return caller.kind !== "anonymous";
  if (who === "customer") return caller.kind === "customer";
  if (caller.kind !== "staff") return false;
  if (who === "staff") return true;
  const needed: readonly Permission[] = typeof who === "string" ? [who as Permission] : (who as readonly Permission[]);
  return needed.every((p) => caller.permissions.has(p));
}

/** Every permission a Who names (to check the matrix only uses real keys). */
export function permissionsOf(who: Who): Permission[] {
  if (isAnyOf(who)) return who.anyOf.flatMap(permissionsOf);
  if (Array.isArray(who)) return [...who];
  return (PERMISSIONS as readonly string[]).includes(who as string) ? [who as Permission] : [];
}

/** `approve@pending_order_review` → intent `approve`, status `pending_order_review`. */
export function parseActionKey(key: string): { intent: string | null; status: string | null } {
  const [intent = "", status] = key.split("@");
  return { intent: intent === "*" ? null : intent, status: status ?? null };
}

/** What is wrong between the matrix and the manifest: the suites expect every list empty. */
export function manifestProblems(manifest: readonly ManifestRoute[]): {
  withoutEntry: string[];
  withoutRoute: string[];
  malformed: string[];
  notWrittenYet: string[];
} {
  const routes = manifest.map((r) => r.path);
  const fileOf = new Map(manifest.map((r) => [r.path, r.file]));
  const malformed: string[] = [];
  for (const [route, entry] of Object.entries(MATRIX)) {
    const whos: Who[] = [entry.get, ...Object.values(entry.actions ?? {})];
    for (const s of Object.values(entry.samples ?? {})) whos.push(s.get, ...Object.values(s.actions ?? {}));
    for (const who of whos)
      if (typeof who === "string" && who.includes(".") && !permissionsOf(who).length)
        malformed.push(`${route}: unknown permission ${who}`);
    if (entry.get !== "api")
      for (const s of samplesOf(route)) if (/\/:/.test(s.url)) malformed.push(`${route}: no sample address`);
    const file = fileOf.get(route);
    if (!file || entry.get === "api") continue;
    const shape = moduleExports(file);
    if (!shape.exists) continue;
    const listed = samplesOf(route).some((s) => Object.keys(s.actions ?? {}).length);
    if (shape.action && !listed) malformed.push(`${route}: ${file} exports an action, the matrix lists no intent`);
    if (!shape.action && listed) malformed.push(`${route}: the matrix lists intents, ${file} exports no action`);
  }
  return {
    withoutEntry: routes.filter((r) => !MATRIX[r]),
    withoutRoute: Object.keys(MATRIX).filter((r) => !routes.includes(r)),
    malformed,
    notWrittenYet: manifest.filter((r) => !moduleExports(r.file).exists).map((r) => `${r.path} (${r.file})`),
  };
}
