/** The console product list's sort orders, as the `sort` URL parameter spells them. */
export const PRODUCT_SORTS = ["name", "-name", "updated", "-updated"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];
export const DEFAULT_PRODUCT_SORT: ProductSort = "-updated";
