/**
 * The text a product is found by: its name, tags, and every SKU's code, barcode and spec,
 * lower-cased. Stored on the product (products.search_text) and rebuilt whenever any of these
 * change, so storefront search is one indexed-column LIKE instead of a join per keystroke.
 */
export function productSearchText(
  product: { name: string; tags?: string },
  skus: ReadonlyArray<{ code: string; barcode?: string; spec?: string }>,
): string {
  const parts = [product.name, product.tags ?? "", ...skus.flatMap((s) => [s.code, s.barcode ?? "", s.spec ?? ""])];
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .join(" ")
    .toLowerCase();
}
