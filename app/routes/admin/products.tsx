import { Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, EmptyRow, KeysetPager, SortHeader, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { ListedBadge, TagBadges } from "../../components/product-badges";
import { RouteErrorBoundary } from "../../components/route-error";
import { RowLink } from "../../components/row-link";
import { getDatabase } from "../../db.server";
import { PRODUCT_TAGS } from "../../domain/product-tags";
import { categoryOptions } from "../../forms/category-forms";
import { DEFAULT_PRODUCT_SORT, PRODUCT_SORTS } from "../../forms/product-list";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listCategories } from "../../services/categories.server";
import { listProducts } from "../../services/products.server";
import type { Route } from "./+types/products";

const PAGE_SIZE = 50;

// Anything unreadable in the address falls back to "no filter" instead of an error page.
const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  category: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  status: z.enum(["listed", "unlisted"]).optional().catch(undefined),
  tag: z.enum(PRODUCT_TAGS).optional().catch(undefined),
  sort: z.enum(PRODUCT_SORTS).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "product.view");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const [page, categories] = await Promise.all([
    listProducts(db, viewer.grant, {
      q: query.q,
      categoryId: query.category,
      listed: query.status,
      tag: query.tag,
      sort: query.sort,
      cursor: query.cursor,
      limit: PAGE_SIZE,
    }),
    listCategories(db, viewer.grant),
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("products.list.title")} · ${t("app.name")}`,
    filters: {
      q: query.q ?? "",
      category: query.category ? String(query.category) : "",
      status: query.status ?? "",
      tag: query.tag ?? "",
      sort: query.sort ?? "",
    },
    categories: categories.map((c) => ({ id: c.id, name: c.name, depth: c.depth, path: c.path })),
    canManage: viewer.grant.permissions.has("product.manage"),
    ...page,
  };
}

const filterControl = "h-10 rounded-md border border-slate-300 bg-white px-3 text-sm";

export default function Products({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { items, nextCursor, filters, categories, canManage } = loaderData;
  const pathOf = new Map(categories.map((c) => [c.id, c.path.join(" / ")]));
  const filtered = Boolean(filters.q || filters.category || filters.status || filters.tag);
  return (
    <>
      <PageHeader title={t("products.list.title")}>
        {canManage ? (
          <Link to="/admin/products/new" className={buttonClass("primary")}>
            {t("products.list.new")}
          </Link>
        ) : null}
      </PageHeader>
      <Form method="get" role="search" className="mb-3 flex flex-wrap items-end gap-2">
        {filters.sort ? <input type="hidden" name="sort" value={filters.sort} /> : null}
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {t("common.search")}
          <input
            name="q"
            defaultValue={filters.q}
            placeholder={t("products.list.searchPlaceholder")}
            className={`${filterControl} w-64`}
          />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {t("products.fields.category")}
          <select name="category" defaultValue={filters.category} className={filterControl}>
            {categoryOptions(categories, t("common.all")).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {t("common.status")}
          <select name="status" defaultValue={filters.status} className={filterControl}>
            <option value="">{t("common.all")}</option>
            <option value="listed">{t("products.listed")}</option>
            <option value="unlisted">{t("products.unlisted")}</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {t("products.fields.tags")}
          <select name="tag" defaultValue={filters.tag} className={filterControl}>
            <option value="">{t("common.all")}</option>
            {PRODUCT_TAGS.map((tag) => (
              <option key={tag} value={tag}>
                {t(`products.tags.${tag}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          {t("common.filter")}
        </button>
        {filtered ? (
          <Link to="/admin/products" className={buttonClass("ghost")}>
            {t("products.list.clearFilters")}
          </Link>
        ) : null}
      </Form>
      <DataTable caption={t("products.list.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              <span className="sr-only">{t("products.images.heading")}</span>
            </th>
            <SortHeader field="name" label={t("products.fields.name")} defaultSort={DEFAULT_PRODUCT_SORT} />
            <th scope="col" className={thClass}>
              {t("products.fields.category")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("products.list.skus")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("products.sku.basePrice")}
            </th>
            <th scope="col" className={thClass}>
              {t("products.fields.tags")}
            </th>
            <th scope="col" className={thClass}>
              {t("common.status")}
            </th>
            <SortHeader field="updated" label={t("products.list.updated")} defaultSort={DEFAULT_PRODUCT_SORT} />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((p) => (
            <tr key={p.id} className="hover:bg-slate-50">
              <td className={`${tdClass} w-14`}>
                {p.imageId ? (
                  <img
                    src={`/images/${p.imageId}/thumb`}
                    alt=""
                    loading="lazy"
                    className="size-10 rounded border border-slate-200 object-cover"
                  />
                ) : (
                  <span
                    aria-hidden
                    className="block size-10 rounded border border-dashed border-slate-200 bg-slate-50"
                  />
                )}
              </td>
              <td className={tdClass}>
                <RowLink to={`/admin/products/${p.id}`} className="font-medium text-brand-700 hover:underline">
                  {p.name}
                </RowLink>
                <p className="font-mono text-xs text-slate-500">
                  {p.codes.join(" · ")}
                  {p.skuCount > p.codes.length ? ` +${p.skuCount - p.codes.length}` : ""}
                </p>
              </td>
              <td className={`${tdClass} text-slate-600`}>
                {p.categoryId ? (pathOf.get(p.categoryId) ?? "—") : t("products.noCategory")}
              </td>
              <td className={`${tdClass} text-right tabular-nums`}>
                {p.listedSkuCount === p.skuCount ? p.skuCount : `${p.listedSkuCount} / ${p.skuCount}`}
              </td>
              <td className={`${tdClass} whitespace-nowrap text-right`}>
                {p.minBasePrice === null ? (
                  "—"
                ) : p.minBasePrice === p.maxBasePrice ? (
                  <Money fen={p.minBasePrice} />
                ) : (
                  <>
                    <Money fen={p.minBasePrice} /> – <Money fen={p.maxBasePrice ?? p.minBasePrice} />
                  </>
                )}
              </td>
              <td className={tdClass}>
                <TagBadges tags={p.tags} />
              </td>
              <td className={tdClass}>
                <ListedBadge listed={p.listed} />
              </td>
              <td className={`${tdClass} whitespace-nowrap text-slate-600`}>
                <DateTime iso={p.updatedAt} />
              </td>
            </tr>
          ))}
          {items.length === 0 ? (
            <EmptyRow colSpan={8}>{filtered ? t("common.noResults") : t("products.list.empty")}</EmptyRow>
          ) : null}
        </tbody>
      </DataTable>
      <KeysetPager nextCursor={nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
