import type { Permission } from "../../domain/permissions";

/** The console's menu; an entry shows only to staff holding its permission. */
export const CONSOLE_NAV: ReadonlyArray<{ to: `/${string}`; labelKey: string; permission: Permission | null }> = [
  { to: "/admin", labelKey: "nav.dashboard", permission: null },
  { to: "/admin/orders/new", labelKey: "nav.orderOnBehalf", permission: "order.create" },
  { to: "/admin/orders", labelKey: "nav.consoleOrders", permission: "order.view" },
  // @nav:admin-orders
  { to: "/admin/returns", labelKey: "returnsAdmin.nav.returns", permission: "return.view" },
  { to: "/admin/returns-report", labelKey: "returnsAdmin.nav.report", permission: "return.view" },
  // @nav:returns
  { to: "/admin/customers", labelKey: "nav.customers", permission: "customer.view" },
  { to: "/admin/products", labelKey: "nav.products", permission: "product.view" },
  { to: "/admin/categories", labelKey: "nav.categories", permission: "product.view" },
  { to: "/admin/prices", labelKey: "nav.prices", permission: "price.manage" },
  // @nav:products
  { to: "/admin/stock", labelKey: "nav.stock", permission: "product.view" },
  { to: "/admin/warehouses", labelKey: "nav.warehouses", permission: "stock.manage" },
  // @nav:stock
  { to: "/admin/import/products", labelKey: "imports.navLabel", permission: "product.manage" },
  // @nav:imports
  { to: "/admin/funds", labelKey: "funds.nav.balances", permission: "funds.view" },
  { to: "/admin/payment-reports", labelKey: "funds.nav.reports", permission: "funds.view" },
  // @nav:funds
  { to: "/admin/settings/workflow", labelKey: "nav.workflow", permission: "settings.workflow" },
  // @nav:pipeline
  { to: "/admin/settings/webhooks", labelKey: "webhooks.nav", permission: "settings.workflow" },
  // @nav:webhooks
  { to: "/admin/settings/staff", labelKey: "staff.nav.staff", permission: "settings.staff" },
  { to: "/admin/settings/roles", labelKey: "staff.nav.roles", permission: "settings.staff" },
  { to: "/admin/settings/audit", labelKey: "staff.nav.audit", permission: "settings.staff" },
  // @nav:staff
  { to: "/admin/settings/api", labelKey: "api.nav.reference", permission: null },
  { to: "/admin/settings/api-tokens", labelKey: "api.nav.tokens", permission: "settings.staff" },
  // @nav:api
];
