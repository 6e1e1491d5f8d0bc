import { data, Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import { requireCustomer } from "../../auth/guards.server";
import { Availability } from "../../components/availability";
import { Button } from "../../components/button";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { ProblemText } from "../../components/problem-text";
import { ProductImage } from "../../components/product-image";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { nearestAllowedQuantity } from "../../domain/order-quantity";
import { shownStock } from "../../domain/settings";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { addToCart, favouriteIds, toggleFavourite } from "../../services/cart.server";
import { getCatalogProduct } from "../../services/catalog.server";
import { checkLines } from "../../services/order-lines.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/product";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

const productId = (params: { productId: string }) => {
  const id = Number(params.productId);
  if (!Number.isSafeInteger(id) || id <= 0) throw data(null, { status: 404 });
  return id;
};

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const id = productId(params);
  const [product, settings, favourites] = await Promise.all([
    getCatalogProduct(db, viewer.customer.id, id),
    getSettings(db),
    favouriteIds(db, viewer.customer.id, [id]),
  ]);
  if (!product) throw data(null, { status: 404 });
  return {
    title: `${product.name} · ${getI18n(context).t("shop.title")}`,
    // Units leave the server only when the setting shows them (the page's data is readable too).
    product: {
      ...product,
      skus: product.skus.map(({ available, ...sku }) => ({
        ...sku,
        stock: shownStock(available, settings.stockDisplay),
      })),
    },
    favourite: favourites.has(id),
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), skuId: z.coerce.number().int().positive(), quantity: z.coerce.number().int() }),
  z.object({ intent: z.literal("favourite") }),
]);

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const id = productId(params);
  const product = await getCatalogProduct(db, viewer.customer.id, id);
  if (!product) throw data(null, { status: 404 });
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success)
    return data({ skuId: null, problem: { code: "not_integer" as const }, added: false }, { status: 400 });
  const now = new Date();
  if (parsed.data.intent === "favourite") {
    await toggleFavourite(db, viewer.customer.id, id, now);
    return { skuId: null, problem: null, added: false };
  }
  const { skuId, quantity } = parsed.data;
  const sku = product.skus.find((s) => s.id === skuId);
  if (!sku) throw data(null, { status: 404 });
  const [line] = await checkLines(db, viewer.customer.id, [{ skuCode: sku.code, quantity }], await getSettings(db));
  if (line!.problem) return data({ skuId: sku.id, problem: line!.problem, added: false }, { status: 400 });
  await addToCart(db, viewer.customer.id, [line!], now);
  return { skuId: sku.id, problem: null, added: true };
}

export default function ProductPage({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { product, favourite } = loaderData;
  return (
    <article>
      <Link to="/shop" className="text-sm text-brand-700">
        ← {t("shop.catalog.title")}
      </Link>
      <div className="mt-3 grid gap-6 md:grid-cols-2">
        <div>
          <ProductImage
            imageId={product.imageIds[0]}
            alt={product.name}
            variant="full"
            className="aspect-square w-full rounded-lg"
          />
          {product.imageIds.length > 1 ? (
            <ul className="mt-2 flex gap-2 overflow-x-auto">
              {product.imageIds.slice(1).map((imageId) => (
                <li key={imageId}>
                  <a href={`/images/${imageId}/full`}>
                    <ProductImage imageId={imageId} alt={product.name} className="size-16 rounded" />
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="min-w-0">
          <h1 className="text-xl font-semibold text-slate-900">{product.name}</h1>
          <div className="mt-1 flex flex-wrap gap-1">
            {product.tags.map((tag) => (
              <span key={tag} className="rounded bg-rose-50 px-1.5 text-xs text-rose-700">
                {t(`shop.tags.${tag}`, { defaultValue: tag })}
              </span>
            ))}
          </div>
          <Form method="post" className="mt-2">
            <button type="submit" name="intent" value="favourite" className="min-h-10 text-sm text-amber-700">
              {favourite ? `★ ${t("shop.product.unfavourite")}` : `☆ ${t("shop.product.favourite")}`}
            </button>
          </Form>
          {actionData?.added ? <Notice tone="success">{t("shop.product.added")}</Notice> : null}
          <ul className="mt-3 space-y-3">
            {product.skus.map((sku) => {
              const suggested = nearestAllowedQuantity(sku.minQty, sku) ?? sku.minQty;
              const problem = actionData?.skuId === sku.id ? actionData.problem : null;
              return (
                <li
                  key={sku.id}
                  className="rounded-lg border border-slate-200 bg-white p-3"
                  data-testid={`sku-${sku.code}`}
                >
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <p className="font-medium">{sku.spec || product.name}</p>
                    <p className="text-lg font-semibold text-brand-700">
                      <Money fen={sku.price} />
                      <span className="ml-1 text-xs font-normal text-slate-500">/{sku.unit}</span>
                    </p>
                  </div>
                  <dl className="mt-1 grid grid-cols-2 gap-x-3 text-xs text-slate-500">
                    <div>
                      <dt className="inline">
                        {t("shop.product.sku")}
                        {t("common.colon")}
                      </dt>
                      <dd className="inline font-mono">{sku.code}</dd>
                    </div>
                    <div>
                      <dt className="inline">
                        {t("shop.product.retail")}
                        {t("common.colon")}
                      </dt>
                      <dd className="inline">
                        <Money fen={sku.retailPrice} />
                      </dd>
                    </div>
                    {sku.barcode ? (
                      <div>
                        <dt className="inline">
                          {t("shop.product.barcode")}
                          {t("common.colon")}
                        </dt>
                        <dd className="inline font-mono">{sku.barcode}</dd>
                      </div>
                    ) : null}
                    <div>
                      <Availability stock={sku.stock} />
                    </div>
                  </dl>
                  <p className="mt-1 text-xs text-slate-500">
                    {sku.maxQty
                      ? t("shop.product.rulesWithMax", { min: sku.minQty, max: sku.maxQty, multiple: sku.multiple })
                      : t("shop.product.rules", { min: sku.minQty, multiple: sku.multiple })}
                  </p>
                  <Form method="post" className="mt-2 flex items-end gap-2">
                    <input type="hidden" name="intent" value="add" />
                    <input type="hidden" name="skuId" value={sku.id} />
                    <label className="text-sm">
                      <span className="sr-only">{t("shop.product.quantity")}</span>
                      <input
                        type="number"
                        name="quantity"
                        inputMode="numeric"
                        min={sku.minQty}
                        step={sku.multiple}
                        max={sku.maxQty ?? undefined}
                        defaultValue={suggested}
                        aria-invalid={problem ? true : undefined}
                        className="min-h-11 w-24 rounded-md border border-slate-300 px-2 text-base"
                      />
                    </label>
                    <Button type="submit" disabled={navigation.state === "submitting"}>
                      {t("shop.product.addToCart")}
                    </Button>
                  </Form>
                  {problem ? (
                    <p className="mt-1">
                      <ProblemText problem={problem} />
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
          {product.description ? (
            <section className="mt-4">
              <h2 className="text-sm font-semibold text-slate-700">{t("shop.product.description")}</h2>
              <p className="mt-1 whitespace-pre-line text-sm text-slate-600">{product.description}</p>
            </section>
          ) : null}
        </div>
      </div>
    </article>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
