import type { ReactNode } from "react";
import { useLocation } from "react-router";
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, pageSizeOf } from "../http/page-size";
import { useTranslation } from "../i18n/use-translation";
import { chipProps } from "./chip";
import { AppLink } from "./row-link";

/** The console's dense table: a bordered, horizontally scrollable frame. */
export function DataTable({ children, caption }: { children: ReactNode; caption?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        {children}
      </table>
    </div>
  );
}

/** A header and a body cell of a dense table: app.css's `.th` and `.td`. */
export const thClass = "th";
export const tdClass = "td";

/** The one row a table shows when it has nothing to list. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-6 text-center text-slate-500">
        {children}
      </td>
    </tr>
  );
}

/**
 * A column header that sorts by a URL parameter (`sort=field` / `sort=-field`), so sorting
 * works without JavaScript, survives reloads and can be shared as a link.
 */
export function SortHeader({ field, label, defaultSort }: { field: string; label: string; defaultSort: string }) {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const current = params.get("sort") ?? defaultSort;
  const active = current === field || current === `-${field}`;
  const descending = current === `-${field}`;
  params.set("sort", active && !descending ? `-${field}` : field);
  params.delete("after");
  params.delete("cursor");
  return (
    <th scope="col" className={thClass} aria-sort={active ? (descending ? "descending" : "ascending") : "none"}>
      <AppLink to={`?${params.toString()}`} className="inline-flex items-center gap-1 hover:text-slate-900">
        {label}
        <span aria-hidden className={active ? "text-slate-900" : "text-slate-300"}>
          {active && descending ? "↓" : "↑"}
        </span>
      </AppLink>
    </th>
  );
}

/**
 * "First page" / "Next page" links for keyset pagination, keeping the other URL parameters; with
 * `pageSizes` (a list whose loader reads its rows per page with `pageSizeOf`), also the choice of
 * 20, 50 or 100 rows per page, which starts again at the first page.
 */
export function KeysetPager({
  nextCursor,
  param = "cursor",
  labels,
  pageSizes = false,
}: {
  nextCursor: string | number | null;
  param?: string;
  labels: { first: string; next: string };
  pageSizes?: boolean;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  const pageSize = pageSizeOf(params);
  const onFirstPage = !params.get(param);
  const with_ = (changes: Record<string, string | null>): `?${string}` | `/${string}` => {
    const p = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) p.delete(key);
      else p.set(key, value);
    }
    const s = p.toString();
    return s ? `?${s}` : (location.pathname as `/${string}`);
  };
  // Sizes are offered once there is more than one page of the smallest, or a larger one was chosen.
  const sizes = pageSizes && (nextCursor !== null || !onFirstPage || pageSize !== DEFAULT_PAGE_SIZE);
  if (onFirstPage && nextCursor === null && !sizes) return null;
  const linkClass =
    "inline-flex min-h-10 items-center rounded-md bg-white px-4 text-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";
  return (
    <nav className="mt-3 flex flex-wrap items-center gap-2" aria-label={t("common.pagination")}>
      {onFirstPage ? null : (
        <AppLink to={with_({ [param]: null })} className={linkClass}>
          {labels.first}
        </AppLink>
      )}
      {nextCursor === null ? null : (
        <AppLink to={with_({ [param]: String(nextCursor) })} className={linkClass}>
          {labels.next}
        </AppLink>
      )}
      {sizes ? (
        <span className="ml-auto flex items-center gap-1 text-sm text-slate-500" data-testid="page-sizes">
          {t("common.pageSize")}
          {PAGE_SIZES.map((size) => (
            <AppLink
              key={size}
              to={with_({ [param]: null, size: size === DEFAULT_PAGE_SIZE ? null : String(size) })}
              {...chipProps(size === pageSize)}
              aria-label={t("common.perPage", { count: size })}
            >
              {size}
            </AppLink>
          ))}
        </span>
      ) : null}
    </nav>
  );
}
