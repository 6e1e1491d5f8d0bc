/**
 * The permission catalogue (DOMAIN.md §2). Keys are stable: they are stored in the database,
 * sent by the API and referenced by every guard. Labels live in the translations.
 */
export const PERMISSION_AREAS = {
  orders: [
    "order.view",
    "order.create", // 代下单
    "order.review", // 订单审核
    "order.finance_review", // 财务审核
    "order.outbound_review", // 出库审核
    "order.ship", // 发货确认
    "order.confirm_receipt", // 代收货确认
    "order.void", // 作废
    "order.export",
  ],
  returns: ["return.view", "return.create", "return.review", "return.inbound_review", "return.refund_review"],
  catalog: ["product.view", "product.manage", "price.manage", "stock.manage"],
  customers: ["customer.view", "customer.manage", "customer.credit"],
  funds: ["funds.view", "funds.manage"],
  reports: ["report.view"],
  settings: ["announcement.manage", "settings.workflow", "settings.staff"],
} as const;

export type PermissionArea = keyof typeof PERMISSION_AREAS;
export type Permission = (typeof PERMISSION_AREAS)[PermissionArea][number];

export const PERMISSIONS: readonly Permission[] = Object.values(PERMISSION_AREAS).flat();

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export type BuiltinRoleKey =
  | "admin"
  | "business_lead"
  | "order_reviewer"
  | "finance_reviewer"
  | "warehouse_keeper"
  | "shipping_clerk";

/** The six built-in roles and their default permissions. 系统管理员 always holds all of them. */
export const BUILTIN_ROLES: Record<BuiltinRoleKey, { name: string; permissions: readonly Permission[] }> = {
  admin: { name: "系统管理员", permissions: PERMISSIONS },
  business_lead: {
    name: "业务负责人",
    permissions: [
      "order.view",
      "order.create",
      "order.review",
      "order.void",
      "order.export",
      "return.view",
      "return.create",
      "return.review",
      "product.view",
      "price.manage",
      "customer.view",
      "customer.manage",
      "funds.view",
      "report.view",
      "announcement.manage",
    ],
  },
  order_reviewer: {
    name: "订单审核员",
    permissions: [
      "order.view",
      "order.create",
      "order.review",
      "return.view",
      "return.review",
      "product.view",
      "customer.view",
    ],
  },
  finance_reviewer: {
    name: "财务审核员",
    permissions: [
      "order.view",
      "order.finance_review",
      "return.view",
      "return.refund_review",
      "customer.view",
      "customer.credit",
      "funds.view",
      "funds.manage",
      "report.view",
    ],
  },
  warehouse_keeper: {
    name: "仓库管理员",
    permissions: [
      "order.view",
      "order.outbound_review",
      "return.view",
      "return.inbound_review",
      "product.view",
      "stock.manage",
    ],
  },
  shipping_clerk: {
    name: "发货审核员",
    permissions: ["order.view", "order.ship", "order.confirm_receipt", "return.view", "product.view"],
  },
};

/** A common custom role (the demo seed creates it): 区域经理, given to region-limited staff. */
export const REGIONAL_MANAGER_PERMISSIONS: readonly Permission[] = [
  "order.view",
  "order.create",
  "order.review",
  "return.view",
  "return.create",
  "return.review",
  "product.view",
  "customer.view",
  "report.view",
];

/** What a staff member may do: the union of their roles, and which regions they may see. */
export interface StaffGrant {
  permissions: ReadonlySet<Permission>;
  /** `null`: every region. Otherwise only customers, orders and returns of these region ids. */
  regionIds: readonly number[] | null;
}

export function can(grant: StaffGrant, permission: Permission): boolean {
  return grant.permissions.has(permission);
}

export function canSeeRegion(grant: StaffGrant, regionId: number): boolean {
  return grant.regionIds === null || grant.regionIds.includes(regionId);
}
