import { Form } from "react-router";
import { z } from "zod";
import { requireCustomer } from "../../auth/guards.server";
import { Availability } from "../../components/availability";
import { buttonClass } from "../../components/button";
import { chipProps } from "../../components/chip";
import { Money } from "../../components/money";
import { ProductImage } from "../../components/product-image";
import { RouteErrorBoundary } from "../../components/route-error";
import { AppLink, RowLink } from "../../components/row-link";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { browseCatalog, rootCategories } from "../../services/catalog.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/catalog";

const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  category: z.coerce.number().int().positive().optional().catch(undefined),
  after: z.coerce.number().int().positive().optional().catch(undefined),
  fav: z.literal("1").optional().catch(undefined),
});

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const settings = await getSettings(db);
  const [page, categories] = await Promise.all([
    browseCatalog(db, viewer.customer.id, {
      q: query.q,
      categoryId: query.category,
      after: query.after,
      favouritesOnly: query.fav === "1",
      limit: 24,
      stockDisplay: settings.stockDisplay,
    }),
    rootCategories(db),
  ]);
  const t = getI18n(context).t;
  return {
    title: `${t("shop.catalog.title")} · ${viewer.customer.name}`,
    query,
    categories,
    nextCursor: page.nextCursor,
    products: page.items,
  };
}

export default function Catalog({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { query, categories, products, nextCursor } = loaderData;
  const link = (changes: Record<string, string | undefined>): `?${string}` | "/shop" => {
    const params = new URLSearchParams();
    const merged = { q: query.q, category: query.category?.toString(), fav: query.fav, ...changes };
    for (const [k, v] of Object.entries(merged)) if (v) params.set(k, v);
    const s = params.toString();
    return s ? `?${s}` : "/shop";
  };
  // Looked up once for the page, not on each of its 24 cards.
  const fromWord = t("shop.catalog.from");
  const fromPosition = t("shop.catalog.fromPosition");
  return (
    <>
      <Form method="get" role="search" className="flex gap-2">
        {query.category ? <input type="hidden" name="category" value={query.category} /> : null}
        {query.fav ? <input type="hidden" name="fav" value="1" /> : null}
        <label htmlFor="catalog-q" className="sr-only">
          {t("shop.catalog.searchLabel")}
        </label>
        <input
          id="catalog-q"
          type="search"
          name="q"
          defaultValue={query.q ?? ""}
          placeholder={t("shop.catalog.searchPlaceholder")}
          className="min-h-11 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 text-base"
        />
        <button type="submit" className={buttonClass("primary")}>
          {t("common.search")}
        </button>
      </Form>
      <nav aria-label={t("shop.catalog.categories")} className="-mx-4 mt-3 flex gap-2 overflow-x-auto px-4 pb-1">
        <AppLink to={link({ category: undefined, after: undefined })} {...chipProps(!query.category)}>
          {t("shop.catalog.allCategories")}
        </AppLink>
        {categories.map((c) => (
          <AppLink key={c.id} to={link({ category: String(c.id) })} {...chipProps(query.category === c.id)}>
            {c.name}
          </AppLink>
        ))}
        <AppLink to={link({ fav: query.fav ? undefined : "1" })} {...chipProps(query.fav === "1")}>
          ★ {t("shop.catalog.favouritesOnly")}
        </AppLink>
      </nav>
      {query.q ? (
        <h1 className="mt-4 text-lg font-semibold">{t("shop.catalog.resultsFor", { q: query.q })}</h1>
      ) : (
        <h1 className="sr-only">{t("shop.catalog.title")}</h1>
      )}
      {products.length === 0 ? <p className="mt-8 text-center text-slate-500">{t("shop.catalog.empty")}</p> : null}
      <ul className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
        {products.map((p) => (
          <li key={p.id}>
            <RowLink to={`/shop/products/${p.id}`} className="product-card" data-testid="product-card">
              <ProductImage imageId={p.imageId} alt={p.name} className="aspect-square w-full" />
              <div className="p-3">
                <p className="product-card-name">{p.name}</p>
                <div className="mt-1 flex flex-wrap gap-1">
                  {p.tags.map((tag) => (
                    <span key={tag} className="product-tag">
                      {t(`shop.tags.${tag}`, { defaultValue: tag })}
                    </span>
                  ))}
                </div>
                <p className="mt-2 text-base font-semibold text-brand-700">
                  {p.samePrice || fromPosition !== "before" ? null : (
                    <span className="aside-note mr-1">{fromWord}</span>
                  )}
                  <Money fen={p.minPrice} />
                  <span className="aside-note ml-1">
                    /{p.unit}
                    {p.samePrice || fromPosition !== "after" ? "" : ` ${fromWord}`}
                  </span>
                </p>
                <div className="mt-1 flex items-center justify-between gap-2">
                  <Availability stock={p.stock} />
                  {p.skuCount > 1 ? (
                    <span className="text-xs text-slate-500">{t("shop.catalog.specs", { count: p.skuCount })}</span>
                  ) : null}
                </div>
              </div>
            </RowLink>
          </li>
        ))}
      </ul>
      {nextCursor ? (
        <div className="mt-4 text-center">
          <AppLink to={link({ after: String(nextCursor) })} className={buttonClass("secondary")}>
            {t("shop.catalog.more")}
          </AppLink>
        </div>
      ) : null}
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
