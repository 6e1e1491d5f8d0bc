import type { Shape } from "../shape";

// Orders on both sides: statuses, timeline actions, totals.
export const ordersZh = { title: "订单" };

export const ordersEn: Shape<typeof ordersZh> = { title: "Orders" };
