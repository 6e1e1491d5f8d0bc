/** Business settings with their defaults (DOMAIN.md §3–5). Stored as JSON per key. */
export type StockDisplay = "quantity" | "flag" | "hidden";

export interface BusinessSettings {
  /** What dealers see of stock: the quantity, an in-stock flag, or nothing. */
  stockDisplay: StockDisplay;
  /** Accept orders beyond available stock. */
  allowOverselling: boolean;
}

export const DEFAULT_SETTINGS: BusinessSettings = {
  stockDisplay: "flag",
  allowOverselling: false,
};
