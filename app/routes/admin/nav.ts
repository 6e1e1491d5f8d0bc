import type { Permission } from "../../domain/permissions";

/** The console's menu; an entry shows only to staff holding its permission. */
export const CONSOLE_NAV: ReadonlyArray<{ to: string; labelKey: string; permission: Permission | null }> = [
  { to: "/admin", labelKey: "nav.dashboard", permission: null },
  { to: "/admin/orders/new", labelKey: "nav.orderOnBehalf", permission: "order.create" },
  // @nav:admin-orders
  { to: "/admin/customers", labelKey: "nav.customers", permission: "customer.view" },
  // @nav:products
  // @nav:stock
  // @nav:imports
];
