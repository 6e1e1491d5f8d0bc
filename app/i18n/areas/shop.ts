import type { Shape } from "../shape";

// Storefront (订货商城).
export const shopZh = {
  title: "订货商城",
  welcome: "欢迎，{{company}}",
  intro: "你正在使用 {{company}} 的订货账号。",
  customerCode: "客户编码",
  orderingAccount: "订货账号",
};

export const shopEn: Shape<typeof shopZh> = {
  title: "Storefront",
  welcome: "Welcome, {{company}}",
  intro: "You are signed in with the ordering account of {{company}}.",
  customerCode: "Customer code",
  orderingAccount: "Ordering account",
};
