/**
 * Every change of on_hand is one movement of one of these kinds (DOMAIN.md §3): 期初 initial,
 * 调整 adjustment, 盘点 stocktake, 出库 outbound, 退货入库 return restock.
 */
export const STOCK_MOVEMENT_KINDS = ["initial", "adjustment", "stocktake", "outbound", "return_restock"] as const;

export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];
