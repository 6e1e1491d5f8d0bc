import type { Shape } from "../shape";

// Console: warehouses, stock levels, adjustments, stocktakes and movements.
export const stockZh = { title: "库存" };

export const stockEn: Shape<typeof stockZh> = { title: "Stock" };
