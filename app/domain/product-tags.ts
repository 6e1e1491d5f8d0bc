/**
 * Product tags (DOMAIN.md §3): 新品 new, 热卖 hot, 清仓 clearance. Stored on the product as
 * space-separated keys in this order ("new hot clearance"); labels live in the translations.
 */
export const PRODUCT_TAGS = ["new", "hot", "clearance"] as const;

export type ProductTag = (typeof PRODUCT_TAGS)[number];

export const isProductTag = (value: unknown): value is ProductTag =>
  typeof value === "string" && (PRODUCT_TAGS as readonly string[]).includes(value);

/** The stored column → known tags, in canonical order; unknown words are dropped. */
export function parseProductTags(stored: string): ProductTag[] {
  const words = new Set(stored.split(/\s+/));
  return PRODUCT_TAGS.filter((tag) => words.has(tag));
}

/** Tags → the stored column: canonical order, no repeats. */
export function formatProductTags(tags: readonly string[]): string {
  const wanted = new Set(tags);
  return PRODUCT_TAGS.filter((tag) => wanted.has(tag)).join(" ");
}
