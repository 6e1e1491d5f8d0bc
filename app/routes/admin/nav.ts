import type { Permission } from "../../domain/permissions";

/** The console's menu; an entry shows only to staff holding its permission (and exists only once built). */
export const CONSOLE_NAV: ReadonlyArray<{ to: string; labelKey: string; permission: Permission | null }> = [
  { to: "/admin", labelKey: "nav.dashboard", permission: null },
  { to: "/admin/customers", labelKey: "nav.customers", permission: "customer.view" },
];
