import type { Shape } from "../shape";

// Console: customers (客户).
export const customersZh = {
  title: "客户",
  searchPlaceholder: "编码、名称或订货账号",
  code: "客户编码",
  name: "客户名称",
  region: "区域",
  level: "客户级别",
  contact: "联系人",
  phone: "电话",
  username: "订货账号",
};

export const customersEn: Shape<typeof customersZh> = {
  title: "Customers",
  searchPlaceholder: "Code, name or ordering account",
  code: "Code",
  name: "Name",
  region: "Region",
  level: "Level",
  contact: "Contact",
  phone: "Phone",
  username: "Ordering account",
};
