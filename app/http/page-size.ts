/**
 * Rows per page of the console's lists: 20 unless the URL asks for 50 or 100 (`size=`), the
 * choices the pager offers. Twenty is what Magento, OroCommerce and the usual Chinese admin
 * tables open with; a clerk working a long queue in bulk picks a larger page and keeps it in
 * the URL. Anything else in `size` is ignored.
 */
export const PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 20;

export function pageSizeOf(params: URLSearchParams): number {
  const asked = Number(params.get("size"));
  return (PAGE_SIZES as readonly number[]).includes(asked) ? asked : DEFAULT_PAGE_SIZE;
}
